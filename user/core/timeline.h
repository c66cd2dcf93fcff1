/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * timeline.h - turns the raw event stream into what the sinks show: each
 * event, enriched with its connection's owner and with the TIME_WAIT the
 * kernel never reports, and one lifeline per connection when it ends.
 *
 * Live tracing and replay feed the same events through the same table, so
 * both print the same thing. Memory is bounded: at most max_conns live
 * connections, the least recently active evicted (and counted) beyond that,
 * and at most max_timewait connections a timewait socket holds (compactly,
 * tw_table.h: ~128 bytes each), the oldest evicted (counted) beyond that.
 */
#ifndef TL_TIMELINE_H
#define TL_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"

struct tl_timeline;

struct tl_timeline_out {
	void *ctx;
	/* an event to show (never the internal TL_EV_OWNER, TL_EV_TW_*, TL_EV_SOCK) */
	void (*event)(void *ctx, const struct tl_event *ev);
	/* a connection ended (or was evicted, or tracing stopped) */
	void (*lifeline)(void *ctx, const struct tl_lifeline *l);
};

struct tl_timeline_opts {
	uint32_t max_conns;
	/* connections in TIME_WAIT (or an orphan's FIN_WAIT2) at once: size it from
	 * what the kernel holds (tl_timewait_capacity(), kernel/tw_cap.h) */
	uint32_t max_timewait;
	/* the kernel reports timewait expiry (TL_EV_TW_END); else assume 60 s */
	bool tw_end_observable;
};

/* After CLOSE, how long to wait for the reset the kernel sends after it. */
#define TL_CLOSE_GRACE_NS (20 * 1000 * 1000ULL)
/* TCP_TIMEWAIT_LEN */
#define TL_TIMEWAIT_NS (60 * 1000 * 1000 * 1000ULL)
/* A timewait end still unseen after this (killed early): give up waiting. */
#define TL_TIMEWAIT_GIVEUP_NS (180 * 1000 * 1000 * 1000ULL)

/**
 * tl_timeline_new() - an empty table. Return: NULL on ENOMEM.
 */
struct tl_timeline *tl_timeline_new(const struct tl_timeline_opts *opts,
				    const struct tl_timeline_out *out);

/**
 * tl_timeline_feed() - one event from the kernel or a recording, in arrival
 * order. May call out->event and out->lifeline.
 */
void tl_timeline_feed(struct tl_timeline *t, const struct tl_event *ev);

/**
 * tl_timeline_prefetch() - a hint, changing nothing: @ev will be fed soon.
 * Stage 0 asks the CPU for the hash buckets it will read, stage 1 (later,
 * once those are in) for the connection they lead to, so that feeding it
 * does not wait for memory.
 */
void tl_timeline_prefetch(const struct tl_timeline *t, const struct tl_event *ev, int stage);

/**
 * tl_timeline_tick() - finish what is due at @now_ns (boot time): closes past
 * their grace period, timewait sockets past their deadline.
 */
void tl_timeline_tick(struct tl_timeline *t, uint64_t now_ns);

/**
 * tl_timeline_flush() - tracing stops at @now_ns: finish pending closes, then
 * emit every connection still open with end TL_END_OPEN. The table is empty
 * afterwards.
 */
void tl_timeline_flush(struct tl_timeline *t, uint64_t now_ns);

/**
 * tl_timeline_stats() - add the table's counters (evictions, truncated
 * lifelines, lifelines emitted) into @st.
 */
void tl_timeline_stats(const struct tl_timeline *t, struct tl_stats *st);

/** tl_timeline_size() - connections currently tracked. */
uint32_t tl_timeline_size(const struct tl_timeline *t);

void tl_timeline_free(struct tl_timeline *t);

#endif
