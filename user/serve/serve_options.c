// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* serve_options.c - `tcpline serve` command line -> struct tl_serve_opts (cli/opts.h tables). */
#include <stddef.h>
#include <string.h>

#include "cli/log.h"
#include "cli/filter_opts.h"
#include "cli/opts.h"
#include "core/live.h"
#include "kernel/loader.h"
#include "serve/http.h"
#include "serve/serve_options.h"

static int metrics_addr(void *field, const char *arg)
{
	struct tl_serve_addr *a = field;

	if (tl_http_parse_addr(arg, &a->addr, &a->len))
		return -1;
	a->text = arg;
	return 0;
}

static int port_list(void *field, const char *arg)
{
	struct tl_serve_ports *p = field;

	p->n = tl_parse_ports(arg, p->ports, TL_MAX_PORTS);
	return p->n < 1 ? -1 : 0;
}

static const struct tl_opt output_opts[] = {
	TL_OPT("metrics", 0, TL_OPT_CALL, offsetof(struct tl_serve_opts, metrics), "ADDR:PORT",
	       "serve /metrics over HTTP: 127.0.0.1:9464, [::1]:9464, [::]:9464",
	       .parse = metrics_addr, .hint = "ADDR:PORT, e.g. 127.0.0.1:9464 or [::]:9464"),
	TL_OPT("textfile", 0, TL_OPT_STRING, offsetof(struct tl_serve_opts, textfile_dir), "DIR",
	       "write DIR/tcpline.prom every interval (temporary file, rename)"),
	TL_OPT("record", 0, TL_OPT_STRING, offsetof(struct tl_serve_opts, record_dir), "DIR",
	       "record into DIR/tcpline-<UTC start>.rec (see tcpline record --help)"),
	TL_OPT("rotate-size", 0, TL_OPT_SIZE, offsetof(struct tl_serve_opts, rotate_size), "SIZE",
	       "with --record: a new file at SIZE bytes (k, M, G suffixes)"),
	TL_OPT("rotate-time", 0, TL_OPT_SPAN, offsetof(struct tl_serve_opts, rotate_time_ns), "T",
	       "with --record: a new file every T (s, m, h suffixes)"),
	TL_OPT("max-files", 0, TL_OPT_UINT, offsetof(struct tl_serve_opts, max_files), "N",
	       "with rotation: keep at most N files", .min = 1, .max = 100000),
	{ 0 },
};

static const struct tl_opt metric_opts[] = {
	TL_OPT("interval", 0, TL_OPT_SECONDS, offsetof(struct tl_serve_opts, interval), "S",
	       "seconds between metric updates and listener samples (default 5)", .min = 0.1,
	       .max = 1e6, .hint = "seconds, 0.1 to 1e6"),
	TL_OPT("metrics-port", 0, TL_OPT_CALL, offsetof(struct tl_serve_opts, metrics_ports),
	       "P[,P...]", "remote ports that label connect durations (up to 16; else other)",
	       .parse = port_list, .hint = "up to 16 ports, 1-65535"),
	TL_OPT("max-series", 0, TL_OPT_UINT, offsetof(struct tl_serve_opts, max_series), "N",
	       "series per metric family before folding into \"other\" (default 1000)", .min = 1,
	       .max = 1000000),
	{ 0 },
};

static const struct tl_opt session_opts[] = {
	TL_OPT("duration", 0, TL_OPT_SECONDS, offsetof(struct tl_serve_opts, duration), "S",
	       "stop after S seconds (default: at SIGINT/SIGTERM)", .min = 0.1, .max = 1e6,
	       .hint = "seconds, 0.1 to 1e6"),
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct tl_serve_opts, verbose), NULL,
	       "libbpf diagnostics"),
	{ 0 },
};

void tl_serve_opts_defaults(struct tl_serve_opts *s)
{
	memset(s, 0, sizeof(*s));
	s->interval = TL_SERVE_DEFAULT_INTERVAL;
	s->max_series = TL_SERVE_DEFAULT_MAX_SERIES;
	s->max_conns = TL_SERVE_MAX_CONNS;
}

int tl_serve_opts_parse(struct tl_serve_opts *s, int argc, char **argv)
{
	const struct tl_opt_group groups[] = {
		{ "Outputs:", output_opts, s },
		{ "Metrics:", metric_opts, s },
		{ "Session:", tl_filter_netns_opts, &s->filter },
		{ NULL, session_opts, s },
	};
	const struct tl_opt_cmd cmd = {
		.name = "tcpline serve",
		.synopsis =
			"Usage: tcpline serve [--metrics ADDR:PORT] [--textfile DIR] [--record DIR] "
			"[OPTIONS]\n"
			"A daemon for fleets: one set of BPF programs feeding Prometheus metrics over\n"
			"HTTP, a node_exporter textfile and a flight recorder (docs/metrics.md).\n"
			"SIGTERM or SIGINT stops it cleanly; SIGHUP reopens its outputs.\n"
			"\n",
		.epilogue = TL_EXIT_STATUS_HELP,
		.groups = groups,
		.ngroups = sizeof(groups) / sizeof(groups[0]),
	};
	int rc = tl_opts_parse(&cmd, argc, argv);

	if (rc)
		return rc;
	if (!s->metrics.text && !s->textfile_dir && !s->record_dir)
		return tl_opts_error(&cmd,
				     "nothing to serve: give --metrics, --textfile or --record");
	if (!s->record_dir && (s->rotate_size || s->rotate_time_ns || s->max_files))
		return tl_opts_error(&cmd, "--rotate-size, --rotate-time and --max-files go with "
					   "--record DIR");
	if (s->max_files && !s->rotate_size && !s->rotate_time_ns)
		return tl_opts_error(&cmd, "--max-files needs --rotate-size or --rotate-time");
	return 0;
}

void tl_serve_live(const struct tl_serve_opts *s, struct tl_live_config *c)
{
	memset(c, 0, sizeof(*c));
	c->load.filter = s->filter;
	c->load.ringbuf_mb = TL_RING_MB_DEFAULT;
	c->load.verbose = s->verbose;
	c->load.keep_storage = true;
	c->load.batch_states = true;
	c->duration = s->duration;
	c->interval = s->interval;
	c->nice = TL_READER_NICE;
}
