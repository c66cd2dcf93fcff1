/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sockets_options.h - the command line of `tcpline sockets`, parsed into one struct. */
#ifndef TL_SOCKETS_OPTIONS_H
#define TL_SOCKETS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

struct tl_sockets_opts {
	bool json; /* one JSON document instead of tables */
	bool verbose; /* libbpf diagnostics */
	uint32_t close_wait_age_s; /* list CLOSE_WAIT sockets idle at least this long */
	uint32_t top; /* rows per ranking */
	struct tl_filter filter; /* netns, family, ports: applied in the dump */
};

/** tl_sockets_opts_defaults() - text, CLOSE_WAIT age 60 s, top 10, no filter. */
void tl_sockets_opts_defaults(struct tl_sockets_opts *o);

/**
 * tl_sockets_opts_parse() - parse `sockets` arguments (argv[0] is the
 * command name) into @o, which holds the defaults.
 * Return: 0; 1 when --help was printed; -1 after a one-line usage error.
 */
int tl_sockets_opts_parse(struct tl_sockets_opts *o, int argc, char **argv);

#endif
