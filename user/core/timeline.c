// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * timeline.c - what each event means for its connection (see timeline.h):
 * which transitions start, continue or end a lifeline, the closes waiting
 * for a late reset, the timewait sockets the kernel reports no transition
 * of, eviction when the table is full. The connections themselves live in
 * conn_table.c, those a timewait socket holds in tw_table.c (what happens
 * to them: timeline_tw.c); what an event does to one is conn.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/timeline_priv.h"

#define conn_of(ptr, member) tl_container_of(ptr, struct tl_conn, member)

struct tl_timeline *tl_timeline_new(const struct tl_timeline_opts *opts,
				    const struct tl_timeline_out *out)
{
	/* aligned: its scratch connection is a cache-line aligned struct tl_conn */
	struct tl_timeline *t = aligned_alloc(64, (sizeof(*t) + 63) & ~(size_t)63);

	if (!t)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->opts = *opts;
	if (t->opts.max_conns < 1)
		t->opts.max_conns = 1;
	t->out = *out;
	if (t->opts.max_timewait < 1)
		t->opts.max_timewait = 1;
	if (tl_conn_table_init(&t->tab, t->opts.max_conns)) {
		free(t);
		return NULL;
	}
	if (tl_tw_table_init(&t->tw, t->opts.max_timewait)) {
		tl_conn_table_fini(&t->tab);
		free(t);
		return NULL;
	}
	tl_dlist_init(&t->closing);
	return t;
}

void tl_timeline_free(struct tl_timeline *t)
{
	if (!t)
		return;
	tl_conn_table_fini(&t->tab);
	tl_tw_table_fini(&t->tw);
	free(t);
}

void tlt_push_state(struct tl_timeline *t, struct tl_conn *c, uint8_t state, uint64_t enter_ns)
{
	if (tl_conn_push_state(c, state, enter_ns))
		t->truncated++;
}

void tlt_leave_state(struct tl_timeline *t, struct tl_conn *c, uint8_t old, uint64_t dwell_ns,
		     uint64_t now_ns)
{
	if (tl_conn_leave_state(c, old, dwell_ns, now_ns))
		t->truncated++;
}

/* @c's lifeline ends: it goes out. */
void tlt_conclude(struct tl_timeline *t, struct tl_conn *c, enum tl_end end, uint64_t end_ns)
{
	c->l.end = end;
	c->l.end_ns = end_ns;
	c->l.close = tl_conn_close_kind(c, end);
	tl_conn_stall_end(c, end_ns);
	if (!c->l.stats_known && c->rtx_segs)
		c->l.retransmits = c->rtx_segs;
	t->lifelines++;
	if (t->out.lifeline)
		t->out.lifeline(t->out.ctx, &c->l);
}

void tlt_finish(struct tl_timeline *t, struct tl_conn *c, enum tl_end end, uint64_t end_ns)
{
	tlt_conclude(t, c, end, end_ns);
	tl_conn_table_remove(&t->tab, c);
}

/*
 * Make room. A connection already closed and only waiting for a late reset
 * goes first, finished early (the oldest such): under churn, closes pile up
 * between two ticks, and a quiet listener would otherwise be the least
 * recently active. Else the least recently active one is forgotten
 * mid-life, which is counted and said in its lifeline.
 */
static void evict_one(struct tl_timeline *t)
{
	struct tl_conn *c;

	if (!tl_dlist_empty(&t->closing)) {
		c = conn_of(t->closing.next, due);
		tlt_finish(t, c, tl_conn_end(c), c->due_ns);
		return;
	}
	c = tl_conn_table_oldest(&t->tab);
	t->evictions++;
	tlt_finish(t, c, TL_END_EVICTED, c->last_ts);
}

static struct tl_conn *create(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c;

	if (tl_conn_table_full(&t->tab))
		evict_one(t);
	c = tl_conn_table_insert(&t->tab, ev->cookie);
	c->l.start_ns = ev->ts_ns;
	tl_conn_set_tuple(c, ev);
	return c;
}

static void touch(struct tl_timeline *t, struct tl_conn *c, const struct tl_event *ev)
{
	tl_conn_table_touch(&t->tab, c, ev->ts_ns);
}

static struct tl_conn *lookup(struct tl_timeline *t, uint64_t cookie)
{
	return tl_conn_table_lookup(&t->tab, cookie);
}

