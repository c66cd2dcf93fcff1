// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loader.c - open -> configure -> load -> attach, in one visible sequence.
 * Optional hooks that a kernel lacks are left out (and reported), never a
 * failed load.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "log.h"
#include "netns.h"
#include "options.h"
#include "tcpline.skel.h"

#define MAX_LINKS 16

struct tl_loader {
	struct tcpline_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	bool tw_observable;
	char hooks[256];
};

static bool verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose)
		return 0; /* failures are summarised by us in one line */
	return vfprintf(stderr, fmt, ap);
}

/* Arguments of a tp_btf tracepoint in this kernel: btf_trace_<tp> is a
 * pointer to a prototype whose first parameter is the context. */
static int tp_nargs(const struct btf *btf, const char *tp)
{
	char name[128];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;
}

static void add_hook(struct tl_loader *ld, const char *name)
{
	size_t len = strlen(ld->hooks);

	snprintf(ld->hooks + len, sizeof(ld->hooks) - len, "%s%s", len ? " " : "", name);
}

/* Keep the variant of a tracepoint whose argument count this kernel has. */
static void pick(struct bpf_program *a, int a_args, struct bpf_program *b, int b_args, int have)
{
	bpf_program__set_autoload(a, have == a_args);
	bpf_program__set_autoload(b, have == b_args);
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

static bool ksym_exists(const char *name)
{
	char line[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found = false;
	size_t n = strlen(name);

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sym = strrchr(line, ' ');

		/* "ffff... t name\n" or with a "\t[module]" suffix */
		if (!sym)
			continue;
		sym++;
		found = !strncmp(sym, name, n) && (sym[n] == '\n' || sym[n] == '\t');
		if (found && !strncmp(line, "0000000000000000", 16))
			found = false; /* hidden by kptr_restrict: unusable */
	}
	fclose(f);
	return found;
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

static void configure(struct tl_loader *ld, const struct tl_options *o, const struct btf *btf)
{
	struct tcpline_bpf *s = ld->skel;
	uint32_t rb = 1;

	memcpy((void *)&s->rodata->filter, &o->filter, sizeof(o->filter));
	s->rodata->use_storage = storage_needed(o);
	s->rodata->batch_states = batching(o);
	bpf_program__set_autoload(s->progs.flush_kept_states, batching(o));
	while (rb < o->ringbuf_mb)
		rb <<= 1;
	bpf_map__set_max_entries(s->maps.events, rb << 20);

	pick(s->progs.handle_retransmit, 2, s->progs.handle_retransmit_err, 3,
	     tp_nargs(btf, "tcp_retransmit_skb"));
	pick(s->progs.handle_send_reset, 2, s->progs.handle_send_reset_reason, 3,
	     tp_nargs(btf, "tcp_send_reset"));
	pick(s->progs.handle_kfree_skb, 3, s->progs.handle_kfree_skb_rx, 4,
	     tp_nargs(btf, "kfree_skb"));
	s->rodata->rx_sk_known = tp_nargs(btf, "kfree_skb") >= 4;
	if (tp_nargs(btf, "tcp_retransmit_synack") < 2)
		bpf_program__set_autoload(s->progs.handle_synack_retransmit, false);
	if (tp_nargs(btf, "tcp_receive_reset") < 1)
		bpf_program__set_autoload(s->progs.handle_receive_reset, false);
	ld->tw_observable = tp_nargs(btf, "timer_expire_entry") >= 1 &&
			    tp_nargs(btf, "timer_start") >= 1 && ksym_exists("tw_timer_handler");
	if (!ld->tw_observable) {
		bpf_program__set_autoload(s->progs.handle_timer_expire, false);
		bpf_program__set_autoload(s->progs.handle_timer_start, false);
	}
	if (o->dump_only) {
		struct bpf_program *p;

		bpf_object__for_each_program(p, s->obj)
			bpf_program__set_autoload(p, p == s->progs.dump_tcp);
		return;
	}
	if (!accept_hook_wanted(o) || !tracefs_ready()) {
		bpf_program__set_autoload(s->progs.handle_accept4_exit, false);
		bpf_program__set_autoload(s->progs.handle_accept_exit, false);
	}
}

static const struct {
	const char *prog;
	const char *hook;
} hook_names[] = {
	{ "handle_set_state", "state" },
	{ "handle_retransmit", "retransmit" },
	{ "handle_retransmit_err", "retransmit" },
	{ "handle_synack_retransmit", "synack" },
	{ "handle_send_reset", "reset-sent" },
	{ "handle_send_reset_reason", "reset-sent" },
	{ "handle_receive_reset", "reset-received" },
	{ "handle_kfree_skb", "drop" },
	{ "handle_kfree_skb_rx", "drop" },
	{ "handle_timer_expire", "timewait-end" },
	{ "handle_timer_start", "timewait" },
	{ "handle_accept4_exit", "accept4" },
	{ "handle_accept_exit", "accept" },
};

static const char *hook_of(const char *prog)
{
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++)
		if (!strcmp(hook_names[i].prog, prog))
			return hook_names[i].hook;
	return prog;
}

static int attach(struct tl_loader *ld)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, ld->skel->obj)
	{
		const char *name = bpf_program__name(p);
		struct bpf_link *link;

		/* the iterators and the listener sampler are run on demand, not attached */
		if (!bpf_program__autoload(p) || p == ld->skel->progs.dump_tcp ||
		    p == ld->skel->progs.sample_listeners || p == ld->skel->progs.flush_kept_states)
			continue;
		link = bpf_program__attach(p);
		if (!link) {
			if (p == ld->skel->progs.handle_set_state) {
				tl_err("cannot attach to sock:inet_sock_set_state: %s",
				       strerror(errno));
				return -1;
			}
			tl_warn("hook %s unavailable (%s): its events will be missing",
				hook_of(name), strerror(errno));
			if (p == ld->skel->progs.handle_timer_expire ||
			    p == ld->skel->progs.handle_timer_start)
				ld->tw_observable = false;
			continue;
		}
		if (ld->nlinks == MAX_LINKS) {
			bpf_link__destroy(link);
			continue;
		}
		ld->links[ld->nlinks++] = link;
		add_hook(ld, hook_of(name));
	}
	return 0;
}

