// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_conn_table.c - the connection store: hashes, LRU order, timewait index
 * (core/conn_table.h).
 */
#include "core/conn_table.h"
#include "tests/unit/unit.h"

static void tuple(struct tl_conn *c, uint16_t lport, uint16_t rport, uint8_t last_byte)
{
	c->l.netns = 1;
	c->l.family = 2;
	c->l.lport = lport;
	c->l.rport = rport;
	c->l.laddr[0] = 127;
	c->l.laddr[3] = 1;
	c->l.raddr[0] = 127;
	c->l.raddr[3] = last_byte;
}

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

UNIT_TEST(conn_table_rekey_frees_the_cookie)
{
	struct tl_conn_table tab;
	struct tl_conn *old, *new;

	CHECK_INT(tl_conn_table_init(&tab, 4), 0);
	old = tl_conn_table_insert(&tab, 42);
	tl_conn_table_rekey(&tab, old);
	CHECK(!tl_conn_table_lookup(&tab, 42));
	CHECK(old->cookie & 1ULL << 62);
	CHECK(old->l.cookie == 42); /* its lifeline keeps the socket's id */
	CHECK(tl_conn_table_lookup(&tab, old->cookie) == old);
	new = tl_conn_table_insert(&tab, 42);
	CHECK(tl_conn_table_lookup(&tab, 42) == new);
	tl_conn_table_rekey(&tab, new);
	CHECK(new->cookie != old->cookie); /* each key is its own */
	tl_conn_table_fini(&tab);
}

UNIT_TEST(conn_table_timewait_index)
{
	struct tl_conn_table tab;
	struct tl_conn *tw, *other, *fresh;

	CHECK_INT(tl_conn_table_init(&tab, 8), 0);
	tw = tl_conn_table_insert(&tab, 1);
	tuple(tw, 80, 40000, 2);
	other = tl_conn_table_insert(&tab, 2);
	tuple(other, 80, 40001, 2);
	fresh = tl_conn_table_insert(&tab, 3);
	tuple(fresh, 80, 40000, 2);
	CHECK(!tl_conn_table_tw_find(&tab, fresh));
	tl_conn_table_tw_add(&tab, tw);
	tl_conn_table_tw_add(&tab, other);
	CHECK(tw->in_tw);
	CHECK(tl_conn_table_tw_find(&tab, fresh) == tw);
	CHECK(!tl_conn_table_tw_find(&tab, tw)); /* never itself */
	/* one field differs: not the same tuple */
	fresh->l.raddr[3] = 3;
	CHECK(!tl_conn_table_tw_find(&tab, fresh));
	fresh->l.raddr[3] = 2;
	fresh->l.netns = 2;
	CHECK(!tl_conn_table_tw_find(&tab, fresh));
	fresh->l.netns = 1;
	/* removal takes it out of the index */
	tl_conn_table_remove(&tab, tw);
	CHECK(!tl_conn_table_tw_find(&tab, fresh));
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
