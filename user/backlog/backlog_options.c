// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* backlog_options.c - `tcpline backlog` command line -> struct bl_opts. */
#include <stddef.h>
#include <string.h>

#include "backlog/backlog_options.h"
#include "cli/log.h"
#include "cli/filter_opts.h"
#include "kernel/precise.h"

static const struct tl_opt run_opts[] = {
	TL_OPT("interval", 0, TL_OPT_SECONDS, offsetof(struct bl_opts, interval), "S",
	       "seconds per report (default 1)", .min = 0.01, .max = 1e6),
	TL_OPT("once", 0, TL_OPT_FLAG, offsetof(struct bl_opts, once), NULL,
	       "one report after one interval, then exit"),
	TL_OPT("duration", 0, TL_OPT_SECONDS, offsetof(struct bl_opts, duration), "S",
	       "stop after S seconds (default: at SIGINT/SIGTERM)", .min = 0.01, .max = 1e6),
	TL_OPT("json", 0, TL_OPT_FLAG, offsetof(struct bl_opts, json), NULL,
	       "JSON Lines: one type \"listener\" object per listener"),
	{ 0 },
};

static const struct tl_opt tier_opts[] = {
	TL_OPT("precise", 0, TL_OPT_ENUM, offsetof(struct bl_opts, precise), "MODE",
	       "causes per listener from fentry or kprobes on\n"
	       "tcp_conn_request: auto (default), fentry, kprobe, off",
	       .names = tl_precise_mode_names),
	TL_OPT("user", 0, TL_OPT_STRING, offsetof(struct bl_opts, user), "USER",
	       "once set up, become USER (its uid, gid and groups);\n"
	       "capabilities are dropped in any case (docs/privileges.md)"),
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct bl_opts, verbose), NULL,
	       "libbpf diagnostics"),
	{ 0 },
};

void bl_opts_defaults(struct bl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
	o->precise = TL_PRECISE_AUTO;
}

int bl_opts_parse(struct bl_opts *o, int argc, char **argv)
{
	const struct tl_opt_group groups[] = {
		{ NULL, run_opts, o },
		{ NULL, tl_filter_socket_opts, &o->filter },
		{ NULL, tier_opts, o },
	};
	const struct tl_opt_cmd cmd = {
		.name = "tcpline backlog",
		.synopsis =
			"Usage: tcpline backlog [OPTIONS]\n"
			"Per listener: accept queue and SYN queue depths, drops split by cause,\n"
			"SYN-ACK retransmits, syncookies, and a diagnosis (docs/backlog.md).\n"
			"\n",
		.epilogue = TL_EXIT_STATUS_HELP,
		.groups = groups,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
	};
	int r = tl_opts_parse(&cmd, argc, argv);

	if (!r && o->once)
		o->duration = 0;
	return r;
}
