/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * loader_priv.h - the loader's state, shared by its files: loader.c (the
 * lifecycle), loader_load.c (variants, probing, loading) and loader_iter.c
 * (the iterators run on demand).
 */
#ifndef TL_LOADER_PRIV_H
#define TL_LOADER_PRIV_H

#include <stdbool.h>

#include "kernel/hooks.h"
#include "kernel/loader.h"

#define MAX_LINKS 16

struct tl_loader {
	struct tcpline_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	bool batch; /* state changes batched in the kernel */
	uint32_t netns; /* the namespace filter: where per-namespace flushes run */
	bool cookie_helper; /* tracing programs may call bpf_get_socket_cookie (5.12) */
	bool storage_helper; /* ... and bpf_sk_storage_get (5.11) */
	uint64_t cookie_key[2]; /* the keyed hash that names sockets without the first */
	struct tl_hook_report report;
	char hooks[256];
};

/**
 * tl_loader_load() - open the skeleton, configure it for @o and this
 * kernel (@btf), and load it: an optional program the kernel refuses is
 * left out and reported, and the load tried again without it. Fills
 * ld->report. With @btf NULL: load again with the statuses ld->report
 * has now (an optional program failed to attach). Return: 0, or -errno when the required program (or the
 * object itself) cannot be loaded, with the reason in ld->report.
 */
int tl_loader_load(struct tl_loader *ld, const struct tl_load_config *o, const struct btf *btf);

/** tl_loader_prog_report() - the report entry of @p, or NULL. */
struct tl_prog_report *tl_loader_prog_report(struct tl_loader *ld, const struct bpf_program *p);

/** tl_loader_settle() - recompute report.active (and flush_via) from the program statuses. */
void tl_loader_settle(struct tl_loader *ld);

#endif
