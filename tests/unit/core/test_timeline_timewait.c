// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_timeline_timewait.c - TIME_WAIT, which the kernel reports no transition
 * of: the hand-over, its end (observed, given up, or by a new socket of the
 * same tuple) and hashed ids reused meanwhile (core/timeline.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/core/timeline_fixture.h"
#include "tests/unit/unit.h"

UNIT_TEST(timeline_client_time_wait_until_expiry)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event tw;
	struct tl_lifeline *l;

	state(t, 1, 1000 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	state(t, 1, 1001 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
	state(t, 1, 1011 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, 10 * MS);
	state(t, 1, 1012 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	close_ev(t, 1, 1013 * MS, TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT, TL_F_TIMEWAIT, 1 * MS);
	CHECK_INT(c.nevents, 5);
	CHECK_INT(c.events[4].new_state, TL_TCP_TIME_WAIT);
	CHECK_INT(c.nlifelines, 0);
	tl_timeline_tick(t, 1013 * MS + 59000 * MS);
	CHECK_INT(c.nlifelines, 0);

	tw = ev_of(TL_EV_TW_END, 1, 61013 * MS);
	tw.old_state = TL_TCP_TIME_WAIT;
	tl_timeline_feed(t, &tw);
	CHECK_INT(c.nevents, 6);
	CHECK_INT(c.events[5].type, TL_EV_STATE);
	CHECK_INT(c.events[5].old_state, TL_TCP_TIME_WAIT);
	CHECK_INT(c.events[5].new_state, TL_TCP_CLOSE);
	CHECK(c.events[5].dwell_ns == 60000 * MS);
	CHECK_INT(c.nlifelines, 1);
	l = &c.lifelines[0];
	CHECK_INT(l->nstates, 5);
	CHECK_INT(tl_dwell_state(&l->states[0]), TL_TCP_SYN_SENT);
	CHECK(tl_dwell_ns(&l->states[0]) == 1 * MS);
	CHECK_INT(tl_dwell_state(&l->states[1]), TL_TCP_ESTABLISHED);
	CHECK(tl_dwell_ns(&l->states[1]) == 10 * MS);
	CHECK_INT(tl_dwell_state(&l->states[4]), TL_TCP_TIME_WAIT);
	CHECK(tl_dwell_ns(&l->states[4]) == 60000 * MS);
	CHECK_INT(l->end, TL_END_CLOSED);
	CHECK(l->end_ns - l->start_ns == 60013 * MS);
	CHECK(l->stats_known);
	CHECK_INT(l->bytes_acked, 101);
	CHECK_INT(l->retransmits, 2);
	CHECK_INT(tl_timeline_size(t), 0);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_orphan_fin_wait2_in_timewait_socket)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event tw;

	state(t, 2, 1 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	state(t, 2, 2 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
	state(t, 2, 3 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, 1 * MS);
	state(t, 2, 4 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	/* substate FIN_WAIT2: the kernel's FIN_WAIT2 -> CLOSE is not a transition */
	close_ev(t, 2, 5 * MS, TL_TCP_FIN_WAIT2, TL_TCP_FIN_WAIT2, TL_F_TIMEWAIT, 1 * MS);
	CHECK_INT(c.nevents, 4);
	/* a segment taken in substate FIN_WAIT2 changes nothing */
	tw = ev_of(TL_EV_TW_STATE, 2, 5 * MS);
	tw.old_state = TL_TCP_FIN_WAIT2;
	tl_timeline_feed(t, &tw);
	CHECK_INT(c.nevents, 4);
	tw = ev_of(TL_EV_TW_END, 2, 64 * MS);
	tw.old_state = TL_TCP_FIN_WAIT2;
	tl_timeline_feed(t, &tw);
	CHECK_INT(c.nevents, 5);
	CHECK_INT(c.events[4].old_state, TL_TCP_FIN_WAIT2);
	CHECK(c.events[4].dwell_ns == 60 * MS);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].nstates, 4);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[3]), TL_TCP_FIN_WAIT2);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[3]) == 60 * MS);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_time_wait_end_unobservable_gives_up_after_60s)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, false);

	state(t, 3, 1 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN);
	state(t, 3, 2 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	close_ev(t, 3, 3 * MS, TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT, TL_F_TIMEWAIT, 1 * MS);
	tl_timeline_tick(t, 3 * MS + TL_TIMEWAIT_NS - 1);
	CHECK_INT(c.nlifelines, 0);
	tl_timeline_tick(t, 3 * MS + TL_TIMEWAIT_NS);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[c.lifelines[0].nstates - 1]),
		  TL_TCP_TIME_WAIT);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[c.lifelines[0].nstates - 1]) == TL_DWELL_UNKNOWN);
	/* first state seen mid-life: entered before tracing, dwell unknown */
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[0]), TL_TCP_ESTABLISHED);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[0]) == TL_DWELL_UNKNOWN);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_time_wait_replaced_by_same_tuple)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);

	state(t, 70, 1 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN);
	state(t, 70, 2 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	close_ev(t, 70, 3 * MS, TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT, TL_F_TIMEWAIT, 1 * MS);
	/* tw_reuse: a new connection of the same tuple kills the timewait socket */
	state(t, 71, 10 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	CHECK_INT(c.nlifelines, 0);
	state(t, 71, 11 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].cookie, 70);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[c.lifelines[0].nstates - 1]),
		  TL_TCP_TIME_WAIT);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[c.lifelines[0].nstates - 1]) == 8 * MS);
	CHECK_INT(c.lifelines[0].end, TL_END_CLOSED);
	/* the synthetic TIME_WAIT -> CLOSE comes before the new connection's event */
	CHECK_INT(c.events[c.nevents - 2].old_state, TL_TCP_TIME_WAIT);
	CHECK_INT(c.events[c.nevents - 2].cookie, 70);
	CHECK_INT(c.events[c.nevents - 1].cookie, 71);
	CHECK_INT(tl_timeline_size(t), 1);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_fin_wait2_timewait_socket_gets_peer_fin)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event tw;

	state(t, 80, 1 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN);
	state(t, 80, 2 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	close_ev(t, 80, 2 * MS + 10, TL_TCP_FIN_WAIT2, TL_TCP_FIN_WAIT2, TL_F_TIMEWAIT, 10);
	/* the peer's FIN moves the timewait socket to substate TIME_WAIT */
	tw = ev_of(TL_EV_TW_STATE, 80, 302 * MS);
	tw.old_state = TL_TCP_TIME_WAIT;
	tl_timeline_feed(t, &tw);
	CHECK_INT(c.nevents, 3);
	CHECK_INT(c.events[2].old_state, TL_TCP_FIN_WAIT2);
	CHECK_INT(c.events[2].new_state, TL_TCP_TIME_WAIT);
	CHECK(c.events[2].dwell_ns == 300 * MS);
	tw = ev_of(TL_EV_TW_END, 80, 60302 * MS);
	tw.old_state = TL_TCP_TIME_WAIT;
	tl_timeline_feed(t, &tw);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].nstates, 4);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[2]), TL_TCP_FIN_WAIT2);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[2]) == 300 * MS);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[3]), TL_TCP_TIME_WAIT);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[3]) == 60000 * MS);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_hashed_id_reused_during_time_wait)
{
	const uint64_t id = TL_COOKIE_HASHED | 0x1234;
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, false);
	struct tl_event e;

	state(t, id, 1 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN);
	state(t, id, 2 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, 1 * MS);
	close_ev(t, id, 3 * MS, TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT, TL_F_TIMEWAIT, 1 * MS);
	/* another connection, another tuple, the same address in the kernel */
	e = ev_of(TL_EV_STATE, id, 10 * MS);
	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_SYN_SENT;
	e.lport = 40001;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nlifelines, 0);
	CHECK_INT(tl_timeline_size(t), 2);
	e.ts_ns = 11 * MS;
	e.old_state = TL_TCP_SYN_SENT;
	e.new_state = TL_TCP_CLOSE;
	e.reason = ECONNREFUSED;
	tl_timeline_feed(t, &e);
	tl_timeline_tick(t, 12 * MS);
	tl_timeline_flush(t, 20 * MS);
	CHECK_INT(c.nlifelines, 2);
	/* the refused one first; the TIME_WAIT one open at the flush, with its own cookie */
	CHECK_INT(c.lifelines[0].lport, 40001);
	CHECK_INT(c.lifelines[0].end, TL_END_REFUSED);
	CHECK_INT(c.lifelines[1].lport, 40000);
	CHECK_INT(c.lifelines[1].cookie, id);
	CHECK_INT(tl_dwell_state(&c.lifelines[1].states[c.lifelines[1].nstates - 1]),
		  TL_TCP_TIME_WAIT);
	CHECK_INT(c.lifelines[1].end, TL_END_OPEN);
	tl_timeline_free(t);
}
