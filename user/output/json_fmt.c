// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * json_fmt.c - see json_fmt.h. On the hot path of --json (every event has a
 * comm, names and several numbers): strings are checked eight bytes at a
 * time and clean runs are copied whole.
 */
#include <stdbool.h>
#include <string.h>

#include "output/json_fmt.h"

static const char hex[] = "0123456789abcdef";

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * No byte of @x needs a look of its own: all are below 0x80, none below 0x20,
 * none '"' or '\\'. With no high bit set, a byte borrows in a subtraction only
 * when it is below what is subtracted, and then the result's high bit is set
 * in that byte; a borrow from a lower byte only happens after such a hit.
 */
static inline bool word_plain(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	if (x & HIGHS)
		return false;
	return !(((x - ONES * 0x20) | (q - ONES) | (b - ONES)) & HIGHS);
}

static inline bool byte_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629, table 3-7 of
 * Unicode), or 0 when it is not one: overlongs, surrogates, code points past
 * U+10FFFF and sequences cut short are all rejected, so a reader that insists
 * on valid UTF-8 never sees them.
 */
static size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* > U+10FFFF */
	} else {
		return 0;
	}
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

size_t jt_clean_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		uint64_t x;

		if (len - i >= 8) {
			memcpy(&x, p + i, 8);
			if (word_plain(x)) {
				i += 8;
				continue;
			}
		}
		if (byte_plain(p[i])) {
			i++;
			continue;
		}
		if (p[i] < 0x80 || !(n = utf8_seq_len(p + i, len - i)))
			break;
		i += n;
	}
	return i;
}

char *jt_escape_byte(char *dst, unsigned char c)
{
	*dst++ = '\\';
	if (c == '"' || c == '\\') {
		*dst++ = (char)c;
		return dst;
	}
	memcpy(dst, "u00", 3);
	dst[3] = hex[c >> 4];
	dst[4] = hex[c & 0xf];
	return dst + 5;
}

char *jt_quote(char *dst, const char *s, size_t len)
{
	size_t i = 0;

	*dst++ = '"';
	while (i < len) {
		/* the clean run as it is, then the byte that stopped it, escaped */
		size_t n = jt_clean_len(s + i, len - i);

		memcpy(dst, s + i, n);
		dst += n;
		i += n;
		if (i < len)
			dst = jt_escape_byte(dst, (unsigned char)s[i++]);
	}
	*dst++ = '"';
	return dst;
}
