// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockets_options.c - `tcpline sockets` command line -> struct tl_sockets_opts. */
#include <stddef.h>
#include <string.h>

#include "cli/log.h"
#include "cli/filter_opts.h"
#include "sockets/sockets_options.h"

static const struct tl_opt output_opts[] = {
	TL_OPT("json", 0, TL_OPT_FLAG, offsetof(struct tl_sockets_opts, json), NULL,
	       "one JSON document on stdout (docs/sockets.md)"),
	{ 0 },
};

static const struct tl_opt census_opts[] = {
	/* at most a year: idle times come from 32-bit jiffies */
	TL_OPT("close-wait-age", 0, TL_OPT_UINT, offsetof(struct tl_sockets_opts, close_wait_age_s),
	       "S", "list CLOSE_WAIT sockets idle at least S seconds (default 60)", .min = 0,
	       .max = 86400 * 365, .hint = "seconds, 0 to 31536000"),
	TL_OPT("top", 0, TL_OPT_UINT, offsetof(struct tl_sockets_opts, top), "N",
	       "rows per ranking (default 10)", .min = 1, .max = 10000),
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct tl_sockets_opts, verbose), NULL,
	       "libbpf diagnostics"),
	{ 0 },
};

void tl_sockets_opts_defaults(struct tl_sockets_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->close_wait_age_s = 60;
	o->top = 10;
}

int tl_sockets_opts_parse(struct tl_sockets_opts *o, int argc, char **argv)
{
	const struct tl_opt_group groups[] = {
		{ NULL, output_opts, o },
		{ NULL, tl_filter_socket_opts, &o->filter },
		{ NULL, census_opts, o },
	};
	const struct tl_opt_cmd cmd = {
		.name = "tcpline sockets",
		.synopsis =
			"Usage: tcpline sockets [OPTIONS]\n"
			"A census of the TCP sockets alive now: per state, per network namespace,\n"
			"per local port and per remote address; TIME_WAIT against the ephemeral\n"
			"port range per destination, CLOSE_WAIT sockets left open by their process,\n"
			"orphaned FIN_WAIT2 and half-open SYN_RECV per listener (docs/sockets.md).\n"
			"\n",
		.epilogue = TL_EXIT_STATUS_HELP,
		.groups = groups,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
	};

	return tl_opts_parse(&cmd, argc, argv);
}
