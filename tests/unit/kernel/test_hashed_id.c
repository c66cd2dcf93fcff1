// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_hashed_id.c - the per-boot key of hashed socket ids, in a directory of
 * the test's own (kernel/hashed_id.h): made once and shared, 0600, never
 * read through a symlink.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/hashed_id.h"
#include "tests/unit/unit.h"

static void path_of(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

UNIT_TEST(hashed_id_key_made_once_and_shared)
{
	char base[] = "/tmp/tl-hashed-XXXXXX", dir[64], key_path[96];
	uint64_t a[2] = { 0 }, b[2] = { 0 };
	struct stat st;

	CHECK(mkdtemp(base) != NULL);
	path_of(dir, sizeof(dir), base, "run"); /* made by the call */
	path_of(key_path, sizeof(key_path), dir, "socket-id-key");
	CHECK_INT(tl_hashed_id_key_in(dir, a), 0);
	CHECK(a[0] || a[1]);
	CHECK_INT(stat(key_path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, 16);
	CHECK_INT(stat(dir, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0700);
	/* a second tcpline of this boot gets the same key */
	CHECK_INT(tl_hashed_id_key_in(dir, b), 0);
	CHECK(!memcmp(a, b, sizeof(a)));
	unlink(key_path);
	rmdir(dir);
	rmdir(base);
}

UNIT_TEST(hashed_id_key_never_through_a_symlink)
{
	char base[] = "/tmp/tl-hashed-XXXXXX", target[96], key_path[96];
	uint64_t planted[2] = { 0x1111111111111111ULL, 0x2222222222222222ULL }, k[2];
	FILE *f;

	CHECK(mkdtemp(base) != NULL);
	path_of(target, sizeof(target), base, "planted");
	path_of(key_path, sizeof(key_path), base, "socket-id-key");
	f = fopen(target, "w");
	CHECK(f != NULL);
	if (f) {
		fwrite(planted, sizeof(planted), 1, f);
		fclose(f);
	}
	CHECK_INT(symlink(target, key_path), 0);
	CHECK_INT(tl_hashed_id_key_in(base, k), 0);
	CHECK(memcmp(k, planted, sizeof(k)) != 0); /* a key of this run, not the planted one */
	unlink(key_path);
	unlink(target);
	rmdir(base);
}

UNIT_TEST(hashed_id_key_short_file_is_not_a_key)
{
	char base[] = "/tmp/tl-hashed-XXXXXX", key_path[96];
	uint64_t k[2] = { 0 };
	FILE *f;

	CHECK(mkdtemp(base) != NULL);
	path_of(key_path, sizeof(key_path), base, "socket-id-key");
	f = fopen(key_path, "w");
	if (f) {
		fputs("short", f);
		fclose(f);
	}
	CHECK_INT(tl_hashed_id_key_in(base, k), 0);
	CHECK(k[0] || k[1]);
	CHECK(memcmp(k, "short", 5) != 0);
	unlink(key_path);
	rmdir(base);
}

UNIT_TEST(hashed_id_key_where_the_directory_cannot_be)
{
	uint64_t a[2] = { 0 }, b[2] = { 0 };

	/* a path under a regular file: no directory, a key for this run each time */
	CHECK_INT(tl_hashed_id_key_in("/dev/null/x", a), 0);
	CHECK_INT(tl_hashed_id_key_in("/dev/null/x", b), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}
