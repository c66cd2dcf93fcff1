// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* digits.c - see digits.h. */
#include <string.h>

#include "output/digits.h"

static const char pairs[201] = "00010203040506070809"
			       "10111213141516171819"
			       "20212223242526272829"
			       "30313233343536373839"
			       "40414243444546474849"
			       "50515253545556575859"
			       "60616263646566676869"
			       "70717273747576777879"
			       "80818283848586878889"
			       "90919293949596979899";

static const uint64_t pow10[20] = {
	1ULL,
	10ULL,
	100ULL,
	1000ULL,
	10000ULL,
	100000ULL,
	1000000ULL,
	10000000ULL,
	100000000ULL,
	1000000000ULL,
	10000000000ULL,
	100000000000ULL,
	1000000000000ULL,
	10000000000000ULL,
	100000000000000ULL,
	1000000000000000ULL,
	10000000000000000ULL,
	100000000000000000ULL,
	1000000000000000000ULL,
	10000000000000000000ULL,
};

/* Digits of @v (> 0): log10 from the bit length (1233/4096 ~ log10(2)), then one compare. */
static unsigned int digit_count(uint64_t v)
{
	unsigned int t = (unsigned int)(64 - __builtin_clzll(v)) * 1233 >> 12;

	return t + (v >= pow10[t]);
}

/* Two digits per step from the end; 32-bit division while the value fits. */
static void put_digits(char *end, uint64_t v)
{
	uint32_t w;

	while (v > UINT32_MAX) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		end -= 2;
		memcpy(end, pairs + 2 * r, 2);
	}
	w = (uint32_t)v;
	while (w >= 100) {
		unsigned int r = w % 100;

		w /= 100;
		end -= 2;
		memcpy(end, pairs + 2 * r, 2);
	}
	if (w >= 10)
		memcpy(end - 2, pairs + 2 * w, 2);
	else
		end[-1] = (char)('0' + w);
}

char *tl_put_u64(char *dst, uint64_t v)
{
	unsigned int n;

	if (v < 10) {
		*dst = (char)('0' + v);
		return dst + 1;
	}
	n = digit_count(v);
	put_digits(dst + n, v);
	return dst + n;
}

char *tl_put_i64(char *dst, int64_t v)
{
	if (v >= 0)
		return tl_put_u64(dst, (uint64_t)v);
	*dst++ = '-';
	/* negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t */
	return tl_put_u64(dst, 0 - (uint64_t)v);
}

char *tl_put_fixed(char *dst, uint32_t v, unsigned int width)
{
	unsigned int i = width;

	for (; i >= 2; i -= 2) {
		memcpy(dst + i - 2, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (i)
		dst[0] = (char)('0' + v % 10);
	return dst + width;
}