/* An event goes out with its connection's owner, unless it knows better. */
void tlt_emit(struct tl_timeline *t, const struct tl_conn *c, const struct tl_event *ev)
{
	struct tl_event copy;

	if (t->out.event)
		t->out.event(t->out.ctx, tl_conn_shown_event(c, ev, &copy));
}

/* A connection first seen in the middle of its life, in state @state. */
static struct tl_conn *create_midlife(struct tl_timeline *t, const struct tl_event *ev,
				      uint8_t state, uint64_t dwell_ns)
{
	struct tl_conn *c = create(t, ev);

	if (dwell_ns != TL_DWELL_UNKNOWN && dwell_ns <= ev->ts_ns)
		c->l.start_ns = ev->ts_ns - dwell_ns;
	tlt_push_state(t, c, state, 0);
	if (tl_state_implies_established(state))
		c->established = true;
	return c;
}

static void on_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);
	uint8_t old = ev->old_state, new = ev->new_state;
	struct tl_tw_slot *s;
	struct tl_event shown;

	if (!c && (s = tl_tw_table_find(&t->tw, ev->cookie)) && !tlt_timewait_met_state(t, s, ev))
		return;
	if (c && c->last_ts == ev->ts_ns && c->last_old == old && c->last_new == new)
		return; /* duplicate */
	if (c && c->l.preexisting && ev->ts_ns < c->l.start_ns)
		return; /* older than the socket dump, which shows where it led */
	if (c && c->closing) {
		if (new == TL_TCP_CLOSE)
			return; /* already closed: nothing new */
		/* the same socket lives again (connect() or listen() after CLOSE) */
		tlt_finish(t, c, tl_conn_end(c), c->due_ns);
		c = NULL;
	}
	if (!c) {
		if (old == TL_TCP_CLOSE && new == TL_TCP_CLOSE)
			return;
		if (old == TL_TCP_CLOSE || (old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV))
			c = create(t, ev);
		else
			c = create_midlife(t, ev, old, ev->dwell_ns);
	}
	if (ev->dwell_ns == TL_DWELL_UNKNOWN && c->state == old && c->enter_ns &&
	    ev->ts_ns >= c->enter_ns) {
		/* the kernel kept no storage (or could not): the time since the last change */
		shown = *ev;
		shown.dwell_ns = ev->ts_ns - c->enter_ns;
		ev = &shown;
	}
	touch(t, c, ev);
	tl_conn_set_tuple(c, ev);
	tl_conn_take_owner(c, ev);
	c->last_old = old;
	c->last_new = new;
	if (old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV)
		tl_listener_owners_inherit(&t->listeners, &c->l);
	if ((old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV) ||
	    (old == TL_TCP_SYN_SENT && new == TL_TCP_ESTABLISHED))
		tlt_end_replaced_timewait(t, c, ev->ts_ns);

	if (new == TL_TCP_CLOSE) {
		tl_conn_take_stats(c, ev);
		if (ev->flags & TL_F_TIMEWAIT) {
			tlt_enter_timewait(t, c, ev);
			return;
		}
		tlt_leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
		c->l.err = ev->reason != TL_REASON_NONE ? (int32_t)ev->reason : 0;
		tl_conn_take_timeout(c, ev);
		c->state = TL_TCP_CLOSE;
		tlt_emit(t, c, ev);
		/* the reset of an abortive close comes right after the CLOSE: wait for it */
		c->closing = true;
		c->due_ns = ev->ts_ns;
		tl_dlist_add_tail(&t->closing, &c->due);
		return;
	}
	tlt_leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
	tlt_push_state(t, c, new, ev->ts_ns);
	if (new == TL_TCP_LISTEN)
		tl_listener_owners_remember(&t->listeners, &c->l);
	tlt_emit(t, c, ev);
}

/* A socket found by the start-up dump. */
static void on_sock(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);

	/* a request socket is not a connection yet: its child will be, with a new cookie */
	if (ev->old_state == TL_TCP_NEW_SYN_RECV)
		return;
	if (c || tl_tw_table_find(&t->tw, ev->cookie))
		return; /* already seen live: that is fresher */
	c = create_midlife(t, ev, ev->old_state, TL_DWELL_UNKNOWN);
	c->l.preexisting = true;
	tl_conn_take_owner(c, ev);
	if (ev->old_state == TL_TCP_LISTEN)
		tl_listener_owners_remember(&t->listeners, &c->l);
	if (ev->flags & TL_F_TIMEWAIT) {
		/* a timewait socket (FIN_WAIT2 substate too) is already past its full socket */
		c->due_ns = ev->ts_ns;
		tlt_to_timewait(t, c);
	}
}

