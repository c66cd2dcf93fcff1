// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record_writer.c - how the writer creates files (0600, never through a
 * symlink, never over an existing file without force), rotates them in a
 * ring, and stops at a write error leaving a readable file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/record/rec_fixture.h"
#include "record/record_format.h"
#include "record/record_reader.h"
#include "record/record_writer.h"
#include "tests/unit/unit.h"

#define SEC 1000000000ULL

static int try_open(const char *path, bool force)
{
	struct tl_writer_opts o = { .path = path, .force = force, .no_sync = true };
	struct tl_writer *w = NULL;
	struct tl_rec_meta m;
	int err;

	fix_meta(&m);
	err = tl_writer_open(&w, &o, &m);
	if (!err)
		CHECK_INT(tl_writer_close(w, &(struct tl_stats){ 0 }, SEC), 0);
	tl_meta_free(&m);
	return err;
}

UNIT_TEST(record_writer_creates_0600_and_refuses_to_overwrite)
{
	char dir[64], path[128], target[128];
	struct stat st;

	fix_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/rec", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	CHECK_INT(try_open(path, false), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK_INT(try_open(path, false), -EEXIST);
	CHECK_INT(try_open(path, true), 0);
	/* a symlink is refused even with force, and its target is left alone */
	unlink(path);
	CHECK(close(open(target, O_CREAT | O_WRONLY, 0644)) == 0);
	CHECK(symlink(target, path) == 0);
	CHECK_INT(try_open(path, false), -ELOOP);
	CHECK_INT(try_open(path, true), -ELOOP);
	CHECK(stat(target, &st) == 0 && st.st_size == 0 && (st.st_mode & 0777) == 0644);
	fix_rmdir(dir);
}

UNIT_TEST(record_writer_file_names)
{
	char buf[32];

	CHECK_INT(tl_record_file_name(buf, sizeof(buf), "a/rec", false, 5, 3), 0);
	CHECK_STR(buf, "a/rec");
	CHECK_INT(tl_record_file_name(buf, sizeof(buf), "a/rec", true, 5, 3), 0);
	CHECK_STR(buf, "a/rec.2");
	CHECK_INT(tl_record_file_name(buf, sizeof(buf), "a/rec", true, 5, 0), 0);
	CHECK_STR(buf, "a/rec.5");
	CHECK_INT(tl_record_file_name(buf, 6, "a/rec", true, 5, 0), -ENAMETOOLONG);
}

/* seq, snapshot records and trailer flags of one file of a rotated set */
static void check_file(const char *path, uint32_t seq, uint64_t trailer_flags)
{
	struct tl_reader_opts o = { .quiet = true };
	struct tl_reader *r;
	struct tl_item it;
	int snaps = 0, events = 0;
	uint64_t flags = 0;

	CHECK_INT(tl_reader_open_file(&r, path, &o), 0);
	if (!r)
		return;
	CHECK_INT(tl_reader_meta(r)->seq, seq);
	while (tl_reader_next(r, &it) == 1) {
		snaps += it.kind == TL_ITEM_SNAPSHOT;
		events += it.kind == TL_ITEM_EVENT;
		if (it.kind == TL_ITEM_TRAILER)
			flags = it.flags;
	}
	CHECK_INT(snaps, seq ? 1 : 0);
	CHECK_INT(events, 3);
	CHECK_INT(flags, trailer_flags);
	CHECK_INT(tl_reader_status(r), TL_READ_OK);
	tl_reader_close(r);
}

