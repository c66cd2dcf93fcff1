// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loader.c - check privileges -> open, configure, load (loader_load.c) ->
 * attach -> poll, in one visible sequence. Optional programs that a kernel
 * lacks or refuses are left out and reported, never a failed start.
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

#include "kernel/loader_priv.h"
#include "cli/log.h"
#include "kernel/privs.h"
#include "kernel/prog_table.h"
#include "tcpline.skel.h"

/* A program's name as the "tracing" line says it: its row's label, else its hook's. */
static const char *attached_name(const struct tl_prog_report *r)
{
	const struct tl_prog_def *d = tl_prog_def_of(r->prog);

	return d && d->label ? d->label : tl_hook_name(r->hook);
}

static void add_hook(struct tl_loader *ld, const char *name)
{
	size_t len = strlen(ld->hooks);

	snprintf(ld->hooks + len, sizeof(ld->hooks) - len, "%s%s", len ? " " : "", name);
}

/* The iterators and the listener sampler are run on demand, not attached. */
static bool on_demand(const struct bpf_program *p)
{
	return tl_prog_has(bpf_program__name(p), TL_PN_ON_DEMAND);
}

static void detach_all(struct tl_loader *ld)
{
	for (int i = 0; i < ld->nlinks; i++)
		bpf_link__destroy(ld->links[i]);
	ld->nlinks = 0;
	ld->hooks[0] = '\0';
}

/*
 * Attach every active program that is not run on demand. Return: 0; 1 when
 * an optional one failed (marked refused: load again without it, so that
 * the programs' configuration matches what runs); -1 when the state hook
 * cannot be attached.
 */
static int attach(struct tl_loader *ld)
{
	int again = 0;

	/* in the report's order (the hooks' order), which the tracing line shows */
	for (int i = 0; i < ld->report.nprogs; i++) {
		struct tl_prog_report *r = &ld->report.progs[i];
		struct bpf_program *p = bpf_object__find_program_by_name(ld->skel->obj, r->prog);
		struct bpf_link *link;

		if (!p || r->status != TL_PROG_ACTIVE || on_demand(p))
			continue;
		link = ld->nlinks < MAX_LINKS ? bpf_program__attach(p) : NULL;
		if (!link) {
			snprintf(r->reason, sizeof(r->reason), "attach: %s",
				 ld->nlinks < MAX_LINKS ? strerror(errno) :
							  "tcpline's link table is full");
			r->status = TL_PROG_REFUSED;
			if (tl_prog_has(r->prog, TL_PN_REQUIRED)) {
				tl_err("cannot attach to sock:inet_sock_set_state: %s", r->reason);
				return -1;
			}
			again = 1;
			continue;
		}
		ld->links[ld->nlinks++] = link;
		add_hook(ld, attached_name(r));
	}
	tl_loader_settle(ld);
	return again;
}

/* Attach; after an optional program failed to, load and attach again without it. */
static int load_attach(struct tl_loader *ld, const struct tl_load_config *o, const struct btf *btf)
{
	int err = tl_loader_load(ld, o, btf);

	for (int round = 0; !err && round < TL_PROGS_MAX; round++) {
		int r = attach(ld);

		if (r <= 0)
			return r < 0 ? -ENOENT : 0;
		detach_all(ld);
		err = tl_loader_load(ld, o, NULL);
	}
	return err ? err : -ELOOP;
}

/* Each refused program once on stderr, with the kernel's reason and what it costs. */
static void say_refused(const struct tl_loader *ld)
{
	const struct tl_hook_report *r = &ld->report;

	for (int i = 0; i < r->nprogs; i++) {
		const struct tl_prog_report *p = &r->progs[i];
		bool covered = p->hook == TL_HOOK_FLUSH && r->flush_via[0];

		if (p->status != TL_PROG_REFUSED)
			continue;
		if (covered)
			tl_warn("the kernel refused %s (%s): %s", p->prog, p->attach, p->reason);
		else
			tl_warn("the kernel refused %s (%s): %s; missing: %s", p->prog, p->attach,
				p->reason, tl_hook_loss(p->hook));
	}
	if (r->fallback[0])
		tl_warn("%s", r->fallback);
}

static int load_error(const struct tl_loader *ld, int err)
{
	const struct tl_hook_report *r = &ld->report;

	for (int i = 0; i < r->nprogs; i++)
		if (r->progs[i].status == TL_PROG_REFUSED &&
		    (r->progs[i].hook == TL_HOOK_STATE || r->progs[i].hook == TL_HOOK_DUMP)) {
			tl_err("the kernel refused the required program %s (%s): %s",
			       r->progs[i].prog, r->progs[i].attach, r->progs[i].reason);
			return TL_EXIT_KERNEL;
		}
	tl_err("cannot load the BPF programs: %s (rerun with -v for libbpf's messages)",
	       r->load_error[0] ? r->load_error : strerror(-err));
	return TL_EXIT_KERNEL;
}

