// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_format.c - addresses, endpoints, durations and terminal-safe names
 * (output/format.h); the hand-written per-event forms against inet_ntop() and
 * the snprintf() formulas they replace.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/unit.h"
#include "user/output/format.h"

static const struct {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
	const char *addr_text;
	const char *endpoint;
} addr_cases[] = {
	{ AF_INET, { 10, 0, 0, 1 }, 80, "10.0.0.1", "10.0.0.1:80" },
	{ AF_INET, { 255, 255, 255, 255 }, 65535, "255.255.255.255", "255.255.255.255:65535" },
	{ AF_INET, { 0, 0, 0, 0 }, 0, "0.0.0.0", "0.0.0.0:0" },
	{ AF_INET, { 100, 99, 9, 109 }, 1, "100.99.9.109", "100.99.9.109:1" },
	{ AF_INET6, { [15] = 1 }, 443, "::1", "[::1]:443" },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 0, "2001:db8::1", "[2001:db8::1]:0" },
	{ AF_INET6,
	  { [10] = 0xff, [11] = 0xff, 192, 168, 1, 2 },
	  8080,
	  "::ffff:192.168.1.2",
	  "[::ffff:192.168.1.2]:8080" },
	{ 0, { 1, 2, 3, 4 }, 1, "?", "?:1" },
	{ 99, { 1 }, 2, "?", "?:2" },
};

UNIT_TEST(format_addresses)
{
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		char a[TL_ADDR_LEN], e[TL_ENDPOINT_LEN];

		CHECK_STR(tl_fmt_addr(addr_cases[i].family, addr_cases[i].addr, a, sizeof(a)),
			  addr_cases[i].addr_text);
		CHECK_STR(tl_fmt_endpoint(addr_cases[i].family, addr_cases[i].addr,
					  addr_cases[i].port, e, sizeof(e)),
			  addr_cases[i].endpoint);
	}
}

UNIT_TEST(format_address_small_buffer)
{
	uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char small[4] = "xxx";

	/* too small for the text: never an overflow, still a terminated string */
	CHECK_STR(tl_fmt_addr(AF_INET6, addr, small, sizeof(small)), "?");
}

static const struct {
	uint64_t ns;
	const char *want;
} duration_cases[] = {
	{ 0, "0ns" },
	{ 850, "850ns" },
	{ 999, "999ns" },
	{ 1000, "1.00us" },
	{ 12345, "12.3us" },
	{ 45000, "45.0us" },
	{ 123456, "123us" },
	{ 999999, "999us" },
	{ 1000000, "1.00ms" },
	{ 4567890, "4.56ms" },
	{ 999999999, "999ms" },
	{ 1230000000, "1.23s" },
	{ 12345678901ULL, "12.3s" },
	{ 59999999999ULL, "59.9s" },
	{ 60000000000ULL, "1m00s" },
	{ 123000000000ULL, "2m03s" },
	{ 3599999999999ULL, "59m59s" },
	{ 3600000000000ULL, "1h00m" },
	{ 3720000000000ULL, "1h02m" },
	{ UINT64_MAX, "5124095h34m" },
};

UNIT_TEST(format_durations)
{
	for (size_t i = 0; i < sizeof(duration_cases) / sizeof(duration_cases[0]); i++) {
		char buf[TL_DURATION_LEN];

		CHECK_STR(tl_fmt_duration(duration_cases[i].ns, buf, sizeof(buf)),
			  duration_cases[i].want);
	}
}

/* One rule for text from outside: nothing a terminal acts on gets through raw. */
UNIT_TEST(format_safe_escapes_what_a_terminal_acts_on)
{
	static const char hostile[] = "a\x1b[2J\x1b]52;c;eA==\x07\r\x7f\x9b\xff\xe2\x80\xae\\z";
	char buf[TL_SAFE_LEN(sizeof(hostile))], small[8];

	CHECK_STR(tl_fmt_safe(hostile, sizeof(hostile), buf, sizeof(buf)),
		  "a\\x1b[2J\\x1b]52;c;eA==\\x07\\x0d\\x7f\\x9b\\xff\\xe2\\x80\\xae\\\\z");
	for (const char *p = buf; *p; p++)
		CHECK(*p >= 0x20 && *p < 0x7f);
	/* cut at a whole escape, never inside one */
	CHECK_STR(tl_fmt_safe(hostile, sizeof(hostile), small, sizeof(small)), "a\\x1b[2");
	/* stops at the NUL or at the length */
	CHECK_STR(tl_fmt_safe("nginx\0rest", 10, small, sizeof(small)), "nginx");
	CHECK_STR(tl_fmt_safe("nginx", 3, small, sizeof(small)), "ngi");
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
