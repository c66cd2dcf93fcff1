/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * timeline_priv.h - inside the timeline (timeline.h): its state, and what
 * timeline.c (live connections) and timeline_tw.c (those a timewait socket
 * holds) share. Not for other modules.
 */
#ifndef TL_TIMELINE_PRIV_H
#define TL_TIMELINE_PRIV_H

#include "core/conn_table.h"
#include "core/listener_owners.h"
#include "core/timeline.h"
#include "core/tw_table.h"

struct tl_timeline {
	struct tl_timeline_opts opts;
	struct tl_timeline_out out;
	struct tl_conn_table tab;
	/* connections a timewait socket holds, in the order their timers end */
	struct tl_tw_table tw;
	/* by due_ns: closes waiting for a late reset */
	struct tl_dlist closing;
	struct tl_listener_owners listeners;
	uint64_t evictions, truncated, lifelines;
	uint64_t rekeys; /* timewait entries moved to a key of their own */
	struct tl_conn scratch; /* a timewait entry taken out */
};

/* timeline.c */

/* @c enters @state at @enter_ns; a truncation is counted. */
void tlt_push_state(struct tl_timeline *t, struct tl_conn *c, uint8_t state, uint64_t enter_ns);

/* @c leaves @old (tl_conn_leave_state()); a truncation is counted. */
void tlt_leave_state(struct tl_timeline *t, struct tl_conn *c, uint8_t old, uint64_t dwell_ns,
		     uint64_t now_ns);

/* @c's lifeline ends (@end at @end_ns): it goes out, counted. */
void tlt_conclude(struct tl_timeline *t, struct tl_conn *c, enum tl_end end, uint64_t end_ns);

/* The same for a live connection, which then leaves the table. */
void tlt_finish(struct tl_timeline *t, struct tl_conn *c, enum tl_end end, uint64_t end_ns);

/* @ev goes out with @c's owner (NULL: none known), unless it knows better. */
void tlt_emit(struct tl_timeline *t, const struct tl_conn *c, const struct tl_event *ev);

/* What @ev (a retransmit, a reset) changes in @c. */
void tlt_note_other(struct tl_conn *c, const struct tl_event *ev);

/* timeline_tw.c */

/* A timewait entry, taken out into t->scratch (valid until the next take). */
struct tl_conn *tlt_take(struct tl_timeline *t, const struct tl_tw_slot *s);

/* The timewait entry @s (taken out as @c) ends: its lifeline goes out. */
void tlt_finish_tw(struct tl_timeline *t, struct tl_tw_slot *s, struct tl_conn *c, enum tl_end end,
		   uint64_t end_ns);

/* A timewait socket holds live @c from c->due_ns: into the TIME_WAIT table. */
void tlt_to_timewait(struct tl_timeline *t, struct tl_conn *c);

/* @c's CLOSE event says a timewait socket takes over (TL_F_TIMEWAIT). */
void tlt_enter_timewait(struct tl_timeline *t, struct tl_conn *c, const struct tl_event *ev);

/* TL_EV_TW_STATE, TL_EV_TW_END. */
void tlt_on_tw_state(struct tl_timeline *t, const struct tl_event *ev);
void tlt_on_tw_end(struct tl_timeline *t, const struct tl_event *ev);

/* New connection @c: a timewait socket of its tuple, if any, is gone at @ts. */
void tlt_end_replaced_timewait(struct tl_timeline *t, const struct tl_conn *c, uint64_t ts);

/* A state change of key @s holds. Return: false if @ev is to be ignored. */
bool tlt_timewait_met_state(struct tl_timeline *t, struct tl_tw_slot *s, const struct tl_event *ev);

/* Another event (a reset, a retransmit, an owner) of key @s holds. */
void tlt_on_timewait_other(struct tl_timeline *t, struct tl_tw_slot *s, const struct tl_event *ev);

/* tl_timeline_tick(), _flush() and _prefetch() for the TIME_WAIT table. */
void tlt_tw_tick(struct tl_timeline *t, uint64_t now_ns);
void tlt_tw_flush(struct tl_timeline *t, uint64_t now_ns);
void tlt_tw_prefetch(const struct tl_timeline *t, const struct tl_event *ev);

#endif
