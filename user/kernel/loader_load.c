// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loader_load.c - which programs this kernel and this run get, and loading
 * them. Each program's fate is kept in the loader's hook report: a variant
 * chosen by the tracepoint's arguments in this kernel's BTF, a hook the
 * kernel lacks, one it refuses (with the kernel's reason, taken from
 * libbpf's messages), one the run does not need. Only the state hook (the
 * socket dump for dump-only runs) is required.
 */
#define _GNU_SOURCE /* vasprintf */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kernel/hashed_id.h"
#include "kernel/kfields.h"
#include "kernel/loader_priv.h"
#include "kernel/prog_table.h"
#include "cli/log.h"
#include "tcpline.skel.h"

/*
 * What libbpf says about the program that failed to load: its messages are
 * the only place that names it. Kept from the print callback (loading is
 * single-threaded), consumed after each failed load.
 */
static struct {
	bool verbose;
	char prog[32];
	char reason[TL_PROG_REASON];
	char last[TL_PROG_REASON]; /* libbpf's last warning, whatever it was about */
} failed;

/* The verifier's last words before its statistics line. */
static void last_log_line(const char *log, char *out, size_t size)
{
	const char *end = strstr(log, "-- END PROG LOAD LOG --");
	const char *best = NULL, *p = log;
	size_t best_len = 0;

	if (!end)
		end = log + strlen(log);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len && strncmp(p, "processed ", 10) && strncmp(p, "-- BEGIN", 8) &&
		    strncmp(p, "verification time", 17) && strncmp(p, "stack depth", 11)) {
			best = p;
			best_len = len;
		}
		p += len + 1;
	}
	if (best)
		snprintf(out, size, "%.*s", (int)best_len, best);
}

static void note_failure(const char *msg)
{
	const char *name = msg + strlen("prog '"), *q = strchr(name, '\'');
	char what[TL_PROG_REASON] = "";
	const char *rest;
	size_t n;

	if (!q || q[1] != ':')
		return;
	n = (size_t)(q - name);
	rest = q + 2 + strspn(q + 2, " ");
	if (n >= sizeof(failed.prog))
		n = sizeof(failed.prog) - 1;
	if (strncmp(failed.prog, name, n) || failed.prog[n]) {
		memcpy(failed.prog, name, n);
		failed.prog[n] = '\0';
		failed.reason[0] = '\0';
	}
	if (!strncmp(rest, "BPF program load failed: ", 25)) {
		snprintf(failed.reason, sizeof(failed.reason), "%.*s",
			 (int)strcspn(rest + 25, "\n"), rest + 25);
	} else if (strstr(rest, "-- BEGIN PROG LOAD LOG --")) {
		last_log_line(strstr(rest, "-- BEGIN PROG LOAD LOG --") + 26, what, sizeof(what));
		if (what[0] && failed.reason[0]) {
			size_t len = strlen(failed.reason);

			snprintf(failed.reason + len, sizeof(failed.reason) - len,
				 " (verifier: %s)", what);
		} else if (what[0]) {
			snprintf(failed.reason, sizeof(failed.reason), "verifier: %s", what);
		}
	} else if (!failed.reason[0] && strncmp(rest, "failed to load", 14)) {
		snprintf(failed.reason, sizeof(failed.reason), "%.*s", (int)strcspn(rest, "\n"),
			 rest);
	}
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg = NULL;
	va_list copy;

	if (level == LIBBPF_WARN) {
		/* whole: a verifier log's last words are at its end */
		va_copy(copy, ap);
		if (vasprintf(&msg, fmt, copy) < 0)
			msg = NULL;
		va_end(copy);
	}
	if (msg && !strncmp(msg, "libbpf: prog '", 14))
		note_failure(msg + 8);
	if (msg && strncmp(msg, "libbpf: failed to load", 22))
		snprintf(failed.last, sizeof(failed.last), "%.*s",
			 (int)strcspn(msg + (strncmp(msg, "libbpf: ", 8) ? 0 : 8), "\n"),
			 msg + (strncmp(msg, "libbpf: ", 8) ? 0 : 8));
	free(msg);
	if (!failed.verbose)
		return 0; /* failures are summarised by us in one line */
	return vfprintf(stderr, fmt, ap);
}

