// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_block_reader.c - the block layer of reading a recording on hand-made
 * images: every verdict of tl_block_read(), and resynchronisation
 * (record/block_reader.h).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "record/block_reader.h"
#include "record/record_format.h"
#include "tests/unit/unit.h"

/* A block at @p: header (with its CRC) and @len payload bytes as on disk. */
static size_t put_block(uint8_t *p, uint8_t type, uint8_t codec, uint32_t raw_len,
			const uint8_t *disk, uint32_t disk_len, uint32_t count)
{
	memset(p, 0, TL_BLK_HDR_LEN);
	tl_put32(p + TL_BLK_OFF_MAGIC, TL_BLK_MAGIC);
	p[TL_BLK_OFF_TYPE] = type;
	p[TL_BLK_OFF_CODEC] = codec;
	tl_put32(p + TL_BLK_OFF_RAW_LEN, raw_len);
	tl_put32(p + TL_BLK_OFF_COMP_LEN, disk_len);
	tl_put32(p + TL_BLK_OFF_CRC, (uint32_t)crc32(0, disk, disk_len));
	tl_put32(p + TL_BLK_OFF_COUNT, count);
	tl_put32(p + TL_BLK_OFF_HDR_CRC, (uint32_t)crc32(0, p, TL_BLK_OFF_HDR_CRC));
	memcpy(p + TL_BLK_HDR_LEN, disk, disk_len);
	return TL_BLK_HDR_LEN + disk_len;
}

static struct tl_block_src src_of(const uint8_t *mem, size_t len)
{
	return (struct tl_block_src){ .mem = mem, .fd = -1, .size = len };
}

enum damage { NONE, HDR_CRC, BODY_CRC, CUT_BODY, CUT_HDR_MAGIC, CUT_HDR_GARBAGE };

static const struct read_case {
	const char *name;
	uint8_t type, codec;
	uint32_t records; /* EVENTS records in the payload */
	int32_t raw_len_delta; /* declared raw_len off by this */
	enum damage damage;
	enum tl_blk_result want;
} read_cases[] = {
	{ "stored events", TL_BLK_EVENTS, TL_CODEC_STORED, 2, 0, NONE, TL_BLK_OK },
	{ "zlib events", TL_BLK_EVENTS, TL_CODEC_ZLIB, 3, 0, NONE, TL_BLK_OK },
	{ "unknown type", 9, TL_CODEC_STORED, 1, 0, NONE, TL_BLK_UNKNOWN },
	{ "header CRC", TL_BLK_EVENTS, TL_CODEC_STORED, 1, 0, HDR_CRC, TL_BLK_BAD_HDR },
	{ "payload CRC", TL_BLK_EVENTS, TL_CODEC_ZLIB, 2, 0, BODY_CRC, TL_BLK_BAD_BODY },
	{ "zlib inflates past raw_len", TL_BLK_EVENTS, TL_CODEC_ZLIB, 2, -(int32_t)TL_REC_LEN, NONE,
	  TL_BLK_BAD_BODY },
	{ "cut in the payload", TL_BLK_EVENTS, TL_CODEC_STORED, 2, 0, CUT_BODY, TL_BLK_TRUNC },
	{ "cut in the header", TL_BLK_EVENTS, TL_CODEC_STORED, 1, 0, CUT_HDR_MAGIC, TL_BLK_TRUNC },
	{ "short garbage", TL_BLK_EVENTS, TL_CODEC_STORED, 1, 0, CUT_HDR_GARBAGE, TL_BLK_BAD_HDR },
};

UNIT_TEST(block_read_table)
{
	for (size_t i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		const struct read_case *k = &read_cases[i];
		uint32_t raw_len = k->records * TL_REC_LEN;
		uint8_t *raw = calloc(1, raw_len), *disk = malloc(compressBound(raw_len));
		uint8_t *img = malloc(TL_BLK_HDR_LEN + compressBound(raw_len));
		uLongf disk_len = compressBound(raw_len);
		size_t len;
		struct tl_block_src src;
		struct tl_blk b;
		const char *why = NULL;
		enum tl_blk_result got;

		for (uint32_t j = 0; j < raw_len; j++)
			raw[j] = (uint8_t)(j / 64); /* compressible */
		if (k->codec == TL_CODEC_ZLIB)
			compress(disk, &disk_len, raw, raw_len);
		else
			memcpy(disk, raw, disk_len = raw_len);
		len = put_block(img, k->type, k->codec, raw_len + k->raw_len_delta, disk,
				(uint32_t)disk_len,
				(k->raw_len_delta ? raw_len + k->raw_len_delta : raw_len) /
					TL_REC_LEN);
		switch (k->damage) {
		case HDR_CRC:
			img[TL_BLK_OFF_COUNT] ^= 1;
			break;
		case BODY_CRC:
			img[TL_BLK_HDR_LEN + disk_len / 2] ^= 0x40;
			break;
		case CUT_BODY:
			len -= 1;
			break;
		case CUT_HDR_MAGIC:
			len = TL_BLK_HDR_LEN - 1;
			break;
		case CUT_HDR_GARBAGE:
			img[0] = 'x';
			len = 10;
			break;
		case NONE:
			break;
		}
		src = src_of(img, len);
		got = tl_block_read(&src, 0, &b, &why);
		if (got != k->want)
			unit_fail(__FILE__, __LINE__, "%s: result %d, want %d", k->name, got,
				  k->want);
		if (got == TL_BLK_OK) {
			CHECK_INT(b.raw_len, raw_len);
			CHECK_INT(b.next, len);
			CHECK(!memcmp(src.raw, raw, raw_len));
		}
		if (got == TL_BLK_BAD_HDR || got == TL_BLK_BAD_BODY)
			CHECK(why && why[0]);
		if (got == TL_BLK_BAD_BODY)
			CHECK_INT(b.next,
				  len); /* a valid header: the next block is where it says */
		tl_block_src_fini(&src);
		free(raw);
		free(disk);
		free(img);
	}
}

