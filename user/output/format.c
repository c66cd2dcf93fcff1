// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * format.c - addresses and durations for people. Both are written on every
 * event, so by hand: inet_ntop() and snprintf() parse formats and go through
 * stdio's machinery, several times the cost of the conversion itself.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "output/digits.h"
#include "output/format.h"

static char *put_ipv4(char *p, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		if (i < 3)
			*p++ = '.';
	}
	return p;
}

static char *put_hex16(char *p, unsigned int w)
{
	static const char hex[] = "0123456789abcdef";
	int shift = w >= 0x1000 ? 12 : w >= 0x100 ? 8 : w >= 0x10 ? 4 : 0;

	for (; shift >= 0; shift -= 4)
		*p++ = hex[(w >> shift) & 0xf];
	return p;
}

/*
 * RFC 5952 text exactly as glibc's inet_ntop() writes it: the first longest
 * run of two or more zero groups becomes "::", and an address whose first 96
 * bits are zero (but not "::" or "::N") or that is IPv4-mapped ends in
 * dotted IPv4 ("::1.2.3.4", "::ffff:1.2.3.4").
 */
static char *put_ipv6(char *p, const uint8_t a[16])
{
	unsigned int w[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		if (!w[i]) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
			if (cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff)))
			return put_ipv4(p, a + 12);
		p = put_hex16(p, w[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*p++ = ':';
	return p;
}

char *tl_put_addr(uint8_t family, const uint8_t addr[16], char *dst)
{
	/*
	 * IPv4-mapped IPv6 addresses stay IPv6 ("::ffff:a.b.c.d") rather than
	 * being shown as IPv4, so a dual-stack socket is not mistaken for an
	 * AF_INET one.
	 */
	if (family == AF_INET)
		return put_ipv4(dst, addr);
	if (family == AF_INET6)
		return put_ipv6(dst, addr);
	*dst = '?';
	return dst + 1;
}

char *tl_fmt_addr(uint8_t family, const uint8_t addr[16], char *buf, size_t len)
{
	char tmp[TL_ADDR_LEN];
	size_t n = (size_t)(tl_put_addr(family, addr, tmp) - tmp);

	if (n >= len)
		snprintf(buf, len, "?");
	else
		memcpy(buf, tmp, n), buf[n] = '\0';
	return buf;
}

char *tl_fmt_endpoint(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf, size_t len)
{
	char a[TL_ADDR_LEN];

	tl_fmt_addr(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/*
 * Three significant digits in the largest unit that keeps the integer part
 * non-zero. Truncated rather than rounded, so 999.9us never becomes "1000us".
 */
static char *three_digits(char *p, uint64_t ns, uint64_t unit, const char *suffix)
{
	uint64_t whole = ns / unit, rest = ns % unit;

	p = tl_put_u64(p, whole);
	if (whole < 10) {
		*p++ = '.';
		p = tl_put_fixed(p, (uint32_t)(rest * 100 / unit), 2);
	} else if (whole < 100) {
		*p++ = '.';
		p = tl_put_u64(p, rest * 10 / unit);
	}
	return put_str(p, suffix);
}

char *tl_put_duration(char *p, uint64_t ns)
{
	const uint64_t us = 1000, ms = 1000 * us, s = 1000 * ms;
	uint64_t sec = ns / s;

	if (ns < us) {
		p = tl_put_u64(p, ns);
		*p++ = 'n';
		*p++ = 's';
		return p;
	}
	if (ns < ms)
		return three_digits(p, ns, us, "us");
	if (ns < s)
		return three_digits(p, ns, ms, "ms");
	if (sec < 60)
		return three_digits(p, ns, s, "s");
	if (sec < 3600) {
		p = tl_put_u64(p, sec / 60);
		*p++ = 'm';
		p = tl_put_fixed(p, (uint32_t)(sec % 60), 2);
		*p++ = 's';
		return p;
	}
	p = tl_put_u64(p, sec / 3600);
	*p++ = 'h';
	p = tl_put_fixed(p, (uint32_t)(sec % 3600 / 60), 2);
	*p++ = 'm';
	return p;
}

char *tl_fmt_duration(uint64_t ns, char *buf, size_t len)
{
	char tmp[TL_DURATION_LEN];

	*tl_put_duration(tmp, ns) = '\0';
	if (len)
		snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *tl_family_name(uint8_t family)
{
	return family == AF_INET6 ? "ipv6" : family == AF_INET ? "ipv4" : "unknown";
}

char *tl_put_safe(char *dst, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			*dst++ = (char)c;
		} else if (c == '\\') {
			*dst++ = '\\';
			*dst++ = '\\';
		} else {
			*dst++ = '\\';
			*dst++ = 'x';
			*dst++ = hex[c >> 4];
			*dst++ = hex[c & 0xf];
		}
	}
	return dst;
}

char *tl_fmt_safe(const char *s, size_t len, char *buf, size_t size)
{
	char one[4];
	size_t n = 0;

	if (!size)
		return buf;
	for (size_t i = 0; i < len && s[i]; i++) {
		size_t k = (size_t)(tl_put_safe(one, s + i, 1) - one);

		if (n + k >= size)
			break;
		memcpy(buf + n, one, k);
		n += k;
	}
	buf[n] = '\0';
	return buf;
}
