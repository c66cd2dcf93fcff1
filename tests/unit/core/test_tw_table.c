// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_tw_table.c - the compact TIME_WAIT store: a connection packed and
 * unpacked field for field, the key and tuple indexes, entry order, rekeys,
 * long packings, slots reused (core/tw_table.h, core/tw_pack.h).
 */
#include <string.h>

#include "core/tw_pack.h"
#include "core/tw_table.h"
#include "tests/unit/unit.h"

#define MS 1000000ULL

/* A connection as the timeline hands one over: a client's, in TIME_WAIT since @due. */
static void conn_at(struct tl_conn *c, uint64_t cookie, uint16_t lport, uint64_t due)
{
	static const uint8_t states[] = { TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, TL_TCP_FIN_WAIT1,
					  TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT };

	memset(c, 0, sizeof(*c));
	c->cookie = c->l.cookie = cookie;
	c->due_ns = due;
	c->enter_ns = due;
	c->last_ts = due;
	c->state = TL_TCP_TIME_WAIT;
	c->in_use = c->established = true;
	c->l.start_ns = due - 3 * MS;
	c->l.netns = 4026531840u;
	c->l.family = 2;
	c->l.lport = lport;
	c->l.rport = 80;
	c->l.laddr[0] = c->l.raddr[0] = 127;
	c->l.laddr[3] = 1;
	c->l.raddr[3] = 2;
	c->l.pid = 4242;
	c->l.owner_conf = TL_OWNER_EXACT;
	memcpy(c->l.comm, "curl", 5);
	c->l.stats_known = true;
	c->l.bytes_acked = 65;
	c->l.bytes_received = 4097;
	c->l.srtt_us = 31;
	for (int i = 0; i < 5; i++)
		c->l.states[c->l.nstates++] =
			tl_dwell_make(states[i], i == 4 ? TL_DWELL_UNKNOWN : 12345 + 1000ULL * i);
}

static bool same_conn(const struct tl_conn *a, const struct tl_conn *b)
{
	/* all but the first cache line (links a table rebuilds), cookie and due time aside */
	size_t from = offsetof(struct tl_conn, enter_ns);

	return a->cookie == b->cookie && a->due_ns == b->due_ns &&
	       !memcmp((const char *)a + from, (const char *)b + from, sizeof(*a) - from);
}

UNIT_TEST(tw_pack_round_trip_is_exact_and_small)
{
	struct tl_conn c, back;
	uint8_t buf[TL_TW_PACK_MAX];
	size_t n;

	conn_at(&c, 77, 40000, 5000 * MS);
	n = tl_tw_pack(&c, buf);
	CHECK(n <= TL_TW_INLINE); /* a plain IPv4 connection fits a slot */
	CHECK_INT(tl_tw_unpack(buf, n, 77, 5000 * MS, &back), 0);
	CHECK(same_conn(&c, &back));
	/* times before and after the hand-over, unset ones, a rekeyed id, IPv6, 16 states */
	c.enter_ns = 0;
	c.last_ts = 5001 * MS;
	c.l.end_ns = 4000 * MS;
	c.cookie = 1ULL << 62 | 9;
	c.l.family = 10;
	memset(c.l.laddr, 0xfe, 16);
	memset(c.l.raddr, 0x20, 16);
	c.l.err = -104;
	c.rtx_segs = 3;
	c.reset_recv = true;
	for (c.l.nstates = 0; c.l.nstates < TL_LIFELINE_MAX_STATES; c.l.nstates++)
		c.l.states[c.l.nstates] = tl_dwell_make(TL_TCP_ESTABLISHED, 1ULL << 50);
	c.l.states_truncated = true;
	n = tl_tw_pack(&c, buf);
	CHECK(n > TL_TW_INLINE && n <= TL_TW_PACK_MAX);
	CHECK_INT(tl_tw_unpack(buf, n, c.cookie, 5000 * MS, &back), 0);
	CHECK(same_conn(&c, &back));
	CHECK(back.l.cookie == 77);
}

UNIT_TEST(tw_unpack_refuses_malformed_bytes)
{
	struct tl_conn c;
	uint8_t past_end[] = { 0x60, 1, 2 }; /* 6 literal bytes announced, 2 there */
	uint8_t too_long[64];

	CHECK_INT(tl_tw_unpack(past_end, sizeof(past_end), 1, 1, &c), -1);
	memset(too_long, 0x0f, sizeof(too_long)); /* 64 runs of 15 zeros: past the struct */
	CHECK_INT(tl_tw_unpack(too_long, sizeof(too_long), 1, 1, &c), -1);
	CHECK_INT(tl_tw_unpack(too_long, 0, 1, 1, &c), 0); /* nothing: all zero */
	CHECK(c.cookie == 1 && c.due_ns == 1 && c.enter_ns == 0 && c.l.start_ns == 0);
}