static int load_error(int err)
{
	if (err == -EPERM) {
		tl_err("not permitted to load BPF programs: run as root (or with CAP_BPF, "
		       "CAP_PERFMON and CAP_SYS_ADMIN)");
		return TL_EXIT_PERM;
	}
	if (err == -EACCES) {
		tl_err("the kernel refused the BPF programs (permission denied: the verifier or a "
		       "security policy; rerun with -v for the verifier log)");
		return TL_EXIT_KERNEL;
	}
	tl_err("cannot load the BPF programs: %s (rerun with -v for the verifier log)",
	       strerror(-err));
	return TL_EXIT_KERNEL;
}

/* The programs a kernel may lack or reject without tracing becoming pointless. */
static bool optional(const struct tcpline_bpf *s, const struct bpf_program *p)
{
	return p != s->progs.handle_set_state && p != s->progs.dump_tcp;
}

int tl_loader_sample_listeners(struct tl_loader *ld)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd = bpf_program__fd(ld->skel->progs.sample_listeners);

	if (fd < 0)
		return -ENOTSUP;
	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

static int open_configured(struct tl_loader *ld, const struct tl_options *o, const struct btf *btf)
{
	tcpline_bpf__destroy(ld->skel);
	ld->skel = tcpline_bpf__open();
	if (!ld->skel)
		return -errno;
	configure(ld, o, btf);
	return 0;
}

/*
 * Load everything this kernel should take. If the verifier rejects an
 * optional program (an older or unusual kernel), find the ones it takes, one
 * at a time, and go on without the others, saying which.
 */
static int open_and_load(struct tl_loader *ld, const struct tl_options *o, const struct btf *btf)
{
	bool keep[32] = {};
	struct bpf_program *p;
	int err, i, n = 0;

	err = open_configured(ld, o, btf);
	if (err)
		return err;
	err = tcpline_bpf__load(ld->skel);
	/* EPERM is missing privileges; EACCES is also how the verifier rejects */
	if (!err || err == -EPERM)
		return err;
	bpf_object__for_each_program(p, ld->skel->obj) n++;
	for (int probe = 0; probe < n && probe < 32; probe++) {
		err = open_configured(ld, o, btf);
		if (err)
			return err;
		i = 0;
		bpf_object__for_each_program(p, ld->skel->obj)
		{
			if (optional(ld->skel, p) && i != probe)
				bpf_program__set_autoload(p, false);
			i++;
		}
		keep[probe] = !tcpline_bpf__load(ld->skel);
	}
	err = open_configured(ld, o, btf);
	if (err)
		return err;
	i = 0;
	bpf_object__for_each_program(p, ld->skel->obj)
	{
		if (optional(ld->skel, p) && bpf_program__autoload(p) && !keep[i]) {
			tl_warn("hook %s rejected by this kernel: its events will be missing",
				bpf_program__name(p));
			bpf_program__set_autoload(p, false);
		}
		i++;
	}
	return tcpline_bpf__load(ld->skel);
}