struct tl_prog_report *tl_loader_prog_report(struct tl_loader *ld, const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);

	for (int i = 0; i < ld->report.nprogs; i++)
		if (!strcmp(ld->report.progs[i].prog, name))
			return &ld->report.progs[i];
	return NULL;
}

static bool is_active(struct tl_loader *ld, const struct bpf_program *p)
{
	const struct tl_prog_report *r = tl_loader_prog_report(ld, p);

	return r && r->status == TL_PROG_ACTIVE;
}

static void set_status(struct tl_loader *ld, const struct bpf_program *p, enum tl_prog_status s,
		       const char *fmt, ...)
{
	struct tl_prog_report *r = tl_loader_prog_report(ld, p);
	va_list ap;

	if (!r)
		return;
	r->status = s;
	r->reason[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
		va_end(ap);
	}
}

static bool tracefs_ready(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return true;
	/* classic tracepoints need tracefs; a root tool may mount it */
	return !mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

/* Owner filters decide in the kernel, on the owner kept in each socket's storage. */
static bool storage_needed(const struct tl_load_config *o)
{
	return o->keep_storage || o->filter.pid || o->filter.cgroup || o->filter.has_comm;
}

/*
 * accept()'s caller as the owner of the accepted socket: a syscall
 * tracepoint, and while one is attached every system call of every task on
 * the host takes the kernel's slow path (measured: getppid() 167 -> 224 ns, BENCHMARKS.md).
 * Only where asked for, or where an owner filter must see accepted sockets
 * at accept(); otherwise an accepted socket has its listener's owner until
 * its owner's close() or shutdown() names it.
 */
static bool accept_hook_wanted(const struct tl_load_config *o)
{
	return o->accept_owner || o->filter.pid || o->filter.cgroup || o->filter.has_comm;
}

/*
 * Batching state changes saves ring-buffer records but keeps them in
 * socket storage: it pays only where storage is kept anyway (measured:
 * --lifelines without storage and unbatched is a little faster than with
 * storage and batched).
 */
static bool batching(const struct tl_load_config *o)
{
	return o->batch_states && storage_needed(o);
}

static int tp_nargs(const void *btf, const char *tp)
{
	return tl_btf_tp_nargs(btf, tp);
}

/* Whether every wanted program of hook @h is active (a hook of partners, not variants). */
static bool hook_all_active(const struct tl_loader *ld, enum tl_hook h)
{
	bool any = false;

	for (int i = 0; i < ld->report.nprogs; i++) {
		const struct tl_prog_report *r = &ld->report.progs[i];

		if (r->hook != h || r->status == TL_PROG_OTHER_VARIANT)
			continue;
		if (r->status != TL_PROG_ACTIVE)
			return false;
		any = true;
	}
	return any;
}

/* Whether an active program has every bit of @needs in its row. */
static bool active_with(const struct tl_loader *ld, unsigned int needs)
{
	for (int i = 0; i < ld->report.nprogs; i++)
		if (ld->report.progs[i].status == TL_PROG_ACTIVE &&
		    tl_prog_has(ld->report.progs[i].prog, needs))
			return true;
	return false;
}

/*
 * Every program's fate before the first load: what this kernel and run
 * allow, row by row of the program table (kernel/prog_table.h). A program
 * of the object without a row gets no report entry and is never loaded.
 */
static void first_statuses(struct tl_loader *ld, const struct tl_load_config *o,
			   const struct btf *btf)
{
	const struct tl_prog_def *defs[TL_PROGS_MAX];
	struct tl_prog_env env = {
		.cookie_helper = ld->cookie_helper,
		.for_each =
			tl_btf_enum_value_exists(btf, "bpf_func_id", "BPF_FUNC_for_each_map_elem"),
		.tw_fn = tl_ksym_exists("tw_timer_handler"),
		.accept = accept_hook_wanted(o),
		.dump_only = o->dump_only,
		.tp_nargs = tp_nargs,
		.ctx = btf,
	};
	int n = tl_prog_report_order(defs, TL_PROGS_MAX);

	ld->batch = batching(o) && ld->storage_helper;
	env.batch = ld->batch;
	env.tracefs = !env.accept || tracefs_ready();
	if (storage_needed(o) && !ld->storage_helper)
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "no socket storage for tracing programs (5.11): owner filters apply in "
			 "user space%s",
			 batching(o) ? ", state changes are sent one by one" : "");
	ld->report.nprogs = 0;
	for (int i = 0; i < n; i++) {
		struct bpf_program *p =
			bpf_object__find_program_by_name(ld->skel->obj, defs[i]->name);
		struct tl_prog_report *r = &ld->report.progs[ld->report.nprogs];

		if (!p)
			continue;
		memset(r, 0, sizeof(*r));
		snprintf(r->prog, sizeof(r->prog), "%s", defs[i]->name);
		snprintf(r->attach, sizeof(r->attach), "%s", bpf_program__section_name(p));
		r->hook = defs[i]->hook;
		r->status = tl_prog_first_status(defs[i], &env, r->reason, sizeof(r->reason));
		ld->report.nprogs++;
	}
}

