// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_timeline.c - the lifeline state machine, fed hand-made event sequences: how
 * connections start, end and are owned (core/timeline.h); TIME_WAIT is
 * test_timeline_timewait.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/core/timeline_fixture.h"
#include "tests/unit/unit.h"

static const struct end_case {
	const char *name;
	uint8_t old;
	int err;
	bool reset_sent_after, reset_recv_before;
	enum tl_end want;
} end_cases[] = {
	{ "refused", TL_TCP_SYN_SENT, ECONNREFUSED, false, true, TL_END_REFUSED },
	{ "syn timeout", TL_TCP_SYN_SENT, ETIMEDOUT, false, false, TL_END_TIMED_OUT },
	{ "peer reset", TL_TCP_ESTABLISHED, ECONNRESET, false, true, TL_END_RESET_BY_PEER },
	{ "linger 0", TL_TCP_ESTABLISHED, 0, true, false, TL_END_RESET_LOCAL },
	{ "orderly", TL_TCP_LAST_ACK, 0, false, false, TL_END_CLOSED },
	{ "other error", TL_TCP_ESTABLISHED, EHOSTUNREACH, false, false, TL_END_ERROR },
	{ "closed in SYN_SENT", TL_TCP_SYN_SENT, 0, false, false, TL_END_ABORTED },
};

