// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_conn.c - one connection's lifeline bookkeeping (core/conn.h). */
#include <errno.h>

#include "core/conn.h"
#include "tests/unit/unit.h"

#define NONE TL_DWELL_UNKNOWN

static struct tl_event owner_ev(uint8_t conf, uint32_t pid, const char *comm)
{
	struct tl_event e = { .type = TL_EV_OWNER, .owner_conf = conf, .pid = pid };

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	return e;
}

UNIT_TEST(conn_push_state_keeps_the_newest)
{
	struct tl_conn c = { 0 };
	int first = 0;

	for (int i = 0; i < TL_LIFELINE_MAX_STATES + 3; i++)
		first += tl_conn_push_state(&c, (uint8_t)(i % 12 + 1), 1000 + i);
	CHECK_INT(first, 1); /* counted once, however many are dropped */
	CHECK(c.l.states_truncated);
	CHECK_INT(c.l.nstates, TL_LIFELINE_MAX_STATES);
	/* the oldest three went: the first kept is push #3 */
	CHECK_INT(tl_dwell_state(&c.l.states[0]), 3 % 12 + 1);
	CHECK_INT(tl_dwell_state(&c.l.states[TL_LIFELINE_MAX_STATES - 1]),
		  (TL_LIFELINE_MAX_STATES + 2) % 12 + 1);
	CHECK_INT(c.enter_ns, 1000 + TL_LIFELINE_MAX_STATES + 2);
}

UNIT_TEST(conn_push_state_established)
{
	struct tl_conn c = { 0 };

	tl_conn_push_state(&c, TL_TCP_SYN_SENT, 1);
	CHECK(!c.established);
	tl_conn_push_state(&c, TL_TCP_ESTABLISHED, 2);
	CHECK(c.established);
	CHECK_INT(c.state, TL_TCP_ESTABLISHED);
	CHECK_INT(tl_dwell_ns(&c.l.states[1]), NONE);
}

static const struct close_case {
	const char *name;
	uint64_t enter_ns, dwell_ns, now_ns, want;
} close_cases[] = {
	{ "kernel's dwell wins", 100, 7, 500, 7 }, { "else time since entry", 100, NONE, 500, 400 },
	{ "entry unseen", 0, NONE, 500, NONE },	   { "clock before entry", 600, NONE, 500, NONE },
	{ "kernel's dwell of 0", 100, 0, 500, 0 },
};

UNIT_TEST(conn_close_state_table)
{
	for (size_t i = 0; i < sizeof(close_cases) / sizeof(close_cases[0]); i++) {
		const struct close_case *k = &close_cases[i];
		struct tl_conn c = { 0 };

		tl_conn_push_state(&c, TL_TCP_ESTABLISHED, k->enter_ns);
		tl_conn_close_state(&c, k->dwell_ns, k->now_ns);
		if (tl_dwell_ns(&c.l.states[0]) != k->want)
			unit_fail(__FILE__, __LINE__, "%s: dwell %llu, want %llu", k->name,
				  (unsigned long long)tl_dwell_ns(&c.l.states[0]),
				  (unsigned long long)k->want);
	}
	/* no state yet: nothing to close, nothing written */
	struct tl_conn empty = { 0 };

	tl_conn_close_state(&empty, 5, 10);
	CHECK_INT(empty.l.nstates, 0);
}

UNIT_TEST(conn_leave_state_names_a_missed_transition)
{
	struct tl_conn c = { 0 };

	tl_conn_push_state(&c, TL_TCP_SYN_SENT, 100);
	/* the kernel says ESTABLISHED is left: the move into it was missed */
	CHECK(!tl_conn_leave_state(&c, TL_TCP_ESTABLISHED, 50, 300));
	CHECK_INT(c.l.nstates, 2);
	CHECK_INT(tl_dwell_state(&c.l.states[1]), TL_TCP_ESTABLISHED);
	CHECK_INT(tl_dwell_ns(&c.l.states[1]), 50);
	CHECK_INT(tl_dwell_ns(&c.l.states[0]), NONE); /* its end was not seen */
	/* leaving the state it is in only closes it */
	tl_conn_push_state(&c, TL_TCP_FIN_WAIT1, 300);
	tl_conn_leave_state(&c, TL_TCP_FIN_WAIT1, NONE, 350);
	CHECK_INT(c.l.nstates, 3);
	CHECK_INT(tl_dwell_ns(&c.l.states[2]), 50);
}

