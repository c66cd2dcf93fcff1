// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* record_options.c - `record` command line: its table, then trace's. */
#include <stddef.h>
#include <string.h>

#include "record/record_options.h"

static const struct tl_opt record_opts[] = {
	TL_OPT("write", 'w', TL_OPT_STRING, offsetof(struct tl_record_opts, path), "FILE",
	       "the recording (created 0600; never through a symlink)"),
	TL_OPT("force", 0, TL_OPT_FLAG, offsetof(struct tl_record_opts, force), NULL,
	       "replace an existing regular file"),
	TL_OPT("live", 0, TL_OPT_FLAG, offsetof(struct tl_record_opts, live), NULL,
	       "also print what `trace` prints (with --json, --events, ...)"),
	TL_OPT("rotate-size", 0, TL_OPT_SIZE, offsetof(struct tl_record_opts, rotate_size), "SIZE",
	       "start a new file at SIZE bytes (k, M, G suffixes)"),
	TL_OPT("rotate-time", 0, TL_OPT_SPAN, offsetof(struct tl_record_opts, rotate_time_ns), "T",
	       "start a new file every T (s, m, h suffixes)"),
	TL_OPT("max-files", 0, TL_OPT_UINT, offsetof(struct tl_record_opts, max_files), "N",
	       "with rotation: keep at most N files, FILE.0 ... FILE.(N-1)", .min = 1,
	       .max = 100000),
	{ 0 },
};

void tl_record_opts_defaults(struct tl_record_opts *r)
{
	memset(r, 0, sizeof(*r));
	tl_trace_opts_defaults(&r->trace);
}

int tl_record_parse(struct tl_record_opts *r, int argc, char **argv)
{
	struct tl_opt_group groups[1 + TL_TRACE_GROUPS] = { { NULL, record_opts, r } };
	const struct tl_opt_cmd cmd = {
		.name = "tcpline record",
		.synopsis = "Usage: tcpline record -w FILE [OPTIONS]\n"
			    "Record TCP lifecycle events into a compressed, crash-safe file\n"
			    "(docs/recording.md); `tcpline report FILE` reads it on any machine.\n"
			    "\n",
		.epilogue =
			"\n"
			"Exit status: 0 ok, 1 runtime error (a write error stops recording cleanly),\n"
			"2 usage error, 3 missing privileges, 4 kernel unsupported.\n",
		.groups = groups,
		.ngroups = 1 + TL_TRACE_GROUPS,
	};
	int rc;

	tl_trace_groups(&r->trace, groups + 1);
	groups[1].heading = "Output, with --live:";
	rc = tl_opts_parse(&cmd, argc, argv);
	if (rc)
		return rc;
	if (!r->path)
		return tl_opts_error(&cmd, "record needs -w FILE");
	if (r->max_files && !r->rotate_size && !r->rotate_time_ns)
		return tl_opts_error(&cmd, "--max-files needs --rotate-size or --rotate-time");
	tl_trace_opts_settle(&r->trace);
	return 0;
}
