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
#include "cli/log.h"
#include "trace/options.h"
#include "tcpline.skel.h"

static const struct {
	const char *prog;
	enum tl_hook hook;
} prog_hooks[] = {
	{ "handle_set_state", TL_HOOK_STATE },
	{ "handle_retransmit", TL_HOOK_RETRANSMIT },
	{ "handle_retransmit_err", TL_HOOK_RETRANSMIT },
	{ "handle_synack_retransmit", TL_HOOK_SYNACK },
	{ "handle_send_reset", TL_HOOK_RESET_SENT },
	{ "handle_send_reset_reason", TL_HOOK_RESET_SENT },
	{ "handle_receive_reset", TL_HOOK_RESET_RECEIVED },
	{ "handle_kfree_skb", TL_HOOK_DROP },
	{ "handle_kfree_skb_rx", TL_HOOK_DROP },
	{ "handle_timer_expire", TL_HOOK_TIMEWAIT },
	{ "handle_timer_start", TL_HOOK_TIMEWAIT },
	{ "handle_accept4_exit", TL_HOOK_ACCEPT },
	{ "handle_accept_exit", TL_HOOK_ACCEPT },
	{ "sample_listeners", TL_HOOK_SAMPLER },
	{ "sample_listener_by_key", TL_HOOK_SAMPLER },
	{ "dump_tcp", TL_HOOK_DUMP },
	{ "flush_kept_states", TL_HOOK_FLUSH },
	{ "flush_kept_tcp", TL_HOOK_FLUSH },
};

static enum tl_hook hook_of(const char *prog)
{
	for (size_t i = 0; i < sizeof(prog_hooks) / sizeof(prog_hooks[0]); i++)
		if (!strcmp(prog_hooks[i].prog, prog))
			return prog_hooks[i].hook;
	return TL_HOOK_MAX;
}

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

/* Keep the variant of a tracepoint whose argument count this kernel has. */
static void pick(struct tl_loader *ld, const char *tp, struct bpf_program *a, int a_args,
		 struct bpf_program *b, int b_args, int have)
{
	if (have < 0) {
		set_status(ld, a, TL_PROG_ABSENT, "no tracepoint %s in this kernel", tp);
		set_status(ld, b, TL_PROG_ABSENT, "no tracepoint %s in this kernel", tp);
		return;
	}
	if (have != a_args && have != b_args) {
		set_status(ld, a, TL_PROG_ABSENT,
			   "%s has %d arguments here; tcpline knows %d or %d", tp, have, a_args,
			   b_args);
		set_status(ld, b, TL_PROG_ABSENT,
			   "%s has %d arguments here; tcpline knows %d or %d", tp, have, a_args,
			   b_args);
		return;
	}
	set_status(ld, have == a_args ? b : a, TL_PROG_OTHER_VARIANT, NULL);
}

