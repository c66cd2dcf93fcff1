// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_sockets_census.c - the census: per-state and per-table counts,
 * ephemeral-range filtering of TIME_WAIT destinations, orphaned FIN_WAIT2,
 * CLOSE_WAIT thresholds and owner grouping, row caps.
 */
#include <sys/socket.h>

#include "tests/unit/sockets/test_sockets_fixture.h"
#include "tests/unit/unit.h"
#include "user/core/model.h"

UNIT_TEST(sockets_census_counts_states_and_tables)
{
	struct tl_census *c = tl_census_new(60 * SK_NS, NULL);
	uint64_t states[TL_CENSUS_STATES];
	const struct tl_census_row *const *rows;
	size_t n;

	sk_populate(c);
	CHECK_INT(tl_census_finish(c), 0);
	CHECK_INT(tl_census_total(c, states), 14);
	CHECK_INT(states[TL_TCP_ESTABLISHED], 3);
	CHECK_INT(states[TL_TCP_TIME_WAIT], 4);
	CHECK_INT(states[TL_TCP_CLOSE_WAIT], 2);
	CHECK_INT(states[TL_TCP_LISTEN], 1);
	CHECK_INT(states[TL_TCP_NEW_SYN_RECV], 2);
	CHECK_INT(states[TL_TCP_FIN_WAIT2], 2);

	rows = tl_census_view(c, TL_CV_NETNS, &n);
	CHECK_INT(n, 2);
	CHECK_INT(rows[0]->key.netns, SK_NS_A);
	CHECK_INT(rows[0]->states[TL_TCP_TIME_WAIT], 3);
	CHECK_INT(rows[0]->fw2_orphan_tw, 1);
	CHECK_INT(rows[0]->fw2_orphan_full, 1);
	CHECK_INT(rows[0]->close_wait_old, 1);
	CHECK_INT(rows[1]->key.netns, SK_NS_B);
	CHECK_INT(rows[1]->states[TL_TCP_TIME_WAIT], 1);
	CHECK(!rows[1]->sys.valid);

	/* port 8080: listener, 2 established, 2 half-open, 2 CLOSE_WAIT, 1 TIME_WAIT */
	rows = tl_census_view(c, TL_CV_PORTS, &n);
	CHECK(n >= 2);
	CHECK_INT(rows[0]->key.lport, 8080);
	CHECK_INT(rows[0]->n[TL_CC_SOCKETS], 7);
	CHECK_INT(rows[0]->n[TL_CC_LISTEN], 1);
	CHECK_INT(rows[0]->n[TL_CC_HALF_OPEN], 2);
	CHECK_INT(rows[0]->n[TL_CC_CLOSE_WAIT], 2);

	rows = tl_census_view(c, TL_CV_HALF_OPEN, &n);
	CHECK_INT(n, 1);
	CHECK_INT(rows[0]->n[TL_CC_HALF_OPEN], 2);

	/* listeners have no remote address */
	rows = tl_census_view(c, TL_CV_REMOTES, &n);
	CHECK_INT(n, 4);
	CHECK_INT(rows[0]->n[TL_CC_SOCKETS], 7);
	CHECK_INT(rows[0]->key.raddr[3], 2);

	/* TIME_WAIT on port 8080 (the server's side) is outside the ephemeral range */
	rows = tl_census_view(c, TL_CV_DESTS, &n);
	CHECK_INT(n, 2);
	CHECK_INT(rows[0]->n[TL_CC_TIME_WAIT], 2);
	CHECK_INT(rows[0]->key.rport, 443);
	CHECK_INT(rows[1]->key.netns, SK_NS_B); /* range unknown: counted */
	tl_census_free(c);
}

