// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backlog.c - `tcpline backlog`: a live session (live.c) whose listener
 * records (one per listener per interval when something moved) are summed
 * per interval, split by cause against each namespace's counters, and
 * printed when the interval closes (right after its listener sample).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "backlog/backlog.h"
#include "backlog/backlog_table.h"
#include "core/filter.h"
#include "core/live.h"
#include "cli/log.h"
#include "kernel/names.h"
#include "kernel/netns.h"
#include "trace/options.h"
#include "kernel/precise.h"
#include "kernel/privdrop.h"

#define MAX_LISTENERS 16384 /* as many as the BPF side tracks */
#define MAX_NETNS 1024

static const char usage[] =
	"Usage: tcpline backlog [OPTIONS]\n"
	"Per listener: accept queue and SYN queue depths, drops split by cause,\n"
	"SYN-ACK retransmits, syncookies, and a diagnosis (docs/backlog.md).\n"
	"\n"
	"  --interval S          seconds per report (default 1)\n"
	"  --once                one report after one interval, then exit\n"
	"  --duration S          stop after S seconds (default: at SIGINT/SIGTERM)\n"
	"  --json                JSON Lines: one type \"listener\" object per listener\n"
	"      --port P[,P...]   listeners on these local ports (up to 16)\n"
	"      --netns NS        one network namespace: inode, /run/netns/NAME, or NAME\n"
	"  -4, -6                IPv4 or IPv6 listeners only\n"
	"      --precise MODE    causes per listener from fentry or kprobes on\n"
	"                        tcp_conn_request: auto (default), fentry, kprobe, off\n"
	"      --user USER       once set up, become USER (its uid, gid and groups);\n"
	"                        capabilities are dropped in any case (docs/privileges.md)\n"
	"  -v, --verbose         libbpf diagnostics\n"
	"  -h, --help            this text\n";

struct bl_netns {
	uint32_t inode;
	bool prev_ok, cur_ok;
	struct bl_mib prev, cur;
	struct bl_sysctls sys;
};

struct backlog {
	struct tl_options o; /* what the kernel side filters: the namespace only */
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
	struct bl_netns *ns;
	size_t nns;
	struct bl_row *rows;
	size_t nrows;
	uint64_t last_ns;
	int rc;
	struct bl_print print;
};

static struct bl_netns *netns_get(struct backlog *b, uint32_t inode, bool add)
{
	for (size_t i = 0; i < b->nns; i++)
		if (b->ns[i].inode == inode)
			return &b->ns[i];
	if (!add || b->nns == MAX_NETNS)
		return NULL;
	memset(&b->ns[b->nns], 0, sizeof(b->ns[0]));
	b->ns[b->nns].inode = inode;
	return &b->ns[b->nns++];
}

static int read_one_netns(void *ctx, uint32_t inode)
{
	struct bl_netns *n = netns_get(ctx, inode, true);

	if (n)
		n->cur_ok = !bl_read_netns(&n->cur, &n->sys);
	return 0;
}

/*
 * Every namespace (or the one of --netns), from inside it, so that one whose
 * first listener appears later has its counters from the interval's start.
 * Namespaces gone since are forgotten.
 */
static void read_namespaces(struct backlog *b)
{
	size_t kept = 0;
	int err;

	for (size_t i = 0; i < b->nns; i++)
		b->ns[i].cur_ok = false;
	err = tl_netns_each(b->o.filter.netns, read_one_netns, b);
	if (err)
		tl_warn("reading the namespaces' counters: %s", strerror(-err));
	for (size_t i = 0; i < b->nns; i++)
		if (b->ns[i].cur_ok)
			b->ns[kept++] = b->ns[i];
	b->nns = kept;
}

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
	struct bl_netns *n = netns_get(b, l->netns, false);

	bl_listener_row(l, b->overflow_reason, r);
	r->synack_known = b->synack_known;
	if (b->precise)
		precise_row(b, l, r);
	r->sys = (struct bl_sysctls){ -1, -1, -1, -1, -1 };
	if (n && n->cur_ok)
		r->sys = n->sys;
}

static int by_netns(const void *pa, const void *pb)
{
	const struct bl_row *a = pa, *b = pb;

	return a->netns < b->netns ? -1 : a->netns > b->netns;
}