int tl_loader_open(struct tl_loader **out, const struct tl_options *o, tl_sample_fn on_sample,
		   void *ctx)
{
	struct tl_loader *ld;
	struct btf *btf;
	int err;

	*out = NULL;
	verbose = o->verbose;
	libbpf_set_print(print_libbpf);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		tl_err("this kernel has no BTF (/sys/kernel/btf/vmlinux: %s); tcpline needs "
		       "CONFIG_DEBUG_INFO_BTF=y",
		       strerror(errno));
		return errno == EACCES ? TL_EXIT_PERM : TL_EXIT_KERNEL;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		tl_err("cannot read the kernel's BTF: %s", strerror(errno));
		return errno == EACCES || errno == EPERM ? TL_EXIT_PERM : TL_EXIT_KERNEL;
	}
	ld = calloc(1, sizeof(*ld));
	if (!ld) {
		btf__free(btf);
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	err = open_and_load(ld, o, btf);
	if (!err && batching(o) && !bpf_program__autoload(ld->skel->progs.flush_kept_states)) {
		/* kept changes could not be collected at exit: send each at once */
		struct tl_options unbatched = *o;

		unbatched.batch_states = false;
		err = open_and_load(ld, &unbatched, btf);
	}
	btf__free(btf);
	if (err) {
		tl_loader_close(ld);
		return load_error(err);
	}
	if (attach(ld)) {
		tl_loader_close(ld);
		return TL_EXIT_KERNEL;
	}
	ld->rb = ring_buffer__new(bpf_map__fd(ld->skel->maps.events), on_sample, ctx, NULL);
	if (!ld->rb) {
		tl_err("cannot set up the ring buffer: %s", strerror(errno));
		tl_loader_close(ld);
		return TL_EXIT_ERROR;
	}
	*out = ld;
	return 0;
}

const char *tl_loader_hooks(const struct tl_loader *ld)
{
	return ld->hooks;
}

bool tl_loader_tw_observable(const struct tl_loader *ld)
{
	return ld->tw_observable;
}

int tl_loader_poll(struct tl_loader *ld, int timeout_ms)
{
	int n = ring_buffer__poll(ld->rb, timeout_ms);

	if (n < 0)
		return n;
	/* records queued without a wake-up are consumed here */
	return ring_buffer__consume(ld->rb);
}

void tl_loader_counters(struct tl_loader *ld, struct tl_stats *st)
{
	int ncpu = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(ld->skel->maps.counters);
	__u64 *vals;
	struct bpf_program *p;

	st->rb_lost = st->storage_fail = st->recursion_misses = st->listeners_untracked = 0;
	vals = ncpu > 0 ? calloc(ncpu, sizeof(*vals)) : NULL;
	if (vals) {
		__u32 key = TL_CNT_RB_FULL;

		if (!bpf_map_lookup_elem(fd, &key, vals))
			for (int i = 0; i < ncpu; i++)
				st->rb_lost += vals[i];
		key = TL_CNT_STORAGE_FAIL;
		if (!bpf_map_lookup_elem(fd, &key, vals))
			for (int i = 0; i < ncpu; i++)
				st->storage_fail += vals[i];
		key = TL_CNT_LISTENERS_FULL;
		if (!bpf_map_lookup_elem(fd, &key, vals))
			for (int i = 0; i < ncpu; i++)
				st->listeners_untracked += vals[i];
		free(vals);
	}
	bpf_object__for_each_program(p, ld->skel->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(p) < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
			st->recursion_misses += info.recursion_misses;
	}
}

struct dump_ctx {
	struct tl_loader *ld;
	void (*fn)(void *ctx, const struct tl_event *ev);
	void *ctx;
	int records;
};

/* One iterator per namespace: iter/tcp walks the netns of its creator. */
static int dump_netns(void *arg, uint32_t inode)
{
	struct dump_ctx *d = arg;
	struct bpf_link *link;
	struct tl_event ev;
	int fd;
	ssize_t n;

	(void)inode;
	link = bpf_program__attach_iter(d->ld->skel->progs.dump_tcp, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		n = -errno;
		bpf_link__destroy(link);
		return n;
	}
	/* records are written whole, so reads return whole records */
	while ((n = read(fd, &ev, sizeof(ev))) == sizeof(ev)) {
		d->fn(d->ctx, &ev);
		d->records++;
	}
	close(fd);
	bpf_link__destroy(link);
	return n < 0 ? -errno : 0;
}

int tl_loader_dump(struct tl_loader *ld, uint32_t netns,
		   void (*fn)(void *ctx, const struct tl_event *ev), void *ctx)
{
	struct dump_ctx d = { .ld = ld, .fn = fn, .ctx = ctx };
	int err = tl_netns_each(netns, dump_netns, &d);

	return err < 0 ? err : d.records;
}

int tl_loader_flush_states(struct tl_loader *ld)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = {};
	struct bpf_program *p = ld->skel->progs.flush_kept_states;
	struct bpf_link *link;
	char buf[64];
	int fd, err = 0;
	ssize_t n;

	if (!bpf_program__autoload(p) || bpf_program__fd(p) < 0)
		return 0;
	info.map.map_fd = bpf_map__fd(ld->skel->maps.sk_infos);
	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(p, &opts);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		bpf_link__destroy(link);
		return err;
	}
	/* it writes nothing: reading runs it over every socket with storage */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = -errno;
	close(fd);
	bpf_link__destroy(link);
	return err;
}

void tl_loader_close(struct tl_loader *ld)
{
	if (!ld)
		return;
	ring_buffer__free(ld->rb);
	for (int i = 0; i < ld->nlinks; i++)
		bpf_link__destroy(ld->links[i]);
	tcpline_bpf__destroy(ld->skel);
	free(ld);
}
