// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_model.c - the names of lifeline ends and connection errors. */
#include <errno.h>
#include <limits.h>

#include "unit.h"
#include "user/model.h"

UNIT_TEST(model_end_names)
{
	static const char *const want[TL_END_MAX] = {
		"open",	     "closed", "reset_by_peer", "reset_local", "refused",
		"timed_out", "error",  "aborted",	"evicted",
	};

	for (int e = 0; e < TL_END_MAX; e++)
		CHECK_STR(tl_end_name(e), want[e]);
	CHECK_STR(tl_end_name(TL_END_MAX), "unknown");
	CHECK_STR(tl_end_name((enum tl_end) - 1), "unknown");
}

UNIT_TEST(model_err_names)
{
	CHECK_STR(tl_err_name(ECONNREFUSED), "ECONNREFUSED");
	CHECK_STR(tl_err_name(-ETIMEDOUT), "ETIMEDOUT");
	CHECK_STR(tl_err_name(ECONNRESET), "ECONNRESET");
	CHECK_STR(tl_err_name(EHOSTUNREACH), "EHOSTUNREACH");
	CHECK_STR(tl_err_name(EPIPE), "EPIPE");
	CHECK(tl_err_name(0) == NULL);
	CHECK(tl_err_name(9999) == NULL);
	CHECK(tl_err_name(INT_MIN) == NULL);
}
