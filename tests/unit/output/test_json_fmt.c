// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_json_fmt.c - JSON string escaping (output/json_fmt.h) against a
 * byte-at-a-time reference escaper: every position of a bad byte within the
 * 8-byte words, UTF-8 across word boundaries, random input.
 */
#include <stdlib.h>

#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"
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
