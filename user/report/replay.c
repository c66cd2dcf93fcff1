// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* replay.c - see replay.h. */
#include "record/record_format.h"
#include "report/replay.h"

static void note_ts(struct tl_replay *rp, uint64_t ts)
{
	if (!rp->first_ts || ts < rp->first_ts)
		rp->first_ts = ts;
	if (ts > rp->last_ts)
		rp->last_ts = ts;
}

void tl_replay_file(struct tl_replay *rp, struct tl_reader *r)
{
	struct tl_item it;

	while (!rp->past_until && tl_reader_next(r, &it) == 1) {
		bool timed = it.kind == TL_ITEM_EVENT || it.kind == TL_ITEM_TICK ||
			     (it.kind == TL_ITEM_SNAPSHOT && rp->feed_snapshots);

		if (rp->max_items && ++rp->items > rp->max_items)
			break;
		if (timed && rp->until_ns && it.ts_ns > rp->until_ns) {
			rp->past_until = true;
			break;
		}
		if (rp->item && (it.kind != TL_ITEM_SNAPSHOT || rp->feed_snapshots))
			rp->item(rp->ctx, &it);
		switch (it.kind) {
		case TL_ITEM_SNAPSHOT:
			if (!rp->feed_snapshots)
				break;
			/* fall through */
		case TL_ITEM_EVENT:
			note_ts(rp, it.ts_ns);
			tl_view_feed(rp->view, &it.ev);
			break;
		case TL_ITEM_TICK:
			note_ts(rp, it.ts_ns);
			tl_view_tick(rp->view, it.ts_ns);
			break;
		case TL_ITEM_STATS:
			it.stats.hooks_missing = rp->hooks_missing;
			rp->kernel = it.stats;
			tl_view_counters(rp->view, &it.stats, false, it.ts_ns);
			break;
		case TL_ITEM_TRAILER:
			it.stats.hooks_missing = rp->hooks_missing;
			rp->kernel = it.stats;
			if (it.flags & TL_STATS_F_FINAL)
				rp->end_ns = it.ts_ns;
			break;
		}
	}
}

void tl_replay_finish(struct tl_replay *rp)
{
	uint64_t end = rp->past_until ? rp->until_ns : rp->end_ns ? rp->end_ns : rp->last_ts;

	if (end < rp->last_ts && !rp->past_until)
		end = rp->last_ts;
	rp->kernel.hooks_missing = rp->hooks_missing;
	tl_view_counters(rp->view, &rp->kernel, true, end);
}
