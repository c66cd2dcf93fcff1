// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report_options.c - `report` command line: its table, trace's output and filter tables. */
#include <stddef.h>
#include <string.h>

#include "cli/filter_opts.h"
#include "report/report_options.h"

static const struct tl_opt report_opts[] = {
	TL_OPT("summary", 0, TL_OPT_FLAG, offsetof(struct tl_report_opts, summary_asked), NULL,
	       "the summary (the default); with --json as one JSON object"),
	TL_OPT("since", 0, TL_OPT_STRING, offsetof(struct tl_report_opts, since), "T",
	       "from T: RFC 3339 (2026-11-21T01:28:34Z) or seconds\n"
	       "from the recording's start (30, 1.5)"),
	TL_OPT("until", 0, TL_OPT_STRING, offsetof(struct tl_report_opts, until), "T",
	       "up to T (as --since)"),
	/* not listed: trace's command lines take it, and so does report (it has no use here) */
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct tl_report_opts, verbose), NULL, NULL),
	{ 0 },
};

/* trace's options that act on the live run: named as such when given to report */
static const struct tl_opt *const live_only[] = { tl_trace_owner_opts, tl_trace_priv_opts,
						  tl_trace_limit_opts, NULL };

int tl_report_parse(struct tl_report_opts *r, int argc, char **argv)
{
	const struct tl_opt_group groups[] = {
		{ NULL, report_opts, r },
		{ "Print what `trace` printed live:", tl_show_output_opts, &r->show },
		{ "Filters as in `trace` (--netns takes an inode number here):",
		  tl_filter_owner_opts, &r->show.filter },
		{ NULL, tl_filter_socket_opts, &r->show.filter },
		{ NULL, tl_filter_addr_opts, &r->show.filter },
	};
	const struct tl_opt_cmd cmd = {
		.name = "tcpline report",
		.synopsis =
			"Usage: tcpline report FILE... [OPTIONS]\n"
			"Analyse recordings (a rotated set reads as one timeline); no privileges needed.\n"
			"Without --events, --lifelines or --json: a one-screen summary.\n"
			"\n",
		.epilogue =
			"\n"
			"Exit status: 0 ok, 1 error (unreadable, not a recording, unknown version),\n"
			"2 usage error, 5 a recording damaged or cut: everything readable was reported.\n",
		.groups = groups,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
		.operands = r->files,
		.noperands = &r->nfiles,
		.max_operands = TL_REPORT_MAX_FILES,
		.operand_name = "FILE",
		.elsewhere = live_only,
		.elsewhere_note = "an option of trace and record, not of report",
	};
	int rc;

	memset(r, 0, sizeof(*r));
	rc = tl_opts_parse(&cmd, argc, argv);
	if (rc)
		return rc;
	if (!r->nfiles)
		return tl_opts_error(&cmd, "report needs at least one FILE");
	if (r->summary_asked && (r->show.events || r->show.lifelines))
		return tl_opts_error(&cmd, "--summary and --events/--lifelines exclude each other");
	/* --json alone prints what trace printed; with --summary, the summary */
	r->summary_json = r->summary_asked && r->show.json;
	r->summary = r->summary_asked || (!r->show.events && !r->show.lifelines && !r->show.json);
	return 0;
}
