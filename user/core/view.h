/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * view.h - what `trace` shows, as one reusable piece: records go through the
 * timeline, and its events and lifelines through the filters and the show
 * rules to a sink; lost-event counters are said when they move and at the
 * end. `trace`, `record --live` and `report` all use it, so a report prints
 * exactly what was printed live.
 */
#ifndef TL_VIEW_H
#define TL_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../bpf/tcpline.h"
#include "core/clock.h"
#include "core/model.h"
#include "kernel/names.h"
#include "core/timeline.h"

struct tl_sink;

struct tl_view;

struct tl_view_opts {
	const struct tl_filter *filter; /* what passes (the time range aside) */
	bool json; /* the JSON Lines sink, else the text columns */
	bool show_events, show_lifelines;
	uint32_t max_conns; /* the timeline's table */
	uint32_t max_timewait; /* its TIME_WAIT table (timeline.h) */
	const struct tl_names *names;
	const struct tl_clock *clock;
	bool tw_observable;
	FILE *out; /* NULL: no sink, only @tap */
	/* a sink of the caller's instead of one on @out: the view owns it (also when
	 * tl_view_new() fails) */
	struct tl_sink *sink;
	/* shown: events at or after since_ns, lifelines ending at or after it (0: all) */
	uint64_t since_ns;
	/* what passes the filters and the time range, whether shown or not */
	struct tl_timeline_out tap;
	bool quiet; /* no counter lines on stderr (the fuzzer) */
	/* at exit, once the last lifelines are out and before the final stats
	 * record and summary line (which stay last): the caller's own tables */
	void (*at_exit)(void *ctx);
	void *at_exit_ctx;
};

/** tl_view_new() - Return: NULL on ENOMEM. */
struct tl_view *tl_view_new(const struct tl_view_opts *vo);

/** tl_view_feed() - one record, as the kernel gave it. */
void tl_view_feed(struct tl_view *v, const struct tl_event *ev);

/** tl_view_tick() - the timeline's deadlines at @now_ns. */
void tl_view_tick(struct tl_view *v, uint64_t now_ns);

/**
 * tl_view_counters() - @kernel: the kernel-side counters. Not @final: said
 * on stderr (and as a JSON stats record) if losses moved. @final: flush the
 * timeline at @now_ns, then the final stats record and the summary line.
 */
void tl_view_counters(struct tl_view *v, const struct tl_stats *kernel, bool final,
		      uint64_t now_ns);

/** tl_view_stats() - @kernel with the timeline's counters added (evictions, lifelines). */
struct tl_stats tl_view_stats(struct tl_view *v, const struct tl_stats *kernel);

/**
 * tl_view_flush_out() - flush the output. Return: 0; 1 if it is a closed
 * pipe (stop quietly); -1 on another write error (said on stderr).
 */
int tl_view_flush_out(struct tl_view *v);

void tl_view_free(struct tl_view *v);

#endif
