/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_options.h - the command line of `record`: its own options, and
 * every `trace` option (filters, --json, limits) from trace's own tables, so
 * that the two commands filter alike.
 */
#ifndef TL_RECORD_OPTIONS_H
#define TL_RECORD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/options.h"

struct tl_record_opts {
	struct tl_trace_opts trace; /* what is traced, and shown with --live */
	const char *path; /* -w FILE */
	bool live; /* also print what trace prints */
	bool force; /* replace an existing regular file */
	uint64_t rotate_size; /* bytes, 0: none */
	uint64_t rotate_time_ns; /* 0: none */
	uint32_t max_files; /* 0: unbounded */
};

/** tl_record_opts_defaults() - trace's defaults, no file, no rotation. */
void tl_record_opts_defaults(struct tl_record_opts *r);

/**
 * tl_record_parse() - parse `record` arguments (argv[0] is the command
 * name) into @r, which holds the defaults.
 * Return: 0; 1 when --help was printed; -1 after a one-line usage error.
 */
int tl_record_parse(struct tl_record_opts *r, int argc, char **argv);

#endif
