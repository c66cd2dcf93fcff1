// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* view.c - see view.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "cli/log.h"
#include "output/sink.h"
#include "output/sink_json.h"
#include "output/sink_text.h"
#include "core/view.h"

/*
 * Records wait in a short queue before the timeline takes them: when one
 * enters, the timeline is asked to prefetch what it will read for it, so by
 * its turn its connection is in the cache (a record's connection has often
 * gone cold since its previous record). The queue is emptied before anything
 * that reads what the timeline did (ticks, counters, flushes), so the output
 * is what feeding each record at once would give. Not with a tap: its owner
 * may interleave other work with the records (the report summary does).
 */
#define QUEUE 8 /* a power of 2 */

struct tl_view {
	struct tl_view_opts vo;
	struct tl_timeline *tl;
	struct tl_sink *sink;
	struct tl_stats shown; /* counters as last reported */
	bool queued; /* records go through the queue */
	unsigned int head, n;
	struct tl_event queue[QUEUE];
};

static void show_event(void *ctx, const struct tl_event *ev)
{
	struct tl_view *v = ctx;

	/* a listener is worth a line when it dropped something */
	if (ev->type == TL_EV_LISTENER && !((const struct tl_listener_rec *)ev)->drops_delta)
		return;
	if (!tl_filter_event(v->vo.filter, ev) || ev->ts_ns < v->vo.since_ns)
		return;
	if (v->vo.tap.event)
		v->vo.tap.event(v->vo.tap.ctx, ev);
	if (v->sink && v->vo.show_events)
		tl_sink_event(v->sink, ev);
}

static void show_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct tl_view *v = ctx;

	if (!tl_filter_lifeline(v->vo.filter, l) || l->end_ns < v->vo.since_ns)
		return;
	if (v->vo.tap.lifeline)
		v->vo.tap.lifeline(v->vo.tap.ctx, l);
	if (v->sink && v->vo.show_lifelines)
		tl_sink_lifeline(v->sink, l);
}

struct tl_view *tl_view_new(const struct tl_view_opts *vo)
{
	struct tl_view *v = calloc(1, sizeof(*v));
	struct tl_timeline_out out = { v, show_event, show_lifeline };
	struct tl_timeline_opts topts = {
		.max_conns = vo->max_conns,
		.max_timewait = vo->max_timewait,
		.tw_end_observable = vo->tw_observable,
	};

	if (!v) {
		tl_sink_destroy(vo->sink);
		return NULL;
	}
	v->vo = *vo;
	v->queued = !vo->tap.event && !vo->tap.lifeline;
	v->tl = tl_timeline_new(&topts, &out);
	if (vo->sink)
		v->sink = vo->sink;
	else if (vo->out)
		v->sink = vo->json ? tl_sink_json_new(vo->out, vo->names, vo->clock) :
				     tl_sink_text_new(vo->out, vo->names, vo->clock);
	if (!v->tl || ((vo->out || vo->sink) && !v->sink)) {
		tl_view_free(v);
		return NULL;
	}
	return v;
}

static void feed_oldest(struct tl_view *v)
{
	tl_timeline_feed(v->tl, &v->queue[v->head]);
	v->head = (v->head + 1) % QUEUE;
	v->n--;
}

static void drain(struct tl_view *v)
{
	while (v->n)
		feed_oldest(v);
}

void tl_view_feed(struct tl_view *v, const struct tl_event *ev)
{
	if (!v->queued) {
		tl_timeline_feed(v->tl, ev);
		return;
	}
	if (v->n == QUEUE)
		feed_oldest(v);
	v->queue[(v->head + v->n) % QUEUE] = *ev;
	v->n++;
	tl_timeline_prefetch(v->tl, ev, 0);
	/* halfway through the queue, its buckets have had time to arrive */
	if (v->n > QUEUE / 2)
		tl_timeline_prefetch(v->tl, &v->queue[(v->head + v->n - 1 - QUEUE / 2) % QUEUE], 1);
}

void tl_view_tick(struct tl_view *v, uint64_t now_ns)
{
	drain(v);
	tl_timeline_tick(v->tl, now_ns);
}

int tl_view_flush_out(struct tl_view *v)
{
	FILE *out = v->vo.out;

	drain(v);
	if (v->sink)
		tl_sink_flush(v->sink);
	if (!out || (fflush(out) == 0 && !ferror(out)))
		return 0;
	if (errno == EPIPE)
		return 1;
	/* stdio has dropped what it could not write: stop, said in one line */
	tl_err("writing the output: %s%s", strerror(errno),
	       errno == EAGAIN ? " (it is non-blocking and its reader did not keep up): stopped" :
				 ": stopped");
	return -1;
}

static bool losses_moved(const struct tl_stats *a, const struct tl_stats *b)
{
	return a->rb_lost != b->rb_lost || a->storage_fail != b->storage_fail ||
	       a->recursion_misses != b->recursion_misses ||
	       a->table_evictions != b->table_evictions;
}

void tl_view_counters(struct tl_view *v, const struct tl_stats *kernel, bool final, uint64_t now_ns)
{
	struct tl_stats st = *kernel;
	bool json = v->sink && v->vo.json;

	drain(v);
	if (final)
		tl_timeline_flush(v->tl, now_ns);
	tl_timeline_stats(v->tl, &st);
	if (final) {
		if (v->vo.at_exit) {
			tl_view_flush_out(v);
			v->vo.at_exit(v->vo.at_exit_ctx);
		}
		if (json)
			tl_sink_stats(v->sink, &st, true);
		tl_view_flush_out(v);
		if (!v->vo.quiet)
			tl_stats_fprint(stderr, "summary", &st);
		return;
	}
	if (!losses_moved(&st, &v->shown))
		return;
	if (!v->vo.quiet)
		tl_stats_fprint(stderr, "events lost", &st);
	if (json)
		tl_sink_stats(v->sink, &st, false);
	v->shown = st;
}

struct tl_stats tl_view_stats(struct tl_view *v, const struct tl_stats *kernel)
{
	struct tl_stats st = *kernel;

	drain(v);
	tl_timeline_stats(v->tl, &st);
	return st;
}

void tl_view_free(struct tl_view *v)
{
	if (!v)
		return;
	if (v->tl)
		drain(v);
	tl_timeline_free(v->tl);
	tl_sink_destroy(v->sink);
	free(v);
}
