// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record.c - `tcpline record`: a live session (live.c) whose records go
 * into a recording (recorder.h). With --live, the same records also go
 * through the view that `trace` uses.
 */
#include <stdio.h>

#include "core/clock.h"
#include "core/live.h"
#include "kernel/privdrop.h"
#include "cli/log.h"
#include "record/record.h"
#include "record/record_options.h"
#include "record/recorder.h"
#include "output/sink.h"
#include "output/sink_text.h"
#include "core/view.h"

struct record_cmd {
	const struct tl_record_opts *ro;
	struct tl_recorder *rec;
	struct tl_view *view;
};

static int started(void *ctx, struct tl_live *lv)
{
	struct record_cmd *r = ctx;
	const struct tl_rec_meta *meta = tl_recorder_meta(r->rec);
	struct tl_view_opts vo = {
		.names = &meta->names,
		.clock = &meta->clock,
		.out = stdout,
		.max_conns = r->ro->trace.max_conns,
	};
	int rc = tl_recorder_start(r->rec, lv);

	if (rc || !r->ro->live)
		return rc;
	/* known once started */
	vo.tw_observable = meta->tw_observable;
	vo.max_timewait = meta->max_timewait;
	tl_show_view(&r->ro->trace.show, &vo);
	r->view = tl_view_new(&vo);
	if (!r->view) {
		tl_err("out of memory for %u connections", r->ro->trace.max_conns);
		return TL_EXIT_ERROR;
	}
	return 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct record_cmd *r = ctx;

	tl_recorder_record(r->rec, ev);
	if (r->view)
		tl_view_feed(r->view, ev);
}

static int batch(void *ctx, uint64_t now)
{
	struct record_cmd *r = ctx;
	bool ok = tl_recorder_batch(r->rec, now);
	int out = 0;

	if (r->view) {
		tl_view_tick(r->view, now);
		out = tl_view_flush_out(r->view);
	}
	if (!ok)
		return 1; /* stop cleanly: what was written stays readable */
	return out;
}

static void counters(void *ctx, const struct tl_stats *kernel, bool final)
{
	struct record_cmd *r = ctx;
	uint64_t now = tl_clock_now_boot();

	if (tl_recorder_counters(r->rec, kernel, final, now) && !r->view)
		tl_stats_fprint(stderr, "events lost", kernel);
	if (r->view)
		tl_view_counters(r->view, kernel, final, now);
	else if (final)
		tl_stats_fprint(stderr, "summary", kernel);
}

int cmd_record(int argc, char **argv)
{
	struct tl_record_opts ro;
	struct tl_live_config lc;
	struct record_cmd r = { .ro = &ro };
	struct tl_live_ops ops = { &r, started, record, batch, counters, 0 };
	struct tl_recorder_opts rec;
	int rc;

	tl_record_opts_defaults(&ro);
	rc = tl_record_parse(&ro, argc, argv);
	if (rc)
		return tl_opts_exit(rc);
	rec = (struct tl_recorder_opts){
		.path = ro.path,
		.force = ro.force,
		.rotate_size = ro.rotate_size,
		.rotate_time_ns = ro.rotate_time_ns,
		.max_files = ro.max_files,
	};
	/* a new file dumps the sockets again, in every namespace, with owners from /proc */
	if (ro.rotate_size || ro.rotate_time_ns)
		ops.later = TL_LATER_NETNS | TL_LATER_OWNERS;
	tl_trace_live(&ro.trace, &lc);
	rc = tl_recorder_new(&r.rec, &rec, &lc, ro.trace.max_conns, argc, argv);
	if (rc)
		return rc;
	rc = tl_live_run(&lc, &ops);
	if (tl_recorder_close(r.rec, rc != 0) && !rc)
		rc = TL_EXIT_ERROR;
	if (r.view && tl_view_flush_out(r.view) < 0 && !rc)
		rc = TL_EXIT_ERROR;
	tl_view_free(r.view);
	return rc;
}
