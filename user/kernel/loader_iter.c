// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * loader_iter.c - the iterators tcpline runs on demand: the socket dump at
 * start (iter/tcp, once per network namespace: it walks its creator's), and
 * at exit the collection of state changes still batched in socket storage
 * (the storage map's iterator where the kernel takes it, else iter/tcp per
 * namespace).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kernel/loader_priv.h"
#include "kernel/netns.h"
#include "tcpline.skel.h"

/* Read an iterator to its end: each record to @fn, or just run it (@fn NULL). */
static int run_iter(struct bpf_link *link, void (*fn)(void *ctx, const struct tl_event *ev),
		    void *ctx, int *records)
{
	struct tl_event ev;
	ssize_t n;
	int fd = bpf_iter_create(bpf_link__fd(link));

	if (fd < 0)
		return -errno;
	/* records are written whole, so reads return whole records */
	while ((n = read(fd, &ev, sizeof(ev))) == sizeof(ev)) {
		if (fn)
			fn(ctx, &ev);
		(*records)++;
	}
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

struct dump_ctx {
	struct bpf_program *prog;
	void (*fn)(void *ctx, const struct tl_event *ev);
	void *ctx;
	int records;
};

static int iter_netns(void *arg, uint32_t inode)
{
	struct dump_ctx *d = arg;
	struct bpf_link *link = bpf_program__attach_iter(d->prog, NULL);
	int err;

	(void)inode;
	if (!link)
		return -errno;
	err = run_iter(link, d->fn, d->ctx, &d->records);
	bpf_link__destroy(link);
	return err;
}

int tl_loader_dump(struct tl_loader *ld, uint32_t netns,
		   void (*fn)(void *ctx, const struct tl_event *ev), void *ctx)
{
	struct dump_ctx d = { .prog = ld->skel->progs.dump_tcp, .fn = fn, .ctx = ctx };
	int err;

	if (!tl_hook_has(ld->report.active, TL_HOOK_DUMP))
		return -ENOTSUP;
	err = tl_netns_each(netns, iter_netns, &d);
	return err < 0 ? err : d.records;
}

static int flush_storage_map(struct tl_loader *ld)
{
	LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info info = {};
	struct bpf_link *link;
	int records = 0, err;

	info.map.map_fd = bpf_map__fd(ld->skel->maps.sk_infos);
	opts.link_info = &info;
	opts.link_info_len = sizeof(info);
	link = bpf_program__attach_iter(ld->skel->progs.flush_kept_states, &opts);
	if (!link)
		return -errno;
	/* it writes nothing: reading runs it over every socket with storage */
	err = run_iter(link, NULL, NULL, &records);
	bpf_link__destroy(link);
	return err;
}

int tl_loader_flush_states(struct tl_loader *ld)
{
	struct dump_ctx d = { .prog = ld->skel->progs.flush_kept_tcp };

	if (!ld->batch)
		return 0;
	if (!strcmp(ld->report.flush_via, "flush_kept_states"))
		return flush_storage_map(ld);
	if (!strcmp(ld->report.flush_via, "flush_kept_tcp"))
		return tl_netns_each(ld->netns, iter_netns, &d);
	return -ENOTSUP;
}
