/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * live.h - a live tracing session, shared by every command that reads the
 * kernel (trace, record): load and attach the BPF side, dump the sockets
 * alive, drop the privileges no longer needed (privdrop.h), announce
 * "tracing" on stderr, poll the ring buffer in batches until
 * SIGINT/SIGTERM or --duration, drain, and report the kernel-side counters.
 * What to do with the records is the caller's (struct tl_live_ops).
 */
#ifndef TL_LIVE_H
#define TL_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "kernel/hooks.h"
#include "kernel/loader.h"
#include "core/model.h"

/*
 * The reader drains a ring that the traced workload fills from every CPU: at
 * the default nice 0 a saturated host's threads starve it into losses
 * (measured, bench/run.py --ab); it only runs while there is work to read.
 */
#define TL_READER_NICE (-10)

struct tl_live;

/* A session: what to load, and how long and how to run. */
struct tl_live_config {
	struct tl_load_config load;
	double duration; /* seconds; 0: until SIGINT/SIGTERM */
	double interval; /* seconds between listener samples and counter reports */
	int nice; /* the reader's scheduling priority */
	const char *user; /* once set up, become this user (kernel/privdrop.h); NULL: stay */
};

typedef void (*tl_record_fn)(void *ctx, const struct tl_event *ev);

struct tl_live_ops {
	void *ctx;
	/* once attached, before any record: e.g. open the output. Nonzero: stop with it. */
	int (*started)(void *ctx, struct tl_live *lv);
	/* every record in order: the start-up snapshot (owners from /proc), then the ring */
	void (*record)(void *ctx, const struct tl_event *ev);
	/* after each poll batch: 0 goes on; > 0 stops cleanly; < 0 stops with an error */
	int (*batch)(void *ctx, uint64_t now_ns);
	/* kernel-side counters, once a second and a last time (@final) after the drain */
	void (*counters)(void *ctx, const struct tl_stats *st, bool final);
	/* what the caller still does once started (enum tl_later, kernel/privdrop.h):
	 * the privileges it needs are kept, every other one dropped */
	unsigned int later;
};

/**
 * tl_live_run() - run a session configured by @c until stopped.
 * Return: the process exit code (log.h).
 */
int tl_live_run(const struct tl_live_config *c, const struct tl_live_ops *ops);

/** tl_live_report() - every BPF program's fate on this kernel (loader.h). */
const struct tl_hook_report *tl_live_report(const struct tl_live *lv);

/** tl_live_missing() - the hooks this run wanted whose events it will not have. */
tl_hook_mask tl_live_missing(const struct tl_live *lv);

/** tl_live_tw_observable() - whether timewait expiry (TL_EV_TW_END) is reported. */
bool tl_live_tw_observable(const struct tl_live *lv);

/**
 * tl_live_snapshot() - the sockets alive now, as TL_EV_SOCK records with their
 * owners from /proc, in the namespaces the filter selects (for a recording
 * that must describe itself from its start). Between the two passes of the
 * dump (inodes and /proc owners first, then the records), the ring is drained
 * through the session's record op, then @between(@ctx) runs (e.g. to start a
 * new file); nonzero from it cancels the second pass (-ECANCELED). @between
 * does not run if the first pass fails. Return: records, or -errno.
 */
int tl_live_snapshot(struct tl_live *lv, int (*between)(void *ctx), tl_record_fn fn, void *ctx);

/**
 * tl_live_dump() - the sockets alive now, in the namespaces the filter
 * selects, as TL_EV_SOCK records to @fn (no owners: a census, not for the
 * timeline). Return: records, or -errno.
 */
int tl_live_dump(struct tl_live *lv, tl_record_fn fn, void *ctx);

#endif
