/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * block_reader.h - the block layer of reading a recording (record_format.h):
 * a file or a memory image read as untrusted bytes, one block at a time.
 * A block's header is checked (magic, header CRC), its lengths against the
 * fixed maxima and its type before anything is allocated, its payload
 * against its CRC, and inflation stops at the declared length. After a bad
 * header, tl_block_resync() finds where the next one starts. What to say
 * about damage, and what the records mean, is record_reader.c's.
 */
#ifndef TL_BLOCK_READER_H
#define TL_BLOCK_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/* The bytes of a recording. Set mem (or fd, with mem NULL) and size; zero the rest. */
struct tl_block_src {
	const uint8_t *mem; /* a memory image, or NULL: read fd */
	int fd; /* -1 when none */
	uint64_t size;
	uint8_t *raw; /* the payload of the last block read, raw_len bytes */
	uint8_t *comp;
	size_t raw_cap, comp_cap;
	z_stream zs;
	bool zs_ready;
};

/* A block's header, as read. */
struct tl_blk {
	uint8_t type, codec;
	uint32_t raw_len, comp_len, crc, count;
	uint64_t off; /* where the block starts */
	uint64_t next; /* where the block after it starts */
};

enum tl_blk_result {
	TL_BLK_OK, /* a known block, its payload in src->raw */
	TL_BLK_END, /* no byte left at the offset */
	TL_BLK_TRUNC, /* the file ends inside this block (or its header) */
	TL_BLK_BAD_HDR, /* no valid header here: resynchronise */
	TL_BLK_BAD_BODY, /* a valid header, a damaged payload: next is trustworthy */
	TL_BLK_UNKNOWN, /* a valid block of a type this version does not know */
};

/**
 * tl_block_src_read() - up to @len bytes at @off: fewer at the end of the
 * file, or on a read error (taken as a cut there). Return: bytes read.
 */
size_t tl_block_src_read(struct tl_block_src *src, uint64_t off, void *buf, size_t len);

/**
 * tl_block_read() - the block at @off into *@b; its payload, when
 * TL_BLK_OK, in src->raw (valid until the next read). On TL_BLK_BAD_HDR and
 * TL_BLK_BAD_BODY, *@why says what was wrong, for a message.
 */
enum tl_blk_result tl_block_read(struct tl_block_src *src, uint64_t off, struct tl_blk *b,
				 const char **why);

/**
 * tl_block_resync() - the next offset >= @from where a valid block header
 * starts, or where a cut header starts at the very end (*@cut set then);
 * the file size if none.
 */
uint64_t tl_block_resync(struct tl_block_src *src, uint64_t from, bool *cut);

/** tl_block_src_fini() - close the file (if any) and free the buffers. */
void tl_block_src_fini(struct tl_block_src *src);

#endif
