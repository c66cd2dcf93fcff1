/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* backlog_options.h - the command line of `tcpline backlog`, parsed into one struct. */
#ifndef TL_BACKLOG_OPTIONS_H
#define TL_BACKLOG_OPTIONS_H

#include <stdbool.h>

#include "../bpf/tcpline.h"

struct bl_opts {
	double interval; /* seconds per report */
	double duration; /* seconds; 0: until SIGINT/SIGTERM (and with --once) */
	bool once; /* one report after one interval */
	bool json; /* JSON Lines: one "listener" object per listener per interval */
	bool verbose; /* libbpf diagnostics */
	int precise; /* enum tl_precise_mode */
	const char *user; /* --user: become this user once set up (kernel/privdrop.h) */
	struct tl_filter filter; /* the listeners shown; the kernel side gets its netns only */
};

/** bl_opts_defaults() - one-second intervals until stopped, text, precise tier auto. */
void bl_opts_defaults(struct bl_opts *o);

/**
 * bl_opts_parse() - parse `backlog` arguments (argv[0] is the command name)
 * into @o, which holds the defaults.
 * Return: 0; 1 when --help was printed; -1 after a one-line usage error.
 */
int bl_opts_parse(struct bl_opts *o, int argc, char **argv);

#endif
