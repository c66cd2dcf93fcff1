// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_log.c - diagnostics: one prefixed line each on stderr, long ones cut (cli/log.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/log.h"
#include "tests/unit/unit.h"

/* Run @fn with stderr going to a file; its text into @out. */
static void capture(void (*fn)(void), char *out, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
}

static void say_err(void)
{
	tl_err("bad %s: %d", "thing", 42);
}

static void say_warn(void)
{
	tl_warn("%s", "careful");
}

static void say_info(void)
{
	tl_info("tracing %u%%", 100u);
}

static void say_long(void)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tl_err("%s", big);
}

static const struct log_case {
	void (*fn)(void);
	const char *want;
} log_cases[] = {
	{ say_err, "tcpline: error: bad thing: 42\n" },
	{ say_warn, "tcpline: warning: careful\n" },
	{ say_info, "tcpline: tracing 100%\n" },
};

UNIT_TEST(log_lines_table)
{
	char out[4096];

	for (size_t i = 0; i < sizeof(log_cases) / sizeof(log_cases[0]); i++) {
		capture(log_cases[i].fn, out, sizeof(out));
		CHECK_STR(out, log_cases[i].want);
	}
}

UNIT_TEST(log_long_message_is_one_cut_line)
{
	char out[4096];

	capture(say_long, out, sizeof(out));
	CHECK(!strncmp(out, "tcpline: error: xxx", 19));
	CHECK_INT(strlen(out), strlen("tcpline: error: ") + 1023 + 1);
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
}
