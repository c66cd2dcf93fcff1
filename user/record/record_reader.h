/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_reader.h - reads a recording (record_format.h) as untrusted input.
 *
 * Every length is checked against the file and fixed maxima before anything
 * is allocated or inflated, and inflation stops at the declared length. A
 * damaged block (bad header, bad CRC, bad length, bad stream) is skipped
 * with a warning naming its byte offset, resynchronising on the next block
 * header; a cut file yields every complete block, then a warning naming
 * where the cut is. Records of an unknown type or with impossible values are
 * skipped and counted. Each skip moves forward, so reading always ends.
 */
#ifndef TL_RECORD_READER_H
#define TL_RECORD_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"
#include "record/record_meta.h"

struct tl_reader;

struct tl_reader_opts {
	const char *name; /* for messages; NULL: "recording" */
	bool quiet; /* count warnings, print nothing */
};

enum tl_item_kind {
	TL_ITEM_EVENT = 1, /* a record of an EVENTS block, as the kernel gave it */
	TL_ITEM_SNAPSHOT, /* a socket alive when the file began (TL_EV_SOCK) */
	TL_ITEM_TICK, /* the live session ticked its timeline at ts_ns */
	TL_ITEM_STATS, /* counters at ts_ns */
	TL_ITEM_TRAILER, /* final counters of this file, flags TL_STATS_F_* */
};

struct tl_item {
	enum tl_item_kind kind;
	uint64_t ts_ns;
	uint64_t offset; /* of the block it came from */
	uint64_t flags; /* TRAILER: TL_STATS_F_FINAL or TL_STATS_F_ROTATED */
	struct tl_event ev; /* EVENT, SNAPSHOT */
	struct tl_stats stats; /* STATS, TRAILER */
};

enum tl_read_status {
	TL_READ_OK = 0, /* complete, undamaged, ends with its trailer */
	TL_READ_DAMAGED, /* read in part: damage skipped, or cut (no trailer) */
	TL_READ_REFUSED, /* not a recording, or a format this reader does not know */
};

/* What reading found; every warning printed is counted in one of these. */
struct tl_reader_report {
	uint64_t blocks; /* blocks decoded */
	uint64_t records; /* items returned */
	uint64_t bad_blocks; /* damaged blocks skipped */
	uint64_t skipped_bytes; /* bytes passed over to find the next block */
	uint64_t unknown_blocks; /* valid blocks of a type this version does not know */
	uint64_t bad_records; /* unknown record type or impossible values, skipped */
	uint64_t ts_backwards; /* records more than TL_REORDER_NS older than one before */
	uint64_t counters_backwards; /* STATS/TRAILER counters smaller than before */
	uint64_t warnings; /* warnings printed (or counted, when quiet) */
	int64_t truncated_at; /* -1, or the offset where the file is cut */
	bool trailer; /* a TRAILER ended the file */
	uint64_t size; /* file size */
};

/* Ring-buffer order is not time order across CPUs; beyond this it is damage. */
#define TL_REORDER_NS 1000000000ULL

/**
 * tl_reader_open_mem() / tl_reader_open_file() - check the file header and
 * read the META block. The memory must outlive the reader.
 * Return: 0; -EBADMSG: not a recording (bad magic); -EPROTONOSUPPORT: an
 * unknown major version or record layout; -ENODATA: cut before the META
 * block was complete; -EILSEQ: META block damaged; -ENOMEM; -errno (open).
 * A message is printed unless quiet; *@r is NULL on error.
 */
int tl_reader_open_mem(struct tl_reader **r, const void *data, size_t len,
		       const struct tl_reader_opts *o);
int tl_reader_open_file(struct tl_reader **r, const char *path, const struct tl_reader_opts *o);

/** tl_reader_meta() - the recording's description (from its META block). */
const struct tl_rec_meta *tl_reader_meta(const struct tl_reader *r);

/**
 * tl_reader_next() - the next item. Return: 1 with *@it set, 0 at the end
 * (the end-of-file warnings, if any, are given then).
 */
int tl_reader_next(struct tl_reader *r, struct tl_item *it);

/** tl_reader_status() - meaningful once tl_reader_next() has returned 0. */
enum tl_read_status tl_reader_status(const struct tl_reader *r);

const struct tl_reader_report *tl_reader_report(const struct tl_reader *r);

void tl_reader_close(struct tl_reader *r);

/** tl_read_status_of() - the status an open error stands for. */
enum tl_read_status tl_read_status_of(int open_err);

#endif
