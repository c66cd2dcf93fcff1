// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_digits.c - numbers written by hand (output/digits.h) against printf. */
#include <stdlib.h>

#include "tests/unit/unit.h"
#include "user/output/digits.h"

UNIT_TEST(fast_digits)
{
	static const uint64_t u[] = { 0,
				      1,
				      9,
				      10,
				      99,
				      100,
				      65535,
				      4294967295ULL,
				      4294967296ULL,
				      9999999999ULL,
				      10000000000ULL,
				      999999999999999999ULL,
				      1000000000000000000ULL,
				      9999999999999999999ULL,
				      10000000000000000000ULL,
				      UINT64_MAX };
	static const int64_t s[] = { 0, -1, -9, -10, 42, INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	char got[TL_INT_MAX_LEN + 1], want[32];
	unsigned int seed = 3;

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		*tl_put_u64(got, u[i]) = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)u[i]);
		CHECK_STR(got, want);
	}
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		*tl_put_i64(got, s[i]) = '\0';
		snprintf(want, sizeof(want), "%lld", (long long)s[i]);
		CHECK_STR(got, want);
	}
	for (int i = 0; i < 100000; i++) {
		uint64_t v = ((uint64_t)rand_r(&seed) << 40 ^ (uint64_t)rand_r(&seed) << 20 ^
			      (uint64_t)rand_r(&seed)) >>
			     (i % 64);

		*tl_put_u64(got, v) = '\0';
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
		CHECK_STR(got, want);
	}
	*tl_put_fixed(got, 7, 9) = '\0';
	CHECK_STR(got, "000000007");
	*tl_put_fixed(got, 123456789, 9) = '\0';
	CHECK_STR(got, "123456789");
	*tl_put_fixed(got, 12345, 2) = '\0';
	CHECK_STR(got, "45");
}
