/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rec_fixture.h - recordings for the reader tests, written by the real
 * writer into a temporary directory and read back into memory, and the
 * helpers that find and damage their blocks.
 */
#ifndef TL_REC_FIXTURE_H
#define TL_REC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "record/record_meta.h"

#define FIX_HOST "testhost"
#define FIX_KERNEL "6.18.0-test"
#define FIX_BOOT_TO_REAL 1763688514000000000LL
#define FIX_MAX_BLOCKS 16

struct fixture {
	uint8_t *data;
	size_t len;
	uint64_t off[FIX_MAX_BLOCKS]; /* block offsets, META first */
	int nblocks;
};

/* A temporary directory, removed with its files by fix_rmdir(). */
void fix_tmpdir(char *dir, size_t size);
void fix_rmdir(const char *dir);

/** fix_meta() - META for the fixtures: host, kernel, clock, a few names, a filter. */
void fix_meta(struct tl_rec_meta *m);

/** fix_event() - a STATE event of cookie @cookie at @ts. */
struct tl_event fix_event(uint64_t cookie, uint64_t ts);

/**
 * fix_standard() - META, EVENTS(4), EVENTS(4), STATS, EVENTS(2), TRAILER:
 * 12 items. Events i = 0..9 have cookie 100 + i and ts (i + 1) s.
 */
void fix_standard(struct fixture *f);

/** fix_load() - read @path into @f and index its blocks. */
void fix_load(struct fixture *f, const char *path);

/** fix_index() - find the blocks of f->data by walking their headers. */
void fix_index(struct fixture *f);

/** fix_rehash() - recompute the header CRC of the block at @off (after a change). */
void fix_rehash(struct fixture *f, uint64_t off);

void fix_free(struct fixture *f);

#endif
