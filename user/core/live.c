// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* live.c - see live.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/clock.h"
#include "core/live.h"
#include "kernel/loader.h"
#include "cli/log.h"
#include "kernel/privdrop.h"
#include "kernel/proc_owner.h"
#include "core/states.h"

#define POLL_MS 100

struct tl_live {
	const struct tl_live_config *c;
	const struct tl_live_ops *ops;
	struct tl_loader *ld;
	uint64_t events;
	uint64_t short_records;
	uint64_t interval_ns; /* listener samples and counters */
	uint64_t runq_wait_ns, counted_ns; /* at the previous counters */
	bool hinted; /* the first loss has been explained */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct tl_live *lv = ctx;
	struct tl_event ev;

	if (size < sizeof(ev)) {
		lv->short_records++;
		return 0;
	}
	if (((const struct tl_event *)data)->type == TL_EV_STATES) {
		int n = tl_states_expand(data, size, lv->ops->record, lv->ops->ctx);

		if (n < 0)
			lv->short_records++;
		else
			lv->events += n;
		return 0;
	}
	memcpy(&ev, data, sizeof(ev));
	lv->events++;
	lv->ops->record(lv->ops->ctx, &ev);
	return 0;
}

/*
 * The sockets alive now, in two passes so that memory does not grow with
 * their number: the first collects only socket inodes (to learn their owners
 * from /proc), the second hands each record over as the iterator gives it.
 */
struct inodes {
	struct tl_inode_owner *v;
	size_t n, cap;
	bool oom;
};

static void keep_inode(void *ctx, const struct tl_event *ev)
{
	struct inodes *in = ctx;

	if (!ev->segs || in->oom)
		return;
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 256;
		struct tl_inode_owner *v = realloc(in->v, cap * sizeof(*v));

		if (!v) {
			in->oom = true; /* owners stay unknown; records still flow */
			return;
		}
		in->v = v;
		in->cap = cap;
	}
	in->v[in->n++] = (struct tl_inode_owner){ .ino = ev->segs };
}

struct handover {
	const struct inodes *owners;
	tl_record_fn fn;
	void *ctx;
};

static void hand_over(void *ctx, const struct tl_event *ev)
{
	struct handover *h = ctx;
	struct tl_event copy = *ev;

	tl_proc_set_owner(&copy, h->owners->v, h->owners->n);
	h->fn(h->ctx, &copy);
}

/*
 * Records the ring holds are older than the second pass: they go first,
 * then @between (if any) runs, e.g. to start a new file, then the second pass.
 */
static int snapshot(struct tl_live *lv, tl_record_fn fn, void *ctx, int (*between)(void *ctx))
{
	struct inodes in = {};
	struct handover h = { &in, fn, ctx };
	int r = tl_loader_dump(lv->ld, lv->c->load.filter.netns, keep_inode, &in);

	if (r >= 0) {
		tl_proc_owners(in.v, in.n);
		tl_loader_poll(lv->ld, 0);
		if (between && between(ctx))
			r = -ECANCELED;
		else
			r = tl_loader_dump(lv->ld, lv->c->load.filter.netns, hand_over, &h);
	}
	free(in.v);
	return r;
}

int tl_live_snapshot(struct tl_live *lv, int (*between)(void *ctx), tl_record_fn fn, void *ctx)
{
	return snapshot(lv, fn, ctx, between);
}

int tl_live_dump(struct tl_live *lv, tl_record_fn fn, void *ctx)
{
	return tl_loader_dump(lv->ld, lv->c->load.filter.netns, fn, ctx);
}

const struct tl_hook_report *tl_live_report(const struct tl_live *lv)
{
	return tl_loader_report(lv->ld);
}

tl_hook_mask tl_live_missing(const struct tl_live *lv)
{
	const struct tl_hook_report *r = tl_loader_report(lv->ld);

	/* a flush that cannot run means changes are sent one by one: nothing missing */
	return r->wanted & ~r->active & ~TL_HOOK_BIT(TL_HOOK_FLUSH);
}

bool tl_live_tw_observable(const struct tl_live *lv)
{
	return tl_loader_tw_observable(lv->ld);
}

/* The reader's time spent runnable but waiting for a CPU; 0 when unknown. */
static uint64_t runq_wait_ns(void)
{
	unsigned long long run, wait;
	FILE *f = fopen("/proc/self/schedstat", "r");
	int n = f ? fscanf(f, "%llu %llu", &run, &wait) : 0;

	if (f)
		fclose(f);
	return n == 2 ? wait : 0;
}

/* The first loss of a run says what it means and what to change, once. */
static void explain_loss(struct tl_live *lv, uint64_t wait_ns, uint64_t span_ns)
{
	bool busy = wait_ns * 10 >= span_ns;

	lv->hinted = true;
	tl_warn("the %u MiB ring buffer overflowed: the reader waited %llu ms for a CPU in the "
		"last %.1f s%s; --ringbuf-mb holds more, filters (--netns, --port, -4/-6) send less",
		tl_loader_ring_mb(lv->ld), (unsigned long long)(wait_ns / 1000000), span_ns / 1e9,
		busy ? " (the host is busy: a lower --nice gets it a CPU sooner)" : "");
}

