// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_view_queue.c - the view holds records in a short prefetch queue: what
 * it prints must be exactly what feeding the timeline record by record
 * prints, with ticks, counters and flushes in between.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/unit.h"
#include "user/output/sink.h"
#include "user/output/sink_json.h"
#include "user/output/sink_text.h"
#include "user/core/timeline.h"
#include "user/core/view.h"

struct direct {
	struct tl_sink *sink;
};

static void direct_event(void *ctx, const struct tl_event *ev)
{
	tl_sink_event(((struct direct *)ctx)->sink, ev);
}

static void direct_lifeline(void *ctx, const struct tl_lifeline *l)
{
	tl_sink_lifeline(((struct direct *)ctx)->sink, l);
}

/* Connections opening and closing, interleaved; cookies reused now and then. */
static struct tl_event make_event(unsigned int i, unsigned int *seed)
{
	static const uint8_t steps[][2] = { { 7, 2 },  { 2, 1 }, { 1, 8 }, { 8, 9 }, { 9, 7 },
					    { 10, 3 }, { 3, 1 }, { 1, 4 }, { 4, 5 }, { 5, 7 } };
	unsigned int r = (unsigned int)rand_r(seed);
	struct tl_event ev = {
		.ts_ns = 1000000ULL * i,
		.cookie = 1 + r % 40,
		.type = r % 13 ? TL_EV_STATE : TL_EV_RETRANS,
		.family = AF_INET,
		.laddr = { 127, 0, 0, 1 },
		.raddr = { 127, 0, 0, 1 },
		.lport = (uint16_t)(1000 + r % 7),
		.rport = 80,
		.dwell_ns = TL_DWELL_UNKNOWN,
		.reason = TL_REASON_NONE,
		.segs = 1,
	};

	ev.old_state = steps[(r >> 8) % 10][0];
	ev.new_state = steps[(r >> 8) % 10][1];
	if (r % 11 == 0)
		ev.flags = TL_F_TIMEWAIT, ev.reason = 5;
	return ev;
}

UNIT_TEST(view_queue_prints_as_direct_feeding)
{
	struct tl_filter all = { 0 };
	struct tl_names names;
	struct tl_clock clock = { 0 };
	char *vbuf = NULL, *dbuf = NULL;
	size_t vlen = 0, dlen = 0;

	tl_names_init(&names);
	for (int pass = 0; pass < 2; pass++) {
		FILE *f = pass ? open_memstream(&dbuf, &dlen) : open_memstream(&vbuf, &vlen);
		struct tl_view_opts vo = {
			.filter = &all,
			.json = true,
			.show_events = true,
			.show_lifelines = true,
			.max_conns = 16, /* evictions too */
			.max_timewait = 8,
			.names = &names,
			.clock = &clock,
			.out = f,
		};
		struct direct d = { .sink = pass ? tl_sink_json_new(f, &names, &clock) : NULL };
		struct tl_timeline_out out = { &d, direct_event, direct_lifeline };
		struct tl_timeline_opts to = { .max_conns = vo.max_conns,
					       .max_timewait = vo.max_timewait };
		struct tl_timeline *t = pass ? tl_timeline_new(&to, &out) : NULL;
		struct tl_view *v = pass ? NULL : tl_view_new(&vo);
		unsigned int seed = 99;

		for (unsigned int i = 0; i < 20000; i++) {
			struct tl_event ev = make_event(i, &seed);

			if (v)
				tl_view_feed(v, &ev);
			else
				tl_timeline_feed(t, &ev);
			if (i % 97 == 0) {
				if (v)
					tl_view_tick(v, ev.ts_ns);
				else
					tl_timeline_tick(t, ev.ts_ns);
			}
			if (i % 1013 == 0 && v)
				tl_view_flush_out(v);
		}
		if (v) {
			tl_view_free(v); /* feeds what is queued; no final flush of the table */
		} else {
			tl_timeline_free(t);
			tl_sink_destroy(d.sink);
		}
		fclose(f);
	}
	CHECK(vlen > 100000);
	CHECK_INT(vlen, dlen);
	CHECK(vbuf && dbuf && vlen == dlen && !memcmp(vbuf, dbuf, vlen));
	free(vbuf);
	free(dbuf);
	tl_names_free(&names);
}