UNIT_TEST(conn_set_tuple_keeps_what_is_known)
{
	struct tl_conn c = { 0 };
	struct tl_event e = { .netns = 7, .family = 2, .lport = 0, .rport = 80 };

	e.laddr[0] = 0; /* a connecting socket: no local address yet */
	e.raddr[0] = 10;
	tl_conn_set_tuple(&c, &e);
	CHECK_INT(c.l.rport, 80);
	CHECK_INT(c.l.lport, 0);
	e.lport = 40000;
	e.laddr[0] = 127;
	tl_conn_set_tuple(&c, &e);
	CHECK_INT(c.l.lport, 40000);
	CHECK_INT(c.l.laddr[0], 127);
	/* a later event without ports (CLOSE) keeps both ends */
	e.lport = e.rport = 0;
	e.laddr[0] = e.raddr[0] = 0;
	tl_conn_set_tuple(&c, &e);
	CHECK_INT(c.l.lport, 40000);
	CHECK_INT(c.l.laddr[0], 127);
	CHECK_INT(c.l.rport, 80);
	CHECK_INT(c.l.raddr[0], 10);
	CHECK_INT(c.l.netns, 7);
}

static const struct owner_case {
	uint8_t have, ev;
	uint32_t want_pid;
} owner_cases[] = {
	/* have (pid 1), event (pid 2): whose owner stays */
	{ TL_OWNER_UNKNOWN, TL_OWNER_UNKNOWN, 0 },   { TL_OWNER_UNKNOWN, TL_OWNER_LISTENER, 2 },
	{ TL_OWNER_UNKNOWN, TL_OWNER_EXACT, 2 },     { TL_OWNER_LISTENER, TL_OWNER_UNKNOWN, 1 },
	{ TL_OWNER_LISTENER, TL_OWNER_LISTENER, 1 }, { TL_OWNER_LISTENER, TL_OWNER_EXACT, 2 },
	{ TL_OWNER_EXACT, TL_OWNER_UNKNOWN, 1 },     { TL_OWNER_EXACT, TL_OWNER_LISTENER, 1 },
	{ TL_OWNER_EXACT, TL_OWNER_EXACT, 1 },
};

UNIT_TEST(conn_take_owner_table)
{
	for (size_t i = 0; i < sizeof(owner_cases) / sizeof(owner_cases[0]); i++) {
		const struct owner_case *k = &owner_cases[i];
		struct tl_conn c = { 0 };
		struct tl_event e = owner_ev(k->ev, 2, "two");

		c.l.owner_conf = k->have;
		c.l.pid = k->have ? 1 : 0;
		tl_conn_take_owner(&c, &e);
		if (c.l.pid != k->want_pid)
			unit_fail(__FILE__, __LINE__, "have %u, event %u: pid %u, want %u", k->have,
				  k->ev, c.l.pid, k->want_pid);
		if (k->want_pid == 2)
			CHECK_STR(c.l.comm, "two");
	}
}

UNIT_TEST(conn_take_stats_only_when_carried)
{
	struct tl_conn c = { 0 };
	struct tl_event e = {
		.bytes_acked = 5, .bytes_received = 6, .srtt_us = 7, .total_retrans = 8
	};

	tl_conn_take_stats(&c, &e);
	CHECK(!c.l.stats_known);
	CHECK_INT(c.l.bytes_acked, 0);
	e.flags = TL_F_STATS;
	tl_conn_take_stats(&c, &e);
	CHECK(c.l.stats_known);
	CHECK_INT(c.l.bytes_acked, 5);
	CHECK_INT(c.l.bytes_received, 6);
	CHECK_INT(c.l.srtt_us, 7);
	CHECK_INT(c.l.retransmits, 8);
}

