/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_summary.h - what the one-screen summary of `tcpline report`
 * collects, fed with what the timeline produced (events and lifelines, after
 * the filters) and the recording's items. Memory is fixed whatever the
 * recording's size (summary_tables.h). Printed by report_summary_text.h and
 * report_summary_json.h.
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
#include "report/latency.h"
#include "report/summary_tables.h"

#define TL_SUMMARY_NSTATES 16

struct tl_summary {
	uint64_t events, lifelines;
	uint64_t ends[TL_END_MAX + 1]; /* by enum tl_end; [TL_END_MAX]: unknown */
	struct tl_hist dwell[TL_SUMMARY_NSTATES]; /* time in each state */
	struct tl_slow slow_sent[TL_TOP_SLOW], slow_recv[TL_TOP_SLOW]; /* SYN_SENT, SYN_RECV */
	struct tl_heavy rtx_peers, rtx_ports, rst_peers, rst_ports; /* retransmits, resets */
	struct tl_heavy listeners; /* listen drops */
	struct tl_pressure tw, cw; /* TIME_WAIT, CLOSE_WAIT */
	struct tl_latency lat; /* per port: connect, handshake, accept wait, CLOSE_WAIT */
};

/* What the summary says about the recording itself. */
struct tl_summary_info {
	const struct tl_rec_meta *meta; /* of the first file */
	int nfiles;
	uint64_t first_ts, last_ts; /* boot ns */
	struct tl_stats kernel; /* the last counters recorded */
	bool damaged; /* some file was damaged or cut */
};

/**
 * tl_summary_accept_hook() - whether the recorder ran the accept hook (so
 * accept waits could be measured); a recording that does not say: whether
 * any was.
 */
bool tl_summary_accept_hook(const struct tl_summary *s, const struct tl_summary_info *info);

/** tl_summary_new() - Return: NULL on ENOMEM. */
struct tl_summary *tl_summary_new(void);

/** tl_summary_event() / tl_summary_lifeline() - timeline outputs (a tl_timeline_out). */
void tl_summary_event(void *s, const struct tl_event *ev);
void tl_summary_lifeline(void *s, const struct tl_lifeline *l);

/** tl_summary_item() - an item as read: sockets alive at the start. */
void tl_summary_item(void *s, const struct tl_item *it);

void tl_summary_free(struct tl_summary *s);

#endif
