/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * replay.h - a recording's items through the view, as the live session fed
 * them: records in order, ticks where the live timeline ticked, counters
 * where they were reported, the final flush where the recording ended.
 */
#ifndef TL_REPLAY_H
#define TL_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "record/record_reader.h"
#include "core/view.h"

struct tl_replay {
	struct tl_view *view;
	uint64_t until_ns; /* boot ns; 0: to the end */
	/* a file's SNAPSHOT is fed only where the timeline starts (the first file) */
	bool feed_snapshots;
	uint64_t max_items; /* stop after this many items; 0: no limit (the fuzzer's bound) */
	/* every item fed, for the summary; may be NULL */
	void (*item)(void *ctx, const struct tl_item *it);
	void *ctx;
	/* the recorder's unavailable hooks (record_meta.h), said with every counter */
	uint32_t hooks_missing;
	/* state */
	struct tl_stats kernel; /* the last counters read */
	uint64_t first_ts, last_ts; /* of records and ticks */
	uint64_t end_ns; /* the final trailer's time, 0 if none */
	uint64_t items;
	bool past_until;
};

/** tl_replay_file() - feed every item of @r (until until_ns). */
void tl_replay_file(struct tl_replay *rp, struct tl_reader *r);

/**
 * tl_replay_finish() - the end of the recording: the final counters and the
 * flush, at until_ns if the range ended first, else at the final trailer's
 * time, else at the last timestamp read.
 */
void tl_replay_finish(struct tl_replay *rp);

#endif
