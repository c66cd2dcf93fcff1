// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * timeline_tw.c - the timeline's connections that a timewait socket holds
 * (see timeline_priv.h): they wait packed in the TIME_WAIT table
 * (tw_table.h) and are taken out into a scratch connection for each event
 * that changes or ends one: the timer's end, a new socket of the same
 * tuple, the peer's FIN to an orphan's FIN_WAIT2, a reset, an owner.
 */
#include <string.h>

#include "core/timeline_priv.h"

/* A timewait entry, taken out into t->scratch. */
struct tl_conn *tlt_take(struct tl_timeline *t, const struct tl_tw_slot *s)
{
	tl_tw_table_get(&t->tw, s, &t->scratch);
	return &t->scratch;
}

/* The timewait entry @s (taken out as @c) ends: its lifeline goes out. */
void tlt_finish_tw(struct tl_timeline *t, struct tl_tw_slot *s, struct tl_conn *c, enum tl_end end,
		   uint64_t end_ns)
{
	tlt_conclude(t, c, end, end_ns);
	tl_tw_table_del(&t->tw, s);
}

/* @c, changed after tlt_take(), back into its entry; if that fails, it ends now. */
static void put_back(struct tl_timeline *t, struct tl_tw_slot *s, struct tl_conn *c, uint64_t ts)
{
	if (tl_tw_table_update(&t->tw, s, c)) {
		t->evictions++;
		tlt_finish_tw(t, s, c, TL_END_EVICTED, ts);
	}
}

/*
 * A timewait socket holds @c from c->due_ns: it moves to the TIME_WAIT
 * table. That is full only beyond what the kernel holds (it is sized from
 * the namespaces' tcp_max_tw_buckets): then the oldest entry is evicted,
 * counted.
 */
void tlt_to_timewait(struct tl_timeline *t, struct tl_conn *c)
{
	if (tl_tw_table_full(&t->tw)) {
		struct tl_tw_slot *s = tl_tw_table_oldest(&t->tw);

		t->evictions++;
		tlt_finish_tw(t, s, tlt_take(t, s), TL_END_EVICTED, s->due_ns);
	}
	if (!tl_tw_table_put(&t->tw, c)) {
		t->evictions++; /* ENOMEM */
		tlt_finish(t, c, TL_END_EVICTED, c->due_ns);
		return;
	}
	tl_conn_table_remove(&t->tab, c);
}

/*
 * The timewait socket of @c is gone at @ts: its timer expired, or a new
 * socket of the same tuple replaced it (tw_reuse, or a SYN to a server's
 * timewait socket), which no tracepoint reports either.
 */
static void end_timewait(struct tl_timeline *t, struct tl_tw_slot *s, uint64_t ts)
{
	struct tl_conn *c = tlt_take(t, s);
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
	tlt_emit(t, c, &shown);
	tlt_finish_tw(t, s, c, tl_conn_end(c), ts);
}

/* A timewait socket in substate FIN_WAIT2 got the peer's FIN: now TIME_WAIT. */
void tlt_on_tw_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_tw_slot *s = tl_tw_table_find(&t->tw, ev->cookie);
	struct tl_event shown;
	struct tl_conn *c;

	if (!s || ev->old_state != TL_TCP_TIME_WAIT)
		return;
	c = tlt_take(t, s);
	if (c->state != TL_TCP_FIN_WAIT2)
		return;
	if (ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
	shown = *ev;
	shown.type = TL_EV_STATE;
	shown.old_state = TL_TCP_FIN_WAIT2;
	shown.new_state = TL_TCP_TIME_WAIT;
	shown.dwell_ns = c->enter_ns && ev->ts_ns >= c->enter_ns ? ev->ts_ns - c->enter_ns :
								   TL_DWELL_UNKNOWN;
	tl_conn_close_state(c, shown.dwell_ns, ev->ts_ns);
	tlt_push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
	tlt_emit(t, c, &shown);
	put_back(t, s, c, ev->ts_ns);
}

void tlt_on_tw_end(struct tl_timeline *t, const struct tl_event *ev)
{
	struct tl_tw_slot *s = tl_tw_table_find(&t->tw, ev->cookie);

	if (s)
		end_timewait(t, s, ev->ts_ns);
}

