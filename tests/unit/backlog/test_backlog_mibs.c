// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_backlog_mibs.c - the namespaces' counters at both ends of an interval, split per namespace. */
#include <string.h>

#include "backlog/backlog_mibs.h"
#include "tests/unit/unit.h"

static void set_ns(struct bl_ns_mib *n, uint32_t inode, bool prev_ok, uint64_t prev_drops,
		   uint64_t cur_drops)
{
	memset(n, 0, sizeof(*n));
	n->inode = inode;
	n->prev_ok = prev_ok;
	n->cur_ok = true;
	n->prev.v[BL_LISTEN_OVERFLOWS] = prev_drops;
	n->prev.v[BL_LISTEN_DROPS] = prev_drops;
	n->cur.v[BL_LISTEN_OVERFLOWS] = cur_drops;
	n->cur.v[BL_LISTEN_DROPS] = cur_drops;
}

/* Rows of two namespaces, interleaved; a third namespace read only at the interval's end. */
UNIT_TEST(backlog_mibs_attribute_per_namespace)
{
	struct bl_mibs m;
	struct bl_row rows[4] = {
		{ .cookie = 1, .netns = 20, .drops = 5, .has_at_ack = true },
		{ .cookie = 2, .netns = 10, .drops = 7, .has_at_ack = true },
		{ .cookie = 3, .netns = 30, .drops = 3, .has_at_ack = true },
		{ .cookie = 4, .netns = 20, .drops = 0, .has_at_ack = true },
	};

	CHECK_INT(bl_mibs_init(&m, 4), 0);
	m.n = 3;
	set_ns(&m.ns[0], 10, true, 100, 107); /* 7 overflows at SYN: the one row's */
	set_ns(&m.ns[1], 20, true, 0, 5); /* 5: the one row that moved */
	set_ns(&m.ns[2], 30, false, 0, 3); /* no start: nothing known */
	bl_mibs_attribute(&m, rows, 4, false);
	/* sorted by namespace, stable enough to find each row by its cookie */
	CHECK_INT(rows[0].netns, 10);
	CHECK_INT(rows[3].netns, 30);
	for (int i = 0; i < 4; i++) {
		const struct bl_row *r = &rows[i];

		switch (r->cookie) {
		case 2:
			CHECK_INT(r->split, BL_SPLIT_OK);
			CHECK_INT(r->at_syn, 7);
			break;
		case 1:
			CHECK_INT(r->split, BL_SPLIT_OK);
			CHECK_INT(r->at_syn, 5);
			break;
		case 4:
			CHECK_INT(r->at_syn, 0);
			break;
		case 3:
			CHECK(!r->mib_known);
			CHECK(r->split != BL_SPLIT_OK);
			break;
		}
	}
	CHECK(bl_mibs_find(&m, 20) == &m.ns[1]);
	CHECK(bl_mibs_find(&m, 99) == NULL);
	bl_mibs_free(&m);
	bl_mibs_free(&m);
}

/* The interval ends: its last read becomes the next one's start. */
UNIT_TEST(backlog_mibs_next)
{
	struct bl_mibs m;

	CHECK_INT(bl_mibs_init(&m, 2), 0);
	m.n = 1;
	set_ns(&m.ns[0], 10, false, 0, 42);
	bl_mibs_next(&m);
	CHECK(m.ns[0].prev_ok);
	CHECK_INT(m.ns[0].prev.v[BL_LISTEN_DROPS], 42);
	bl_mibs_free(&m);
}
