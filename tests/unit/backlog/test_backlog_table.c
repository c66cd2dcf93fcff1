// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_backlog_table.c - listener records summed into one row per interval. */
#include <sys/socket.h>

#include "backlog/backlog_table.h"
#include "core/model.h"
#include "tests/unit/unit.h"

#define COOKIE 319

static struct tl_listener_rec rec(uint32_t drops_delta, uint64_t drops, uint32_t ack,
				  uint32_t discards, uint8_t flags)
{
	struct tl_listener_rec r = {
		.cookie = COOKIE,
		.drops = drops,
		.drops_delta = drops_delta,
		.ack_overflows = ack,
		.rx_discards = discards,
		.netns = 4026532246u,
		.lport = 7000,
		.family = AF_INET,
		.type = TL_EV_LISTENER,
		.state = TL_TCP_LISTEN,
		.flags = flags,
		.acceptq_limit = 8,
	};

	return r;
}

static void feed(struct bl_table *t, struct tl_listener_rec r)
{
	bl_table_feed(t, (const struct tl_event *)&r);
}

static struct bl_row row_of(struct bl_table *t, bool overflow_reason)
{
	struct bl_listener *l = bl_table_find(t, COOKIE);
	struct bl_row r = { 0 };

	CHECK(l != NULL);
	if (l)
		bl_listener_row(l, overflow_reason, &r);
	return r;
}

/* drops are the sum of drops_delta; discards and overflows are deltas of totals. */
UNIT_TEST(backlog_table_interval_counts)
{
	struct bl_table *t = bl_table_new(4);
	struct bl_row r;

	/* two records in one interval: a third-ACK overflow, then 2 SYN drops */
	feed(t, rec(1, 5, 1, 1, 0));
	feed(t, rec(2, 7, 1, 4, 0));
	r = row_of(t, true);
	CHECK_INT(r.drops, 3);
	CHECK_INT(r.drops_since_created, 7);
	CHECK_INT(r.discarded, 4);
	CHECK_INT(r.at_ack, 1);
	CHECK(r.has_at_ack && !r.raw_drops);
	CHECK_INT(r.synq_limit, 8);

	bl_table_next_interval(t);
	r = row_of(t, true);
	CHECK_INT(r.drops + r.discarded + r.at_ack, 0);
	CHECK_INT(r.drops_since_created, 7);

	feed(t, rec(0, 7, 1, 9, 0)); /* only retransmitted SYNs discarded */
	r = row_of(t, true);
	CHECK_INT(r.drops, 0);
	CHECK_INT(r.discarded, 5);
	/* without the overflow reason the third-ACK count is unknown */
	r = row_of(t, false);
	CHECK(!r.has_at_ack);
	CHECK_INT(r.at_ack, 0);
	bl_table_free(t);
}

/* Totals that wrap at 2^32 still give their interval's delta. */
UNIT_TEST(backlog_table_wrapping_totals)
{
	struct bl_table *t = bl_table_new(4);
	struct bl_row r;

	feed(t, rec(0, 0, UINT32_MAX - 1, UINT32_MAX, 0));
	bl_table_next_interval(t);
	feed(t, rec(3, 3, 1, 2, 0));
	r = row_of(t, true);
	CHECK_INT(r.at_ack, 3);
	CHECK_INT(r.discarded, 3);
	CHECK_INT(r.drops, 3);
	bl_table_free(t);
}

/*
 * A sample between a discard's sk_drops increment and its kfree_skb sees one
 * listen drop too many; the next record's delta is then -1 (wrapped): it is
 * not 4294967295 drops, and the debt is paid by later drops.
 */
UNIT_TEST(backlog_table_drop_debt)
{
	struct bl_table *t = bl_table_new(4);
	uint64_t total = 0;
	struct bl_row r;

	feed(t, rec(1, 1, 0, 0, 0));
	r = row_of(t, true);
	total += r.drops;
	bl_table_next_interval(t);
	feed(t, rec(UINT32_MAX, 0, 0, 1, 0));
	r = row_of(t, true);
	CHECK_INT(r.drops, 0);
	CHECK_INT(r.discarded, 1);
	bl_table_next_interval(t);
	feed(t, rec(3, 3, 0, 1, 0));
	r = row_of(t, true);
	CHECK_INT(r.drops, 2);
	total += r.drops;
	CHECK_INT(total, 3);
	bl_table_next_interval(t);
	feed(t, rec(1, 4, 0, 1, 0));
	CHECK_INT(row_of(t, true).drops, 1);
	bl_table_free(t);
}

/* TL_LF_RAW_DROPS: drops are sk_drops; discarded segments are unknown. */
UNIT_TEST(backlog_table_raw_drops)
{
	struct bl_table *t = bl_table_new(4);
	struct bl_row r;

	feed(t, rec(29, 29, 0, 3, TL_LF_RAW_DROPS));
	r = row_of(t, false);
	CHECK(r.raw_drops);
	CHECK_INT(r.drops, 29);
	CHECK_INT(r.discarded, 0); /* whatever rx_discards says: not counted */
	CHECK_INT(r.drops_since_created, 29);
	bl_table_free(t);
}

/* Back from an eviction, a listener's totals count from its return. */
UNIT_TEST(backlog_table_evicted_returns)
{
	struct bl_table *t = bl_table_new(1);
	struct tl_listener_rec other = rec(1, 1, 0, 0, 0);
	struct bl_row r;

	feed(t, rec(1, 1, 0, 0, 0));
	bl_table_next_interval(t);
	other.cookie = COOKIE + 1;
	feed(t, other);
	CHECK_INT(bl_table_evictions(t), 1);
	CHECK(bl_table_find(t, COOKIE) == NULL);
	bl_table_next_interval(t);
	feed(t, rec(2, 3, 7, 11, TL_LF_CLOSED));
	r = row_of(t, true);
	CHECK_INT(r.drops, 2);
	CHECK_INT(r.at_ack, 0);
	CHECK_INT(r.discarded, 0);
	CHECK(r.closed);
	bl_table_free(t);
}
