// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_json_writer.c - escaping, UTF-8 validation, nesting and numbers. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"
#include "user/output/json_writer.h"

/* A writer onto memory; done() closes it and returns what was written. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
	struct json_writer *jw;
};

static void open_capture(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	c->jw = c->f ? jw_new(c->f) : NULL;
}

static char *done(struct capture *c)
{
	jw_destroy(c->jw);
	fclose(c->f);
	return c->buf;
}

static const struct {
	const char *in;
	size_t len;
	const char *want;
} string_cases[] = {
/* clang-format off */
#define S(lit, want) { lit, sizeof(lit) - 1, want }
	/* clang-format on */
	S("", "\"\""),
	S("plain text", "\"plain text\""),
	S("a\"b\\c/d", "\"a\\\"b\\\\c/d\""),
	S("\x01\n\t\x1f", "\"\\u0001\\u000a\\u0009\\u001f\""),
	S("a\0b", "\"a\\u0000b\""),
	S("del\x7f", "\"del\x7f\""),
	S("caf\xc3\xa9", "\"caf\xc3\xa9\""), /* U+00E9 */
	S("\xe2\x82\xac", "\"\xe2\x82\xac\""), /* U+20AC */
	S("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""), /* U+1F600 */
	S("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""), /* U+10FFFF, the last */
	S("\xed\x9f\xbf", "\"\xed\x9f\xbf\""), /* U+D7FF, just below surrogates */
	S("\xc0\x80", "\"\\u00c0\\u0080\""), /* overlong NUL */
	S("\xc1\xbf", "\"\\u00c1\\u00bf\""), /* overlong 2-byte */
	S("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""), /* overlong 3-byte */
	S("\xf0\x8f\xbf\xbf", "\"\\u00f0\\u008f\\u00bf\\u00bf\""), /* overlong 4-byte */
	S("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""), /* surrogate U+D800 */
	S("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""), /* U+110000 */
	S("\xf5\x80", "\"\\u00f5\\u0080\""),
	S("\xff\xfe", "\"\\u00ff\\u00fe\""),
	S("\x80x", "\"\\u0080x\""), /* lone continuation byte */
	S("\xe2\x82", "\"\\u00e2\\u0082\""), /* cut short at the end */
	S("\xe2\x82"
	  "A\xc3\xa9",
	  "\"\\u00e2\\u0082A\xc3\xa9\""), /* cut short, then valid */
	S("\xf0\x9f\x98", "\"\\u00f0\\u009f\\u0098\""),
	S("\xc3", "\"\\u00c3\""),
#undef S
};

UNIT_TEST(json_writer_strings)
{
	for (size_t i = 0; i < sizeof(string_cases) / sizeof(string_cases[0]); i++) {
		struct capture c;
		char *out;

		open_capture(&c);
		CHECK(c.jw != NULL);
		jw_string_len(c.jw, string_cases[i].in, string_cases[i].len);
		out = done(&c);
		CHECK_STR(out, string_cases[i].want);
		CHECK(json_check(out, strlen(out), NULL));
		free(out);
	}
}

UNIT_TEST(json_writer_nesting)
{
	struct capture c;
	char *out;

	open_capture(&c);
	jw_start_object(c.jw);
	jw_uint_field(c.jw, "a", 1);
	jw_name(c.jw, "b");
	jw_start_array(c.jw);
	jw_uint(c.jw, 1);
	jw_string(c.jw, "x");
	jw_start_object(c.jw);
	jw_null_field(c.jw, "c");
	jw_end_object(c.jw);
	jw_start_array(c.jw);
	jw_end_array(c.jw);
	jw_end_array(c.jw);
	jw_name(c.jw, "d");
	jw_start_object(c.jw);
	jw_end_object(c.jw);
	jw_bool_field(c.jw, "t", true);
	jw_bool_field(c.jw, "f", false);
	jw_string_field(c.jw, "n", NULL);
	jw_string_field(c.jw, "q\"\n", "v");
	jw_end_object(c.jw);
	jw_end_line(c.jw);
	/* a second top-level value on its own line: no comma carried over */
	jw_start_array(c.jw);
	jw_int(c.jw, -1);
	jw_end_array(c.jw);
	jw_end_line(c.jw);
	out = done(&c);
	CHECK_STR(out, "{\"a\":1,\"b\":[1,\"x\",{\"c\":null},[]],\"d\":{},\"t\":true,\"f\":false,"
		       "\"n\":null,\"q\\\"\\u000a\":\"v\"}\n[-1]\n");
	CHECK_INT(json_check_lines(out, strlen(out)), 2);
	free(out);
}

UNIT_TEST(json_writer_numbers)
{
	struct capture c;
	char *out;

	open_capture(&c);
	jw_start_array(c.jw);
	jw_uint(c.jw, 0);
	jw_uint(c.jw, UINT64_MAX);
	jw_int(c.jw, 0);
	jw_int(c.jw, -42);
	jw_int(c.jw, INT64_MAX);
	jw_int(c.jw, INT64_MIN);
	jw_end_array(c.jw);
	jw_start_object(c.jw); /* a second value without end_line is still separated */
	jw_int_field(c.jw, "i", -7);
	jw_end_object(c.jw);
	out = done(&c);
	CHECK_STR(out, "[0,18446744073709551615,0,-42,9223372036854775807,-9223372036854775808]"
		       "{\"i\":-7}");
	free(out);
}

/* Deeper than the writer's initial stack: it grows, commas stay right. */
UNIT_TEST(json_writer_deep_nesting)
{
	struct capture c;
	char *out;
	int depth = 100;

	open_capture(&c);
	for (int i = 0; i < depth; i++) {
		jw_start_array(c.jw);
		jw_uint(c.jw, i);
	}
	for (int i = 0; i < depth; i++) {
		jw_uint(c.jw, i);
		jw_end_array(c.jw);
	}
	jw_end_line(c.jw);
	out = done(&c);
	CHECK_INT(json_check_lines(out, strlen(out)), 1);
	CHECK(strncmp(out, "[0,[1,[2,", 9) == 0);
	CHECK(strstr(out, "[99,0],1],2]") != NULL);
	free(out);
}

/* The validator must be able to say no, or the sink tests prove nothing. */
UNIT_TEST(json_check_rejects)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\":1,}",
		"[1,]",
		"[1 2]",
		"{\"a\" 1}",
		"{\"a\":1,\"a\":2}",
		"{1:2}",
		"01",
		"1.",
		"-",
		".5",
		"1e",
		"+1",
		"tru",
		"nul",
		"\"a",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\x01\"",
		"\"\xc0\x80\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"\"\x80\"",
		"1 2",
		"{}x",
		"'a'",
		"[\"a\"\"b\"]",
	};
	static const char *const good[] = {
		"0",
		"-0.5e+3",
		"[]",
		"{}",
		" {\"a\":[true,false,null]} ",
		"\"\\u00e9\\/\"",
		"1E9",
		"\"\xf4\x8f\xbf\xbf\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_check(bad[i], strlen(bad[i]), NULL))
			unit_fail(__FILE__, __LINE__, "accepted invalid JSON: %s", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!json_check(good[i], strlen(good[i]), NULL))
			unit_fail(__FILE__, __LINE__, "rejected valid JSON: %s", good[i]);
	CHECK(!json_check("\"a\0b\"", 5, NULL));
	CHECK_INT(json_check_lines("{}\n[]\n", 6), 2);
	CHECK_INT(json_check_lines("{}\n[", 4), -2);
	CHECK_INT(json_check_lines("{}", 2), -1);
}
