/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * recorder.h - a live session's records written, unchanged and in arrival
 * order, into a recording (record_writer.h), with a TICK wherever the live
 * timeline would tick (so a replay prints what `trace` printed), STATS
 * blocks when losses move, and rotation: each new file starts with its own
 * META and a SNAPSHOT of the sockets alive. Used by `record` and by `serve
 * --record`. A write error stops the recording (said once); what was
 * written stays readable.
 */
#ifndef TL_RECORDER_H
#define TL_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"
#include "record/record_meta.h"

struct tl_live;
struct tl_live_config;
struct tl_recorder;

struct tl_recorder_opts {
	const char *path;
	bool force; /* replace an existing regular file */
	uint64_t rotate_size; /* bytes, 0: none */
	uint64_t rotate_time_ns; /* 0: none */
	uint32_t max_files; /* 0: unbounded */
};

/**
 * tl_recorder_new() - before anything is loaded: refuse an existing output
 * (unless force; never a symlink), describe the system and the session
 * @lc with a table of @max_conns (names from the running kernel's BTF).
 * @argc/@argv: the command line recorded. Prints a one-line error. Return: 0 or TL_EXIT_ERROR.
 */
int tl_recorder_new(struct tl_recorder **out, const struct tl_recorder_opts *ro,
		    const struct tl_live_config *lc, uint32_t max_conns, int argc, char **argv);

/** tl_recorder_meta() - the description (names and clock, for a view of the same records). */
const struct tl_rec_meta *tl_recorder_meta(const struct tl_recorder *r);

/** tl_recorder_start() - tracing is attached: create the first file. Return: 0 or exit code. */
int tl_recorder_start(struct tl_recorder *r, struct tl_live *lv);

/** tl_recorder_record() - one record as the kernel gave it. */
void tl_recorder_record(struct tl_recorder *r, const struct tl_event *ev);

/**
 * tl_recorder_batch() - after a poll batch at @now: TICK, flush once a
 * second, rotate when due. Return: false once the recording has stopped.
 */
bool tl_recorder_batch(struct tl_recorder *r, uint64_t now);

/** tl_recorder_rotate_now() - start the next file now (SIGHUP), if rotating. Return: rotated. */
bool tl_recorder_rotate_now(struct tl_recorder *r, uint64_t now);

/**
 * tl_recorder_counters() - the kernel-side counters at @now: a STATS block
 * when losses moved (not @final); @final: @now ends the recording (the
 * TRAILER's time, where a replay flushes: a view flushing live must use the
 * same @now). Return: whether a block was written.
 */
bool tl_recorder_counters(struct tl_recorder *r, const struct tl_stats *kernel, bool final,
			  uint64_t now);

/** tl_recorder_path() - the file being written now. */
const char *tl_recorder_path(const struct tl_recorder *r);

/**
 * tl_recorder_close() - the TRAILER (unless @failed or the recording stopped
 * on an error), "recorded N bytes" on stderr, free. NULL is fine.
 * Return: 0, or -errno of the recording's error.
 */
int tl_recorder_close(struct tl_recorder *r, bool failed);

#endif