static void configure(struct tl_loader *ld, const struct tl_load_config *o)
{
	struct tcpline_bpf *s = ld->skel;
	struct bpf_program *p;

	memcpy((void *)&s->rodata->filter, &o->filter, sizeof(o->filter));
	s->rodata->use_storage = storage_needed(o) && ld->storage_helper;
	s->rodata->batch_states = ld->batch;
	s->rodata->kernel_hz = ld->report.hz;
	s->rodata->cookie_helper = ld->cookie_helper;
	s->rodata->storage_helper = ld->storage_helper;
	memcpy((void *)s->rodata->cookie_key, ld->cookie_key, sizeof(ld->cookie_key));
	s->rodata->tw_hooks = hook_all_active(ld, TL_HOOK_TIMEWAIT);
	/* listener discards are subtracted from sk_drops only where they are counted */
	s->rodata->rx_sk_known = active_with(ld, TL_PN_RX_SK);
	bpf_map__set_max_entries(s->maps.events, tl_ring_mb(o->ringbuf_mb) << 20);
	bpf_object__for_each_program(p, s->obj)
	{
		bpf_program__set_autoload(p, is_active(ld, p));
	}
}

static int open_configured(struct tl_loader *ld, const struct tl_load_config *o)
{
	tcpline_bpf__destroy(ld->skel);
	ld->skel = tcpline_bpf__open();
	if (!ld->skel)
		return -errno;
	configure(ld, o);
	return 0;
}

static struct bpf_program *find_prog(struct tl_loader *ld, const char *name)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, ld->skel->obj) if (!strcmp(bpf_program__name(p),
								   name)) return p;
	return NULL;
}

static bool required(const struct bpf_program *p, const struct tl_load_config *o)
{
	return tl_prog_has(bpf_program__name(p), o->dump_only ? TL_PN_DUMP : TL_PN_REQUIRED);
}

void tl_loader_settle(struct tl_loader *ld)
{
	struct tl_hook_report *r = &ld->report;
	tl_hook_mask partial = 0;

	r->wanted = r->active = 0;
	r->flush_via[0] = '\0';
	for (int i = 0; i < r->nprogs; i++) {
		const struct tl_prog_report *p = &r->progs[i];

		if (p->hook >= TL_HOOK_MAX || p->status == TL_PROG_UNUSED ||
		    p->status == TL_PROG_OTHER_VARIANT)
			continue;
		r->wanted |= TL_HOOK_BIT(p->hook);
		if (p->status == TL_PROG_ACTIVE)
			r->active |= TL_HOOK_BIT(p->hook);
		else
			partial |= TL_HOOK_BIT(p->hook);
		if (p->hook == TL_HOOK_FLUSH && p->status == TL_PROG_ACTIVE && !r->flush_via[0])
			snprintf(r->flush_via, sizeof(r->flush_via), "%s", p->prog);
	}
	/* TIME_WAIT's end needs both of its programs; any one flush program will do */
	r->active &= ~(partial & TL_HOOK_BIT(TL_HOOK_TIMEWAIT));
	r->batching = ld->batch;
}