static const struct length_case {
	const char *name;
	uint8_t type, codec;
	uint32_t raw_len, disk_len, count;
} bad_lengths[] = {
	{ "empty payload", TL_BLK_EVENTS, TL_CODEC_STORED, 0, 0, 0 },
	{ "events not a whole record", TL_BLK_EVENTS, TL_CODEC_STORED, 100, 100, 1 },
	{ "count disagrees", TL_BLK_EVENTS, TL_CODEC_STORED, TL_REC_LEN, TL_REC_LEN, 2 },
	{ "stored sizes differ", TL_BLK_EVENTS, TL_CODEC_STORED, TL_REC_LEN, 64, 1 },
	{ "unknown codec", TL_BLK_EVENTS, 7, TL_REC_LEN, TL_REC_LEN, 1 },
	{ "too few stats words", TL_BLK_STATS, TL_CODEC_STORED, 8 * 3, 8 * 3, 3 },
	{ "over the maximum", TL_BLK_META, TL_CODEC_STORED, TL_BLK_MAX_RAW + 1, 16, 0 },
};

UNIT_TEST(block_read_refuses_impossible_lengths)
{
	for (size_t i = 0; i < sizeof(bad_lengths) / sizeof(bad_lengths[0]); i++) {
		const struct length_case *k = &bad_lengths[i];
		static uint8_t disk[256], img[TL_BLK_HDR_LEN + 256];
		size_t len =
			put_block(img, k->type, k->codec, k->raw_len, disk, k->disk_len, k->count);
		struct tl_block_src src = src_of(img, len);
		const char *why = NULL;
		struct tl_blk b;

		if (tl_block_read(&src, 0, &b, &why) != TL_BLK_BAD_HDR)
			unit_fail(__FILE__, __LINE__, "%s: accepted", k->name);
		tl_block_src_fini(&src);
	}
}

UNIT_TEST(block_read_end_and_offsets)
{
	static uint8_t img[3 * (TL_BLK_HDR_LEN + TL_REC_LEN)], rec[TL_REC_LEN];
	size_t len = 0;
	struct tl_block_src src;
	struct tl_blk b;
	const char *why;

	for (int i = 0; i < 3; i++) {
		rec[0] = (uint8_t)i;
		len += put_block(img + len, TL_BLK_EVENTS, TL_CODEC_STORED, TL_REC_LEN, rec,
				 TL_REC_LEN, 1);
	}
	src = src_of(img, len);
	for (uint64_t off = 0, i = 0; i < 3; i++) {
		CHECK_INT(tl_block_read(&src, off, &b, &why), TL_BLK_OK);
		CHECK_INT(b.off, off);
		CHECK_INT(src.raw[0], i);
		off = b.next;
	}
	CHECK_INT(tl_block_read(&src, len, &b, &why), TL_BLK_END);
	CHECK_INT(tl_block_read(&src, len + 100, &b, &why), TL_BLK_END);
	tl_block_src_fini(&src);
}

UNIT_TEST(block_resync_finds_the_next_header)
{
	static uint8_t img[100000], rec[TL_REC_LEN];
	uint8_t magic[4];
	size_t at, len;
	struct tl_block_src src;
	bool cut;

	tl_put32(magic, TL_BLK_MAGIC);
	memset(img, 'g', sizeof(img));
	/* decoys: a bare magic, and a magic with a header that fails its CRC */
	memcpy(img + 10, magic, 4);
	put_block(img + 200, TL_BLK_EVENTS, TL_CODEC_STORED, TL_REC_LEN, rec, TL_REC_LEN, 1);
	img[200 + TL_BLK_OFF_TYPE] ^= 1;
	/* the real one beyond the first scan window */
	at = 70000;
	len = at +
	      put_block(img + at, TL_BLK_EVENTS, TL_CODEC_STORED, TL_REC_LEN, rec, TL_REC_LEN, 1);
	src = src_of(img, len);
	CHECK_INT(tl_block_resync(&src, 1, &cut), at);
	CHECK(!cut);
	CHECK_INT(tl_block_resync(&src, at, &cut), at);
	/* nothing after: the end of the file */
	CHECK_INT(tl_block_resync(&src, at + 1, &cut), len);
	CHECK(!cut);
	/* a header cut by the end of the file */
	src.size = at + 20;
	CHECK_INT(tl_block_resync(&src, 1, &cut), at);
	CHECK(cut);
	tl_block_src_fini(&src);
}