static void attribute(struct backlog *b, uint64_t untracked)
{
	size_t i = 0;

	qsort(b->rows, b->nrows, sizeof(*b->rows), by_netns);
	while (i < b->nrows) {
		size_t j = i;
		struct bl_netns *n = netns_get(b, b->rows[i].netns, false);
		struct bl_mib d;
		bool known = n && n->prev_ok && n->cur_ok;

		while (j < b->nrows && b->rows[j].netns == b->rows[i].netns)
			j++;
		for (int k = 0; known && k < BL_MIB_MAX; k++)
			d.v[k] = n->cur.v[k] - n->prev.v[k];
		bl_attribute(&b->rows[i], j - i, known ? &d : NULL, untracked > 0);
		i = j;
	}
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

	read_namespaces(b);
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
	attribute(b, st->listeners_untracked);
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
	for (size_t i = 0; i < b->nns; i++) {
		b->ns[i].prev = b->ns[i].cur;
		b->ns[i].prev_ok = b->ns[i].cur_ok;
	}
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
	b->precise = tl_precise_open(b->precise_mode, b->o.verbose, why, sizeof(why));
	if (b->precise)
		tl_info("backlog: causes per listener from the precise tier (%s on "
			"tcp_conn_request)",
			tl_precise_hooks(b->precise));
	else
		tl_info("backlog: causes from the namespace counters (precise tier absent: %s)",
			why);
	if (b->precise)
		b->precise_uncounted = tl_precise_uncounted(b->precise);
	read_namespaces(b);
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

enum {
	OPT_INTERVAL = 256,
	OPT_ONCE,
	OPT_DURATION,
	OPT_JSON,
	OPT_PORT,
	OPT_NETNS,
	OPT_PRECISE,
	OPT_USER
};

static const struct option long_opts[] = {
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "precise", required_argument, NULL, OPT_PRECISE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int seconds(const char *what, const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !(*out >= 0.01 && *out <= 1e6)) {
		tl_err("invalid %s: '%s' (seconds, 0.01 to 1e6)", what, arg);
		return -1;
	}
	return 0;
}

static int apply(struct backlog *b, int c, const char *arg)
{
	switch (c) {
	case OPT_INTERVAL:
		return seconds("--interval", arg, &b->o.interval);
	case OPT_ONCE:
		b->once = true;
		return 0;
	case OPT_DURATION:
		return seconds("--duration", arg, &b->o.duration);
	case OPT_JSON:
		b->print.json = true;
		return 0;
	case OPT_PORT:
		return tl_filter_opt(&b->show, TL_FOPT_PORT, arg, "tcpline backlog");
	case OPT_NETNS:
		return tl_filter_opt(&b->o.filter, TL_FOPT_NETNS, arg, "tcpline backlog");
	case OPT_PRECISE:
		if (!tl_precise_mode_parse(arg, &b->precise_mode))
			return 0;
		tl_err("invalid --precise: '%s' (auto, fentry, kprobe or off)", arg);
		return -1;
	case '4':
	case '6':
		return tl_filter_opt(&b->show, c == '4' ? TL_FOPT_IPV4 : TL_FOPT_IPV6, arg,
				     "tcpline backlog");
	case OPT_USER:
		b->o.user = arg;
		return 0;
	case 'v':
		b->o.verbose = true;
		return 0;
	default:
		return -1;
	}
}

/* Return: 0; 1 after --help; -1 on a usage error. */
static int parse(struct backlog *b, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = tl_getopt(argc, argv, ":46vh", long_opts, usage, "tcpline backlog")) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?' || apply(b, c, optarg))
			return -1;
	}
	/* every listener of a namespace is needed to split its counters: filter here */
	b->show.netns = b->o.filter.netns;
	if (b->once)
		b->o.duration = 0;
	return 0;
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
	int rc;

	tl_options_defaults(&b.o);
	/* a child finds its listener through storage whatever the port sharing */
	b.o.keep_storage = true;
	rc = parse(&b, argc, argv);
	if (rc)
		return rc > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	if (tl_clock_init(&b.clock)) {
		tl_err("cannot read the clocks: %s", strerror(errno));
		return TL_EXIT_ERROR;
	}
	b.overflow_reason = has_overflow_reason();
	b.table = bl_table_new(MAX_LISTENERS);
	b.ns = calloc(MAX_NETNS, sizeof(*b.ns));
	b.rows = calloc(MAX_LISTENERS, sizeof(*b.rows));
	if (!b.table || !b.ns || !b.rows) {
		tl_err("out of memory");
		rc = TL_EXIT_ERROR;
		goto out;
	}
	b.print.out = stdout;
	b.print.clock = &b.clock;
	b.print.clear = !b.print.json && isatty(STDOUT_FILENO);
	rc = tl_live_run(&b.o, &ops);
	if (!rc)
		rc = b.rc;
out:
	tl_precise_close(b.precise);
	free(b.rows);
	free(b.ns);
	bl_table_free(b.table);
	return rc;
}
