// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record_reader.c - the reader on a valid recording made by the writer,
 * then on copies damaged one way each: what it recovers, what it warns
 * about, and the status it ends with.
 */
#include <errno.h>
#include <stdlib.h>

#include "tests/unit/record/rec_fixture.h"
#include "record/record_format.h"
#include "record/record_reader.h"
#include "tests/unit/unit.h"

/* Blocks of fix_standard(). */
enum { B_META, B_E1, B_E2, B_STATS, B_E3, B_TRAILER, B_COUNT };

struct result {
	int open_err;
	int items, events, stats, trailers;
	uint64_t cookies[32];
	struct tl_reader_report rep;
	enum tl_read_status status;
};

static struct result read_all(const uint8_t *data, size_t len)
{
	struct tl_reader_opts o = { .name = "fixture", .quiet = true };
	struct result res = { 0 };
	struct tl_reader *r;
	struct tl_item it;

	res.open_err = tl_reader_open_mem(&r, data, len, &o);
	if (res.open_err) {
		res.status = tl_read_status_of(res.open_err);
		return res;
	}
	while (tl_reader_next(r, &it) == 1) {
		if (it.kind == TL_ITEM_EVENT && res.events < 32)
			res.cookies[res.events++] = it.ev.cookie;
		res.stats += it.kind == TL_ITEM_STATS;
		res.trailers += it.kind == TL_ITEM_TRAILER;
		res.items++;
	}
	res.rep = *tl_reader_report(r);
	res.status = tl_reader_status(r);
	tl_reader_close(r);
	return res;
}

static struct fixture standard(void)
{
	struct fixture f;

	fix_standard(&f);
	CHECK_INT(f.nblocks, B_COUNT);
	return f;
}

UNIT_TEST(record_reader_reads_a_valid_recording)
{
	struct fixture f = standard();
	struct result r = read_all(f.data, f.len);

	CHECK_INT(r.open_err, 0);
	CHECK_INT(r.items, 12);
	CHECK_INT(r.events, 10);
	CHECK_INT(r.stats, 1);
	CHECK_INT(r.trailers, 1);
	for (int i = 0; i < 10; i++)
		CHECK_INT(r.cookies[i], 100 + i);
	CHECK_INT(r.rep.warnings, 0);
	CHECK_INT(r.rep.truncated_at, -1);
	CHECK(r.rep.trailer);
	CHECK_INT(r.status, TL_READ_OK);
	fix_free(&f);
}

UNIT_TEST(record_reader_length_past_the_end_is_a_cut)
{
	struct fixture f = standard();
	uint8_t *h = f.data + f.off[B_E2];
	struct result r;

	/* a valid header whose payload would end far past the file */
	tl_put32(h + TL_BLK_OFF_RAW_LEN, TL_BLK_MAX_RAW);
	tl_put32(h + TL_BLK_OFF_COUNT, TL_BLK_MAX_RAW / TL_REC_LEN);
	tl_put32(h + TL_BLK_OFF_COMP_LEN, 1 << 20);
	fix_rehash(&f, f.off[B_E2]);
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 4);
	CHECK_INT(r.rep.truncated_at, f.off[B_E2]);
	CHECK_INT(r.rep.warnings, 1);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

/* A header with impossible lengths is skipped up to the next block header. */
static void bad_lengths(uint32_t raw, uint32_t comp)
{
	struct fixture f = standard();
	uint8_t *h = f.data + f.off[B_E2];
	struct result r;

	tl_put32(h + TL_BLK_OFF_RAW_LEN, raw);
	tl_put32(h + TL_BLK_OFF_COMP_LEN, comp);
	fix_rehash(&f, f.off[B_E2]);
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 8);
	CHECK_INT(r.events, 6);
	CHECK_INT(r.cookies[4], 108);
	CHECK_INT(r.rep.bad_blocks, 1);
	CHECK_INT(r.rep.skipped_bytes, f.off[B_STATS] - f.off[B_E2]);
	CHECK_INT(r.rep.warnings, 1);
	CHECK_INT(r.rep.truncated_at, -1);
	CHECK(r.rep.trailer);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

UNIT_TEST(record_reader_zero_lengths_skip_the_block)
{
	bad_lengths(0, 0);
	bad_lengths(512, 0);
}

UNIT_TEST(record_reader_huge_lengths_skip_the_block)
{
	bad_lengths(0xffffffffu, 100);
	bad_lengths(512, 0xfffffff0u); /* more than zlib could ever need for 512 bytes */
	bad_lengths(TL_BLK_MAX_RAW + 128, 100);
}

UNIT_TEST(record_reader_crc_mismatch_skips_the_block)
{
	struct fixture f = standard();
	struct result r;

	f.data[f.off[B_E2] + TL_BLK_HDR_LEN + 5] ^= 0x40;
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 8);
	CHECK_INT(r.events, 6);
	CHECK_INT(r.rep.bad_blocks, 1);
	CHECK_INT(r.rep.skipped_bytes, 0);
	CHECK_INT(r.rep.warnings, 1);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

