/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_summary.h - the one-screen summary of `tcpline report`, fed with
 * what the timeline produced (events and lifelines, after the filters) and
 * the recording's items. Memory is fixed whatever the recording's size:
 * log-scale histograms for percentiles, fixed top-N tables, and
 * space-saving tables (Metwally et al.) for the heaviest peers and ports.
 */
#ifndef TL_REPORT_SUMMARY_H
#define TL_REPORT_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../bpf/tcpline.h"
#include "core/model.h"
#include "record/record_meta.h"
#include "record/record_reader.h"

struct tl_summary;

/* What the summary says about the recording itself. */
struct tl_summary_info {
	const struct tl_rec_meta *meta; /* of the first file */
	int nfiles;
	uint64_t first_ts, last_ts; /* boot ns */
	struct tl_stats kernel; /* the last counters recorded */
	bool damaged; /* some file was damaged or cut */
};

/** tl_summary_new() - Return: NULL on ENOMEM. */
struct tl_summary *tl_summary_new(void);

/** tl_summary_event() / tl_summary_lifeline() - timeline outputs (a tl_timeline_out). */
void tl_summary_event(void *s, const struct tl_event *ev);
void tl_summary_lifeline(void *s, const struct tl_lifeline *l);

/** tl_summary_item() - an item as read: sockets alive at the start. */
void tl_summary_item(void *s, const struct tl_item *it);

/** tl_summary_print() - the summary, for people, about 40 lines. */
void tl_summary_print(const struct tl_summary *s, const struct tl_summary_info *info, FILE *out);

/** tl_summary_print_json() - the same as one JSON line. Return: 0, -1 on ENOMEM. */
int tl_summary_print_json(const struct tl_summary *s, const struct tl_summary_info *info,
			  FILE *out);

void tl_summary_free(struct tl_summary *s);

#endif
