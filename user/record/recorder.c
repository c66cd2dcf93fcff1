// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* recorder.c - see recorder.h (moved out of record.c for `serve --record`). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <bpf/btf.h>

#include "cli/log.h"
#include "cli/version.h"
#include "core/clock.h"
#include "core/live.h"
#include "record/recorder.h"
#include "kernel/loader.h"
#include "kernel/tw_cap.h"
#include "record/record_writer.h"

#define SEC_NS 1000000000ULL

struct tl_recorder {
	struct tl_recorder_opts ro;
	struct tl_rec_meta meta;
	struct tl_writer *w;
	struct tl_live *lv;
	struct tl_stats kernel; /* as last reported by the session */
	struct tl_stats written; /* as last written in a STATS block */
	uint64_t since_tick; /* records since the last TICK */
	uint64_t last_tick, last_busy, last_flush, end_ns;
	uint64_t rotate_at; /* the batch time of a rotation under way */
	bool rotated; /* it has closed the old file */
	int err; /* the writer's error, said once */
};

static void write_failed(struct tl_recorder *r, int err)
{
	if (r->err)
		return;
	r->err = err;
	if (err == -ENOENT)
		tl_err("writing %s: it or its directory was removed: recording stopped",
		       tl_writer_path(r->w));
	else
		tl_err("writing %s: %s: recording stopped; what was written stays readable",
		       tl_writer_path(r->w), strerror(-err));
}

int tl_recorder_start(struct tl_recorder *r, struct tl_live *lv)
{
	struct tl_writer_opts wo = {
		.path = r->ro.path,
		.force = r->ro.force,
		.rotate_size = r->ro.rotate_size,
		.rotate_time_ns = r->ro.rotate_time_ns,
		.max_files = r->ro.max_files,
	};
	int err;

	r->lv = lv;
	r->meta.tw_observable = tl_live_tw_observable(lv);
	r->meta.hooks = *tl_live_report(lv);
	r->meta.hooks_known = true;
	r->meta.start_ns = r->last_tick = r->last_flush = tl_clock_now_boot();
	/* once attached: reading every namespace's sysctl may need privileges checked by then */
	err = tl_timewait_capacity(r->meta.filter.netns, &r->meta.max_timewait);
	if (err) {
		tl_err("cannot return to tcpline's own network namespace: %s", strerror(-err));
		return TL_EXIT_ERROR;
	}
	err = tl_writer_open(&r->w, &wo, &r->meta);
	if (err) {
		tl_err("cannot create %s: %s%s", r->ro.path, strerror(-err),
		       err == -EEXIST ? " (--force replaces it)" : "");
		return TL_EXIT_ERROR;
	}
	return 0;
}

void tl_recorder_record(struct tl_recorder *r, const struct tl_event *ev)
{
	int err;

	if (!r->err) {
		err = tl_writer_event(r->w, ev);
		if (err)
			write_failed(r, err);
	}
	r->since_tick++;
}

static void snapshot_record(void *ctx, const struct tl_event *ev)
{
	struct tl_recorder *r = ctx;

	if (!r->err && tl_writer_snapshot(r->w, ev))
		write_failed(r, tl_writer_error(r->w));
}

/*
 * A TICK after every batch that brought records and for a second after it
 * (closes wait 20 ms for their reset), else once a second: replay resolves
 * deadlines where the live timeline did, and an idle recorder writes ~1 KiB
 * a minute.
 */
static void write_tick(struct tl_recorder *r, uint64_t now)
{
	int err = 0;

	if (r->since_tick)
		r->last_busy = now;
	if (r->since_tick || now - r->last_busy < SEC_NS || now - r->last_tick >= SEC_NS) {
		err = tl_writer_tick(r->w, now);
		r->last_tick = now;
		r->since_tick = 0;
	}
	if (!err && now - r->last_flush >= SEC_NS) {
		err = tl_writer_flush(r->w);
		r->last_flush = now;
	}
	if (err)
		write_failed(r, err);
}

/* Between the dump's passes: the ring's records are in the old file; close it. */
static int next_file(void *ctx)
{
	struct tl_recorder *r = ctx;
	int err;

	write_tick(r, r->rotate_at);
	if (r->err)
		return -1;
	err = tl_writer_rotate(r->w, &r->kernel, r->rotate_at);
	if (err)
		write_failed(r, err);
	r->rotated = true;
	return err;
}

/*
 * A new file describes itself: its own META, then the sockets alive now.
 * Records older than that socket dump stay in the old file, so every
 * socket alive when the new file's events begin is in its SNAPSHOT.
 */
static void rotate(struct tl_recorder *r, uint64_t now)
{
	int n, err;

	r->rotate_at = now;
	r->rotated = false;
	n = tl_live_snapshot(r->lv, next_file, snapshot_record, r);
	if (r->err)
		return;
	if (!r->rotated && next_file(r))
		return;
	if (n < 0)
		tl_warn("socket dump for %s failed (%s): it reports connections from their next event",
			tl_writer_path(r->w), strerror(-n));
	err = tl_writer_flush(r->w);
	if (err)
		write_failed(r, err);
}