/* What a connection's events change: its resets and retransmits. */
void tlt_note_other(struct tl_conn *c, const struct tl_event *ev)
{
	switch (ev->type) {
	case TL_EV_RETRANS:
		c->rtx_segs += ev->segs;
		break;
	case TL_EV_RESET_SENT:
		c->reset_sent = true;
		if (ev->reason <= TL_RST_REASON_MAX)
			c->l.rst_reason_1 = (uint16_t)(ev->reason + 1);
		break;
	case TL_EV_RESET_RECV:
		c->reset_recv = true;
		break;
	case TL_EV_KA_PROBE:
	case TL_EV_KA_INFO:
		tl_conn_take_keepalive(c, ev);
		break;
	case TL_EV_ZWIN:
		tl_conn_take_zwin(c, ev);
		break;
	}
	if (ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
}

static void on_other(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = ev->cookie ? lookup(t, ev->cookie) : NULL;
	struct tl_tw_slot *s;

	if (c) {
		touch(t, c, ev);
		tlt_note_other(c, ev);
	} else if (ev->cookie && (s = tl_tw_table_find(&t->tw, ev->cookie))) {
		tlt_on_timewait_other(t, s, ev);
		return;
	}
	tlt_emit(t, c, ev);
}

void tl_timeline_feed(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_tw_slot *s;
	struct tl_conn *c;

	switch (ev->type) {
	case TL_EV_STATE:
		on_state(t, ev);
		break;
	case TL_EV_TW_END:
		tlt_on_tw_end(t, ev);
		break;
	case TL_EV_TW_STATE:
		tlt_on_tw_state(t, ev);
		break;
	case TL_EV_SOCK:
		on_sock(t, ev);
		break;
	case TL_EV_OWNER:
		c = lookup(t, ev->cookie);
		if (c) {
			touch(t, c, ev);
			tl_conn_take_owner(c, ev);
			tl_conn_take_accept(c, ev);
		} else if ((s = tl_tw_table_find(&t->tw, ev->cookie))) {
			tlt_on_timewait_other(t, s, ev);
		}
		break;
	case TL_EV_RETRANS:
	case TL_EV_SYNACK_RETRANS:
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
	case TL_EV_DROP:
	case TL_EV_LISTENER:
	case TL_EV_KA_PROBE:
	case TL_EV_KA_INFO:
	case TL_EV_ZWIN:
		on_other(t, ev);
		break;
	default:
		break;
	}
}

void tl_timeline_tick(struct tl_timeline *t, uint64_t now_ns)
{
	while (!tl_dlist_empty(&t->closing)) {
		struct tl_conn *c = conn_of(t->closing.next, due);

		if (c->due_ns + TL_CLOSE_GRACE_NS > now_ns)
			break;
		tlt_finish(t, c, tl_conn_end(c), c->due_ns);
	}
	tlt_tw_tick(t, now_ns);
}

void tl_timeline_flush(struct tl_timeline *t, uint64_t now_ns)
{
	while (!tl_dlist_empty(&t->closing)) {
		struct tl_conn *c = conn_of(t->closing.next, due);

		tlt_finish(t, c, tl_conn_end(c), c->due_ns);
	}
	for (struct tl_conn *c; (c = tl_conn_table_oldest(&t->tab));)
		tlt_finish(t, c, TL_END_OPEN, now_ns);
	tlt_tw_flush(t, now_ns);
}

void tl_timeline_stats(const struct tl_timeline *t, struct tl_stats *st)
{
	st->table_evictions += t->evictions;
	st->states_truncated += t->truncated;
	st->lifelines += t->lifelines;
}

uint32_t tl_timeline_size(const struct tl_timeline *t)
{
	return t->tab.size + t->tw.size;
}

void tl_timeline_prefetch(const struct tl_timeline *t, const struct tl_event *ev, int stage)
{
	tl_conn_table_prefetch(&t->tab, ev, stage);
	if (stage == 0)
		tlt_tw_prefetch(t, ev);
}
