// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_format.c - addresses, endpoints and durations. */
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
