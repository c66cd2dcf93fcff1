// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_fast_paths.c - the hand-written formatting of the per-event paths
 * against what they replace: jt_quote() against a byte-at-a-time reference
 * escaper (every position of a bad byte within the 8-byte words, UTF-8
 * across word boundaries), the digits against printf, addresses against
 * inet_ntop(), durations against the snprintf() formulas they replace.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"
#include "user/output/digits.h"
#include "user/output/format.h"
#include "user/output/json_fmt.h"

/* The escaper as it was, one byte at a time: the reference. */
static size_t ref_utf8(const unsigned char *p, size_t left)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : lo, hi = c == 0xed ? 0x9f : hi;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : lo, hi = c == 0xf4 ? 0x8f : hi;
	else
		return 0;
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static size_t ref_quote(char *out, const unsigned char *p, size_t len)
{
	size_t o = 0, i = 0, n;

	out[o++] = '"';
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			out[o++] = (char)c;
			i++;
		} else if (c >= 0x80 && (n = ref_utf8(p + i, len - i))) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
			i++;
		} else {
			o += (size_t)sprintf(out + o, "\\u%04x", c);
			i++;
		}
	}
	out[o++] = '"';
	return o;
}

static void check_quote(const unsigned char *in, size_t len)
{
	char want[JT_QUOTED_MAX(64) + 8], got[JT_QUOTED_MAX(64) + 8];
	size_t wn = ref_quote(want, in, len), gn;

	gn = (size_t)(jt_quote(got, (const char *)in, len) - got);
	if (gn != wn || memcmp(got, want, wn)) {
		unit_fail(__FILE__, __LINE__, "jt_quote differs for %zu bytes: got %.*s want %.*s",
			  len, (int)gn, got, (int)wn, want);
		return;
	}
	CHECK(json_check(got, gn, NULL));
	/* the clean prefix ends at the first byte the reference escaped */
	CHECK(jt_clean_len((const char *)in, len) <= len);
}

UNIT_TEST(fast_json_quote_every_bad_byte_position)
{
	static const unsigned char bad[] = { 0, 1, 0x1f, '"', '\\', 0x7f, 0x80, 0xc3, 0xff };

	/* one bad byte at every position of strings of 1..24 bytes */
	for (size_t len = 1; len <= 24; len++)
		for (size_t pos = 0; pos < len; pos++)
			for (size_t b = 0; b < sizeof(bad); b++) {
				unsigned char s[32];

				memset(s, 'a', len);
				s[pos] = bad[b];
				check_quote(s, len);
			}
}

UNIT_TEST(fast_json_quote_utf8_across_words)
{
	static const char *const seqs[] = { "\xc3\xa9",	       "\xe2\x82\xac", "\xf0\x9f\x98\x80",
					    "\xed\x9f\xbf",    "\xed\xa0\x80", "\xe0\x80\xaf",
					    "\xf4\x90\x80\x80" };

	for (size_t q = 0; q < sizeof(seqs) / sizeof(seqs[0]); q++)
		for (size_t pos = 0; pos < 20; pos++)
			for (size_t cut = 0; cut <= 1; cut++) {
				unsigned char s[40];
				size_t n = strlen(seqs[q]) - cut, len = pos + n + 3;

				memset(s, 'x', sizeof(s));
				memcpy(s + pos, seqs[q], n);
				check_quote(s, len);
				check_quote(s, pos + n); /* cut by the end of the string */
			}
}

UNIT_TEST(fast_json_quote_random)
{
	unsigned int seed = 7;

	for (int i = 0; i < 200000; i++) {
		unsigned char s[64];
		size_t len = (size_t)rand_r(&seed) % sizeof(s);
		int mode = rand_r(&seed) % 3;

		for (size_t j = 0; j < len; j++) {
			unsigned int r = (unsigned int)rand_r(&seed);

			/* mostly printable, or mostly high bytes, or anything */
			s[j] = mode == 0 ? (unsigned char)(r % 10 ? 0x20 + r % 0x5f : r) :
			       mode == 1 ? (unsigned char)(0x80 | r) :
					   (unsigned char)r;
		}
		check_quote(s, len);
	}
}

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

/* Runs of zero groups of every length at every place, and IPv4 tails. */
UNIT_TEST(fast_ipv6_as_inet_ntop)
{
	unsigned int seed = 11;

	for (int i = 0; i < 200000; i++) {
		uint8_t a[16];
		char got[TL_ADDR_LEN], want[INET6_ADDRSTRLEN];

		for (int w = 0; w < 8; w++) {
			unsigned int r = (unsigned int)rand_r(&seed);
			unsigned int v = r % 3 == 0 ? 0 : r % 7 == 0 ? 0xffff : (r >> 8) & 0xffff;

			if (r % 5 == 0)
				v &= 0xf; /* short groups */
			a[2 * w] = (uint8_t)(v >> 8);
			a[2 * w + 1] = (uint8_t)v;
		}
		if (i % 4 == 0)
			memset(a, 0,
			       10 + (i / 4) % 3); /* ::a.b.c.d, ::ffff:a.b.c.d and near misses */
		if (i % 8 == 0)
			a[10] = a[11] = 0xff;
		CHECK(inet_ntop(AF_INET6, a, want, sizeof(want)) != NULL);
		*tl_put_addr(AF_INET6, a, got) = '\0';
		if (strcmp(got, want)) {
			unit_fail(__FILE__, __LINE__, "got %s want %s", got, want);
			break;
		}
	}
}

/* The formulas tl_fmt_duration() used to print with. */
static void ref_duration(uint64_t ns, char *buf, size_t len)
{
	const uint64_t us = 1000, ms = 1000 * us, s = 1000 * ms;
	uint64_t sec = ns / s, unit = ns < ms ? us : ns < s ? ms : s;
	const char *suffix = ns < ms ? "us" : ns < s ? "ms" : "s";
	unsigned long long whole = ns / unit, rest = ns % unit;

	if (ns < us)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (sec < 60 && whole < 10)
		snprintf(buf, len, "%llu.%02llu%s", whole, rest * 100 / unit, suffix);
	else if (sec < 60 && whole < 100)
		snprintf(buf, len, "%llu.%llu%s", whole, rest * 10 / unit, suffix);
	else if (sec < 60)
		snprintf(buf, len, "%llu%s", whole, suffix);
	else if (sec < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(sec / 60),
			 (unsigned long long)(sec % 60));
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(sec / 3600),
			 (unsigned long long)(sec % 3600 / 60));
}

UNIT_TEST(fast_durations_as_snprintf)
{
	unsigned int seed = 5;

	for (int i = 0; i < 300000; i++) {
		uint64_t ns = ((uint64_t)rand_r(&seed) << 33 ^ (uint64_t)rand_r(&seed)) >> (i % 64);
		char got[TL_DURATION_LEN], want[TL_DURATION_LEN], small[5], want_small[5];

		if (i % 7 == 0)
			ns = UINT64_MAX - (uint64_t)i;
		ref_duration(ns, want, sizeof(want));
		CHECK_STR(tl_fmt_duration(ns, got, sizeof(got)), want);
		/* a short buffer cuts the text as snprintf() did */
		ref_duration(ns, want_small, sizeof(want_small));
		CHECK_STR(tl_fmt_duration(ns, small, sizeof(small)), want_small);
	}
}