UNIT_TEST(conn_take_timeout_only_with_etimedout_and_a_known_timer)
{
	struct tl_conn c = { 0 };
	struct tl_event e = {
		.reason = ETIMEDOUT, .kind = TL_TO_RETRANSMIT, .segs = 15, .detail = 924000
	};

	tl_conn_take_timeout(&c, &e);
	CHECK_INT(c.l.timeout, TL_TO_RETRANSMIT);
	CHECK_INT(c.l.timeout_attempts, 15);
	CHECK_INT(c.l.timeout_ms, 924000);
	e.segs = 70000; /* more than fit: kept as the most that fits */
	tl_conn_take_timeout(&c, &e);
	CHECK_INT(c.l.timeout_attempts, UINT16_MAX);
	e.kind = TL_TO_MAX; /* a timer a newer kernel side knows: not named */
	tl_conn_take_timeout(&c, &e);
	CHECK_INT(c.l.timeout, TL_TO_NONE);
	e.kind = TL_TO_SYN;
	e.reason = ECONNREFUSED; /* not a timeout: kind means nothing */
	tl_conn_take_timeout(&c, &e);
	CHECK_INT(c.l.timeout, TL_TO_NONE);
	e.reason = TL_REASON_NONE;
	tl_conn_take_timeout(&c, &e);
	CHECK_INT(c.l.timeout, TL_TO_NONE);
}

UNIT_TEST(conn_take_keepalive_settings_and_probes)
{
	struct tl_conn c = { 0 };
	struct tl_event e = { .type = TL_EV_KA_PROBE,
			      .detail = 7200000,
			      .reason = 75000,
			      .total_retrans = 9,
			      .segs = 1 };

	tl_conn_take_keepalive(&c, &e);
	tl_conn_take_keepalive(&c, &e);
	CHECK(c.l.ka_on && c.l.ka_probes_known);
	CHECK_INT(c.l.ka_probes, 2);
	CHECK_INT(c.l.ka_idle_s, 7200);
	CHECK_INT(c.l.ka_intvl_s, 75);
	CHECK_INT(c.l.ka_cnt, 9);
	/* the record at close: settings, no probe */
	e.type = TL_EV_KA_INFO;
	e.total_retrans = 300; /* more than a count can be: the most that fits */
	tl_conn_take_keepalive(&c, &e);
	CHECK_INT(c.l.ka_probes, 2);
	CHECK_INT(c.l.ka_cnt, UINT8_MAX);

	/* at close only: probes known only if the kernel side could see them */
	memset(&c, 0, sizeof(c));
	tl_conn_take_keepalive(&c, &e);
	CHECK(c.l.ka_on && !c.l.ka_probes_known);
	e.flags = TL_F_KA_PROBES;
	tl_conn_take_keepalive(&c, &e);
	CHECK(c.l.ka_probes_known);
	CHECK_INT(c.l.ka_probes, 0);
}

UNIT_TEST(conn_zero_window_stalls)
{
	struct tl_conn c = { 0 };
	struct tl_event e = { .type = TL_EV_ZWIN };

	c.l.start_ns = 1000000000;
	e.kind = TL_ZW_START;
	e.ts_ns = c.l.start_ns + 500000000; /* 500 ms in */
	tl_conn_take_zwin(&c, &e);
	e.kind = TL_ZW_PROBE;
	tl_conn_take_zwin(&c, &e);
	tl_conn_take_zwin(&c, &e);
	e.kind = TL_ZW_END;
	e.ts_ns += 2500000000; /* 2.5 s later */
	tl_conn_take_zwin(&c, &e);
	CHECK_INT(c.l.zw_stalls, 1);
	CHECK_INT(c.l.zw_probes, 2);
	CHECK_INT(c.l.zw_stalled_ms, 2500);
	CHECK_INT(c.l.zw_since_1, 0);
	/* an end again, or an unknown phase: nothing changes */
	tl_conn_take_zwin(&c, &e);
	e.kind = 9;
	tl_conn_take_zwin(&c, &e);
	CHECK_INT(c.l.zw_stalled_ms, 2500);
	/* a stall under way when the connection ends: it ends there */
	e.kind = TL_ZW_START;
	tl_conn_take_zwin(&c, &e);
	tl_conn_stall_end(&c, e.ts_ns + 1000000000);
	CHECK_INT(c.l.zw_stalls, 2);
	CHECK_INT(c.l.zw_stalled_ms, 3500);
	/* a start while one is under way (its end lost): the first ends there */
	e.ts_ns += 2000000000;
	tl_conn_take_zwin(&c, &e);
	e.ts_ns += 1000000000;
	tl_conn_take_zwin(&c, &e);
	CHECK_INT(c.l.zw_stalls, 4);
	CHECK_INT(c.l.zw_stalled_ms, 4500);
}