static void need_tp(struct tl_loader *ld, struct bpf_program *p, const struct btf *btf,
		    const char *tp, int min_args)
{
	if (tl_btf_tp_nargs(btf, tp) < min_args)
		set_status(ld, p, TL_PROG_ABSENT, "no tracepoint %s in this kernel", tp);
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
static bool storage_needed(const struct tl_options *o)
{
	return o->keep_storage || o->filter.pid || o->filter.cgroup || o->filter.has_comm;
}

/*
 * accept()'s caller as the owner of the accepted socket: a syscall
 * tracepoint, and while one is attached every system call of every task on
 * the host takes the kernel's slow path (measured: getppid() 170 -> 225 ns).
 * Only where asked for, or where an owner filter must see accepted sockets
 * at accept(); otherwise an accepted socket has its listener's owner until
 * its owner's close() or shutdown() names it.
 */
static bool accept_hook_wanted(const struct tl_options *o)
{
	return o->accept_owner || o->filter.pid || o->filter.cgroup || o->filter.has_comm;
}

/*
 * Batching state changes saves ring-buffer records but keeps them in
 * socket storage: it pays only where storage is kept anyway (measured:
 * --lifelines without storage and unbatched is a little faster than with
 * storage and batched).
 */
static bool batching(const struct tl_options *o)
{
	return o->batch_states && storage_needed(o);
}

/* Every program's fate before the first load: what this kernel and run allow. */
static void first_statuses(struct tl_loader *ld, const struct tl_options *o, const struct btf *btf)
{
	struct tcpline_bpf *s = ld->skel;
	struct bpf_program *p;
	bool tw_fn;

	ld->report.nprogs = 0;
	bpf_object__for_each_program(p, s->obj)
	{
		struct tl_prog_report *r;

		if (ld->report.nprogs == TL_PROGS_MAX)
			break;
		r = &ld->report.progs[ld->report.nprogs++];
		memset(r, 0, sizeof(*r));
		snprintf(r->prog, sizeof(r->prog), "%s", bpf_program__name(p));
		snprintf(r->attach, sizeof(r->attach), "%s", bpf_program__section_name(p));
		r->hook = hook_of(r->prog);
		r->status = TL_PROG_ACTIVE;
	}
	ld->batch = batching(o) && ld->storage_helper;
	if (storage_needed(o) && !ld->storage_helper)
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "no socket storage for tracing programs (5.11): owner filters apply in "
			 "user space%s",
			 batching(o) ? ", state changes are sent one by one" : "");
	if (!ld->cookie_helper) {
		set_status(ld, s->progs.handle_timer_expire, TL_PROG_ABSENT,
			   "needs bpf_get_socket_cookie in tracing programs (5.12) to match "
			   "timewait sockets");
		set_status(ld, s->progs.handle_timer_start, TL_PROG_ABSENT,
			   "needs bpf_get_socket_cookie in tracing programs (5.12) to match "
			   "timewait sockets");
	}
	if (!ld->batch) {
		set_status(ld, s->progs.flush_kept_states, TL_PROG_UNUSED, NULL);
		set_status(ld, s->progs.flush_kept_tcp, TL_PROG_UNUSED, NULL);
	}
	pick(ld, "tcp_retransmit_skb", s->progs.handle_retransmit, 2,
	     s->progs.handle_retransmit_err, 3, tl_btf_tp_nargs(btf, "tcp_retransmit_skb"));
	pick(ld, "tcp_send_reset", s->progs.handle_send_reset, 2, s->progs.handle_send_reset_reason,
	     3, tl_btf_tp_nargs(btf, "tcp_send_reset"));
	pick(ld, "kfree_skb", s->progs.handle_kfree_skb, 3, s->progs.handle_kfree_skb_rx, 4,
	     tl_btf_tp_nargs(btf, "kfree_skb"));
	need_tp(ld, s->progs.handle_synack_retransmit, btf, "tcp_retransmit_synack", 2);
	need_tp(ld, s->progs.handle_receive_reset, btf, "tcp_receive_reset", 1);
	need_tp(ld, s->progs.handle_timer_expire, btf, "timer_expire_entry", 1);
	need_tp(ld, s->progs.handle_timer_start, btf, "timer_start", 1);
	/* one sampler: all listeners in one run, or one run per listener before 5.13 */
	if (tl_btf_enum_value_exists(btf, "bpf_func_id", "BPF_FUNC_for_each_map_elem"))
		set_status(ld, s->progs.sample_listener_by_key, TL_PROG_UNUSED, NULL);
	else
		set_status(ld, s->progs.sample_listeners, TL_PROG_ABSENT,
			   "needs bpf_for_each_map_elem (5.13): sample_listener_by_key stands in");
	tw_fn = tl_ksym_exists("tw_timer_handler");
	if (!tw_fn && ld->cookie_helper) {
		set_status(ld, s->progs.handle_timer_expire, TL_PROG_ABSENT,
			   "tw_timer_handler is not in /proc/kallsyms (or hidden by kptr_restrict; "
			   "CAP_SYSLOG shows it)");
		set_status(ld, s->progs.handle_timer_start, TL_PROG_ABSENT,
			   "tw_timer_handler is not in /proc/kallsyms (or hidden by kptr_restrict; "
			   "CAP_SYSLOG shows it)");
	}
	if (!accept_hook_wanted(o)) {
		set_status(ld, s->progs.handle_accept4_exit, TL_PROG_UNUSED, NULL);
		set_status(ld, s->progs.handle_accept_exit, TL_PROG_UNUSED, NULL);
	} else if (!tracefs_ready()) {
		set_status(ld, s->progs.handle_accept4_exit, TL_PROG_REFUSED,
			   "tracefs at /sys/kernel/tracing is not mounted or not readable "
			   "(mounting needs CAP_SYS_ADMIN, reading CAP_DAC_READ_SEARCH)");
		set_status(ld, s->progs.handle_accept_exit, TL_PROG_REFUSED,
			   "tracefs at /sys/kernel/tracing is not mounted or not readable "
			   "(mounting needs CAP_SYS_ADMIN, reading CAP_DAC_READ_SEARCH)");
	}
	if (o->dump_only)
		bpf_object__for_each_program(p, s->obj) if (p != s->progs.dump_tcp)
			set_status(ld, p, TL_PROG_UNUSED, NULL);
}

