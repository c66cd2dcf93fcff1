/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * serve_options.h - the command line of `tcpline serve` (cli/opts.h tables),
 * parsed into one struct, and the live session it asks for.
 */
#ifndef TL_SERVE_OPTIONS_H
#define TL_SERVE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../bpf/tcpline.h"

#define TL_SERVE_DEFAULT_MAX_SERIES 1000
#define TL_SERVE_DEFAULT_INTERVAL 5.0
#define TL_SERVE_MAX_CONNS 65536

struct tl_live_config;

struct tl_serve_addr {
	const char *text; /* as given, NULL: no HTTP */
	struct sockaddr_storage addr;
	socklen_t len;
};

struct tl_serve_ports {
	uint16_t ports[TL_MAX_PORTS];
	int n;
};

struct tl_serve_opts {
	struct tl_serve_addr metrics; /* --metrics ADDR:PORT */
	const char *textfile_dir; /* --textfile DIR, NULL: none */
	const char *record_dir; /* --record DIR, NULL: no recording */
	uint64_t rotate_size; /* bytes, 0: none */
	uint64_t rotate_time_ns; /* 0: none */
	uint32_t max_files; /* 0: unbounded */
	struct tl_serve_ports metrics_ports; /* --metrics-port: remote ports worth a label */
	uint32_t max_series; /* per family */
	double interval; /* seconds between metric updates and listener samples */
	double duration; /* seconds; 0: until SIGINT/SIGTERM */
	struct tl_filter filter; /* --netns only */
	uint32_t max_conns; /* the connection table's cap */
	bool verbose; /* libbpf diagnostics */
};

/** tl_serve_opts_defaults() - interval 5 s, 1000 series per family, no output. */
void tl_serve_opts_defaults(struct tl_serve_opts *s);

/**
 * tl_serve_opts_parse() - parse `serve` arguments (argv[0] is the command
 * name). At least one of --metrics, --textfile, --record is required.
 * Prints a one-line error on failure.
 * Return: 0; 1 when --help was printed; -1 on a usage error.
 */
int tl_serve_opts_parse(struct tl_serve_opts *s, int argc, char **argv);

/**
 * tl_serve_live() - the live session @s asks for: its namespace, the default
 * ring and reader priority, per-socket storage (a child finds its listener
 * through it whatever the port sharing) and batched state changes (counts
 * need no per-change record).
 */
void tl_serve_live(const struct tl_serve_opts *s, struct tl_live_config *c);

#endif
