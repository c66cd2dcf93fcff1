// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_clock.c - boot time to RFC 3339 / local time, and offset sampling. */
#include <stdlib.h>
#include <time.h>

#include "tests/unit/unit.h"
#include "user/core/clock.h"

#define NS 1000000000LL
#define T_2026 1795224514LL /* 2026-11-21T01:28:34Z */

static const struct {
	int64_t offset;
	uint64_t ts;
	const char *rfc3339;
} rfc_cases[] = {
	{ 0, 0, "1970-01-01T00:00:00.000000000Z" },
	{ T_2026 * NS - 1000 * NS, 1000 * NS + 123456789, "2026-11-21T01:28:34.123456789Z" },
	{ T_2026 * NS, 999999999, "2026-11-21T01:28:34.999999999Z" },
	{ T_2026 * NS, NS, "2026-11-21T01:28:35.000000000Z" },
	/* before the epoch: seconds round down, nanoseconds stay positive */
	{ -1, 0, "1969-12-31T23:59:59.999999999Z" },
	{ -NS - 500, 0, "1969-12-31T23:59:58.999999500Z" },
	/* an offset from a corrupt recording: saturates instead of wrapping */
	{ INT64_MAX, UINT64_MAX / 2, "2262-04-11T23:47:16.854775807Z" },
	{ INT64_MIN, (uint64_t)INT64_MAX + 10, "1677-09-21T00:12:43.145224192Z" },
	/* a 2038 rollover check on the 64-bit time_t path */
	{ 2147483648LL * NS, 0, "2038-01-19T03:14:08.000000000Z" },
};

UNIT_TEST(clock_rfc3339)
{
	for (size_t i = 0; i < sizeof(rfc_cases) / sizeof(rfc_cases[0]); i++) {
		struct tl_clock c = { .boot_to_real_ns = rfc_cases[i].offset };
		char buf[TL_RFC3339_LEN];

		CHECK_STR(tl_clock_rfc3339(&c, rfc_cases[i].ts, buf), rfc_cases[i].rfc3339);
	}
}

/* Runs @tz through tzset() and restores the caller's zone. */
static void hms_in(const char *tz, const struct tl_clock *c, uint64_t ts, char *buf)
{
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", tz, 1);
	tzset();
	tl_clock_hms(c, ts, buf);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

UNIT_TEST(clock_hms_local_time)
{
	struct tl_clock c = { .boot_to_real_ns = T_2026 * NS };
	char buf[TL_HMS_LEN];

	/* POSIX TZ strings need no tzdata: UTC, and UTC+5:30 */
	hms_in("UTC0", &c, 123456789, buf);
	CHECK_STR(buf, "01:28:34.123456");
	hms_in("XST-5:30", &c, 123456789, buf);
	CHECK_STR(buf, "06:58:34.123456");
	hms_in("UTC0", &c, 999999, buf); /* truncated to the microsecond */
	CHECK_STR(buf, "01:28:34.000999");
}

UNIT_TEST(clock_offset_sampling)
{
	struct tl_clock c = { .boot_to_real_ns = 0 };
	struct timespec b, r;
	int64_t measured, diff;
	uint64_t t1, t2;

	CHECK_INT(tl_clock_init(&c), 0);
	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_REALTIME, &r);
	measured = ((int64_t)r.tv_sec - b.tv_sec) * NS + (r.tv_nsec - b.tv_nsec);
	diff = measured > c.boot_to_real_ns ? measured - c.boot_to_real_ns :
					      c.boot_to_real_ns - measured;
	/* the same offset within 10 ms, unless the wall clock was stepped meanwhile */
	CHECK(diff < 10000000);

	t1 = tl_clock_now_boot();
	t2 = tl_clock_now_boot();
	CHECK(t1 > 0);
	CHECK(t2 >= t1);
}

/* The cached forms: the same text as the plain ones, across seconds, days, offsets. */
UNIT_TEST(clock_cached_across_boundaries)
{
	static const int64_t offsets[] = { T_2026 * NS, -1, 0, 86399 * NS, INT64_MAX, INT64_MIN };
	static const uint64_t steps[] = { 1, 999999999, 1000000000, 1, 86400 * (uint64_t)NS, 7 };
	char *old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1); /* a zone with DST changes */
	tzset();
	for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
		struct tl_clock c = { .boot_to_real_ns = offsets[o] };
		struct tl_clock_cache rc, hc;
		uint64_t ts = 0;

		tl_clock_cache_init(&rc);
		tl_clock_cache_init(&hc);
		for (int i = 0; i < 2000; i++) {
			char want[TL_RFC3339_LEN], got[TL_RFC3339_LEN];
			char want_hms[TL_HMS_LEN], got_hms[TL_HMS_LEN];

			ts += steps[i % 6] * (uint64_t)(1 + i % 3);
			tl_clock_rfc3339(&c, ts, want);
			*tl_clock_put_rfc3339(&c, &rc, ts, got) = '\0';
			CHECK_STR(got, want);
			tl_clock_hms(&c, ts, want_hms);
			*tl_clock_put_hms(&c, &hc, ts, got_hms) = '\0';
			CHECK_STR(got_hms, want_hms);
		}
	}
	/* the same cache for two clocks: keyed by the wall-clock second, not the clock */
	{
		struct tl_clock a = { .boot_to_real_ns = T_2026 * NS },
				b = { .boot_to_real_ns = 0 };
		struct tl_clock_cache cc;
		char got[TL_RFC3339_LEN];

		tl_clock_cache_init(&cc);
		*tl_clock_put_rfc3339(&a, &cc, 5, got) = '\0';
		CHECK_STR(got, "2026-11-21T01:28:34.000000005Z");
		*tl_clock_put_rfc3339(&b, &cc, 5, got) = '\0';
		CHECK_STR(got, "1970-01-01T00:00:00.000000005Z");
	}
	if (old_tz)
		setenv("TZ", old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old_tz);
}