UNIT_TEST(timeline_how_connections_end)
{
	for (size_t i = 0; i < sizeof(end_cases) / sizeof(end_cases[0]); i++) {
		const struct end_case *k = &end_cases[i];
		struct capture c;
		struct tl_timeline *t = new_tl(&c, 16, true);

		state(t, 9, 1 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
		if (k->old != TL_TCP_SYN_SENT) {
			state(t, 9, 2 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
			if (k->old == TL_TCP_LAST_ACK) {
				state(t, 9, 3 * MS, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT, 1 * MS);
				state(t, 9, 4 * MS, TL_TCP_CLOSE_WAIT, TL_TCP_LAST_ACK, 1 * MS);
			}
		}
		if (k->reset_recv_before)
			simple(t, TL_EV_RESET_RECV, 9, 5 * MS);
		close_ev(t, 9, 6 * MS, k->old, k->err, 0, 1 * MS);
		/* the reset of an abortive close follows the CLOSE */
		if (k->reset_sent_after)
			simple(t, TL_EV_RESET_SENT, 9, 6 * MS + 1000);
		CHECK_INT(c.nlifelines, 0);
		tl_timeline_tick(t, 6 * MS + TL_CLOSE_GRACE_NS);
		CHECK_INT(c.nlifelines, 1);
		if (c.lifelines[0].end != k->want)
			unit_fail(__FILE__, __LINE__, "case '%s': end %s, want %s", k->name,
				  tl_end_name(c.lifelines[0].end), tl_end_name(k->want));
		CHECK_INT(c.lifelines[0].err, k->err);
		tl_timeline_free(t);
	}
}

UNIT_TEST(timeline_server_owner_from_listener_then_accept)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event e = ev_of(TL_EV_STATE, 20, 1 * MS), own;

	/* listen() in process context: exact owner */
	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_LISTEN;
	e.lport = 80;
	e.rport = 0;
	e.owner_conf = TL_OWNER_EXACT;
	e.pid = 42;
	strcpy(e.comm, "nginx");
	tl_timeline_feed(t, &e);

	/* the child in softirq: no owner in the event */
	e = ev_of(TL_EV_STATE, 21, 2 * MS);
	e.lport = 80;
	e.rport = 40000;
	e.old_state = TL_TCP_LISTEN;
	e.new_state = TL_TCP_SYN_RECV;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nevents, 2);
	CHECK_INT(c.events[1].owner_conf, TL_OWNER_LISTENER);
	CHECK_INT(c.events[1].pid, 42);
	CHECK_STR(c.events[1].comm, "nginx");

	state(t, 21, 3 * MS, TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED, 1 * MS);
	own = ev_of(TL_EV_OWNER, 21, 4 * MS);
	own.owner_conf = TL_OWNER_EXACT;
	own.pid = 43;
	strcpy(own.comm, "worker");
	tl_timeline_feed(t, &own);
	CHECK_INT(c.nevents, 3); /* owner records are not shown */
	close_ev(t, 21, 5 * MS, TL_TCP_ESTABLISHED, ECONNRESET, 0, 2 * MS);
	tl_timeline_flush(t, 6 * MS);
	CHECK_INT(c.nlifelines, 2);
	CHECK_INT(c.lifelines[0].cookie, 21);
	CHECK_INT(c.lifelines[0].owner_conf, TL_OWNER_EXACT);
	CHECK_INT(c.lifelines[0].pid, 43);
	CHECK_STR(c.lifelines[0].comm, "worker");
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[0]), TL_TCP_SYN_RECV);
	CHECK_INT(c.lifelines[0].end, TL_END_ERROR); /* ECONNRESET without a reset seen */
	/* the listener is still open when tracing stops */
	CHECK_INT(c.lifelines[1].cookie, 20);
	CHECK_INT(c.lifelines[1].end, TL_END_OPEN);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_duplicates_and_gaps)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);

	state(t, 30, 1 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	state(t, 30, 2 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
	state(t, 30, 2 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS); /* duplicate */
	CHECK_INT(c.nevents, 2);
	/* FIN_WAIT1 -> FIN_WAIT2 lost: FIN_WAIT2 -> CLOSE arrives after FIN_WAIT1 */
	state(t, 30, 3 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, 1 * MS);
	close_ev(t, 30, 5 * MS, TL_TCP_FIN_WAIT2, 0, 0, 1 * MS);
	tl_timeline_tick(t, 1000 * MS);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].nstates, 4);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[2]), TL_TCP_FIN_WAIT1);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[3]), TL_TCP_FIN_WAIT2);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[3]) == 1 * MS);
	/* an event for a connection already ended starts a mid-life one, never crashes */
	state(t, 30, 6 * MS, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT, TL_DWELL_UNKNOWN);
	tl_timeline_flush(t, 7 * MS);
	CHECK_INT(c.nlifelines, 2);
	CHECK_INT(c.lifelines[1].end, TL_END_OPEN);
	CHECK_INT(tl_dwell_state(&c.lifelines[1].states[0]), TL_TCP_ESTABLISHED);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_bounded_with_counted_evictions)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 2, true);
	struct tl_stats st = {};

	for (uint64_t k = 1; k <= 5; k++)
		state(t, 100 + k, k * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	CHECK_INT(tl_timeline_size(t), 2);
	CHECK_INT(c.nlifelines, 3);
	CHECK_INT(c.lifelines[0].cookie, 101); /* least recently active first */
	CHECK_INT(c.lifelines[0].end, TL_END_EVICTED);
	tl_timeline_stats(t, &st);
	CHECK_INT(st.table_evictions, 3);
	CHECK_INT(st.lifelines, 3);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_long_lifeline_keeps_newest_states)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 4, true);
	struct tl_stats st = {};
	uint64_t ts = 1;

	state(t, 7, ts++, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	state(t, 7, ts++, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1);
	for (int i = 0; i < 20; i++) {
		/* not real TCP, but the table must cope with whatever arrives */
		state(t, 7, ts++, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT, 1);
		state(t, 7, ts++, TL_TCP_CLOSE_WAIT, TL_TCP_ESTABLISHED, 1);
	}
	close_ev(t, 7, ts, TL_TCP_ESTABLISHED, 0, 0, 1);
	tl_timeline_flush(t, ts + 1);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].nstates, TL_LIFELINE_MAX_STATES);
	CHECK(c.lifelines[0].states_truncated);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[TL_LIFELINE_MAX_STATES - 1]),
		  TL_TCP_ESTABLISHED);
	tl_timeline_stats(t, &st);
	CHECK_INT(st.states_truncated, 1);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_preexisting_from_dump)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event s = ev_of(TL_EV_SOCK, 50, 10 * MS);

	s.old_state = TL_TCP_ESTABLISHED;
	s.flags = TL_F_PREEXISTING | TL_F_STATS;
	s.owner_conf = TL_OWNER_EXACT;
	s.pid = 7;
	strcpy(s.comm, "sshd");
	tl_timeline_feed(t, &s);
	CHECK_INT(c.nevents, 0); /* dump records are not events */
	state(t, 50, 20 * MS, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT, TL_DWELL_UNKNOWN);
	state(t, 50, 21 * MS, TL_TCP_CLOSE_WAIT, TL_TCP_LAST_ACK, 1 * MS);
	close_ev(t, 50, 22 * MS, TL_TCP_LAST_ACK, 0, 0, 1 * MS);
	tl_timeline_tick(t, 22 * MS + TL_CLOSE_GRACE_NS);
	CHECK_INT(c.nlifelines, 1);
	CHECK(c.lifelines[0].preexisting);
	CHECK_INT(c.lifelines[0].end, TL_END_CLOSED);
	CHECK_INT(c.lifelines[0].nstates, 3);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[0]) == TL_DWELL_UNKNOWN);
	CHECK_INT(c.lifelines[0].pid, 7);
	CHECK_INT(c.events[0].pid, 7); /* softirq event shown with the known owner */
	tl_timeline_free(t);
}

