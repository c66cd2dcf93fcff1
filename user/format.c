// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* format.c - addresses and durations for people. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"

/* IPv4 by hand: inet_ntop() goes through sprintf, a cost on every event. */
static char *fmt_ipv4(const uint8_t a[4], char *buf, size_t len)
{
	char tmp[16], *p = tmp;

	for (int i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	if ((size_t)(p - tmp) > len)
		snprintf(buf, len, "?");
	else
		memcpy(buf, tmp, (size_t)(p - tmp));
	return buf;
}

char *tl_fmt_addr(uint8_t family, const uint8_t addr[16], char *buf, size_t len)
{
	if (family == AF_INET)
		return fmt_ipv4(addr, buf, len);
	/*
	 * glibc's inet_ntop() already prints IPv4-mapped IPv6 addresses as
	 * "::ffff:a.b.c.d"; they stay IPv6 rather than being shown as IPv4,
	 * so a dual-stack socket is not mistaken for an AF_INET one.
	 */
	if ((family != AF_INET && family != AF_INET6) || !inet_ntop(family, addr, buf, len))
		snprintf(buf, len, "?");
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

/*
 * Three significant digits in the largest unit that keeps the integer part
 * non-zero. Truncated rather than rounded, so 999.9us never becomes "1000us".
 */
static void three_digits(uint64_t ns, uint64_t unit, const char *suffix, char *buf, size_t len)
{
	uint64_t whole = ns / unit, rest = ns % unit;

	if (whole < 10)
		snprintf(buf, len, "%llu.%02llu%s", (unsigned long long)whole,
			 (unsigned long long)(rest * 100 / unit), suffix);
	else if (whole < 100)
		snprintf(buf, len, "%llu.%llu%s", (unsigned long long)whole,
			 (unsigned long long)(rest * 10 / unit), suffix);
	else
		snprintf(buf, len, "%llu%s", (unsigned long long)whole, suffix);
}

char *tl_fmt_duration(uint64_t ns, char *buf, size_t len)
{
	const uint64_t us = 1000, ms = 1000 * us, s = 1000 * ms;
	uint64_t sec = ns / s;

	if (ns < us)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < ms)
		three_digits(ns, us, "us", buf, len);
	else if (ns < s)
		three_digits(ns, ms, "ms", buf, len);
	else if (sec < 60)
		three_digits(ns, s, "s", buf, len);
	else if (sec < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(sec / 60),
			 (unsigned long long)(sec % 60));
	else
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(sec / 3600),
			 (unsigned long long)(sec % 3600 / 60));
	return buf;
}
