// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * timeline.c - what each event means for its connection (see timeline.h):
 * which transitions start, continue or end a lifeline, the closes waiting
 * for a late reset, the timewait sockets the kernel reports no transition
 * of, eviction when the table is full. The connections themselves live in
 * conn_table.c; what an event does to one is conn.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/conn_table.h"
#include "core/listener_owners.h"
#include "core/timeline.h"

struct tl_timeline {
	struct tl_timeline_opts opts;
	struct tl_timeline_out out;
	struct tl_conn_table tab;
	/* by due_ns: closes waiting for a late reset, timewait sockets not expired yet */
	struct tl_dlist closing, timewait;
	struct tl_listener_owners listeners;
	uint64_t evictions, truncated, lifelines;
};

#define conn_of(ptr, member) tl_container_of(ptr, struct tl_conn, member)

struct tl_timeline *tl_timeline_new(const struct tl_timeline_opts *opts,
				    const struct tl_timeline_out *out)
{
	struct tl_timeline *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->opts = *opts;
	if (t->opts.max_conns < 1)
		t->opts.max_conns = 1;
	t->out = *out;
	if (tl_conn_table_init(&t->tab, t->opts.max_conns)) {
		free(t);
		return NULL;
	}
	tl_dlist_init(&t->closing);
	tl_dlist_init(&t->timewait);
	return t;
}

void tl_timeline_free(struct tl_timeline *t)
{
	if (!t)
		return;
	tl_conn_table_fini(&t->tab);
	free(t);
}

static void push_state(struct tl_timeline *t, struct tl_conn *c, uint8_t state, uint64_t enter_ns)
{
	if (tl_conn_push_state(c, state, enter_ns))
		t->truncated++;
}

static void leave_state(struct tl_timeline *t, struct tl_conn *c, uint8_t old, uint64_t dwell_ns,
			uint64_t now_ns)
{
	if (tl_conn_leave_state(c, old, dwell_ns, now_ns))
		t->truncated++;
}

static void finish(struct tl_timeline *t, struct tl_conn *c, enum tl_end end, uint64_t end_ns)
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
	tl_conn_table_remove(&t->tab, c);
}

/*
 * Make room: the least recently active connection goes. One already closed
 * and only waiting for a late reset is just finished early; any other is
 * forgotten mid-life, which is counted and said in its lifeline.
 */
static void evict_one(struct tl_timeline *t)
{
	struct tl_conn *c = tl_conn_table_oldest(&t->tab);

	if (c->closing) {
		finish(t, c, tl_conn_end(c), c->due_ns);
		return;
	}
	t->evictions++;
	finish(t, c, TL_END_EVICTED, c->last_ts);
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
static void emit(struct tl_timeline *t, const struct tl_conn *c, const struct tl_event *ev)
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
	push_state(t, c, state, 0);
	if (tl_state_implies_established(state))
		c->established = true;
	return c;
}

/*
 * The timewait socket of @c is gone at @ts: its timer expired, or a new
 * socket of the same tuple replaced it (tw_reuse, or a SYN to a server's
 * timewait socket), which no tracepoint reports either.
 */
static void end_timewait(struct tl_timeline *t, struct tl_conn *c, uint64_t ts)
{
	struct tl_event shown = {
		.type = TL_EV_STATE,
		.ts_ns = ts,
		.cookie = c->l.cookie,
		.netns = c->l.netns,
		.family = c->l.family,
		.lport = c->l.lport,
		.rport = c->l.rport,
		.old_state = c->state,
		.new_state = TL_TCP_CLOSE,
		.reason = TL_REASON_NONE,
	};

	memcpy(shown.laddr, c->l.laddr, 16);
	memcpy(shown.raddr, c->l.raddr, 16);
	shown.dwell_ns = c->enter_ns && ts >= c->enter_ns ? ts - c->enter_ns : TL_DWELL_UNKNOWN;
	tl_conn_close_state(c, shown.dwell_ns, ts);
	emit(t, c, &shown);
	finish(t, c, tl_conn_end(c), ts);
}

/* A timewait socket in substate FIN_WAIT2 got the peer's FIN: now TIME_WAIT. */
static void on_tw_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);
	struct tl_event shown;

	if (!c || !c->in_tw || c->state != TL_TCP_FIN_WAIT2 || ev->old_state != TL_TCP_TIME_WAIT)
		return;
	touch(t, c, ev);
	shown = *ev;
	shown.type = TL_EV_STATE;
	shown.old_state = TL_TCP_FIN_WAIT2;
	shown.new_state = TL_TCP_TIME_WAIT;
	shown.dwell_ns = c->enter_ns && ev->ts_ns >= c->enter_ns ? ev->ts_ns - c->enter_ns :
								   TL_DWELL_UNKNOWN;
	tl_conn_close_state(c, shown.dwell_ns, ev->ts_ns);
	push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
	emit(t, c, &shown);
}

static void on_tw_end(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);

	if (c && c->in_tw)
		end_timewait(t, c, ev->ts_ns);
}

static void end_replaced_timewait(struct tl_timeline *t, const struct tl_conn *c, uint64_t ts)
{
	struct tl_conn *tw = tl_conn_table_tw_find(&t->tab, c);

	if (tw)
		end_timewait(t, tw, ts);
}

static void enter_timewait(struct tl_timeline *t, struct tl_conn *c, const struct tl_event *ev)
{
	struct tl_event shown = *ev;

	tl_conn_table_tw_add(&t->tab, c);
	c->due_ns = ev->ts_ns;
	tl_dlist_add_tail(&t->timewait, &c->due);
	if (ev->reason == TL_TCP_FIN_WAIT2) {
		/* an orphan whose FIN_WAIT2 goes on in a timewait socket: no transition */
		return;
	}
	leave_state(t, c, ev->old_state, ev->dwell_ns, ev->ts_ns);
	push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
	shown.new_state = TL_TCP_TIME_WAIT;
	emit(t, c, &shown);
}