bool tl_recorder_batch(struct tl_recorder *r, uint64_t now)
{
	if (r->err)
		return false;
	if (tl_writer_rotate_due(r->w, now))
		rotate(r, now);
	else
		write_tick(r, now);
	return !r->err;
}

bool tl_recorder_rotate_now(struct tl_recorder *r, uint64_t now)
{
	if (r->err || (!r->ro.rotate_size && !r->ro.rotate_time_ns))
		return false;
	rotate(r, now);
	return !r->err;
}

static bool losses_moved(const struct tl_stats *a, const struct tl_stats *b)
{
	return a->rb_lost != b->rb_lost || a->storage_fail != b->storage_fail ||
	       a->recursion_misses != b->recursion_misses ||
	       a->listeners_untracked != b->listeners_untracked;
}

bool tl_recorder_counters(struct tl_recorder *r, const struct tl_stats *kernel, bool final,
			  uint64_t now)
{
	int err;

	r->kernel = *kernel;
	if (final)
		r->end_ns = now; /* the trailer's time: where a replay flushes, as we do here */
	if (final || r->err || !losses_moved(kernel, &r->written))
		return false;
	err = tl_writer_stats(r->w, kernel, now);
	if (err)
		write_failed(r, err);
	r->written = *kernel;
	return true;
}

const char *tl_recorder_path(const struct tl_recorder *r)
{
	return r->w ? tl_writer_path(r->w) : r->ro.path;
}

const struct tl_rec_meta *tl_recorder_meta(const struct tl_recorder *r)
{
	return &r->meta;
}

static int setup_meta(struct tl_recorder *r, const struct tl_live_config *lc, uint32_t max_conns,
		      int argc, char **argv)
{
	struct btf *btf;
	int err;

	tl_meta_init(&r->meta);
	err = tl_meta_set_system(&r->meta, argc, argv, TL_VERSION);
	if (err) {
		tl_err("cannot read the system's description: %s", strerror(-err));
		return -1;
	}
	btf = btf__load_vmlinux_btf();
	if (btf) {
		tl_names_load_btf(&r->meta.names, btf);
		btf__free(btf);
	}
	r->meta.filter = lc->load.filter;
	r->meta.max_conns = max_conns;
	r->meta.ringbuf_mb = tl_ring_mb(lc->load.ringbuf_mb); /* as the kernel makes it */
	if (getrandom(&r->meta.set_id, sizeof(r->meta.set_id), GRND_NONBLOCK) !=
	    sizeof(r->meta.set_id))
		r->meta.set_id = tl_clock_now_boot() ^ (uint64_t)r->meta.clock.boot_to_real_ns;
	return 0;
}

/* Refuse an existing output before loading anything; the writer checks again, atomically. */
static int precheck(const struct tl_recorder_opts *ro)
{
	bool rotating = ro->rotate_size || ro->rotate_time_ns;
	char path[4096];
	struct stat st;

	if (tl_record_file_name(path, sizeof(path), ro->path, rotating, 0, ro->max_files))
		return 0;
	if (lstat(path, &st))
		return 0;
	if (S_ISLNK(st.st_mode)) {
		tl_err("cannot create %s: it is a symbolic link (refused, even with --force)",
		       path);
		return -1;
	}
	if (!ro->force) {
		tl_err("cannot create %s: it exists (--force replaces it)", path);
		return -1;
	}
	return 0;
}

int tl_recorder_new(struct tl_recorder **out, const struct tl_recorder_opts *ro,
		    const struct tl_live_config *lc, uint32_t max_conns, int argc, char **argv)
{
	struct tl_recorder *r;

	*out = NULL;
	if (precheck(ro))
		return TL_EXIT_ERROR;
	r = calloc(1, sizeof(*r));
	if (!r) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	r->ro = *ro;
	if (setup_meta(r, lc, max_conns, argc, argv)) {
		tl_meta_free(&r->meta);
		free(r);
		return TL_EXIT_ERROR;
	}
	*out = r;
	return 0;
}

int tl_recorder_close(struct tl_recorder *r, bool failed)
{
	int err;

	if (!r)
		return 0;
	if (r->w) {
		unsigned long long bytes = tl_writer_bytes(r->w);

		err = tl_writer_close(r->w, r->err || failed ? NULL : &r->kernel,
				      r->end_ns ? r->end_ns : tl_clock_now_boot());
		if (err && !r->err) {
			tl_err("writing %s: %s", r->ro.path, strerror(-err));
			r->err = err;
		}
		if (!r->err)
			tl_info("recorded %llu bytes", bytes);
	}
	err = r->err;
	tl_meta_free(&r->meta);
	free(r);
	return err;
}
