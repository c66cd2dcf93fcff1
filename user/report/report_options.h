/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_options.h - the command line of `report`: the recordings, a time
 * range, the summary, and trace's output and filter options (trace's own
 * tables), so that a report shows what trace showed.
 */
#ifndef TL_REPORT_OPTIONS_H
#define TL_REPORT_OPTIONS_H

#include <stdbool.h>

#include "trace/options.h"

#define TL_REPORT_MAX_FILES 4096

struct tl_report_opts {
	struct tl_show_opts show; /* --json, --events, --lifelines, filters */
	const char *files[TL_REPORT_MAX_FILES];
	int nfiles;
	const char *since, *until; /* as given; resolved against the recording */
	bool summary_asked; /* --summary */
	bool verbose; /* -v: accepted as trace takes it; nothing more to say here */
	bool summary; /* --summary, or none of --events, --lifelines, --json */
	bool summary_json; /* --summary --json */
};

/**
 * tl_report_parse() - parse `report` arguments (argv[0] is the command
 * name) into @r (zeroed first), then settle summary and summary_json.
 * Return: 0; 1 when --help was printed; -1 after a one-line usage error.
 */
int tl_report_parse(struct tl_report_opts *r, int argc, char **argv);

#endif
