/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_writer.h - writes a recording (record_format.h): the file header and
 * META block, then records into blocks that are compressed and written with
 * their own header and CRC, one at a time, so a cut at any byte keeps every
 * complete block readable.
 *
 * Rotation: with a size or time limit the recording is a set of files
 * PATH.0, PATH.1, ...; with max_files N the names are reused in a ring
 * (PATH.(k % N)), so the set never holds more than N files. Every file
 * starts with its own META and a SNAPSHOT of the sockets alive, and ends
 * with a TRAILER, so each reports on its own.
 *
 * Errors: the first write error (ENOSPC, EIO, ...) is returned by the call
 * that met it and by every call after it; nothing more is written, and the
 * partial block is cut off the file so what was written stays readable.
 */
#ifndef TL_RECORD_WRITER_H
#define TL_RECORD_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"
#include "record/record_meta.h"

struct tl_writer;

struct tl_writer_opts {
	const char *path;
	bool force; /* replace an existing regular file (never a symlink) */
	uint64_t rotate_size; /* bytes; 0: no size limit */
	uint64_t rotate_time_ns; /* 0: no time limit */
	uint32_t max_files; /* 0: unbounded; else a ring of this many files */
	uint32_t block_records; /* records per block; 0: the default (2048, 256 KiB) */
	int level; /* zlib level; 0: the default (1) */
	bool no_sync; /* skip fdatasync() at flushes (tests) */
};

/**
 * tl_writer_open() - create the first file (0600, O_EXCL|O_NOFOLLOW) and
 * write its header and META block from @meta (copied; seq and start are set
 * by the writer for every file). Prints nothing.
 * Return: 0, or -errno (-EEXIST: exists and !force; -ELOOP: a symlink).
 */
int tl_writer_open(struct tl_writer **w, const struct tl_writer_opts *o,
		   const struct tl_rec_meta *meta);

/** tl_writer_path() - the file being written now. */
const char *tl_writer_path(const struct tl_writer *w);

/**
 * tl_writer_event() - append a record (as the kernel gave it) to the current
 * EVENTS block; a full block is written. Return: 0 or the writer's error.
 */
int tl_writer_event(struct tl_writer *w, const struct tl_event *ev);

/** tl_writer_snapshot() - likewise, into a SNAPSHOT block (a rotated file's start). */
int tl_writer_snapshot(struct tl_writer *w, const struct tl_event *ev);

/** tl_writer_tick() - a TL_REC_TICK record: the timeline was ticked at @now_ns. */
int tl_writer_tick(struct tl_writer *w, uint64_t now_ns);

/**
 * tl_writer_flush() - write the current block, if any, and (unless no_sync)
 * have the file fdatasync()ed by a background thread (syncer.h): the caller
 * never waits for the disk. A failure of an earlier sync is returned here,
 * and -ENOENT once the file has no name left (it or its directory was
 * removed: what is written next could never be read).
 * Return: 0 or the writer's error.
 */
int tl_writer_flush(struct tl_writer *w);

/** tl_writer_stats() - flush, then a STATS block with @st at @now_ns. */
int tl_writer_stats(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns);

/**
 * tl_writer_rotate_due() - whether the current file has reached its size or
 * time limit at @now_ns.
 */
bool tl_writer_rotate_due(const struct tl_writer *w, uint64_t now_ns);

/**
 * tl_writer_rotate() - end the current file with a TRAILER (@st, rotated),
 * then start the next one (reusing the oldest name of a full ring) with its
 * header and META; the caller then adds its SNAPSHOT records.
 * Return: 0 or the writer's error.
 */
int tl_writer_rotate(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns);

/**
 * tl_writer_close() - with @st, flush and write the TRAILER (final), then
 * close; with @st NULL just close. Frees @w. Return: 0 or the writer's error.
 */
int tl_writer_close(struct tl_writer *w, const struct tl_stats *st, uint64_t now_ns);

/** tl_writer_error() - the writer's error (-errno), 0 if none. */
int tl_writer_error(const struct tl_writer *w);

/** tl_writer_bytes() - bytes written to all files so far. */
uint64_t tl_writer_bytes(const struct tl_writer *w);

/**
 * tl_record_file_name() - the name of file @seq of a recording at @base:
 * @base itself without rotation, else "@base.N" (N = seq % max_files with a
 * ring). Return: 0, or -ENAMETOOLONG.
 */
int tl_record_file_name(char *buf, size_t size, const char *base, bool rotating, uint32_t seq,
			uint32_t max_files);

/**
 * tl_stats_words() - @st as STATS/TRAILER words (record_format.h).
 * @words must hold TL_STATS_WORDS.
 */
void tl_stats_words(uint64_t *words, const struct tl_stats *st, uint64_t now_ns, uint64_t flags);

#endif
