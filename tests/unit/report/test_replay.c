// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_replay.c - a recording's items through the view as the live session
 * fed them: time ranges, the item bound, counters and where the final flush
 * happens (report/replay.h), on a recording written by the real writer.
 */
#include <string.h>

#include "core/view.h"
#include "record/record_reader.h"
#include "report/replay.h"
#include "tests/unit/record/rec_fixture.h"
#include "tests/unit/unit.h"

#define S 1000000000ULL

struct seen {
	int events, lifelines, items;
	uint64_t last_end_ns;
};

static void on_event(void *ctx, const struct tl_event *ev)
{
	(void)ev;
	((struct seen *)ctx)->events++;
}

static void on_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct seen *s = ctx;

	s->lifelines++;
	s->last_end_ns = l->end_ns;
}

static void on_item(void *ctx, const struct tl_item *it)
{
	(void)it;
	((struct seen *)ctx)->items++;
}

static const struct replay_case {
	const char *name;
	uint64_t until_ns, max_items;
	int events, items; /* fed to the view, to the item callback */
	bool past_until;
	uint64_t last_ts, end_ns, flushed_at, kernel_events;
} replay_cases[] = {
	/* fix_standard(): events at 1..10 s, STATS (8 events) at 8.5 s, final TRAILER at 11 s */
	{ "whole file", 0, 0, 10, 12, false, 10 * S, 11 * S, 11 * S, 10 },
	{ "until 3.5 s", 3 * S + S / 2, 0, 3, 3, true, 3 * S, 0, 3 * S + S / 2, 0 },
	{ "until an event's own time", 9 * S, 0, 9, 10, true, 9 * S, 0, 9 * S, 8 },
	{ "at most 5 items", 0, 5, 5, 5, false, 5 * S, 0, 5 * S, 0 },
};

UNIT_TEST(replay_table)
{
	struct fixture f;

	fix_standard(&f);
	for (size_t i = 0; i < sizeof(replay_cases) / sizeof(replay_cases[0]); i++) {
		const struct replay_case *k = &replay_cases[i];
		struct tl_reader_opts ro = { .quiet = true };
		static const struct tl_filter all;
		struct tl_reader *r = NULL;
		struct seen seen = { 0 };
		struct tl_view *v;
		struct tl_replay rp = { 0 };

		CHECK_INT(tl_reader_open_mem(&r, f.data, f.len, &ro), 0);
		if (!r)
			continue;
		struct tl_view_opts vo = {
			.filter = &all,
			.show_events = true,
			.show_lifelines = true,
			.max_conns = 65536,
			.names = &tl_reader_meta(r)->names,
			.clock = &tl_reader_meta(r)->clock,
			.tap = { &seen, on_event, on_lifeline },
			.quiet = true,
		};
		v = tl_view_new(&vo);
		rp = (struct tl_replay){ .view = v,
					 .until_ns = k->until_ns,
					 .max_items = k->max_items,
					 .feed_snapshots = true,
					 .item = on_item,
					 .ctx = &seen };
		tl_replay_file(&rp, r);
		if (seen.events != k->events || seen.items != k->items ||
		    rp.past_until != k->past_until)
			unit_fail(__FILE__, __LINE__, "%s: events %d items %d past %d", k->name,
				  seen.events, seen.items, rp.past_until);
		CHECK(rp.first_ts == 1 * S);
		CHECK(rp.last_ts == k->last_ts);
		CHECK(rp.end_ns == k->end_ns);
		CHECK(rp.kernel.events == k->kernel_events);
		CHECK_INT(seen.lifelines, 0); /* all still open */
		tl_replay_finish(&rp);
		/* every connection flushed where the recording (or the range) ended */
		CHECK_INT(seen.lifelines, k->events);
		if (seen.last_end_ns != k->flushed_at)
			unit_fail(__FILE__, __LINE__, "%s: flushed at %llu, want %llu", k->name,
				  (unsigned long long)seen.last_end_ns,
				  (unsigned long long)k->flushed_at);
		tl_view_free(v);
		tl_reader_close(r);
	}
	fix_free(&f);
}
