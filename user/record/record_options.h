/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_options.h - the command lines of `record` and `report`: their own
 * options here, and every `trace` option (filters, --json, limits) passed on
 * to tl_options_parse(), so the three commands filter alike.
 */
#ifndef TL_RECORD_OPTIONS_H
#define TL_RECORD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/options.h"

#define TL_REPORT_MAX_FILES 4096

struct tl_record_opts {
	const char *path; /* -w FILE */
	bool live; /* also print what trace prints */
	bool force; /* replace an existing regular file */
	uint64_t rotate_size; /* bytes, 0: none */
	uint64_t rotate_time_ns; /* 0: none */
	uint32_t max_files; /* 0: unbounded */
};

struct tl_report_opts {
	const char *files[TL_REPORT_MAX_FILES];
	int nfiles;
	const char *since, *until; /* as given; resolved against the recording */
	bool summary; /* --summary, or none of --events, --lifelines, --json */
	bool summary_json; /* --summary --json */
};

/**
 * tl_record_parse() / tl_report_parse() - parse the command's arguments
 * (argv[0] is the command name) into @o and @r. Prints a one-line error on
 * failure. Return: 0; 1 when --help was printed; -1 on a usage error.
 */
int tl_record_parse(struct tl_options *o, struct tl_record_opts *r, int argc, char **argv);
int tl_report_parse(struct tl_options *o, struct tl_report_opts *r, int argc, char **argv);

#endif