UNIT_TEST(timeline_learns_local_port_after_syn_sent)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event e = ev_of(TL_EV_STATE, 60, 1 * MS);

	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_SYN_SENT;
	e.lport = 0; /* connect() picks the port after this transition */
	tl_timeline_feed(t, &e);
	state(t, 60, 2 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, 1 * MS);
	tl_timeline_flush(t, 3 * MS);
	CHECK_INT(c.lifelines[0].lport, 40000);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_socket_reused_after_close)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);

	/* connect() refused, then connect() again on the same socket (same cookie) */
	state(t, 90, 1 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	close_ev(t, 90, 2 * MS, TL_TCP_SYN_SENT, ECONNREFUSED, 0, 1 * MS);
	close_ev(t, 90, 2 * MS + 5, TL_TCP_CLOSE, 0, 0, 5); /* a CLOSE -> CLOSE adds nothing */
	state(t, 90, 3 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, TL_DWELL_UNKNOWN);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].end, TL_END_REFUSED);
	CHECK_INT(c.lifelines[0].nstates, 1);
	close_ev(t, 90, 4 * MS, TL_TCP_SYN_SENT, ECONNREFUSED, 0, 1 * MS);
	tl_timeline_tick(t, 4 * MS + TL_CLOSE_GRACE_NS);
	CHECK_INT(c.nlifelines, 2);
	CHECK_INT(c.lifelines[1].end, TL_END_REFUSED);
	CHECK(c.lifelines[1].start_ns == 3 * MS);
	CHECK_INT(tl_timeline_size(t), 0);
	tl_timeline_flush(t, 5 * MS);
	CHECK_INT(c.nlifelines, 2);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_event_older_than_the_dump_is_already_in_it)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event s = ev_of(TL_EV_SOCK, 95, 10 * MS);

	s.old_state = TL_TCP_FIN_WAIT1;
	s.flags = TL_F_PREEXISTING | TL_F_STATS;
	tl_timeline_feed(t, &s);
	/* ESTABLISHED -> FIN_WAIT1 happened before the dump read the socket */
	state(t, 95, 9 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN);
	state(t, 95, 11 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, TL_DWELL_UNKNOWN);
	tl_timeline_flush(t, 12 * MS);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].nstates, 2);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[0]), TL_TCP_FIN_WAIT1);
	CHECK_INT(tl_dwell_state(&c.lifelines[0].states[1]), TL_TCP_FIN_WAIT2);
	tl_timeline_free(t);
}

