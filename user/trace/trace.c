// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace.c - `tcpline trace`: a live session (live.c) whose records go
 * through the view (timeline, filters, sink) to stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/live.h"
#include "cli/log.h"
#include "kernel/names.h"
#include "kernel/tw_cap.h"
#include "report/latency_print.h"
#include "trace/options.h"
#include "trace/trace.h"
#include "core/view.h"

#include <bpf/btf.h>

struct trace {
	const struct tl_trace_opts *o;
	struct tl_view *view;
	struct tl_names names;
	struct tl_clock clock;
	struct tl_latency *lat; /* --latency */
	bool accept_hook; /* the accept hook runs: accept waits are measured */
	bool lat_failed; /* out of memory printing them */
};

/*
 * At exit, before the final stats record and the summary line (they stay
 * last): on stderr, or a JSON line of its own on stdout (docs/json.md).
 */
static void print_latency(void *ctx)
{
	struct trace *t = ctx;

	if (!t->o->show.json)
		tl_lat_print_text(t->lat, t->accept_hook, stderr);
	else if (tl_lat_print_json(t->lat, t->accept_hook, stdout))
		t->lat_failed = true;
}

/* Created once tracing works, so a failed start writes nothing on stdout. */
static int started(void *ctx, struct tl_live *lv)
{
	struct trace *t = ctx;
	struct tl_view_opts vo = {
		.names = &t->names,
		.clock = &t->clock,
		.tw_observable = tl_live_tw_observable(lv),
		.out = stdout,
		.max_conns = t->o->max_conns,
	};

	if (tl_timewait_capacity(t->o->show.filter.netns, &vo.max_timewait)) {
		tl_err("cannot return to tcpline's own network namespace");
		return TL_EXIT_ERROR;
	}
	tl_show_view(&t->o->show, &vo);
	if (t->lat) {
		vo.tap = (struct tl_timeline_out){ t->lat, NULL, tl_lat_lifeline };
		vo.at_exit = print_latency;
		vo.at_exit_ctx = t;
		t->accept_hook = tl_hook_has(tl_live_report(lv)->active, TL_HOOK_ACCEPT);
	}
	t->view = tl_view_new(&vo);
	if (!t->view) {
		tl_err("out of memory for %u connections", t->o->max_conns);
		return TL_EXIT_ERROR;
	}
	return 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct trace *t = ctx;

	tl_view_feed(t->view, ev);
}

static int batch(void *ctx, uint64_t now_ns)
{
	struct trace *t = ctx;

	tl_view_tick(t->view, now_ns);
	return tl_view_flush_out(t->view);
}

/* Lost events are said on stderr (and as a stats record) when they move, and at exit. */
static void counters(void *ctx, const struct tl_stats *kernel, bool final)
{
	struct trace *t = ctx;

	tl_view_counters(t->view, kernel, final, tl_clock_now_boot());
}

int cmd_trace(int argc, char **argv)
{
	struct tl_trace_opts o;
	struct tl_live_config lc;
	struct trace t = { .o = &o };
	struct tl_live_ops ops = { &t, started, record, batch, counters, 0 };
	struct btf *btf;
	int rc, r;

	tl_trace_opts_defaults(&o);
	r = tl_trace_opts_parse(&o, argc, argv);
	if (r)
		return tl_opts_exit(r);
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
	if (o.latency && !(t.lat = calloc(1, sizeof(*t.lat)))) {
		tl_err("out of memory for the latency tables");
		return TL_EXIT_ERROR;
	}
	tl_trace_live(&o, &lc);
	/* lifelines print when a connection ends: its changes may come in batches */
	lc.load.batch_states = o.show.lifelines && !o.show.events;
	rc = tl_live_run(&lc, &ops);
	if (!rc && t.view && tl_view_flush_out(t.view) < 0)
		rc = TL_EXIT_ERROR;
	if (!rc && t.lat_failed)
		rc = TL_EXIT_ERROR;
	free(t.lat);
	tl_view_free(t.view);
	tl_names_free(&t.names);
	return rc;
}
