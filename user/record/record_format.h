/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_format.h - the on-disk format of a tcpline recording (docs/recording.md
 * describes it byte by byte). Every integer is fixed-width little-endian,
 * whatever the host; nothing is written as a C struct image.
 *
 *	file header (16 bytes)   "TCPLREC\0", u16 major, u16 minor, u32 flags (0)
 *	block*                   META first, then EVENTS, SNAPSHOT, STATS ... TRAILER
 *
 * Every block is a 48-byte header followed by its payload. The header has
 * its own CRC, so a damaged length is never trusted; the payload has a CRC
 * and is decodable on its own (one zlib stream per block), so a file cut at
 * any byte keeps every complete block readable.
 */
#ifndef TL_RECORD_FORMAT_H
#define TL_RECORD_FORMAT_H

#include <stdint.h>
#include <string.h>

#include "../bpf/tcpline.h"
#include "core/model.h"

#define TL_REC_MAGIC "TCPLREC" /* 8 bytes with its NUL */
#define TL_REC_MAGIC_LEN 8
#define TL_REC_MAJOR 1 /* a reader refuses another major version */
#define TL_REC_MINOR 0 /* additions a major-1 reader can skip (new TLV tags, blocks) */
#define TL_REC_FILE_HDR_LEN 16

/* Block header, at the offsets given (all little-endian). */
#define TL_BLK_MAGIC 0x4b424c54u /* "TLBK" on disk */
#define TL_BLK_HDR_LEN 48
#define TL_BLK_OFF_MAGIC 0 /* u32 */
#define TL_BLK_OFF_TYPE 4 /* u8 enum tl_blk_type */
#define TL_BLK_OFF_CODEC 5 /* u8 enum tl_blk_codec */
#define TL_BLK_OFF_FLAGS 6 /* u16, 0 */
#define TL_BLK_OFF_RAW_LEN 8 /* u32 payload length once decoded */
#define TL_BLK_OFF_COMP_LEN 12 /* u32 payload length on disk */
#define TL_BLK_OFF_CRC 16 /* u32 CRC-32 (zlib's) of the payload as on disk */
#define TL_BLK_OFF_COUNT 20 /* u32 records (EVENTS/SNAPSHOT), u64 words (STATS/TRAILER) */
#define TL_BLK_OFF_FIRST_TS 24 /* u64 smallest record timestamp (boot ns) */
#define TL_BLK_OFF_LAST_TS 32 /* u64 largest record timestamp */
#define TL_BLK_OFF_HDR_CRC 40 /* u32 CRC-32 of bytes 0..39 */
#define TL_BLK_OFF_RESERVED 44 /* u32, 0 */

/* Bounds a reader enforces before it allocates or inflates anything. */
#define TL_BLK_MAX_RAW (16u << 20)
#define TL_BLK_MAX_COMP (TL_BLK_MAX_RAW + (TL_BLK_MAX_RAW >> 8) + 64)

enum tl_blk_type {
	TL_BLK_META = 1, /* TLVs: host, kernel, clock, names, configuration */
	TL_BLK_EVENTS = 2, /* records as the kernel gave them, in arrival order */
	TL_BLK_SNAPSHOT = 3, /* TL_EV_SOCK records: sockets alive when this file began */
	TL_BLK_STATS = 4, /* u64 words: time, then struct tl_stats in order */
	TL_BLK_TRAILER = 5, /* as STATS, last block of a file that ended cleanly */
	TL_BLK_TYPE_MAX,
};

enum tl_blk_codec {
	TL_CODEC_STORED = 0,
	TL_CODEC_ZLIB = 1, /* one complete zlib (RFC 1950) stream */
};

/*
 * One record: struct tl_event's fields at their struct offsets, little-endian;
 * a TL_EV_LISTENER record likewise with struct tl_listener_rec's fields.
 */
#define TL_REC_LEN 128

/*
 * Recording-only record types, never sent by the kernel: TICK marks where
 * the live session ticked its timeline (after a poll batch), so a replay
 * resolves deadlines at the same moments and prints what was printed live.
 */
#define TL_REC_TICK 0x80

/*
 * STATS/TRAILER words: [0] time (boot ns), [1] flags, then the counters of
 * struct tl_stats (all u64) in declaration order. New counters are appended;
 * a reader takes the ones it knows and zeroes those a file lacks.
 */
