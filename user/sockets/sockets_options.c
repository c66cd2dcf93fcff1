// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockets_options.c - `tcpline sockets` command line -> struct tl_sockets_opts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/log.h"
#include "cli/opts.h"
#include "trace/options.h"
#include "sockets/sockets_options.h"

static const char usage[] =
	"Usage: tcpline sockets [OPTIONS]\n"
	"A census of the TCP sockets alive now: per state, per network namespace,\n"
	"per local port and per remote address; TIME_WAIT against the ephemeral\n"
	"port range per destination, CLOSE_WAIT sockets left open by their process,\n"
	"orphaned FIN_WAIT2 and half-open SYN_RECV per listener (docs/sockets.md).\n"
	"\n"
	"  --json                one JSON document on stdout (docs/sockets.md)\n"
	"  --netns NS            one network namespace: inode, /run/netns/NAME, or NAME\n"
	"  -4, -6                IPv4 or IPv6 sockets only\n"
	"  --port P[,P...]       sockets with this local or remote port (up to 16)\n"
	"  --close-wait-age S    list CLOSE_WAIT sockets idle at least S seconds (default 60)\n"
	"  --top N               rows per ranking (default 10)\n"
	"  -v, --verbose         libbpf diagnostics\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error, 2 usage error, 3 missing privileges,\n"
	"4 kernel unsupported (no BTF, BPF features missing).\n";

void tl_sockets_opts_defaults(struct tl_sockets_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->close_wait_age_s = 60;
	o->top = 10;
}

enum {
	OPT_JSON = 256,
	OPT_NETNS,
	OPT_PORT,
	OPT_CW_AGE,
	OPT_TOP,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "close-wait-age", required_argument, NULL, OPT_CW_AGE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int bad(const char *what, const char *arg)
{
	tl_err("invalid %s: '%s' (see tcpline sockets --help)", what, arg);
	return -1;
}

static int apply(struct tl_sockets_opts *o, int c, const char *arg)
{
	struct tl_filter *f = &o->filter;

	switch (c) {
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_NETNS:
		return tl_filter_opt(f, TL_FOPT_NETNS, arg, "tcpline sockets");
	case '4':
	case '6':
		return tl_filter_opt(f, c == '4' ? TL_FOPT_IPV4 : TL_FOPT_IPV6, arg,
				     "tcpline sockets");
	case OPT_PORT:
		return tl_filter_opt(f, TL_FOPT_PORT, arg, "tcpline sockets");
	case OPT_CW_AGE:
		/* at most a year: idle times come from 32-bit jiffies */
		return tl_parse_u32(arg, 0, 86400 * 365, &o->close_wait_age_s) ?
			       bad("--close-wait-age (seconds)", arg) :
			       0;
	case OPT_TOP:
		return tl_parse_u32(arg, 1, 10000, &o->top) ? bad("--top (1-10000)", arg) : 0;
	case 'v':
		o->verbose = true;
		return 0;
	default:
		return -1;
	}
}

int tl_sockets_opts_parse(struct tl_sockets_opts *o, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = tl_getopt(argc, argv, ":46vh", long_opts, usage, "tcpline sockets")) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?' || apply(o, c, optarg))
			return -1;
	}
	return 0;
}