static void counters(struct tl_live *lv, bool final)
{
	struct tl_stats st = {};
	uint64_t now = tl_clock_now_boot(), wait = runq_wait_ns();

	tl_loader_counters(lv->ld, &st);
	st.events = lv->events;
	st.hooks_missing = tl_live_missing(lv);
	if (st.rb_lost && !lv->hinted)
		explain_loss(lv, wait - lv->runq_wait_ns, now - lv->counted_ns);
	lv->runq_wait_ns = wait;
	lv->counted_ns = now;
	lv->ops->counters(lv->ops->ctx, &st, final);
}

static int poll_loop(struct tl_live *lv)
{
	uint64_t start = tl_clock_now_boot(), next = start;
	uint64_t end = lv->c->duration ? start + (uint64_t)(lv->c->duration * 1e9) : 0;
	int r;

	while (!stop) {
		uint64_t now;
		int err = tl_loader_poll(lv->ld, POLL_MS);

		if (err < 0 && err != -EINTR) {
			tl_err("reading the ring buffer: %s", strerror(-err));
			return -1;
		}
		now = tl_clock_now_boot();
		r = lv->ops->batch(lv->ops->ctx, now);
		if (r)
			return r;
		if (now >= next) {
			/* the sample's records are consumed before the interval is closed */
			tl_loader_sample_listeners(lv->ld);
			tl_loader_poll(lv->ld, 0);
			counters(lv, false);
			next = now + lv->interval_ns;
		}
		if (end && now >= end)
			break;
	}
	/* the listeners' last counts, and what is queued, still belong to the run */
	tl_loader_sample_listeners(lv->ld);
	r = tl_loader_flush_states(lv->ld);
	if (r < 0)
		tl_warn("collecting the state changes kept in the kernel failed (%s): lifelines "
			"of open connections may miss their last changes",
			strerror(-r));
	tl_loader_poll(lv->ld, 0);
	return 0;
}

/*
 * Once attached, with the outputs open and the sockets dumped: keep what is
 * still to do. The state changes batched in the kernel are collected at exit
 * namespace by namespace where the storage map's iterator is refused.
 */
static int drop_privileges(struct tl_live *lv, struct tl_privdrop *pd)
{
	unsigned int later = lv->ops->later;
	char kept[256];
	int rc;

	if (lv->c->load.batch_states && !strcmp(tl_live_report(lv)->flush_via, "flush_kept_tcp"))
		later |= TL_LATER_NETNS;
	rc = tl_privdrop_apply(pd, later);
	if (!rc && lv->c->load.verbose)
		tl_info("privileges dropped: kept %s%s%s",
			tl_privdrop_names(pd->kept, kept, sizeof(kept)),
			pd->set_user ? ", user " : "", pd->set_user ? pd->user : "");
	return rc;
}

int tl_live_run(const struct tl_live_config *c, const struct tl_live_ops *ops)
{
	struct tl_privdrop pd;
	struct tl_live lv = { .c = c,
			      .ops = ops,
			      .interval_ns = (uint64_t)(c->interval * 1e9),
			      .runq_wait_ns = runq_wait_ns(),
			      .counted_ns = tl_clock_now_boot() };
	struct sigaction sa = { .sa_handler = on_signal };
	int rc, r;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = tl_privdrop_prepare(&pd, c->user);
	if (rc)
		return rc;
	rc = tl_loader_open(&lv.ld, &c->load, on_sample, &lv);
	if (rc)
		return rc;
	/* before any thread is started: they inherit it */
	if (setpriority(PRIO_PROCESS, 0, c->nice))
		tl_warn("cannot set the reader's priority to nice %d (%s): on a saturated host it "
			"may fall behind and lose events (counted)",
			c->nice, strerror(errno));
	rc = ops->started(ops->ctx, &lv);
	if (rc)
		goto out;
	/*
	 * Dump after attaching, so no socket falls between the two; records
	 * queued meanwhile go first, and the timeline keeps their fresher view.
	 */
	r = snapshot(&lv, ops->record, ops->ctx, NULL);
	if (r < 0)
		tl_warn("socket dump failed (%s): connections alive now will be missing",
			strerror(-r));
	rc = drop_privileges(&lv, &pd);
	if (rc)
		goto out;
	tl_info("tracing TCP (hooks: %s); Ctrl-C to stop", tl_loader_hooks(lv.ld));
	r = poll_loop(&lv);
	if (r < 0)
		rc = TL_EXIT_ERROR;
	if (r >= 0)
		counters(&lv, true);
	if (tl_live_missing(&lv)) {
		char why[1024];

		tl_warn("unavailable on this kernel: %s",
			tl_hook_report_missing(tl_live_report(&lv), why, sizeof(why)));
	}
	if (lv.short_records)
		tl_warn("%llu malformed ring-buffer records ignored",
			(unsigned long long)lv.short_records);
out:
	tl_loader_close(lv.ld);
	return rc;
}
