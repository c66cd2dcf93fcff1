// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_syncer.c - fdatasync() in the background: syncs, hand-overs, errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "user/record/syncer.h"

static int temp_file(char *path)
{
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

UNIT_TEST(syncer_syncs_and_closes_in_background)
{
	char a[] = "/tmp/tl-syncer-XXXXXX", b[] = "/tmp/tl-syncer-XXXXXX";
	int fa = temp_file(a), fb = temp_file(b);
	struct tl_syncer *s;

	CHECK(fa >= 0 && fb >= 0);
	CHECK_INT(tl_syncer_start(&s), 0);
	CHECK_INT(write(fa, "x", 1), 1);
	tl_syncer_sync(s, fa);
	tl_syncer_sync(s, fa); /* asked twice: still fine */
	CHECK_INT(write(fb, "y", 1), 1);
	CHECK_INT(tl_syncer_close(s, fb), 0);
	CHECK_INT(tl_syncer_wait(s), 0);
	/* fb is closed by now: the descriptor is gone */
	CHECK(fcntl(fb, F_GETFD) == -1 && errno == EBADF);
	CHECK(fcntl(fa, F_GETFD) != -1);
	CHECK_INT(tl_syncer_error(s), 0);
	tl_syncer_stop(s);
	close(fa);
}

UNIT_TEST(syncer_reports_a_failed_sync_once)
{
	struct tl_syncer *s;
	int fd = open("/dev/null", O_WRONLY);

	CHECK_INT(tl_syncer_start(&s), 0);
	/* a device that cannot be synced (EINVAL) is not an error */
	tl_syncer_sync(s, fd);
	CHECK_INT(tl_syncer_wait(s), 0);
	close(fd);
	/* a descriptor that is not open is */
	tl_syncer_sync(s, fd);
	CHECK_INT(tl_syncer_wait(s), -EBADF);
	CHECK_INT(tl_syncer_error(s), 0);
	tl_syncer_stop(s);
}

UNIT_TEST(syncer_stop_finishes_pending_work)
{
	char a[] = "/tmp/tl-syncer-XXXXXX";
	int fa = temp_file(a);
	struct tl_syncer *s;

	CHECK(fa >= 0);
	CHECK_INT(tl_syncer_start(&s), 0);
	CHECK_INT(tl_syncer_close(s, fa), 0);
	tl_syncer_stop(s);
	CHECK(fcntl(fa, F_GETFD) == -1 && errno == EBADF);
}