UNIT_TEST(record_writer_rotates_in_a_ring)
{
	struct tl_writer_opts o = { .rotate_time_ns = 10 * SEC, .max_files = 3, .no_sync = true };
	struct tl_stats st = { 0 };
	struct tl_writer *w = NULL;
	struct tl_rec_meta m;
	char dir[64], path[128], name[160];
	struct stat sb;

	fix_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/rec", dir);
	o.path = path;
	fix_meta(&m);
	m.start_ns = 0;
	CHECK_INT(tl_writer_open(&w, &o, &m), 0);
	for (uint64_t seq = 0; w && seq < 6; seq++) {
		uint64_t t0 = seq * 10 * SEC;

		if (seq) {
			struct tl_event sock = fix_event(1, t0);

			CHECK(!tl_writer_rotate_due(w, t0 - 1));
			CHECK(tl_writer_rotate_due(w, t0));
			CHECK_INT(tl_writer_rotate(w, &st, t0), 0);
			sock.type = TL_EV_SOCK;
			CHECK_INT(tl_writer_snapshot(w, &sock), 0);
		}
		for (int i = 0; i < 3; i++) {
			struct tl_event e = fix_event(10 + i, t0 + i + 1);

			CHECK_INT(tl_writer_event(w, &e), 0);
		}
	}
	CHECK_INT(tl_writer_close(w, &st, 60 * SEC), 0);
	tl_meta_free(&m);
	/* files 3, 4, 5 are left in rec.0, rec.1, rec.2; nothing else */
	check_file(strcat(strcpy(name, path), ".0"), 3, TL_STATS_F_ROTATED);
	check_file(strcat(strcpy(name, path), ".1"), 4, TL_STATS_F_ROTATED);
	check_file(strcat(strcpy(name, path), ".2"), 5, TL_STATS_F_FINAL);
	CHECK(stat(strcat(strcpy(name, path), ".3"), &sb) < 0);
	CHECK(stat(path, &sb) < 0);
	/* a ring over existing files is refused up front */
	o.max_files = 4;
	fix_meta(&m);
	CHECK_INT(tl_writer_open(&w, &o, &m), -EEXIST);
	tl_meta_free(&m);
	fix_rmdir(dir);
}

/* RLIMIT_FSIZE makes writes fail with EFBIG, like a full disk, without root. */
UNIT_TEST(record_writer_write_error_sticks_and_leaves_a_readable_file)
{
	struct tl_writer_opts o = { .block_records = 16, .no_sync = true };
	struct rlimit old, lim;
	struct tl_writer *w = NULL;
	struct tl_reader *r = NULL;
	struct tl_rec_meta m;
	struct tl_item it;
	char dir[64], path[128];
	int err = 0, i, written = 0, read = 0;
	struct stat st;

	fix_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/rec", dir);
	o.path = path;
	fix_meta(&m);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 8192;
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHECK_INT(tl_writer_open(&w, &o, &m), 0);
	for (i = 0; w && i < 100000 && !err; i++) {
		/* random-looking fields so blocks do not compress to nothing */
		struct tl_event e = fix_event((uint64_t)i * 0x9E3779B97F4A7C15ULL, i);

		e.bytes_acked = e.cookie * 31;
		err = tl_writer_event(w, &e);
	}
	CHECK_INT(err, -EFBIG);
	CHECK_INT(tl_writer_error(w), -EFBIG);
	CHECK_INT(tl_writer_tick(w, 1), -EFBIG);
	CHECK_INT(tl_writer_flush(w), -EFBIG);
	written = (i - 1) / 16 * 16; /* complete blocks before the one that failed */
	CHECK_INT(tl_writer_close(w, &(struct tl_stats){ 0 }, SEC), -EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_DFL);
	tl_meta_free(&m);
	CHECK(stat(path, &st) == 0 && st.st_size <= 8192);
	CHECK_INT(tl_reader_open_file(&r, path, &(struct tl_reader_opts){ .quiet = true }), 0);
	while (r && tl_reader_next(r, &it) == 1)
		read += it.kind == TL_ITEM_EVENT;
	CHECK_INT(read, written);
	if (r) {
		/* the torn block was cut off: the file ends on a block boundary */
		CHECK_INT(tl_reader_report(r)->truncated_at, st.st_size);
		CHECK_INT(tl_reader_report(r)->bad_blocks, 0);
		CHECK_INT(tl_reader_status(r), TL_READ_DAMAGED);
	}
	tl_reader_close(r);
	fix_rmdir(dir);
}