UNIT_TEST(conn_close_kind_table)
{
	struct tl_conn c = { 0 };

	CHECK_INT(tl_conn_close_kind(&c, TL_END_CLOSED), TL_CLOSE_NONE); /* never established */
	CHECK_INT(tl_conn_close_kind(&c, TL_END_RESET_BY_PEER), TL_CLOSE_NONE);
	c.established = true;
	CHECK_INT(tl_conn_close_kind(&c, TL_END_CLOSED), TL_CLOSE_GRACEFUL);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_RESET_BY_PEER), TL_CLOSE_ABORTIVE);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_RESET_LOCAL), TL_CLOSE_ABORTIVE);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_TIMED_OUT), TL_CLOSE_NONE);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_KEEPALIVE_TIMEOUT), TL_CLOSE_NONE);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_OPEN), TL_CLOSE_NONE);
	CHECK_INT(tl_conn_close_kind(&c, TL_END_EVICTED), TL_CLOSE_NONE);
	CHECK_STR(tl_close_name(TL_CLOSE_GRACEFUL), "graceful");
	CHECK_STR(tl_close_name(TL_CLOSE_ABORTIVE), "abortive");
	CHECK(tl_close_name(TL_CLOSE_NONE) == NULL);
	CHECK(tl_close_name(TL_CLOSE_MAX) == NULL);
}

static const struct end_case {
	const char *name;
	int32_t err;
	bool rst_recv, rst_sent, established;
	uint8_t first;
	enum tl_end want;
	uint8_t timeout;
} end_cases[] = {
	{ "refused", ECONNREFUSED, false, false, false, TL_TCP_SYN_SENT, TL_END_REFUSED, 0 },
	{ "timed out", ETIMEDOUT, false, false, true, TL_TCP_SYN_SENT, TL_END_TIMED_OUT, 0 },
	{ "retransmit timeout", ETIMEDOUT, false, false, true, TL_TCP_SYN_SENT, TL_END_TIMED_OUT,
	  TL_TO_RETRANSMIT },
	{ "keepalive timeout", ETIMEDOUT, false, false, true, TL_TCP_SYN_SENT,
	  TL_END_KEEPALIVE_TIMEOUT, TL_TO_KEEPALIVE },
	{ "reset by peer", ECONNRESET, true, false, true, TL_TCP_SYN_SENT, TL_END_RESET_BY_PEER,
	  0 },
	{ "EPIPE after a reset", EPIPE, true, false, true, TL_TCP_SYN_SENT, TL_END_RESET_BY_PEER,
	  0 },
	{ "ECONNRESET, no reset seen", ECONNRESET, false, false, true, TL_TCP_SYN_SENT,
	  TL_END_ERROR, 0 },
	{ "reset seen, no error", 0, true, false, true, TL_TCP_SYN_SENT, TL_END_RESET_BY_PEER, 0 },
	{ "reset sent", 0, false, true, true, TL_TCP_SYN_SENT, TL_END_RESET_LOCAL, 0 },
	{ "other error", EHOSTUNREACH, false, false, true, TL_TCP_SYN_SENT, TL_END_ERROR, 0 },
	{ "never established", 0, false, false, false, TL_TCP_SYN_SENT, TL_END_ABORTED, 0 },
	{ "a listener", 0, false, false, false, TL_TCP_LISTEN, TL_END_CLOSED, 0 },
	{ "orderly", 0, false, false, true, TL_TCP_SYN_SENT, TL_END_CLOSED, 0 },
};

