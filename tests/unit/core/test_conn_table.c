// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_conn_table.c - the connection store: hash and LRU order (core/conn_table.h).
 */
#include "core/conn_table.h"
#include "tests/unit/unit.h"

UNIT_TEST(conn_table_insert_lookup_remove)
{
	struct tl_conn_table tab;
	/* cookies that collide in a small table, and far apart ones */
	static const uint64_t cookies[] = { 1, 2, 3, 17, 33, 1ULL << 40, 0x8000000000000001ULL, 5 };
	struct tl_conn *c[8];

	CHECK_INT(tl_conn_table_init(&tab, 8), 0);
	for (int i = 0; i < 8; i++) {
		CHECK(!tl_conn_table_full(&tab));
		c[i] = tl_conn_table_insert(&tab, cookies[i]);
		CHECK(c[i]->in_use);
		CHECK(c[i]->l.cookie == cookies[i]);
	}
	CHECK(tl_conn_table_full(&tab));
	CHECK_INT(tab.size, 8);
	for (int i = 0; i < 8; i++)
		CHECK(tl_conn_table_lookup(&tab, cookies[i]) == c[i]);
	CHECK(!tl_conn_table_lookup(&tab, 4));
	/* remove from the middle of chains; the rest stays findable */
	tl_conn_table_remove(&tab, c[1]);
	tl_conn_table_remove(&tab, c[4]);
	CHECK(!tl_conn_table_full(&tab));
	CHECK_INT(tab.size, 6);
	CHECK(!tl_conn_table_lookup(&tab, cookies[1]));
	CHECK(!tl_conn_table_lookup(&tab, cookies[4]));
	for (int i = 0; i < 8; i++)
		if (i != 1 && i != 4)
			CHECK(tl_conn_table_lookup(&tab, cookies[i]) == c[i]);
	/* a freed entry is reused, zeroed */
	c[1]->rtx_segs = 99;
	struct tl_conn *again = tl_conn_table_insert(&tab, 1000);

	CHECK(again == c[4] || again == c[1]);
	CHECK_INT(again->rtx_segs, 0);
	tl_conn_table_fini(&tab);
}

UNIT_TEST(conn_table_lru_order)
{
	struct tl_conn_table tab;
	struct tl_conn *a, *b, *c;

	CHECK_INT(tl_conn_table_init(&tab, 4), 0);
	CHECK(!tl_conn_table_oldest(&tab));
	a = tl_conn_table_insert(&tab, 10);
	b = tl_conn_table_insert(&tab, 11);
	c = tl_conn_table_insert(&tab, 12);
	CHECK(tl_conn_table_oldest(&tab) == a);
	tl_conn_table_touch(&tab, a, 500);
	CHECK(tl_conn_table_oldest(&tab) == b);
	CHECK_INT(a->last_ts, 500);
	tl_conn_table_touch(&tab, a, 400); /* an older event does not move last_ts back */
	CHECK_INT(a->last_ts, 500);
	tl_conn_table_remove(&tab, b);
	CHECK(tl_conn_table_oldest(&tab) == c);
	tl_conn_table_remove(&tab, c);
	tl_conn_table_remove(&tab, a);
	CHECK(!tl_conn_table_oldest(&tab));
	CHECK_INT(tab.size, 0);
	tl_conn_table_fini(&tab);
}

UNIT_TEST(conn_table_prefetch_changes_nothing)
{
	struct tl_conn_table tab;
	struct tl_event ev = { .type = TL_EV_STATE,
			       .cookie = 7,
			       .old_state = TL_TCP_LISTEN,
			       .new_state = TL_TCP_SYN_RECV };

	CHECK_INT(tl_conn_table_init(&tab, 0), 0); /* at least one entry */
	CHECK_INT(tab.max_conns, 1);
	tl_conn_table_prefetch(&tab, &ev, 0);
	tl_conn_table_prefetch(&tab, &ev, 1);
	tl_conn_table_insert(&tab, 7);
	tl_conn_table_prefetch(&tab, &ev, 1);
	CHECK_INT(tab.size, 1);
	CHECK(tl_conn_table_full(&tab));
	tl_conn_table_fini(&tab);
}