UNIT_TEST(record_reader_damaged_header_resyncs)
{
	struct fixture f = standard();
	struct result r;

	f.data[f.off[B_E1] + TL_BLK_OFF_COUNT] ^= 1; /* the header CRC no longer matches */
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 8);
	CHECK_INT(r.cookies[0], 104);
	CHECK_INT(r.rep.skipped_bytes, f.off[B_E2] - f.off[B_E1]);
	CHECK_INT(r.rep.warnings, 1);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

static void cut_at(uint64_t at, int items, uint64_t truncated_at)
{
	struct fixture f = standard();
	struct result r = read_all(f.data, at);

	CHECK_INT(r.open_err, 0);
	CHECK_INT(r.items, items);
	CHECK_INT(r.rep.truncated_at, truncated_at);
	CHECK_INT(r.rep.warnings, 1);
	CHECK(!r.rep.trailer);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

UNIT_TEST(record_reader_cut_mid_block_keeps_complete_blocks)
{
	struct fixture f = standard();

	cut_at(f.off[B_E3] + TL_BLK_HDR_LEN + 3, 9, f.off[B_E3]);
	cut_at(f.off[B_TRAILER] + TL_BLK_HDR_LEN + 1, 11, f.off[B_TRAILER]);
	/* on a block boundary: everything is there but the trailer says it did not end */
	cut_at(f.off[B_TRAILER], 11, f.off[B_TRAILER]);
	fix_free(&f);
}

UNIT_TEST(record_reader_cut_mid_header)
{
	struct fixture f = standard();
	struct result r;

	cut_at(f.off[B_E3] + 20, 9, f.off[B_E3]);
	cut_at(f.off[B_E3] + 2, 9, f.off[B_E3]);
	/* inside the file header or the META block: nothing to read */
	r = read_all(f.data, 10);
	CHECK_INT(r.open_err, -ENODATA);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	r = read_all(f.data, f.off[B_META] + 30);
	CHECK_INT(r.open_err, -ENODATA);
	r = read_all(f.data, f.off[B_E1] - 1);
	CHECK_INT(r.open_err, -ENODATA);
	fix_free(&f);
}

UNIT_TEST(record_reader_trailing_garbage)
{
	struct fixture f = standard();
	struct result r;

	memset(f.data + f.len, 0xab, 100);
	r = read_all(f.data, f.len + 100);
	CHECK_INT(r.items, 12);
	CHECK_INT(r.rep.bad_blocks, 1);
	CHECK_INT(r.rep.skipped_bytes, 100);
	CHECK_INT(r.rep.warnings, 1);
	CHECK_INT(r.rep.truncated_at, -1);
	CHECK(r.rep.trailer);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	/* less than a header's worth, not looking like one */
	r = read_all(f.data, f.len + 7);
	CHECK_INT(r.items, 12);
	CHECK_INT(r.rep.skipped_bytes, 7);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

UNIT_TEST(record_reader_refuses_wrong_magic)
{
	struct fixture f = standard();
	struct result r;

	f.data[0] = 'X';
	r = read_all(f.data, f.len);
	CHECK_INT(r.open_err, -EBADMSG);
	CHECK_INT(r.status, TL_READ_REFUSED);
	r = read_all((const uint8_t *)"hello", 5);
	CHECK_INT(r.open_err, -EBADMSG);
	fix_free(&f);
}

UNIT_TEST(record_reader_refuses_a_future_major_version)
{
	struct fixture f = standard();
	struct result r;

	tl_put16(f.data + 8, TL_REC_MAJOR + 1);
	r = read_all(f.data, f.len);
	CHECK_INT(r.open_err, -EPROTONOSUPPORT);
	CHECK_INT(r.status, TL_READ_REFUSED);
	/* a newer minor version is read */
	tl_put16(f.data + 8, TL_REC_MAJOR);
	tl_put16(f.data + 10, TL_REC_MINOR + 3);
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 12);
	CHECK_INT(r.status, TL_READ_OK);
	fix_free(&f);
}

UNIT_TEST(record_reader_damaged_meta_is_refused)
{
	struct fixture f = standard();
	struct result r;

	f.data[f.off[B_META] + TL_BLK_HDR_LEN + 2] ^= 0xff;
	r = read_all(f.data, f.len);
	CHECK_INT(r.open_err, -EILSEQ);
	CHECK_INT(r.status, TL_READ_DAMAGED);
	fix_free(&f);
}

UNIT_TEST(record_reader_unknown_block_type_is_skipped_quietly)
{
	struct fixture f = standard();
	struct result r;

	f.data[f.off[B_STATS] + TL_BLK_OFF_TYPE] = 200; /* a future minor version's block */
	fix_rehash(&f, f.off[B_STATS]);
	r = read_all(f.data, f.len);
	CHECK_INT(r.items, 11);
	CHECK_INT(r.stats, 0);
	CHECK_INT(r.rep.unknown_blocks, 1);
	CHECK_INT(r.rep.warnings, 0);
	CHECK_INT(r.status, TL_READ_OK);
	fix_free(&f);
}
