// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backlog.c - `tcpline backlog`: a live session (live.c) whose listener
 * records (one per listener per interval when something moved) are summed
 * per interval, split by cause against each namespace's counters, and
 * printed when the interval closes (right after its listener sample).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "backlog/backlog.h"
#include "backlog/backlog_diag.h"
#include "backlog/backlog_mibs.h"
#include "backlog/backlog_print.h"
#include "backlog/backlog_table.h"
#include "core/filter.h"
#include "core/live.h"
#include "cli/log.h"
#include "kernel/names.h"
#include "kernel/netns.h"
#include "backlog/backlog_options.h"
#include "cli/opts.h"
#include "kernel/precise.h"
#include "kernel/privdrop.h"

#define MAX_LISTENERS 16384 /* as many as the BPF side tracks */
#define MAX_NETNS 1024

struct backlog {
	struct tl_live_config lc; /* the kernel side filters the namespace only */
	struct tl_filter show; /* which listeners are printed */
	bool once;
	bool printed;
	bool output_closed; /* stdout's reader has gone */
	bool first_sampled;
	bool overflow_reason; /* the kernel reports TCP_LISTEN_OVERFLOW per listener */
	bool synack_known; /* SYN-ACK retransmits are seen (the synack hook is attached) */
	enum tl_precise_mode precise_mode;
	struct tl_precise *precise; /* NULL: the tier is absent, causes from the namespaces */
	bool precise_short; /* the tier missed a drop in this interval: not used for it */
	uint64_t precise_uncounted;
	struct tl_clock clock;
	struct bl_table *table;
	struct bl_mibs mibs; /* every namespace's counters */
	struct bl_row *rows;
	size_t nrows;
	uint64_t last_ns;
	int rc;
	struct bl_print print;
};

/* The listener's SYN-time causes in the interval from the precise tier. */
static void precise_row(struct backlog *b, struct bl_listener *l, struct bl_row *r)
{
	struct tl_precise_counts c;
	int err = tl_precise_read(b->precise, l->cookie, &c);

	if (err) {
		tl_warn("precise tier: reading its counts: %s; causes from the namespaces now",
			strerror(-err));
		tl_precise_close(b->precise);
		b->precise = NULL;
		return;
	}
	if (l->precise_rebase) {
		l->precise_base = c;
		l->precise_rebase = false;
	}
	l->precise_now = c;
	if (b->precise_short)
		return;
	r->at_syn = c.at_syn - l->precise_base.at_syn;
	r->synq_full = c.synq_full - l->precise_base.synq_full;
	r->other = c.other - l->precise_base.other;
	r->precise = true;
}

/*
 * The first sample: a listener older than tracing counts its drops from here,
 * so its precise counts do too (one born since counts both from the start).
 */
static void precise_baseline(void *ctx, struct bl_listener *l)
{
	struct backlog *b = ctx;

	if (b->precise && l->older_than_tracing &&
	    !tl_precise_read(b->precise, l->cookie, &l->precise_now))
		l->precise_base = l->precise_now;
}

static void add_row(void *ctx, struct bl_listener *l)
{
	struct backlog *b = ctx;
	struct bl_row *r = &b->rows[b->nrows++];
	const struct bl_ns_mib *n = bl_mibs_find(&b->mibs, l->netns);

	bl_listener_row(l, b->overflow_reason, r);
	r->synack_known = b->synack_known;
	if (b->precise)
		precise_row(b, l, r);
	r->sys = (struct bl_sysctls){ -1, -1, -1, -1, -1 };
	if (n && n->cur_ok)
		r->sys = n->sys;
}

/* Keep the rows to show: the filters the kernel side was not given. */
static size_t keep_shown(struct backlog *b)
{
	static const uint8_t any[16];
	size_t kept = 0;

	for (size_t i = 0; i < b->nrows; i++) {
		struct bl_row *r = &b->rows[i];

		if (tl_filter_tuple(&b->show, r->netns, r->family, r->laddr, r->lport, any, 0))
			b->rows[kept++] = *r;
	}
	return kept;
}

static void report(struct backlog *b, const struct tl_stats *st, uint64_t now)
{
	size_t shown;

	bl_mibs_read(&b->mibs, b->lc.load.filter.netns);
	if (b->precise) {
		/* drops it could not give a listener: this interval's causes are the namespaces' */
		uint64_t u = tl_precise_uncounted(b->precise);

		b->precise_short = u != b->precise_uncounted;
		b->precise_uncounted = u;
	}
	b->print.precise = b->precise && !b->precise_short;
	b->nrows = 0;
	bl_table_each(b->table, add_row, b);
	for (size_t i = 0; i < b->nrows; i++) {
		b->rows[i].interval_ns = now - b->last_ns;
		b->rows[i].ts_ns = now;
	}
	bl_mibs_attribute(&b->mibs, b->rows, b->nrows, st->listeners_untracked > 0);
	/* drops_total: the listener's drops summed over the intervals reported */
	for (size_t i = 0; i < b->nrows; i++) {
		struct bl_listener *l = bl_table_find(b->table, b->rows[i].cookie);

		if (l)
			b->rows[i].drops_total = l->drops_total += b->rows[i].drops;
	}
	shown = keep_shown(b);
	qsort(b->rows, shown, sizeof(*b->rows), bl_row_cmp);
	b->print.evictions = bl_table_evictions(b->table);
	b->print.untracked = st->listeners_untracked;
	if (bl_print_interval(&b->print, b->rows, shown, now, now - b->last_ns) && !b->rc) {
		/* a closed pipe is its reader's choice (| head): stop cleanly, as trace does */
		if (errno == EPIPE) {
			b->output_closed = true;
		} else {
			tl_err("writing the report: %s", strerror(errno));
			b->rc = TL_EXIT_ERROR;
		}
	}
	b->printed = true;
}

