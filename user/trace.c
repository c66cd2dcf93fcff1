// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace.c - `tcpline trace`: a live session (live.c) whose records go
 * through the timeline to a sink on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "filter.h"
#include "live.h"
#include "log.h"
#include "names.h"
#include "options.h"
#include "sink.h"
#include "timeline.h"
#include "trace.h"

#include <bpf/btf.h>

struct trace {
	const struct tl_options *o;
	struct tl_timeline *tl;
	struct tl_sink *sink;
	struct tl_names names;
	struct tl_clock clock;
	struct tl_stats shown; /* counters as last reported */
};

static void show_event(void *ctx, const struct tl_event *ev)
{
	struct trace *t = ctx;

	if (t->o->show_events && tl_filter_event(&t->o->filter, ev))
		tl_sink_event(t->sink, ev);
}

static void show_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct trace *t = ctx;

	if (t->o->show_lifelines && tl_filter_lifeline(&t->o->filter, l))
		tl_sink_lifeline(t->sink, l);
}

/* Created once tracing works, so a failed start writes nothing on stdout. */
static int started(void *ctx, struct tl_live *lv)
{
	struct trace *t = ctx;
	struct tl_timeline_out out = { t, show_event, show_lifeline };
	struct tl_timeline_opts topts = {
		.max_conns = t->o->max_conns,
		.tw_end_observable = tl_live_tw_observable(lv),
	};

	t->tl = tl_timeline_new(&topts, &out);
	t->sink = t->o->json ? tl_sink_json_new(stdout, &t->names, &t->clock) :
			       tl_sink_text_new(stdout, &t->names, &t->clock);
	if (!t->tl || !t->sink) {
		tl_err("out of memory for %u connections", t->o->max_conns);
		return TL_EXIT_ERROR;
	}
	return 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct trace *t = ctx;

	tl_timeline_feed(t->tl, ev);
}

/* stdout gone (a closed pipe) ends tracing quietly; other write errors loudly. */
static int flush_out(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return 1;
	tl_err("writing output: %s", strerror(errno));
	return -1;
}

static int batch(void *ctx, uint64_t now_ns)
{
	struct trace *t = ctx;

	tl_timeline_tick(t->tl, now_ns);
	return flush_out();
}

static bool losses_moved(const struct tl_stats *a, const struct tl_stats *b)
{
	return a->rb_lost != b->rb_lost || a->storage_fail != b->storage_fail ||
	       a->recursion_misses != b->recursion_misses ||
	       a->table_evictions != b->table_evictions;
}

/* Lost events are said on stderr (and as a stats record) when they move, and at exit. */
static void counters(void *ctx, const struct tl_stats *kernel, bool final)
{
	struct trace *t = ctx;
	struct tl_stats st = *kernel;

	if (final)
		tl_timeline_flush(t->tl, tl_clock_now_boot());
	tl_timeline_stats(t->tl, &st);
	if (final) {
		if (t->o->json)
			tl_sink_stats(t->sink, &st, true);
		flush_out();
		tl_stats_fprint(stderr, "summary", &st);
		return;
	}
	if (!losses_moved(&st, &t->shown))
		return;
	tl_stats_fprint(stderr, "events lost", &st);
	if (t->o->json)
		tl_sink_stats(t->sink, &st, false);
	t->shown = st;
}

int cmd_trace(int argc, char **argv)
{
	struct tl_options o;
	struct trace t = { .o = &o };
	struct tl_live_ops ops = { &t, started, record, batch, counters };
	struct btf *btf;
	int rc, r;

	tl_options_defaults(&o);
	r = tl_options_parse(&o, argc, argv);
	if (r)
		return r > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	tl_names_init(&t.names);
	btf = btf__load_vmlinux_btf();
	if (btf) {
		tl_names_load_btf(&t.names, btf);
		btf__free(btf);
	}
	if (tl_clock_init(&t.clock)) {
		tl_err("cannot read the clocks: %s", strerror(errno));
		return TL_EXIT_ERROR;
	}
	rc = tl_live_run(&o, &ops);
	if (!rc && flush_out() < 0)
		rc = TL_EXIT_ERROR;
	tl_timeline_free(t.tl);
	tl_sink_destroy(t.sink);
	tl_names_free(&t.names);
	return rc;
}