/* Before 5.13: one run per listener, the map's keys walked from here. */
static int sample_by_key(struct tl_loader *ld, int fd)
{
	int map = bpf_map__fd(ld->skel->maps.listeners);
	__u64 key, next, args[1];
	__u64 *prev = NULL;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	while (!bpf_map_get_next_key(map, prev, &next)) {
		key = next;
		prev = &key;
		args[0] = key;
		if (bpf_prog_test_run_opts(fd, &opts))
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

int tl_loader_sample_listeners(struct tl_loader *ld)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd = bpf_program__fd(ld->skel->progs.sample_listeners);

	if (fd >= 0)
		return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
	fd = bpf_program__fd(ld->skel->progs.sample_listener_by_key);
	return fd >= 0 ? sample_by_key(ld, fd) : -ENOTSUP;
}

static int open_reporting(struct tl_loader **out, const struct tl_load_config *o,
			  tl_sample_fn on_sample, void *ctx, struct tl_hook_report *rep)
{
	struct tl_loader *ld;
	char why[256] = "";
	struct btf *btf;
	int err;

	*out = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		tl_err("this kernel has no BTF (/sys/kernel/btf/vmlinux: %s); tcpline needs "
		       "CONFIG_DEBUG_INFO_BTF=y",
		       strerror(errno));
		return errno == EACCES ? TL_EXIT_PERM : TL_EXIT_KERNEL;
	}
	/* privileges are told by what they are, never by a real program's errno */
	err = tl_privs_check(why, sizeof(why));
	if (err == -EPERM) {
		tl_err("not permitted to load BPF programs: %s (CAP_BPF and CAP_PERFMON at "
		       "least: docs/privileges.md)",
		       why);
		return TL_EXIT_PERM;
	}
	if (err) {
		tl_err("%s", why);
		return TL_EXIT_KERNEL;
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
	ld->netns = o->filter.netns;
	err = load_attach(ld, o, btf);
	btf__free(btf);
	if (rep)
		*rep = ld->report;
	if (err) {
		err = err == -ENOENT ? TL_EXIT_KERNEL : load_error(ld, err);
		tl_loader_close(ld);
		return err;
	}
	if (!o->quiet_hooks)
		say_refused(ld);
	ld->rb = ring_buffer__new(bpf_map__fd(ld->skel->maps.events), on_sample, ctx, NULL);
	if (!ld->rb) {
		tl_err("cannot set up the ring buffer: %s", strerror(errno));
		tl_loader_close(ld);
		return TL_EXIT_ERROR;
	}
	*out = ld;
	return 0;
}

int tl_loader_open(struct tl_loader **out, const struct tl_load_config *o, tl_sample_fn on_sample,
		   void *ctx)
{
	return open_reporting(out, o, on_sample, ctx, NULL);
}

static int no_sample(void *ctx, void *data, size_t size)
{
	(void)ctx, (void)data, (void)size;
	return 0;
}

int tl_loader_probe(const struct tl_load_config *o, struct tl_hook_report *rep)
{
	struct tl_loader *ld;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = open_reporting(&ld, o, no_sample, NULL, rep);
	if (!rc) {
		*rep = ld->report; /* with what attaching found */
		tl_loader_close(ld);
	}
	return rc;
}

const struct tl_hook_report *tl_loader_report(const struct tl_loader *ld)
{
	return &ld->report;
}

const char *tl_loader_hooks(const struct tl_loader *ld)
{
	return ld->hooks;
}

uint32_t tl_ring_mb(uint32_t mb)
{
	uint32_t rb = 1;

	while (rb < mb && rb < (1u << 31))
		rb <<= 1;
	return rb;
}

uint32_t tl_loader_ring_mb(const struct tl_loader *ld)
{
	return bpf_map__max_entries(ld->skel->maps.events) >> 20;
}

bool tl_loader_tw_observable(const struct tl_loader *ld)
{
	return tl_hook_has(ld->report.active, TL_HOOK_TIMEWAIT);
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

void tl_loader_close(struct tl_loader *ld)
{
	if (!ld)
		return;
	ring_buffer__free(ld->rb);
	detach_all(ld);
	tcpline_bpf__destroy(ld->skel);
	free(ld);
}
