// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_timeline_tw_table.c - connections a timewait socket holds wait in the
 * TIME_WAIT table, not in the live table: many more than the live table
 * holds, each to its timer's end with the right dwell and nothing evicted;
 * the TIME_WAIT table's own bound; events that meet an entry there
 * (core/timeline.h).
 */
#include <string.h>

#include "tests/unit/core/timeline_fixture.h"
#include "tests/unit/unit.h"

/* more at once than the live table's old default (65536), ends and starts interleaved */
#define N 70000
#define TW_START(i) (1000 * MS + (uint64_t)(i)*900000) /* ~66.7k in TIME_WAIT at the peak */
#define TW_END(i) (TW_START(i) + 60000 * MS + (uint64_t)((i) % 7) * MS)

/* Checks each lifeline as it comes (more than struct capture holds). */
struct check {
	int lifelines, bad, evicted;
	uint8_t seen[N];
};

static void ignore_event(void *ctx, const struct tl_event *ev)
{
	(void)ctx;
	(void)ev;
}

static void check_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct check *k = ctx;
	uint64_t i = l->cookie - 100;
	const struct tl_dwell *tw = &l->states[l->nstates - 1];

	k->lifelines++;
	if (l->end == TL_END_EVICTED) {
		k->evicted++;
		return;
	}
	if (i >= N || l->lport != 10000 + i % 50000 || k->seen[i] || l->end != TL_END_CLOSED ||
	    l->nstates != 5 || tl_dwell_state(tw) != TL_TCP_TIME_WAIT ||
	    tl_dwell_ns(tw) != TW_END(i) - TW_START(i) || l->end_ns != TW_END(i) ||
	    tl_dwell_ns(&l->states[1]) != 3 * MS || l->pid != 4000 + i ||
	    strcmp(l->comm, "client") || !l->stats_known || l->bytes_acked != 101 ||
	    l->raddr[3] != 2 || l->raddr[2] != i / 50000 || l->start_ns != TW_START(i) - 6 * MS) {
		k->bad++;
		return;
	}
	k->seen[i] = 1;
}

/* Connection @i: a client's whole life up to its timewait hand-over. */
static void to_time_wait(struct tl_timeline *t, uint32_t i)
{
	uint64_t c = 100 + i, at = TW_START(i) - 6 * MS;
	struct tl_event e = ev_of(TL_EV_STATE, c, at);

	e.lport = (uint16_t)(10000 + i % 50000);
	e.raddr[2] = (uint8_t)(i / 50000);
	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_SYN_SENT;
	e.pid = 4000 + i;
	e.owner_conf = TL_OWNER_EXACT;
	strcpy(e.comm, "client");
	tl_timeline_feed(t, &e);
	e.pid = 0;
	e.owner_conf = TL_OWNER_UNKNOWN;
	memset(e.comm, 0, sizeof(e.comm));
	for (uint8_t s = TL_TCP_SYN_SENT, n, k = 0; k < 3; k++, s = n) {
		static const uint8_t next[] = { TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1,
						TL_TCP_FIN_WAIT2 };

		n = next[k];
		e.ts_ns = at += k == 1 ? 3 * MS : 1 * MS;
		e.old_state = s;
		e.new_state = n;
		e.dwell_ns = k == 1 ? 3 * MS : 1 * MS;
		tl_timeline_feed(t, &e);
	}
	e.ts_ns = TW_START(i);
	e.old_state = TL_TCP_FIN_WAIT2;
	e.new_state = TL_TCP_CLOSE;
	e.flags = TL_F_TIMEWAIT | TL_F_STATS;
	e.dwell_ns = TW_START(i) - at;
	e.bytes_acked = 101;
	tl_timeline_feed(t, &e);
}

static void tw_end(struct tl_timeline *t, uint32_t i)
{
	struct tl_event e = ev_of(TL_EV_TW_END, 100 + i, TW_END(i));

	e.old_state = TL_TCP_TIME_WAIT;
	tl_timeline_feed(t, &e);
}