void tlt_end_replaced_timewait(struct tl_timeline *t, const struct tl_conn *c, uint64_t ts)
{
	struct tl_tw_slot *s = tl_tw_table_find_tuple(&t->tw, &c->l, &t->scratch);

	if (s)
		end_timewait(t, s, ts);
}

void tlt_enter_timewait(struct tl_timeline *t, struct tl_conn *c, const struct tl_event *ev)
{
	struct tl_event shown = *ev;

	c->due_ns = ev->ts_ns;
	if (ev->reason != TL_TCP_FIN_WAIT2) {
		/* else an orphan whose FIN_WAIT2 goes on in a timewait socket: no transition */
		tlt_leave_state(t, c, ev->old_state, ev->dwell_ns, ev->ts_ns);
		tlt_push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
		shown.new_state = TL_TCP_TIME_WAIT;
		tlt_emit(t, c, &shown);
	}
	tlt_to_timewait(t, c);
}

/*
 * An event of a connection a timewait socket holds (found as @s): a new
 * socket at the same address (a hashed id reused), or the same socket alive
 * again. Return: false if @ev is to be ignored.
 */
bool tlt_timewait_met_state(struct tl_timeline *t, struct tl_tw_slot *s, const struct tl_event *ev)
{
	struct tl_conn *c;

	if (ev->new_state == TL_TCP_CLOSE)
		return false; /* already closed: nothing new */
	c = tlt_take(t, s);
	if (c->l.preexisting && ev->ts_ns < c->l.start_ns)
		return false; /* older than the socket dump, which shows where it led */
	if (ev->cookie & TL_COOKIE_HASHED) {
		/*
		 * Not the same socket: a new one at the address of one whose timewait
		 * socket (another object) lives on. That lifeline keeps waiting under a
		 * key of its own; its TIME_WAIT ends by the timer or a replacing tuple.
		 */
		tl_tw_table_rekey(&t->tw, s, 1ULL << 62 | ++t->rekeys);
		return true;
	}
	/* the same socket lives again (connect() or listen() after CLOSE) */
	tlt_finish_tw(t, s, c, tl_conn_end(c), ev->ts_ns);
	return true;
}

/* An event of a connection a timewait socket holds (a reset it sent, its owner). */
void tlt_on_timewait_other(struct tl_timeline *t, struct tl_tw_slot *s, const struct tl_event *ev)
{
	struct tl_conn *c = tlt_take(t, s);

	if (ev->type == TL_EV_OWNER)
		tl_conn_take_owner(c, ev);
	else
		tlt_note_other(c, ev);
	if (ev->type != TL_EV_OWNER)
		tlt_emit(t, c, ev);
	put_back(t, s, c, ev->ts_ns);
}

void tlt_tw_tick(struct tl_timeline *t, uint64_t now_ns)
{
	uint64_t limit = t->opts.tw_end_observable ? TL_TIMEWAIT_GIVEUP_NS : TL_TIMEWAIT_NS;

	for (struct tl_tw_slot *s; (s = tl_tw_table_oldest(&t->tw));) {
		struct tl_conn *c;

		if (s->due_ns + limit > now_ns)
			break;
		/* the timewait socket's end was not seen: its dwell stays unknown */
		c = tlt_take(t, s);
		tlt_finish_tw(t, s, c, tl_conn_end(c), now_ns);
	}
}

void tlt_tw_flush(struct tl_timeline *t, uint64_t now_ns)
{
	for (struct tl_tw_slot *s; (s = tl_tw_table_oldest(&t->tw));)
		tlt_finish_tw(t, s, tlt_take(t, s), TL_END_OPEN, now_ns);
}

/* New connections look for a timewait socket of their tuple (end_replaced_timewait()). */
static bool may_replace_timewait(const struct tl_event *ev)
{
	return ev->type == TL_EV_STATE &&
	       ((ev->old_state == TL_TCP_LISTEN && ev->new_state == TL_TCP_SYN_RECV) ||
		(ev->old_state == TL_TCP_SYN_SENT && ev->new_state == TL_TCP_ESTABLISHED));
}

void tlt_tw_prefetch(const struct tl_timeline *t, const struct tl_event *ev)
{
	tl_tw_table_prefetch(&t->tw, ev->cookie,
			     may_replace_timewait(ev) ?
				     tl_tuple_hash(ev->netns, ev->family, ev->lport, ev->rport,
						   ev->laddr, ev->raddr) :
				     0);
}