static void forget_closed(void *ctx, struct bl_listener *l)
{
	struct backlog *b = ctx;

	if (l->closed)
		tl_precise_forget(b->precise, l->cookie);
}

static void end_interval(struct backlog *b, uint64_t now)
{
	if (b->precise)
		bl_table_each(b->table, forget_closed, b);
	bl_table_next_interval(b->table);
	bl_mibs_next(&b->mibs);
	b->last_ns = now;
}

static void any_moved(void *ctx, struct bl_listener *l)
{
	bool *moved = ctx;

	if (l->moved || l->closed)
		*moved = true;
}

static void counters(void *ctx, const struct tl_stats *st, bool final)
{
	struct backlog *b = ctx;
	uint64_t now = tl_clock_now_boot();

	if (!b->first_sampled) {
		/*
		 * The first sample, right after start: it only makes the listeners older
		 * than tracing known (their counts start here, the precise tier's too).
		 * The interval goes on.
		 */
		b->first_sampled = true;
		bl_table_each(b->table, precise_baseline, b);
		return;
	}
	if (final) {
		/* the last, partial interval: only if it holds something */
		bool moved = false;

		bl_table_each(b->table, any_moved, &moved);
		if ((b->once && b->printed) || !moved)
			return;
	}
	report(b, st, now);
	end_interval(b, now);
}

/*
 * What the kernel refused shows as unavailable in the rows, never as 0.
 * Once the main object is attached (so privileges are known to be fine):
 * the precise tier, if this kernel allows it. Never fatal; said once.
 * The first interval starts here, before "tracing" is printed: a listener created after
 * that line and dropping before the first sample keeps those drops. (With the baseline at
 * the first sample, backlog showed 8 drops where ListenDrops counted 16: listen(1), ten
 * connects at once, on 6.1, 6.12 and 6.18.)
 */
static int started(void *ctx, struct tl_live *lv)
{
	struct backlog *b = ctx;
	const struct tl_hook_report *h = tl_live_report(lv);
	char why[256];

	b->overflow_reason &= tl_hook_has(h->active, TL_HOOK_DROP);
	b->synack_known = tl_hook_has(h->active, TL_HOOK_SYNACK);
	b->precise = tl_precise_open(b->precise_mode, b->lc.load.verbose, why, sizeof(why));
	if (b->precise)
		tl_info("backlog: causes per listener from the precise tier (%s on "
			"tcp_conn_request)",
			tl_precise_hooks(b->precise));
	else
		tl_info("backlog: causes from the namespace counters (precise tier absent: %s)",
			why);
	if (b->precise)
		b->precise_uncounted = tl_precise_uncounted(b->precise);
	bl_mibs_read(&b->mibs, b->lc.load.filter.netns);
	end_interval(b, tl_clock_now_boot());
	return 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct backlog *b = ctx;

	bl_table_feed(b->table, ev);
}

static int batch(void *ctx, uint64_t now_ns)
{
	struct backlog *b = ctx;

	(void)now_ns;
	if (b->rc)
		return -1;
	return (b->once && b->printed) || b->output_closed ? 1 : 0;
}

static bool has_overflow_reason(void)
{
	struct tl_names names;
	struct btf *btf = btf__load_vmlinux_btf();
	bool found = false;

	if (!btf)
		return false;
	tl_names_init(&names);
	tl_names_load_btf(&names, btf);
	btf__free(btf);
	for (uint32_t i = 0; i < TL_NAMES_MAX && !found; i++) {
		const char *n = tl_names_get(&names, TL_NAMES_DROP, i);

		found = n && !strcmp(n, "TCP_LISTEN_OVERFLOW");
	}
	tl_names_free(&names);
	return found;
}

int cmd_backlog(int argc, char **argv)
{
	struct backlog b = { 0 };
	/* every interval reads each namespace's counters from inside it */
	struct tl_live_ops ops = { &b, started, record, batch, counters, TL_LATER_NETNS };
	struct bl_opts o;
	int rc;

	bl_opts_defaults(&o);
	rc = bl_opts_parse(&o, argc, argv);
	if (rc)
		return tl_opts_exit(rc);
	b.lc = (struct tl_live_config){
		/* every listener of a namespace is needed to split its counters: netns only */
		.load = { .filter.netns = o.filter.netns,
			  .ringbuf_mb = TL_RING_MB_DEFAULT,
			  /* a child finds its listener through storage whatever the port sharing */
			  .keep_storage = true,
			  .verbose = o.verbose },
		.interval = o.interval,
		.duration = o.duration,
		.nice = TL_READER_NICE,
		.user = o.user,
	};
	b.show = o.filter;
	b.once = o.once;
	b.precise_mode = (enum tl_precise_mode)o.precise;
	b.print.json = o.json;
	if (tl_clock_init(&b.clock)) {
		tl_err("cannot read the clocks: %s", strerror(errno));
		return TL_EXIT_ERROR;
	}
	b.overflow_reason = has_overflow_reason();
	b.table = bl_table_new(MAX_LISTENERS);
	b.rows = calloc(MAX_LISTENERS, sizeof(*b.rows));
	if (!b.table || bl_mibs_init(&b.mibs, MAX_NETNS) || !b.rows) {
		tl_err("out of memory");
		rc = TL_EXIT_ERROR;
		goto out;
	}
	b.print.out = stdout;
	b.print.clock = &b.clock;
	b.print.clear = !b.print.json && isatty(STDOUT_FILENO);
	rc = tl_live_run(&b.lc, &ops);
	if (!rc)
		rc = b.rc;
out:
	tl_precise_close(b.precise);
	free(b.rows);
	bl_mibs_free(&b.mibs);
	bl_table_free(b.table);
	return rc;
}
