// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* serve_options.c - `tcpline serve` command line -> struct tl_serve_opts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/log.h"
#include "record/record_options.h"
#include "serve/http.h"
#include "serve/serve_options.h"

static const char usage[] =
	"Usage: tcpline serve [--metrics ADDR:PORT] [--textfile DIR] [--record DIR] [OPTIONS]\n"
	"A daemon for fleets: one set of BPF programs feeding Prometheus metrics over\n"
	"HTTP, a node_exporter textfile and a flight recorder (docs/metrics.md).\n"
	"SIGTERM or SIGINT stops it cleanly; SIGHUP reopens its outputs.\n"
	"\n"
	"  --metrics ADDR:PORT   serve /metrics over HTTP: 127.0.0.1:9464, [::1]:9464, [::]:9464\n"
	"  --textfile DIR        write DIR/tcpline.prom every interval (temporary file, rename)\n"
	"  --record DIR          record into DIR/tcpline.rec (see tcpline record --help)\n"
	"  --rotate-size SIZE    with --record: a new file at SIZE bytes (k, M, G suffixes)\n"
	"  --rotate-time T       with --record: a new file every T (s, m, h suffixes)\n"
	"  --max-files N         with rotation: keep at most N files\n"
	"  --interval S          seconds between metric updates and listener samples (default 5)\n"
	"  --metrics-port P[,P...]  remote ports that label connect durations (up to 16; else other)\n"
	"  --max-series N        series per metric family before folding into \"other\" (default "
	"1000)\n"
	"  --netns NS            one network namespace: inode, /run/netns/NAME, or NAME\n"
	"  --duration S          stop after S seconds (default: at SIGINT/SIGTERM)\n"
	"  -v, --verbose         libbpf diagnostics\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error, 2 usage error, 3 missing privileges,\n"
	"4 kernel unsupported (no BTF, BPF features missing).\n";

void tl_serve_opts_defaults(struct tl_serve_opts *s)
{
	memset(s, 0, sizeof(*s));
	tl_options_defaults(&s->o);
	s->o.interval = TL_SERVE_DEFAULT_INTERVAL;
	s->max_series = TL_SERVE_DEFAULT_MAX_SERIES;
}

enum {
	OPT_METRICS = 256,
	OPT_TEXTFILE,
	OPT_RECORD,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_TIME,
	OPT_MAX_FILES,
	OPT_INTERVAL,
	OPT_METRICS_PORT,
	OPT_MAX_SERIES,
	OPT_NETNS,
	OPT_DURATION,
};

static const struct option long_opts[] = {
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "textfile", required_argument, NULL, OPT_TEXTFILE },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "rotate-size", required_argument, NULL, OPT_ROTATE_SIZE },
	{ "rotate-time", required_argument, NULL, OPT_ROTATE_TIME },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "metrics-port", required_argument, NULL, OPT_METRICS_PORT },
	{ "max-series", required_argument, NULL, OPT_MAX_SERIES },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int bad(const char *what, const char *arg)
{
	tl_err("invalid %s: '%s' (see tcpline serve --help)", what, arg);
	return -1;
}

static int seconds(const char *what, const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !(*out >= 0.1 && *out <= 1e6))
		return bad(what, arg);
	return 0;
}

static int apply(struct tl_serve_opts *s, int c, const char *arg)
{
	switch (c) {
	case OPT_METRICS:
		s->metrics = arg;
		return tl_http_parse_addr(arg, &s->metrics_addr, &s->metrics_addrlen) ?
			       bad("--metrics (ADDR:PORT, e.g. 127.0.0.1:9464 or [::]:9464)", arg) :
			       0;
	case OPT_TEXTFILE:
		s->textfile_dir = arg;
		return 0;
	case OPT_RECORD:
		s->record_dir = arg;
		return 0;
	case OPT_ROTATE_SIZE:
		return tl_parse_size(arg, &s->rotate_size) ? bad("--rotate-size", arg) : 0;
	case OPT_ROTATE_TIME:
		return tl_parse_span(arg, &s->rotate_time_ns) ? bad("--rotate-time", arg) : 0;
	case OPT_MAX_FILES:
		return tl_parse_u32(arg, 1, 100000, &s->max_files) ? bad("--max-files", arg) : 0;
	case OPT_INTERVAL:
		return seconds("--interval (seconds, 0.1 to 1e6)", arg, &s->o.interval);
	case OPT_METRICS_PORT:
		s->nports = tl_parse_ports(arg, s->ports, TL_MAX_PORTS);
		return s->nports < 1 ? bad("--metrics-port (up to 16 ports, 1-65535)", arg) : 0;
	case OPT_MAX_SERIES:
		return tl_parse_u32(arg, 1, 1000000, &s->max_series) ?
			       bad("--max-series (1-1000000)", arg) :
			       0;
	case OPT_NETNS:
		return tl_filter_opt(&s->o.filter, TL_FOPT_NETNS, arg, "tcpline serve");
	case OPT_DURATION:
		return seconds("--duration (seconds, 0.1 to 1e6)", arg, &s->o.duration);
	case 'v':
		s->o.verbose = true;
		return 0;
	default:
		return -1;
	}
}

int tl_serve_opts_parse(struct tl_serve_opts *s, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = tl_getopt(argc, argv, ":vh", long_opts, usage, "tcpline serve")) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?' || apply(s, c, optarg))
			return -1;
	}
	if (!s->metrics && !s->textfile_dir && !s->record_dir) {
		tl_err("tcpline serve: nothing to serve: give --metrics, --textfile or --record "
		       "(see tcpline serve --help)");
		return -1;
	}
	if (!s->record_dir && (s->rotate_size || s->rotate_time_ns || s->max_files)) {
		tl_err("tcpline serve: --rotate-size, --rotate-time and --max-files go with "
		       "--record DIR");
		return -1;
	}
	if (s->max_files && !s->rotate_size && !s->rotate_time_ns) {
		tl_err("tcpline serve: --max-files needs --rotate-size or --rotate-time");
		return -1;
	}
	return 0;
}