static void not_loaded(struct tl_loader *ld, const char *why)
{
	for (int i = 0; i < ld->report.nprogs; i++)
		if (ld->report.progs[i].status == TL_PROG_ACTIVE) {
			ld->report.progs[i].status = TL_PROG_REFUSED;
			snprintf(ld->report.progs[i].reason, TL_PROG_REASON, "not loaded: %s", why);
		}
}

/*
 * Load; when the kernel refuses an optional program, note why, leave it out
 * and load again. Each round either loads or leaves one more program out.
 */
static int load_rounds(struct tl_loader *ld, const struct tl_load_config *o)
{
	for (int round = 0; round <= TL_PROGS_MAX; round++) {
		struct bpf_program *p;
		int err = open_configured(ld, o);

		if (err)
			return err;
		failed.prog[0] = failed.reason[0] = failed.last[0] = '\0';
		err = tcpline_bpf__load(ld->skel);
		if (!err)
			return 0;
		p = failed.prog[0] ? find_prog(ld, failed.prog) : NULL;
		if (!p || required(p, o)) {
			/* not one optional program's fault: nothing loads */
			if (p)
				set_status(ld, p, TL_PROG_REFUSED, "%s",
					   failed.reason[0] ? failed.reason : strerror(-err));
			else
				snprintf(ld->report.load_error, sizeof(ld->report.load_error), "%s",
					 failed.last[0] ? failed.last : strerror(-err));
			not_loaded(ld, p ? "the required program was refused" :
					   "the object failed to load");
			return err;
		}
		set_status(ld, p, TL_PROG_REFUSED, "%s",
			   failed.reason[0] ? failed.reason : strerror(-err));
	}
	return -ELOOP;
}

/*
 * Whether a program collecting batched changes at exit loads (@first: the
 * first of the flush hook's rows, the one reading the storage map at once).
 */
static bool flush_loaded(const struct tl_loader *ld, bool first)
{
	for (int i = 0; i < tl_nprogs; i++) {
		struct bpf_program *p;

		if (tl_progs[i].hook != TL_HOOK_FLUSH)
			continue;
		p = bpf_object__find_program_by_name(ld->skel->obj, tl_progs[i].name);
		if (p && bpf_program__autoload(p))
			return true;
		if (first)
			return false;
	}
	return false;
}

int tl_loader_load(struct tl_loader *ld, const struct tl_load_config *o, const struct btf *btf)
{
	int err;

	failed.verbose = o->verbose;
	libbpf_set_print(print_libbpf);
	if (btf) {
		tcpline_bpf__destroy(ld->skel);
		ld->skel = tcpline_bpf__open();
		if (!ld->skel)
			return -errno;
		ld->report.nfields = tl_kfields_probe(btf, ld->report.fields);
		ld->report.hz = tl_kernel_hz(NULL);
		ld->cookie_helper =
			tl_kfield_present(ld->report.fields, ld->report.nfields, TL_KF_COOKIE);
		ld->storage_helper =
			tl_kfield_present(ld->report.fields, ld->report.nfields, TL_KF_STORAGE);
		if (!ld->cookie_helper && tl_hashed_id_key(ld->cookie_key))
			return -errno;
		first_statuses(ld, o, btf);
	}
	err = load_rounds(ld, o);
	if (!err && ld->batch && !flush_loaded(ld, false)) {
		/* kept changes could not be collected at exit: send each at once */
		ld->batch = false;
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "state changes are sent one by one: no program to collect batched "
			 "ones at exit loads");
		err = load_rounds(ld, o);
	} else if (!err && ld->batch && !flush_loaded(ld, true)) {
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "batched state changes are collected at exit namespace by namespace "
			 "(iter/tcp), not from the storage map");
	}
	tl_loader_settle(ld);
	return err;
}