/* Without storage in the kernel: no dwell and no owner but in process context. */
UNIT_TEST(timeline_dwell_and_owner_without_kernel_storage)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event rtx = ev_of(TL_EV_RETRANS, 1, 1005 * MS);

	owned_state(t, 1, 1000 * MS, TL_TCP_CLOSE, TL_TCP_SYN_SENT, 42, "curl");
	state(t, 1, 1003 * MS, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, TL_DWELL_UNKNOWN);
	rtx.old_state = TL_TCP_ESTABLISHED;
	rtx.segs = 1;
	tl_timeline_feed(t, &rtx);
	/* closed by another process: the connection keeps its first exact owner */
	owned_state(t, 1, 1010 * MS, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1, 77, "other");
	state(t, 1, 1011 * MS, TL_TCP_FIN_WAIT1, TL_TCP_FIN_WAIT2, TL_DWELL_UNKNOWN);
	CHECK_INT(c.nevents, 5);
	CHECK(c.events[0].dwell_ns == TL_DWELL_UNKNOWN);
	CHECK(c.events[1].dwell_ns == 3 * MS);
	CHECK(c.events[3].dwell_ns == 7 * MS);
	CHECK(c.events[4].dwell_ns == 1 * MS);
	for (int i = 0; i < 5; i++) {
		CHECK_INT(c.events[i].pid, 42);
		CHECK_INT(c.events[i].owner_conf, TL_OWNER_EXACT);
		CHECK_STR(c.events[i].comm, "curl");
	}
	/* a kernel-measured dwell is kept as given */
	state(t, 1, 1020 * MS, TL_TCP_FIN_WAIT2, TL_TCP_CLOSE, 5 * MS);
	CHECK(c.events[5].dwell_ns == 5 * MS);
	tl_timeline_tick(t, 2000 * MS);
	CHECK_INT(c.nlifelines, 1);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[0]) == 3 * MS);
	CHECK(tl_dwell_ns(&c.lifelines[0].states[1]) == 7 * MS);
	CHECK_INT(c.lifelines[0].pid, 42);
	tl_timeline_free(t);
}

/* A child's events carry its listener's owner until accept() names the exact one. */
UNIT_TEST(timeline_child_owner_listener_then_accept)
{
	struct capture c;
	struct tl_timeline *t = new_tl(&c, 16, true);
	struct tl_event acc = ev_of(TL_EV_OWNER, 2, 1003 * MS);
	struct tl_event e;

	e = ev_of(TL_EV_STATE, 1, 900 * MS);
	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_LISTEN;
	e.lport = 80;
	e.rport = 0;
	e.pid = 10;
	e.owner_conf = TL_OWNER_EXACT;
	memcpy(e.comm, "nginx", 6);
	tl_timeline_feed(t, &e);
	e = ev_of(TL_EV_STATE, 2, 1000 * MS);
	e.old_state = TL_TCP_LISTEN;
	e.new_state = TL_TCP_SYN_RECV;
	e.lport = 80;
	tl_timeline_feed(t, &e);
	state(t, 2, 1001 * MS, TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED, TL_DWELL_UNKNOWN);
	acc.lport = 80;
	acc.pid = 11;
	acc.owner_conf = TL_OWNER_EXACT;
	memcpy(acc.comm, "nginx-worker", 13);
	tl_timeline_feed(t, &acc);
	e = ev_of(TL_EV_STATE, 2, 1009 * MS);
	e.old_state = TL_TCP_ESTABLISHED;
	e.new_state = TL_TCP_CLOSE_WAIT;
	e.lport = 80;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nevents, 4);
	CHECK_INT(c.events[1].owner_conf, TL_OWNER_LISTENER);
	CHECK_INT(c.events[1].pid, 10);
	CHECK_INT(c.events[2].owner_conf, TL_OWNER_LISTENER);
	CHECK(c.events[2].dwell_ns == 1 * MS);
	CHECK_INT(c.events[3].owner_conf, TL_OWNER_EXACT);
	CHECK_INT(c.events[3].pid, 11);
	CHECK_STR(c.events[3].comm, "nginx-worker");
	CHECK(c.events[3].dwell_ns == 8 * MS);
	tl_timeline_free(t);
}

/*
 * Hashed ids (kernels < 5.12): a new socket at the address of one whose
 * timewait socket lives on has the same id. The TIME_WAIT lifeline is not
 * ended by it: it waits on, and the new socket has a lifeline of its own.
 */
