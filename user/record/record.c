// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record.c - `tcpline record`: a live session (live.c) whose records go,
 * unchanged and in arrival order, into a recording (record_writer.c), with
 * a TICK wherever the live timeline would tick, so that a replay prints
 * what `trace` printed. With --live, the same records also go through the
 * view that `trace` uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/live.h"
#include "kernel/privdrop.h"
#include "cli/log.h"
#include "record/record.h"
#include "record/record_options.h"
#include "record/record_writer.h"
#include "output/sink.h"
#include "cli/version.h"
#include "core/view.h"

#include <bpf/btf.h>

#define SEC_NS 1000000000ULL

struct recorder {
	const struct tl_options *o;
	const struct tl_record_opts *ro;
	struct tl_rec_meta meta; /* names and clock also serve the --live view */
	struct tl_writer *w;
	struct tl_live *lv;
	struct tl_view *view;
	struct tl_stats kernel; /* as last reported by the session */
	struct tl_stats written; /* as last written in a STATS block */
	uint64_t since_tick; /* records since the last TICK */
	uint64_t last_tick, last_busy, last_flush, end_ns;
	uint64_t rotate_at; /* the batch time of a rotation under way */
	bool rotated; /* it has closed the old file */
	int err; /* the writer's error, said once */
};

static void write_failed(struct recorder *r, int err)
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

static int started(void *ctx, struct tl_live *lv)
{
	struct recorder *r = ctx;
	struct tl_writer_opts wo = {
		.path = r->ro->path,
		.force = r->ro->force,
		.rotate_size = r->ro->rotate_size,
		.rotate_time_ns = r->ro->rotate_time_ns,
		.max_files = r->ro->max_files,
	};
	int err;

	r->lv = lv;
	r->meta.tw_observable = tl_live_tw_observable(lv);
	r->meta.hooks = *tl_live_report(lv);
	r->meta.hooks_known = true;
	r->meta.start_ns = r->last_tick = r->last_flush = tl_clock_now_boot();
	err = tl_writer_open(&r->w, &wo, &r->meta);
	if (err) {
		tl_err("cannot create %s: %s%s", r->ro->path, strerror(-err),
		       err == -EEXIST ? " (--force replaces it)" : "");
		return TL_EXIT_ERROR;
	}
	if (r->ro->live) {
		struct tl_view_opts vo = {
			.o = r->o,
			.names = &r->meta.names,
			.clock = &r->meta.clock,
			.tw_observable = r->meta.tw_observable,
			.out = stdout,
		};

		r->view = tl_view_new(&vo);
		if (!r->view) {
			tl_err("out of memory for %u connections", r->o->max_conns);
			return TL_EXIT_ERROR;
		}
	}
	return 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct recorder *r = ctx;
	int err;

	if (!r->err) {
		err = tl_writer_event(r->w, ev);
		if (err)
			write_failed(r, err);
	}
	r->since_tick++;
	if (r->view)
		tl_view_feed(r->view, ev);
}

static void snapshot_record(void *ctx, const struct tl_event *ev)
{
	struct recorder *r = ctx;

	if (!r->err && tl_writer_snapshot(r->w, ev))
		write_failed(r, tl_writer_error(r->w));
}

/*
 * A TICK after every batch that brought records and for a second after it
 * (closes wait 20 ms for their reset), else once a second: replay resolves
 * deadlines where the live timeline did, and an idle recorder writes ~1 KiB
 * a minute.
 */
static void write_tick(struct recorder *r, uint64_t now)
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
	struct recorder *r = ctx;
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
static void rotate(struct recorder *r, uint64_t now)
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

static void tick(struct recorder *r, uint64_t now)
{
	if (tl_writer_rotate_due(r->w, now))
		rotate(r, now);
	else
		write_tick(r, now);
}

static int batch(void *ctx, uint64_t now)
{
	struct recorder *r = ctx;
	int out = 0;

	if (!r->err)
		tick(r, now);
	if (r->view) {
		tl_view_tick(r->view, now);
		out = tl_view_flush_out(r->view);
	}
	if (r->err)
		return 1; /* stop cleanly: what was written stays readable */
	return out;
}

static bool losses_moved(const struct tl_stats *a, const struct tl_stats *b)
{
	return a->rb_lost != b->rb_lost || a->storage_fail != b->storage_fail ||
	       a->recursion_misses != b->recursion_misses ||
	       a->listeners_untracked != b->listeners_untracked;
}

static void counters(void *ctx, const struct tl_stats *kernel, bool final)
{
	struct recorder *r = ctx;
	uint64_t now = tl_clock_now_boot();
	int err;

	r->kernel = *kernel;
	if (final)
		r->end_ns = now; /* the trailer's time: where a replay flushes, as we do here */
	if (!final && !r->err && losses_moved(kernel, &r->written)) {
		err = tl_writer_stats(r->w, kernel, now);
		if (err)
			write_failed(r, err);
		r->written = *kernel;
		if (!r->view)
			tl_stats_fprint(stderr, "events lost", kernel);
	}
	if (r->view)
		tl_view_counters(r->view, kernel, final, now);
	else if (final)
		tl_stats_fprint(stderr, "summary", kernel);
}

static int setup_meta(struct recorder *r, int argc, char **argv)
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
	r->meta.filter = r->o->filter;
	r->meta.max_conns = r->o->max_conns;
	r->meta.ringbuf_mb = r->o->ringbuf_mb;
	if (getrandom(&r->meta.set_id, sizeof(r->meta.set_id), GRND_NONBLOCK) !=
	    sizeof(r->meta.set_id))
		r->meta.set_id = tl_clock_now_boot() ^ (uint64_t)r->meta.clock.boot_to_real_ns;
	return 0;
}

/* Refuse an existing output before loading anything; the writer checks again, atomically. */
static int precheck(const struct tl_record_opts *ro)
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

int cmd_record(int argc, char **argv)
{
	struct tl_options o;
	struct tl_record_opts ro;
	struct recorder r = { .o = &o, .ro = &ro };
	struct tl_live_ops ops = { &r, started, record, batch, counters, 0 };
	int rc, err;

	tl_options_defaults(&o);
	rc = tl_record_parse(&o, &ro, argc, argv);
	if (rc)
		return rc > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
	if (precheck(&ro))
		return TL_EXIT_ERROR;
	/* a new file dumps the sockets again, in every namespace, with owners from /proc */
	if (ro.rotate_size || ro.rotate_time_ns)
		ops.later = TL_LATER_NETNS | TL_LATER_OWNERS;
	if (setup_meta(&r, argc, argv)) {
		tl_meta_free(&r.meta);
		return TL_EXIT_ERROR;
	}
	rc = tl_live_run(&o, &ops);
	if (r.w) {
		unsigned long long bytes = tl_writer_bytes(r.w);

		err = tl_writer_close(r.w, r.err || rc ? NULL : &r.kernel,
				      r.end_ns ? r.end_ns : tl_clock_now_boot());
		if (err && !r.err) {
			tl_err("writing %s: %s", ro.path, strerror(-err));
			r.err = err;
		}
		if (!r.err)
			tl_info("recorded %llu bytes", bytes);
	}
	if (r.view && tl_view_flush_out(r.view) < 0 && !rc)
		rc = TL_EXIT_ERROR;
	if (r.err && !rc)
		rc = TL_EXIT_ERROR;
	tl_view_free(r.view);
	tl_meta_free(&r.meta);
	return rc;
}
