/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* serve_options.h - the command line of `tcpline serve`, parsed into one struct. */
#ifndef TL_SERVE_OPTIONS_H
#define TL_SERVE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../bpf/tcpline.h"
#include "trace/options.h"

#define TL_SERVE_DEFAULT_MAX_SERIES 1000
#define TL_SERVE_DEFAULT_INTERVAL 5.0

struct tl_serve_opts {
	const char *metrics; /* --metrics ADDR:PORT as given, NULL: no HTTP */
	struct sockaddr_storage metrics_addr;
	socklen_t metrics_addrlen;
	const char *textfile_dir; /* --textfile DIR, NULL: none */
	const char *record_dir; /* --record DIR, NULL: no recording */
	uint64_t rotate_size; /* bytes, 0: none */
	uint64_t rotate_time_ns; /* 0: none */
	uint32_t max_files; /* 0: unbounded */
	uint16_t ports[TL_MAX_PORTS]; /* --metrics-port: remote ports worth a label */
	int nports;
	uint32_t max_series; /* per family */
	struct tl_options o; /* the session: interval, duration, --netns, verbose */
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

#endif
