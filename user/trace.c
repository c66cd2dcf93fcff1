// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace.c - `tcpline trace`: kernel events -> timeline -> sink, live.
 *
 * Sequence: load and attach (loader.c), dump the sockets already alive,
 * announce "tracing" on stderr, then poll the ring buffer in batches until
 * SIGINT/SIGTERM or --duration; at the end drain, flush the open lifelines
 * and print the counters.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "filter.h"
#include "loader.h"
#include "log.h"
#include "names.h"
#include "options.h"
#include "proc_owner.h"
#include "sink.h"
#include "timeline.h"
#include "trace.h"

#include <bpf/btf.h>

#define POLL_MS 100
#define STATS_EVERY_NS 1000000000ULL

struct trace {
	const struct tl_options *o;
	struct tl_loader *ld;
	struct tl_timeline *tl;
	struct tl_sink *sink;
	struct tl_names names;
	struct tl_clock clock;
	struct tl_stats shown; /* counters as last reported */
	uint64_t events;
	uint64_t short_records;
	struct tl_event *dumped; /* the start-up dump, fed after the first drain */
	size_t ndumped, capdumped;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

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

static int on_sample(void *ctx, void *data, size_t size)
{
	struct trace *t = ctx;
	struct tl_event ev;

	if (size < sizeof(ev)) {
		t->short_records++;
		return 0;
	}
	memcpy(&ev, data, sizeof(ev));
	t->events++;
	tl_timeline_feed(t->tl, &ev);
	return 0;
}

static void keep_dumped(void *ctx, const struct tl_event *ev)
{
	struct trace *t = ctx;

	if (t->ndumped == t->capdumped) {
		size_t cap = t->capdumped ? t->capdumped * 2 : 256;
		struct tl_event *v = realloc(t->dumped, cap * sizeof(*v));

		if (!v)
			return;
		t->dumped = v;
		t->capdumped = cap;
	}
	t->dumped[t->ndumped++] = *ev;
}

/*
 * Owners of the dumped sockets from /proc; then feed them. Events that
 * raced with the dump were drained first, so the timeline already knows
 * those sockets and keeps its fresher view.
 */
static void feed_dumped(struct trace *t)
{
	struct tl_inode_owner *own = calloc(t->ndumped ? t->ndumped : 1, sizeof(*own));
	size_t n = 0;

	for (size_t i = 0; own && i < t->ndumped; i++)
		if (t->dumped[i].segs)
			own[n++].ino = t->dumped[i].segs;
	if (own)
		tl_proc_owners(own, n);
	for (size_t i = 0; i < t->ndumped; i++) {
		struct tl_event *ev = &t->dumped[i];
		struct tl_inode_owner key = { .ino = ev->segs }, *hit = NULL;

		for (size_t lo = 0, hi = n; own && ev->segs && lo < hi;) {
			size_t mid = (lo + hi) / 2;

			if (own[mid].ino == key.ino) {
				hit = &own[mid];
				break;
			}
			if (own[mid].ino < key.ino)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (hit && hit->pid) {
			ev->pid = hit->pid;
			ev->owner_conf = TL_OWNER_EXACT;
			memcpy(ev->comm, hit->comm, TL_COMM_LEN);
		}
		tl_timeline_feed(t->tl, ev);
	}
	free(own);
	free(t->dumped);
	t->dumped = NULL;
	t->ndumped = t->capdumped = 0;
}

static void collect_stats(struct trace *t, struct tl_stats *st)
{
	memset(st, 0, sizeof(*st));
	tl_loader_counters(t->ld, st);
	st->events = t->events;
	tl_timeline_stats(t->tl, st);
}

static bool losses_moved(const struct tl_stats *a, const struct tl_stats *b)
{
	return a->rb_lost != b->rb_lost || a->storage_fail != b->storage_fail ||
	       a->recursion_misses != b->recursion_misses ||
	       a->table_evictions != b->table_evictions;
}

/* Once a second at most: say so when anything was lost since last time. */
static void report_losses(struct trace *t)
{
	struct tl_stats st;

	collect_stats(t, &st);
	if (!losses_moved(&st, &t->shown))
		return;
	tl_stats_fprint(stderr, "events lost", &st);
	if (t->o->json)
		tl_sink_stats(t->sink, &st, false);
	t->shown = st;
}

static int setup_output(struct trace *t)
{
	struct btf *btf = btf__load_vmlinux_btf();

	tl_names_init(&t->names);
	if (btf) {
		tl_names_load_btf(&t->names, btf);
		btf__free(btf);
	}
	if (tl_clock_init(&t->clock)) {
		tl_err("cannot read the clocks: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Created once tracing works, so a failed start writes nothing on stdout. */
static int open_sink(struct trace *t)
{
	t->sink = t->o->json ? tl_sink_json_new(stdout, &t->names, &t->clock) :
			       tl_sink_text_new(stdout, &t->names, &t->clock);
	if (!t->sink) {
		tl_err("out of memory");
		return -1;
	}
	return 0;
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

static int run(struct trace *t)
{
	uint64_t start = tl_clock_now_boot(), next_stats = start + STATS_EVERY_NS;
	uint64_t end = t->o->duration ? start + (uint64_t)(t->o->duration * 1e9) : 0;
	int err, out = 0;

	while (!stop) {
		uint64_t now;

		err = tl_loader_poll(t->ld, POLL_MS);
		if (err < 0 && err != -EINTR) {
			tl_err("reading the ring buffer: %s", strerror(-err));
			return TL_EXIT_ERROR;
		}
		now = tl_clock_now_boot();
		tl_timeline_tick(t->tl, now);
		if (now >= next_stats) {
			report_losses(t);
			next_stats = now + STATS_EVERY_NS;
		}
		out = flush_out();
		if (out)
			break;
		if (end && now >= end)
			break;
	}
	if (out < 0)
		return TL_EXIT_ERROR;
	if (out > 0)
		return TL_EXIT_OK;
	tl_loader_poll(t->ld, 0);
	tl_timeline_flush(t->tl, tl_clock_now_boot());
	return flush_out() < 0 ? TL_EXIT_ERROR : TL_EXIT_OK;
}

static void finish(struct trace *t)
{
	struct tl_stats st;

	collect_stats(t, &st);
	if (t->o->json)
		tl_sink_stats(t->sink, &st, true);
	flush_out();
	tl_stats_fprint(stderr, "summary", &st);
	if (t->short_records)
		tl_warn("%llu malformed ring-buffer records ignored",
			(unsigned long long)t->short_records);
}

int cmd_trace(int argc, char **argv)
{
	struct tl_options o;
	struct trace t = { .o = &o };
	struct tl_timeline_out out = { &t, show_event, show_lifeline };
	struct tl_timeline_opts topts;
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, r;

	tl_options_defaults(&o);
	r = tl_options_parse(&o, argc, argv);
	if (r)
		return r > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (setup_output(&t)) {
		rc = TL_EXIT_ERROR;
		goto cleanup;
	}
	rc = tl_loader_open(&t.ld, &o, on_sample, &t);
	if (rc)
		goto cleanup;
	if (open_sink(&t)) {
		rc = TL_EXIT_ERROR;
		goto cleanup;
	}
	topts.max_conns = o.max_conns;
	topts.tw_end_observable = tl_loader_tw_observable(t.ld);
	t.tl = tl_timeline_new(&topts, &out);
	if (!t.tl) {
		tl_err("out of memory for %u connections", o.max_conns);
		rc = TL_EXIT_ERROR;
		goto cleanup;
	}
	r = tl_loader_dump(t.ld, o.filter.netns, keep_dumped, &t);
	if (r < 0)
		tl_warn("socket dump failed (%s): connections alive now will be missing",
			strerror(-r));
	tl_loader_poll(t.ld, 0);
	feed_dumped(&t);
	tl_info("tracing TCP (hooks: %s); Ctrl-C to stop", tl_loader_hooks(t.ld));
	rc = run(&t);
	finish(&t);
cleanup:
	tl_timeline_free(t.tl);
	tl_loader_close(t.ld);
	tl_sink_destroy(t.sink);
	tl_names_free(&t.names);
	free(t.dumped);
	return rc;
}