UNIT_TEST(tw_table_keys_tuples_and_order)
{
	struct tl_tw_table tab;
	struct tl_conn a, b, c, got, scratch;
	struct tl_tw_slot *sa, *sb, *sc;

	CHECK_INT(tl_tw_table_init(&tab, 3), 0);
	conn_at(&a, 1, 40000, 10 * MS);
	conn_at(&b, 2, 40001, 20 * MS);
	conn_at(&c, 3, 40000, 30 * MS);
	c.l.netns = 7; /* a's tuple in another namespace */
	sa = tl_tw_table_put(&tab, &a);
	sb = tl_tw_table_put(&tab, &b);
	sc = tl_tw_table_put(&tab, &c);
	CHECK(sa && sb && sc);
	CHECK(tl_tw_table_full(&tab));
	CHECK(tl_tw_table_find(&tab, 2) == sb);
	CHECK(!tl_tw_table_find(&tab, 4));
	tl_tw_table_get(&tab, sb, &got);
	CHECK(same_conn(&b, &got));
	CHECK(tl_tw_table_find_tuple(&tab, &a.l, &scratch) == sa);
	CHECK(tl_tw_table_find_tuple(&tab, &c.l, &scratch) == sc);
	a.l.raddr[3] = 3; /* one byte differs: not the same tuple */
	CHECK(!tl_tw_table_find_tuple(&tab, &a.l, &scratch));
	a.l.raddr[3] = 2;
	/* entry order, whatever is taken out in between */
	CHECK(tl_tw_table_oldest(&tab) == sa);
	tl_tw_table_del(&tab, sa);
	CHECK(tl_tw_table_oldest(&tab) == sb);
	CHECK(!tl_tw_table_find(&tab, 1));
	CHECK(!tl_tw_table_find_tuple(&tab, &a.l, &scratch));
	tl_tw_table_del(&tab, sc);
	CHECK(tl_tw_table_oldest(&tab) == sb);
	/* slots are reused; the newest is last */
	CHECK(tl_tw_table_put(&tab, &a) && tl_tw_table_put(&tab, &c));
	CHECK_INT(tab.used, 3);
	CHECK(tl_tw_table_oldest(&tab) == sb);
	tl_tw_table_del(&tab, sb);
	CHECK(tl_tw_table_oldest(&tab)->key == 1);
	CHECK_INT(tab.size, 2);
	tl_tw_table_fini(&tab);
}

UNIT_TEST(tw_table_rekey_and_update)
{
	struct tl_tw_table tab;
	struct tl_conn a, got;
	struct tl_tw_slot *s;

	CHECK_INT(tl_tw_table_init(&tab, 0), 0); /* at least one entry */
	CHECK_INT(tab.cap, 1);
	conn_at(&a, 42, 40000, 10 * MS);
	s = tl_tw_table_put(&tab, &a);
	tl_tw_table_rekey(&tab, s, 1ULL << 62 | 1);
	CHECK(!tl_tw_table_find(&tab, 42));
	CHECK(tl_tw_table_find(&tab, 1ULL << 62 | 1) == s);
	tl_tw_table_get(&tab, s, &got);
	CHECK(got.l.cookie == 42); /* its lifeline keeps the socket's id */
	CHECK(got.cookie == (1ULL << 62 | 1));
	/* an update long enough for an allocation of its own, then short again */
	for (got.l.nstates = 0; got.l.nstates < TL_LIFELINE_MAX_STATES; got.l.nstates++)
		got.l.states[got.l.nstates] = tl_dwell_make(TL_TCP_ESTABLISHED, 1ULL << 50);
	CHECK_INT(tl_tw_table_update(&tab, s, &got), 0);
	CHECK(s->len > TL_TW_INLINE);
	CHECK_INT(tab.ext, 1);
	tl_tw_table_get(&tab, s, &a);
	CHECK(same_conn(&a, &got));
	got.l.nstates = 1;
	memset(&got.l.states[1], 0, sizeof(got.l.states) - sizeof(got.l.states[0]));
	CHECK_INT(tl_tw_table_update(&tab, s, &got), 0);
	CHECK(s->len <= TL_TW_INLINE);
	tl_tw_table_get(&tab, s, &a);
	CHECK_INT(a.l.nstates, 1);
	CHECK(tl_tw_table_find(&tab, 1ULL << 62 | 1) == s);
	/* a long one left in the table is freed with it (ASan would say otherwise) */
	CHECK_INT(tl_tw_table_update(&tab, s, &got), 0);
	for (got.l.nstates = 0; got.l.nstates < TL_LIFELINE_MAX_STATES; got.l.nstates++)
		got.l.states[got.l.nstates] = tl_dwell_make(TL_TCP_CLOSE_WAIT, 1ULL << 51);
	CHECK_INT(tl_tw_table_update(&tab, s, &got), 0);
	tl_tw_table_fini(&tab);
}

UNIT_TEST(tw_table_prefetch_changes_nothing)
{
	struct tl_tw_table tab;

	CHECK_INT(tl_tw_table_init(&tab, 4), 0);
	tl_tw_table_prefetch(&tab, 5, 0);
	tl_tw_table_prefetch(&tab, 5, 123456789);
	CHECK_INT(tab.size, 0);
	CHECK(!tl_tw_table_oldest(&tab));
	tl_tw_table_fini(&tab);
}