static void configure(struct tl_loader *ld, const struct tl_options *o)
{
	struct tcpline_bpf *s = ld->skel;
	struct bpf_program *p;
	uint32_t rb = 1;

	memcpy((void *)&s->rodata->filter, &o->filter, sizeof(o->filter));
	s->rodata->use_storage = storage_needed(o) && ld->storage_helper;
	s->rodata->batch_states = ld->batch;
	s->rodata->kernel_hz = ld->report.hz;
	s->rodata->cookie_helper = ld->cookie_helper;
	s->rodata->storage_helper = ld->storage_helper;
	memcpy((void *)s->rodata->cookie_key, ld->cookie_key, sizeof(ld->cookie_key));
	s->rodata->tw_hooks = is_active(ld, s->progs.handle_timer_start) &&
			      is_active(ld, s->progs.handle_timer_expire);
	/* listener discards are subtracted from sk_drops only where they are counted */
	s->rodata->rx_sk_known = is_active(ld, s->progs.handle_kfree_skb_rx);
	while (rb < o->ringbuf_mb)
		rb <<= 1;
	bpf_map__set_max_entries(s->maps.events, rb << 20);
	bpf_object__for_each_program(p, s->obj)
	{
		bpf_program__set_autoload(p, is_active(ld, p));
	}
}

static int open_configured(struct tl_loader *ld, const struct tl_options *o)
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

static const struct bpf_program *required(const struct tl_loader *ld, const struct tl_options *o)
{
	return o->dump_only ? ld->skel->progs.dump_tcp : ld->skel->progs.handle_set_state;
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
static int load_rounds(struct tl_loader *ld, const struct tl_options *o)
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
		if (!p || p == required(ld, o)) {
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

int tl_loader_load(struct tl_loader *ld, const struct tl_options *o, const struct btf *btf)
{
	struct tcpline_bpf *s;
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
	s = ld->skel;
	if (!err && ld->batch && !bpf_program__autoload(s->progs.flush_kept_states) &&
	    !bpf_program__autoload(s->progs.flush_kept_tcp)) {
		/* kept changes could not be collected at exit: send each at once */
		ld->batch = false;
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "state changes are sent one by one: no program to collect batched "
			 "ones at exit loads");
		err = load_rounds(ld, o);
	} else if (!err && ld->batch && !bpf_program__autoload(s->progs.flush_kept_states)) {
		snprintf(ld->report.fallback, sizeof(ld->report.fallback),
			 "batched state changes are collected at exit namespace by namespace "
			 "(iter/tcp), not from the storage map");
	}
	tl_loader_settle(ld);
	return err;
}
