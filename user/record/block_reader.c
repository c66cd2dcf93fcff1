// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* block_reader.c - the blocks of a recording, checked (see block_reader.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/block_reader.h"
#include "record/record_format.h"

#define SCAN_WINDOW 65536

size_t tl_block_src_read(struct tl_block_src *src, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off >= src->size)
		return 0;
	if (len > src->size - off)
		len = (size_t)(src->size - off);
	if (src->mem) {
		memcpy(buf, src->mem + off, len);
		return len;
	}
	while (done < len) {
		ssize_t n = pread(src->fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

static bool header_valid(const uint8_t *h)
{
	return tl_get32(h + TL_BLK_OFF_MAGIC) == TL_BLK_MAGIC &&
	       tl_get32(h + TL_BLK_OFF_HDR_CRC) == (uint32_t)crc32(0, h, TL_BLK_OFF_HDR_CRC);
}

/* Lengths that fit the fixed maxima and the block's type; the file size is checked later. */
static bool lengths_valid(const struct tl_blk *b)
{
	if (!b->raw_len || b->raw_len > TL_BLK_MAX_RAW || !b->comp_len)
		return false;
	if (b->codec == TL_CODEC_STORED && b->comp_len != b->raw_len)
		return false;
	if (b->codec == TL_CODEC_ZLIB && b->comp_len > compressBound(b->raw_len))
		return false;
	if (b->codec > TL_CODEC_ZLIB)
		return false;
	switch (b->type) {
	case TL_BLK_EVENTS:
	case TL_BLK_SNAPSHOT:
		return b->count && (uint64_t)b->count * TL_REC_LEN == b->raw_len;
	case TL_BLK_STATS:
	case TL_BLK_TRAILER:
		return b->count >= TL_STATS_MIN_WORDS && b->count <= TL_STATS_MAX_WORDS &&
		       (uint64_t)b->count * 8 == b->raw_len;
	default:
		return true;
	}
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

/* Inflate exactly comp_len bytes into exactly raw_len: no more output is ever produced. */
static bool decode_body(struct tl_block_src *src, const struct tl_blk *b)
{
	if (grow(&src->raw, &src->raw_cap, b->raw_len) ||
	    grow(&src->comp, &src->comp_cap, b->comp_len))
		return false;
	if (tl_block_src_read(src, b->off + TL_BLK_HDR_LEN, src->comp, b->comp_len) != b->comp_len)
		return false;
	if ((uint32_t)crc32(0, src->comp, b->comp_len) != b->crc)
		return false;
	if (b->codec == TL_CODEC_STORED) {
		memcpy(src->raw, src->comp, b->raw_len);
		return true;
	}
	if (!src->zs_ready) {
		if (inflateInit(&src->zs) != Z_OK)
			return false;
		src->zs_ready = true;
	} else if (inflateReset(&src->zs) != Z_OK) {
		return false;
	}
	src->zs.next_in = src->comp;
	src->zs.avail_in = b->comp_len;
	src->zs.next_out = src->raw;
	src->zs.avail_out = b->raw_len;
	return inflate(&src->zs, Z_FINISH) == Z_STREAM_END && src->zs.total_out == b->raw_len &&
	       src->zs.avail_in == 0;
}

enum tl_blk_result tl_block_read(struct tl_block_src *src, uint64_t off, struct tl_blk *b,
				 const char **why)
{
	uint8_t h[TL_BLK_HDR_LEN];
	size_t n = tl_block_src_read(src, off, h, sizeof(h));

	memset(b, 0, sizeof(*b));
	b->off = off;
	if (n == 0)
		return TL_BLK_END;
	if (n < sizeof(h)) {
		/* a cut header still starts like one; anything else is garbage */
		uint8_t magic[4];

		tl_put32(magic, TL_BLK_MAGIC);
		*why = "no valid block header";
		return memcmp(h, magic, n < 4 ? n : 4) ? TL_BLK_BAD_HDR : TL_BLK_TRUNC;
	}
	if (!header_valid(h)) {
		*why = "no valid block header";
		return TL_BLK_BAD_HDR;
	}
	b->type = h[TL_BLK_OFF_TYPE];
	b->codec = h[TL_BLK_OFF_CODEC];
	b->raw_len = tl_get32(h + TL_BLK_OFF_RAW_LEN);
	b->comp_len = tl_get32(h + TL_BLK_OFF_COMP_LEN);
	b->crc = tl_get32(h + TL_BLK_OFF_CRC);
	b->count = tl_get32(h + TL_BLK_OFF_COUNT);
	b->next = off + TL_BLK_HDR_LEN + b->comp_len;
	if (!lengths_valid(b)) {
		*why = "impossible block lengths";
		return TL_BLK_BAD_HDR;
	}
	if (b->next > src->size)
		return TL_BLK_TRUNC;
	if (b->type == 0 || b->type >= TL_BLK_TYPE_MAX)
		return TL_BLK_UNKNOWN;
	if (!decode_body(src, b)) {
		*why = "payload damaged (CRC or compressed stream)";
		return TL_BLK_BAD_BODY;
	}
	return TL_BLK_OK;
}

uint64_t tl_block_resync(struct tl_block_src *src, uint64_t from, bool *cut)
{
	uint8_t magic[4], *win = malloc(SCAN_WINDOW + TL_BLK_HDR_LEN);
	uint64_t at = src->size;

	tl_put32(magic, TL_BLK_MAGIC);
	*cut = false;
	while (win && from < src->size) {
		size_t n = tl_block_src_read(src, from, win, SCAN_WINDOW + TL_BLK_HDR_LEN);

		for (size_t i = 0; i + 4 <= n || (i < n && from + n == src->size); i++) {
			size_t avail = n - i;

			if (memcmp(win + i, magic, avail < 4 ? avail : 4))
				continue;
			if (avail < TL_BLK_HDR_LEN) {
				if (from + n == src->size) {
					*cut = true;
					at = from + i;
					goto out;
				}
				break; /* re-read from here with the whole header */
			}
			if (header_valid(win + i)) {
				at = from + i;
				goto out;
			}
		}
		if (n < TL_BLK_HDR_LEN)
			break;
		from += n - TL_BLK_HDR_LEN + 1;
	}
out:
	free(win);
	return at;
}

void tl_block_src_fini(struct tl_block_src *src)
{
	if (src->fd >= 0)
		close(src->fd);
	src->fd = -1;
	if (src->zs_ready)
		inflateEnd(&src->zs);
	src->zs_ready = false;
	free(src->raw);
	free(src->comp);
	src->raw = src->comp = NULL;
	src->raw_cap = src->comp_cap = 0;
}