UNIT_TEST(sockets_census_close_wait_threshold_and_owners)
{
	struct tl_census *c = tl_census_new(60 * SK_NS, NULL);
	const struct tl_cw_group *g;
	uint64_t seen, kept;
	struct tl_event *cw;
	size_t n;

	sk_populate(c);
	cw = tl_census_close_wait(c, &n);
	CHECK_INT(n, 1); /* the other CLOSE_WAIT is idle 5 s only */
	CHECK_INT(cw[0].dwell_ns, 90 * SK_NS);
	sk_own(&cw[0], 4242, "leaker");
	CHECK_INT(tl_census_finish(c), 0);
	g = tl_census_cw_groups(c, &n, &seen, &kept);
	CHECK_INT(n, 1);
	CHECK_INT(seen, 1);
	CHECK_INT(kept, 1);
	CHECK_INT(g[0].owner, TL_CW_PROCESS);
	CHECK_INT(g[0].pid, 4242);
	CHECK_STR(g[0].comm, "leaker");
	CHECK_INT(g[0].oldest.lport, 8080);
	tl_census_free(c);
}

UNIT_TEST(sockets_census_close_wait_groups_and_cap)
{
	struct tl_census_limits lim = { .close_wait_max = 3 };
	struct tl_census *c = tl_census_new(0, &lim);
	const struct tl_cw_group *g;
	uint64_t seen, kept;
	struct tl_event *cw;
	size_t n;

	for (int i = 0; i < 5; i++) {
		struct tl_event ev = sk_ev(SK_NS_A, TL_TCP_CLOSE_WAIT, 8080, 40000 + i);

		ev.dwell_ns = (uint64_t)(i + 1) * SK_NS;
		ev.segs = i == 2 ? 0 : 100 + i; /* i == 2: not accepted yet */
		tl_census_add(c, &ev);
	}
	cw = tl_census_close_wait(c, &n);
	CHECK_INT(n, 3);
	sk_own(&cw[0], 7, "app");
	sk_own(&cw[1], 7, "app");
	CHECK_INT(tl_census_finish(c), 0);
	g = tl_census_cw_groups(c, &n, &seen, &kept);
	CHECK_INT(seen, 5);
	CHECK_INT(kept, 3);
	CHECK_INT(n, 2);
	CHECK_INT(g[0].owner, TL_CW_PROCESS);
	CHECK_INT(g[0].sockets, 2);
	CHECK_INT(g[0].oldest_idle_ns, 2 * SK_NS);
	CHECK_INT(g[0].oldest.rport, 40001);
	CHECK_INT(g[1].owner, TL_CW_NOT_ACCEPTED);
	tl_census_free(c);
}

UNIT_TEST(sockets_census_caps_count_what_they_drop)
{
	struct tl_census_limits lim = { .rows_max = { [TL_CT_PORT] = 2, [TL_CT_REMOTE] = 300 } };
	struct tl_census *c = tl_census_new(0, &lim);
	const struct tl_census_row *const *rows;
	size_t n;

	/* 1000 sockets: 1000 ports for a 2-row table, 500 remotes for 300 rows */
	for (int i = 0; i < 1000; i++) {
		struct tl_event ev = sk_ev(SK_NS_A, TL_TCP_ESTABLISHED, 1000 + i, 80);

		ev.raddr[2] = i / 2 / 256;
		ev.raddr[3] = i / 2 % 256;
		tl_census_add(c, &ev);
	}
	CHECK_INT(tl_census_finish(c), 0);
	CHECK_INT(tl_census_total(c, NULL), 1000);
	CHECK_INT(tl_census_uncounted(c, TL_CT_PORT), 998);
	CHECK_INT(tl_census_uncounted(c, TL_CT_REMOTE), 400);
	CHECK_INT(tl_census_uncounted(c, TL_CT_NETNS), 0);
	CHECK_INT(tl_census_rows_max(c, TL_CT_PORT), 2);
	rows = tl_census_view(c, TL_CV_REMOTES, &n);
	CHECK_INT(n, 300);
	CHECK_INT(rows[0]->n[TL_CC_SOCKETS], 2);
	tl_census_free(c);
}

UNIT_TEST(sockets_census_ignores_other_records)
{
	struct tl_census *c = tl_census_new(0, NULL);
	struct tl_event ev = sk_ev(SK_NS_A, TL_TCP_ESTABLISHED, 1, 2);

	ev.type = TL_EV_STATE;
	tl_census_add(c, &ev);
	CHECK_INT(tl_census_finish(c), 0);
	CHECK_INT(tl_census_total(c, NULL), 0);
	tl_census_free(c);
}