#define TL_STATS_W_TIME 0
#define TL_STATS_W_FLAGS 1
#define TL_STATS_W_FIRST 2
#define TL_STATS_NCOUNTERS (sizeof(struct tl_stats) / sizeof(uint64_t))
#define TL_STATS_WORDS (TL_STATS_W_FIRST + TL_STATS_NCOUNTERS)
#define TL_STATS_MIN_WORDS (TL_STATS_W_FIRST + 7) /* format 1.0 had 7 counters */
#define TL_STATS_MAX_WORDS 64
#define TL_STATS_F_FINAL 0x1 /* TRAILER: the recording ends here */
#define TL_STATS_F_ROTATED 0x2 /* TRAILER: the recording goes on in the next file */

/* META payload: TLVs, u16 tag, u16 0, u32 length, value (no padding). */
#define TL_TLV_HDR_LEN 8
enum tl_meta_tag {
	TL_TAG_HOST = 1, /* string: nodename */
	TL_TAG_KERNEL = 2, /* string: uname release */
	TL_TAG_KERNEL_VERSION = 3, /* string: uname version */
	TL_TAG_MACHINE = 4, /* string: uname machine */
	TL_TAG_TOOL_VERSION = 5, /* string */
	TL_TAG_CMDLINE = 6, /* argv, each argument NUL-terminated */
	TL_TAG_BOOT_TO_REAL = 7, /* i64 ns: CLOCK_REALTIME - CLOCK_BOOTTIME */
	TL_TAG_START = 8, /* u64 boot ns: this file's start */
	TL_TAG_FILTER = 9, /* struct tl_filter, 112 bytes at its struct offsets */
	TL_TAG_LIMITS = 10, /* u32 max_conns, u32 ringbuf_mb[, u32 max_timewait] */
	TL_TAG_TW_OBSERVABLE = 11, /* u8: the kernel reports timewait expiry */
	TL_TAG_ABI = 12, /* u32 TL_ABI_VERSION, u32 record length */
	TL_TAG_SET_ID = 13, /* u64: the same in every file of one recording */
	TL_TAG_SEQ = 14, /* u32: 0 for the first file of a recording, then 1, 2, ... */
	TL_TAG_NAME = 15, /* u8 kind, u8 0, u16 value, the name (no NUL) */
	TL_TAG_ROTATION = 16, /* u64 size bytes, u64 time ns, u32 max files */
	TL_TAG_HOOKS = 17, /* u32 wanted, u32 active (tl_hook_mask), u8 batching */
	/* one per BPF program: u8 status, u8 hook, program, section, reason (each NUL-ended) */
	TL_TAG_PROG = 18,
	TL_TAG_FIELD = 19, /* u8 present, the probe's name (no NUL) */
	TL_TAG_FALLBACK = 20, /* string: a fallback the recorder took */
};
#define TL_FILTER_REC_LEN 112

static inline void tl_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void tl_put32(uint8_t *p, uint32_t v)
{
	tl_put16(p, (uint16_t)v);
	tl_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void tl_put64(uint8_t *p, uint64_t v)
{
	tl_put32(p, (uint32_t)v);
	tl_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t tl_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t tl_get32(const uint8_t *p)
{
	return tl_get16(p) | (uint32_t)tl_get16(p + 2) << 16;
}

static inline uint64_t tl_get64(const uint8_t *p)
{
	return tl_get32(p) | (uint64_t)tl_get32(p + 4) << 32;
}

/**
 * tl_rec_layout_readable() - whether records of event layout @abi
 * (TL_ABI_VERSION of the writer) and @rec_len bytes can be read: layouts
 * TL_ABI_VERSION_MIN to TL_ABI_VERSION, 128 bytes (layout 1 had zero where
 * layout 2 has kind and detail: read as "not known").
 */
static inline int tl_rec_layout_readable(uint32_t abi, uint32_t rec_len)
{
	return rec_len == TL_REC_LEN && abi >= TL_ABI_VERSION_MIN && abi <= TL_ABI_VERSION;
}

/** tl_rec_encode() - @ev as the 128 bytes of a record. */
void tl_rec_encode(uint8_t out[TL_REC_LEN], const struct tl_event *ev);

/** tl_rec_decode() - a record back into @ev. */
void tl_rec_decode(struct tl_event *ev, const uint8_t in[TL_REC_LEN]);

/** tl_filter_encode() / tl_filter_decode() - struct tl_filter <-> 112 bytes. */
void tl_filter_encode(uint8_t out[TL_FILTER_REC_LEN], const struct tl_filter *f);
void tl_filter_decode(struct tl_filter *f, const uint8_t in[TL_FILTER_REC_LEN]);

#endif
