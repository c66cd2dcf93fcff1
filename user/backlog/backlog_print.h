/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_print.h - one interval of `tcpline backlog` as a table with the
 * diagnosis lines, or as JSON Lines (docs/backlog.md).
 */
#ifndef TL_BACKLOG_PRINT_H
#define TL_BACKLOG_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "backlog/backlog_row.h"
#include "core/clock.h"

struct bl_print {
	FILE *out;
	const struct tl_clock *clock;
	bool json;
	bool clear; /* text: clear the screen first (stdout is a terminal) */
	uint64_t evictions; /* listeners forgotten: the table was full */
	uint64_t untracked; /* listeners the BPF side could not track */
	bool precise; /* the precise tier is active: the header says so */
};

/**
 * bl_print_interval() - one interval: @rows (sorted by the caller: troubled
 * first) as a header and a table then the diagnosis lines, or one JSON object
 * per row. Return: 0 or -1 on a write error.
 */
int bl_print_interval(const struct bl_print *p, const struct bl_row *rows, size_t n,
		      uint64_t now_ns, uint64_t interval_ns);

#endif
