// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_model.c - the names of lifeline ends and connection errors, the packed dwell. */
#include <errno.h>
#include <limits.h>

#include "tests/unit/unit.h"
#include "user/core/model.h"

UNIT_TEST(model_end_names)
{
	static const char *const want[TL_END_MAX] = {
		"open",	     "closed", "reset_by_peer", "reset_local", "refused",
		"timed_out", "error",  "aborted",	"evicted",     "keepalive_timeout",
	};

	for (int e = 0; e < TL_END_MAX; e++)
		CHECK_STR(tl_end_name(e), want[e]);
	CHECK_STR(tl_end_name(TL_END_MAX), "unknown");
	CHECK_STR(tl_end_name((enum tl_end) - 1), "unknown");
}

UNIT_TEST(model_timeout_and_retransmit_kind_names)
{
	static const char *const to[TL_TO_MAX] = {
		NULL, "syn", "retransmit", "user_timeout", "orphan", "keepalive", "zero_window",
	};
	static const char *const rk[TL_RK_MAX] = {
		NULL, "rto", "fast", "tlp", "syn", "synack", "other",
	};

	for (unsigned int i = 1; i < TL_TO_MAX; i++)
		CHECK_STR(tl_timeout_name(i), to[i]);
	for (unsigned int i = 1; i < TL_RK_MAX; i++)
		CHECK_STR(tl_retrans_kind_name(i), rk[i]);
	/* 0 (not known) and values from a newer recording have no name */
	CHECK(tl_timeout_name(TL_TO_NONE) == NULL);
	CHECK(tl_timeout_name(TL_TO_MAX) == NULL);
	CHECK(tl_timeout_name(255) == NULL);
	CHECK(tl_retrans_kind_name(TL_RK_UNKNOWN) == NULL);
	CHECK(tl_retrans_kind_name(TL_RK_MAX) == NULL);
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

UNIT_TEST(model_dwell_packs_state_and_time)
{
	struct tl_dwell d = tl_dwell_make(TL_TCP_TIME_WAIT, 60000000000ULL);

	CHECK_INT(sizeof(d), 8);
	CHECK_INT(tl_dwell_state(&d), TL_TCP_TIME_WAIT);
	CHECK(tl_dwell_ns(&d) == 60000000000ULL);
	d = tl_dwell_make(255, 0);
	CHECK_INT(tl_dwell_state(&d), 255);
	CHECK(tl_dwell_ns(&d) == 0);
	/* unknown stays unknown; longer than the field holds is kept at its maximum */
	d = tl_dwell_make(1, TL_DWELL_UNKNOWN);
	CHECK(tl_dwell_ns(&d) == TL_DWELL_UNKNOWN);
	CHECK_INT(tl_dwell_state(&d), 1);
	d = tl_dwell_make(2, TL_DWELL_NS_MAX);
	CHECK(tl_dwell_ns(&d) == TL_DWELL_NS_MAX);
	d = tl_dwell_make(2, TL_DWELL_NS_MASK);
	CHECK(tl_dwell_ns(&d) == TL_DWELL_NS_MAX);
	d = tl_dwell_make(3, TL_DWELL_UNKNOWN - 1);
	CHECK(tl_dwell_ns(&d) == TL_DWELL_NS_MAX);
	CHECK_INT(tl_dwell_state(&d), 3);
}