static void on_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);
	uint8_t old = ev->old_state, new = ev->new_state;
	struct tl_event shown;

	if (c && c->last_ts == ev->ts_ns && c->last_old == old && c->last_new == new)
		return; /* duplicate */
	if (c && c->l.preexisting && ev->ts_ns < c->l.start_ns)
		return; /* older than the socket dump, which shows where it led */
	if (c && c->in_tw && (ev->cookie & TL_COOKIE_HASHED) && new != TL_TCP_CLOSE) {
		/*
		 * Not the same socket: a new one at the address of one whose timewait
		 * socket (another object) lives on. That lifeline keeps waiting under a
		 * key of its own; its TIME_WAIT ends by the timer or a replacing tuple.
		 */
		tl_conn_table_rekey(&t->tab, c);
		c = NULL;
	}
	if (c && (c->closing || c->in_tw)) {
		if (new == TL_TCP_CLOSE)
			return; /* already closed: nothing new */
		/* the same socket lives again (connect() or listen() after CLOSE) */
		finish(t, c, tl_conn_end(c), c->closing ? c->due_ns : ev->ts_ns);
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
		end_replaced_timewait(t, c, ev->ts_ns);

	if (new == TL_TCP_CLOSE) {
		tl_conn_take_stats(c, ev);
		if (ev->flags & TL_F_TIMEWAIT) {
			enter_timewait(t, c, ev);
			return;
		}
		leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
		c->l.err = ev->reason != TL_REASON_NONE ? (int32_t)ev->reason : 0;
		tl_conn_take_timeout(c, ev);
		c->state = TL_TCP_CLOSE;
		emit(t, c, ev);
		/* the reset of an abortive close comes right after the CLOSE: wait for it */
		c->closing = true;
		c->due_ns = ev->ts_ns;
		tl_dlist_add_tail(&t->closing, &c->due);
		return;
	}
	leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
	push_state(t, c, new, ev->ts_ns);
	if (new == TL_TCP_LISTEN)
		tl_listener_owners_remember(&t->listeners, &c->l);
	emit(t, c, ev);
}

/* A socket found by the start-up dump. */
static void on_sock(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = lookup(t, ev->cookie);

	/* a request socket is not a connection yet: its child will be, with a new cookie */
	if (ev->old_state == TL_TCP_NEW_SYN_RECV)
		return;
	if (c)
		return; /* already seen live: that is fresher */
	c = create_midlife(t, ev, ev->old_state, TL_DWELL_UNKNOWN);
	c->l.preexisting = true;
	tl_conn_take_owner(c, ev);
	if (ev->flags & TL_F_TIMEWAIT) {
		/* a timewait socket (FIN_WAIT2 substate too) is already past its full socket */
		tl_conn_table_tw_add(&t->tab, c);
		c->due_ns = ev->ts_ns;
		tl_dlist_add_tail(&t->timewait, &c->due);
	}
	if (ev->old_state == TL_TCP_LISTEN)
		tl_listener_owners_remember(&t->listeners, &c->l);
}

static void on_other(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c = ev->cookie ? lookup(t, ev->cookie) : NULL;

	if (c) {
		touch(t, c, ev);
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
	}
	emit(t, c, ev);
}

void tl_timeline_feed(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_conn *c;

	switch (ev->type) {
	case TL_EV_STATE:
		on_state(t, ev);
		break;
	case TL_EV_TW_END:
		on_tw_end(t, ev);
		break;
	case TL_EV_TW_STATE:
		on_tw_state(t, ev);
		break;
	case TL_EV_SOCK:
		on_sock(t, ev);
		break;
	case TL_EV_OWNER:
		c = lookup(t, ev->cookie);
		if (c) {
			touch(t, c, ev);
			tl_conn_take_owner(c, ev);
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
	uint64_t tw_limit = t->opts.tw_end_observable ? TL_TIMEWAIT_GIVEUP_NS : TL_TIMEWAIT_NS;

	while (!tl_dlist_empty(&t->closing)) {
		struct tl_conn *c = conn_of(t->closing.next, due);

		if (c->due_ns + TL_CLOSE_GRACE_NS > now_ns)
			break;
		finish(t, c, tl_conn_end(c), c->due_ns);
	}
	while (!tl_dlist_empty(&t->timewait)) {
		struct tl_conn *c = conn_of(t->timewait.next, due);

		if (c->due_ns + tw_limit > now_ns)
			break;
		/* the timewait socket's end was not seen: its dwell stays unknown */
		finish(t, c, tl_conn_end(c), now_ns);
	}
}

void tl_timeline_flush(struct tl_timeline *t, uint64_t now_ns)
{
	while (!tl_dlist_empty(&t->closing)) {
		struct tl_conn *c = conn_of(t->closing.next, due);

		finish(t, c, tl_conn_end(c), c->due_ns);
	}
	for (struct tl_conn *c; (c = tl_conn_table_oldest(&t->tab));)
		finish(t, c, TL_END_OPEN, now_ns);
}

void tl_timeline_stats(const struct tl_timeline *t, struct tl_stats *st)
{
	st->table_evictions += t->evictions;
	st->states_truncated += t->truncated;
	st->lifelines += t->lifelines;
}

uint32_t tl_timeline_size(const struct tl_timeline *t)
{
	return t->tab.size;
}

void tl_timeline_prefetch(const struct tl_timeline *t, const struct tl_event *ev, int stage)
{
	tl_conn_table_prefetch(&t->tab, ev, stage);
}