UNIT_TEST(timeline_time_wait_far_beyond_the_live_table)
{
	static struct check k;
	struct tl_timeline_opts o = { .max_conns = 16,
				      .max_timewait = N,
				      .tw_end_observable = true };
	struct tl_timeline_out out = { &k, ignore_event, check_lifeline };
	struct tl_timeline *t = tl_timeline_new(&o, &out);
	struct tl_stats st = { 0 };
	uint32_t ended = 0;

	memset(&k, 0, sizeof(k));
	CHECK(t);
	for (uint32_t i = 0; i < N; i++) {
		to_time_wait(t, i);
		/* the timers end in the order they started, while new ones start */
		while (ended < i && TW_END(ended) <= TW_START(i))
			tw_end(t, ended++);
		tl_timeline_tick(t, TW_START(i));
	}
	CHECK(N - ended > 65536); /* at once, at the end of the starts */
	CHECK_INT(tl_timeline_size(t), N - ended);
	while (ended < N)
		tw_end(t, ended++);
	tl_timeline_tick(t, TW_END(N) + 1);
	tl_timeline_stats(t, &st);
	CHECK_INT(st.table_evictions, 0);
	CHECK_INT(k.evicted, 0);
	CHECK_INT(k.bad, 0);
	CHECK_INT(k.lifelines, N);
	CHECK_INT(tl_timeline_size(t), 0);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_time_wait_unobserved_ends_at_60s_beyond_the_live_table)
{
	struct capture c;
	struct tl_timeline *t = new_tl_tw(&c, 2, 64, false);

	for (uint32_t i = 0; i < 40; i++)
		to_time_wait(t, i);
	CHECK_INT(tl_timeline_size(t), 40);
	tl_timeline_tick(t, TW_START(19) + TL_TIMEWAIT_NS);
	CHECK_INT(c.nlifelines, 20);
	tl_timeline_tick(t, TW_START(39) + TL_TIMEWAIT_NS);
	CHECK_INT(c.nlifelines, 40);
	for (int i = 0; i < 40; i++) {
		CHECK_INT(c.lifelines[i].lport, 10000 + i);
		CHECK_INT(c.lifelines[i].end, TL_END_CLOSED);
		CHECK(tl_dwell_ns(&c.lifelines[i].states[4]) == TL_DWELL_UNKNOWN);
	}
	tl_timeline_free(t);
}

UNIT_TEST(timeline_time_wait_table_full_evicts_its_oldest_counted)
{
	struct capture c;
	struct tl_timeline *t = new_tl_tw(&c, 16, 4, true);
	struct tl_stats st = { 0 };

	for (uint32_t i = 0; i < 6; i++)
		to_time_wait(t, i);
	tl_timeline_stats(t, &st);
	CHECK_INT(st.table_evictions, 2);
	CHECK_INT(c.nlifelines, 2);
	CHECK_INT(c.lifelines[0].lport, 10000);
	CHECK_INT(c.lifelines[0].end, TL_END_EVICTED);
	CHECK(c.lifelines[0].end_ns == TW_START(0));
	CHECK_INT(c.lifelines[1].lport, 10001);
	CHECK_INT(tl_timeline_size(t), 4);
	for (uint32_t i = 2; i < 6; i++)
		tw_end(t, i);
	CHECK_INT(c.nlifelines, 6);
	CHECK_INT(c.lifelines[5].end, TL_END_CLOSED);
	tl_timeline_free(t);
}

UNIT_TEST(timeline_events_of_a_connection_in_the_time_wait_table)
{
	struct capture c;
	struct tl_timeline *t = new_tl_tw(&c, 16, 16, true);
	struct tl_event e;
	int n;

	to_time_wait(t, 0);
	to_time_wait(t, 1);
	n = c.nevents;
	/* a reset the timewait socket sent, shown with the connection's owner */
	e = ev_of(TL_EV_RESET_SENT, 100, TW_START(1) + 5 * MS);
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nevents, n + 1);
	CHECK_INT(c.events[n].pid, 4000);
	CHECK_STR(c.events[n].comm, "client");
	/* and a retransmit of the other one, with its owner */
	e = ev_of(TL_EV_RETRANS, 101, TW_START(1) + 6 * MS);
	e.segs = 3;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.events[n + 1].pid, 4001);
	/* a duplicate CLOSE changes nothing */
	e = ev_of(TL_EV_STATE, 100, TW_START(1) + 7 * MS);
	e.old_state = TL_TCP_FIN_WAIT2;
	e.new_state = TL_TCP_CLOSE;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nevents, n + 2);
	CHECK_INT(c.nlifelines, 0);
	/* the same socket connects again: its TIME_WAIT lifeline ends there */
	e.old_state = TL_TCP_CLOSE;
	e.new_state = TL_TCP_SYN_SENT;
	e.ts_ns = TW_START(1) + 8 * MS;
	tl_timeline_feed(t, &e);
	CHECK_INT(c.nlifelines, 1);
	CHECK_INT(c.lifelines[0].end, TL_END_RESET_LOCAL);
	CHECK(c.lifelines[0].end_ns == TW_START(1) + 8 * MS);
	tw_end(t, 1);
	CHECK_INT(c.nlifelines, 2);
	CHECK_INT(c.lifelines[1].lport, 10001);
	CHECK_INT(c.lifelines[1].end, TL_END_CLOSED);
	CHECK(tl_dwell_ns(&c.lifelines[1].states[4]) == TW_END(1) - TW_START(1));
	CHECK_INT(tl_timeline_size(t), 1); /* the new connection of cookie 100 */
	tl_timeline_free(t);
}
