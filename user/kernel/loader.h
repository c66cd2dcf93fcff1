/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * loader.h - the BPF side's lifecycle: open the skeleton, configure it
 * (filters, ring size, the program variants that fit this kernel), load,
 * attach what the kernel has, and read the kernel-side counters.
 */
#ifndef TL_LOADER_H
#define TL_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "kernel/hooks.h"
#include "core/model.h"

struct tl_loader;

#define TL_RING_MB_DEFAULT 8

/*
 * What the BPF side is loaded for. Each command builds one from its own
 * options: the filters that apply in the kernel, the ring's size, and which
 * optional programs the run needs.
 */
struct tl_load_config {
	struct tl_filter filter; /* applied in the kernel (and again in user space) */
	uint32_t ringbuf_mb; /* the ring buffer's size, see tl_ring_mb(); 0: the smallest */
	bool verbose; /* libbpf's messages on stderr */
	bool dump_only; /* only the socket dump: no tracepoint is attached */
	bool batch_states; /* only lifelines wanted: the kernel may batch state changes */
	bool keep_storage; /* per-socket storage in the kernel even when no filter needs it */
	bool accept_owner; /* the accept() syscall hook, even when no owner filter needs it */
	bool quiet_hooks; /* refused programs are not said on stderr (features reports them) */
};

/**
 * tl_ring_mb() - the size in MiB of the ring a request for @mb MiB gets: the
 * next power of two (the kernel takes no other size), at least 1.
 */
uint32_t tl_ring_mb(uint32_t mb);

typedef int (*tl_sample_fn)(void *ctx, void *data, size_t size);

/**
 * tl_loader_open() - load and attach. Missing privileges are told from the
 * capabilities and a trivial program (TL_EXIT_PERM); an optional program
 * the kernel refuses is left out and named on stderr (unless
 * @c->quiet_hooks). On failure prints a one-line error and returns an exit
 * code (TL_EXIT_PERM, TL_EXIT_KERNEL, TL_EXIT_ERROR) with *out NULL; on
 * success 0.
 * @on_sample receives every ring-buffer record.
 */
int tl_loader_open(struct tl_loader **out, const struct tl_load_config *c, tl_sample_fn on_sample,
		   void *ctx);

/**
 * tl_loader_probe() - open with @c (load and attach everything it asks for),
 * keep the hook report in @rep, close. @rep is filled as far as loading got,
 * also on failure. Return: the exit code tl_loader_open() gives.
 */
int tl_loader_probe(const struct tl_load_config *c, struct tl_hook_report *rep);

/**
 * tl_loader_report() - every program's fate on this kernel (active,
 * refused with the kernel's reason, absent, unused), the hooks that work.
 */
const struct tl_hook_report *tl_loader_report(const struct tl_loader *ld);

/** tl_loader_hooks() - what is attached, e.g. "state retransmit ... accept timewait". */
const char *tl_loader_hooks(const struct tl_loader *ld);

/** tl_loader_ring_mb() - the ring buffer's size in MiB, as made. */
uint32_t tl_loader_ring_mb(const struct tl_loader *ld);

/** tl_loader_tw_observable() - whether TL_EV_TW_END events can arrive. */
bool tl_loader_tw_observable(const struct tl_loader *ld);

/**
 * tl_loader_poll() - wait up to @timeout_ms for records, then consume all
 * queued ones (the BPF side wakes us only per batch).
 * Return: records consumed, or -errno (-EINTR on a signal).
 */
int tl_loader_poll(struct tl_loader *ld, int timeout_ms);

/**
 * tl_loader_dump() - the sockets alive now, in every network namespace that
 * @netns selects (0: all that can be found), as TL_EV_SOCK records.
 * Return: records delivered, or -errno.
 */
int tl_loader_dump(struct tl_loader *ld, uint32_t netns,
		   void (*fn)(void *ctx, const struct tl_event *ev), void *ctx);

/**
 * tl_loader_sample_listeners() - run the listener sampler once: a
 * TL_EV_LISTENER record for each tracked listener whose queues or counters
 * moved. Return: 0 or -errno.
 */
int tl_loader_sample_listeners(struct tl_loader *ld);

/**
 * tl_loader_flush_states() - with batch_states, send the state changes live
 * sockets still keep in the kernel (at exit). Return: 0 or -errno.
 */
int tl_loader_flush_states(struct tl_loader *ld);

/**
 * tl_loader_counters() - set the kernel-side counters in @st: rb_lost,
 * storage_fail, recursion_misses, listeners_untracked.
 */
void tl_loader_counters(struct tl_loader *ld, struct tl_stats *st);

void tl_loader_close(struct tl_loader *ld);

#endif