UNIT_TEST(conn_end_table)
{
	for (size_t i = 0; i < sizeof(end_cases) / sizeof(end_cases[0]); i++) {
		const struct end_case *k = &end_cases[i];
		struct tl_conn c = { 0 };

		tl_conn_push_state(&c, k->first, 1);
		c.established = k->established;
		c.l.err = k->err;
		c.l.timeout = k->timeout;
		c.reset_recv = k->rst_recv;
		c.reset_sent = k->rst_sent;
		if (tl_conn_end(&c) != k->want)
			unit_fail(__FILE__, __LINE__, "%s: %s, want %s", k->name,
				  tl_end_name(tl_conn_end(&c)), tl_end_name(k->want));
	}
}

UNIT_TEST(conn_states_that_imply_a_handshake)
{
	static const uint8_t yes[] = { TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT, TL_TCP_FIN_WAIT1,
				       TL_TCP_FIN_WAIT2,   TL_TCP_CLOSING,    TL_TCP_LAST_ACK,
				       TL_TCP_TIME_WAIT };
	static const uint8_t no[] = { TL_TCP_SYN_SENT, TL_TCP_SYN_RECV, TL_TCP_LISTEN, TL_TCP_CLOSE,
				      TL_TCP_NEW_SYN_RECV };

	for (size_t i = 0; i < sizeof(yes); i++)
		CHECK(tl_state_implies_established(yes[i]));
	for (size_t i = 0; i < sizeof(no); i++)
		CHECK(!tl_state_implies_established(no[i]));
}

static const struct shown_case {
	uint8_t conn_conf, ev_conf;
	uint32_t ev_pid;
	bool copied; /* the event goes out with the connection's owner */
} shown_cases[] = {
	{ TL_OWNER_EXACT, TL_OWNER_UNKNOWN, 0, true },
	{ TL_OWNER_EXACT, TL_OWNER_LISTENER, 9, true },
	{ TL_OWNER_EXACT, TL_OWNER_EXACT, 9, true }, /* same rank, another owner: the conn's */
	{ TL_OWNER_EXACT, TL_OWNER_EXACT, 1, false }, /* the same owner: as it is */
	{ TL_OWNER_LISTENER, TL_OWNER_EXACT, 9, false }, /* the event knows better */
	{ TL_OWNER_UNKNOWN, TL_OWNER_LISTENER, 9, false },
	{ TL_OWNER_UNKNOWN, TL_OWNER_UNKNOWN, 0, true },
};

UNIT_TEST(conn_shown_event_table)
{
	for (size_t i = 0; i < sizeof(shown_cases) / sizeof(shown_cases[0]); i++) {
		const struct shown_case *k = &shown_cases[i];
		struct tl_conn c = { 0 };
		struct tl_event e =
			owner_ev(k->ev_conf, k->ev_pid, k->ev_pid == 1 ? "one" : "nine");
		struct tl_event copy;
		const struct tl_event *out;

		c.l.owner_conf = k->conn_conf;
		c.l.pid = k->conn_conf ? 1 : 0;
		if (k->conn_conf)
			snprintf(c.l.comm, sizeof(c.l.comm), "one");
		out = tl_conn_shown_event(&c, &e, &copy);
		if ((out == &copy) != k->copied)
			unit_fail(__FILE__, __LINE__, "case %zu: copied %d", i, out == &copy);
		if (out == &copy) {
			CHECK_INT(out->pid, c.l.pid);
			CHECK_INT(out->owner_conf, k->conn_conf);
			CHECK_STR(out->comm, c.l.comm);
		} else {
			CHECK(out == &e);
		}
	}
	struct tl_event e = owner_ev(TL_OWNER_UNKNOWN, 0, ""), copy;

	CHECK(tl_conn_shown_event(NULL, &e, &copy) == &e);
}
