// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_name_cache.c - rendered names follow their table: a name set, replaced
 * or freed after the first lookup shows at the next one, through the cache
 * and through the sinks that use it; long names are cut as recordings cut them.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/unit.h"
#include "user/output/name_cache.h"
#include "user/output/sink.h"
#include "user/output/sink_json.h"
#include "user/output/sink_text.h"

static char *upper_name(char *dst, const char *name, size_t len)
{
	*dst++ = '<';
	memcpy(dst, name, len);
	dst += len;
	*dst++ = '>';
	return dst;
}

static char *number(char *dst, uint32_t value)
{
	return dst + sprintf(dst, "#%u", value);
}

static const struct tl_name_style style = { 1, 24, upper_name, number };

static void check_get(struct tl_name_cache *c, enum tl_name_kind k, uint32_t v, const char *want,
		      int line)
{
	size_t len;
	const char *got = tl_name_cache_get(c, k, v, &len);

	if (len != strlen(want) || memcmp(got, want, len))
		unit_fail(__FILE__, line, "kind %d value %u: got %.*s want %s", k, v, (int)len, got,
			  want);
}

#define GET(c, k, v, want) check_get((c), (k), (v), (want), __LINE__)

UNIT_TEST(name_cache_follows_its_table)
{
	struct tl_names n;
	struct tl_name_cache *c;
	char long_name[400];

	tl_names_init(&n);
	c = tl_name_cache_new(&n, &style);
	CHECK(c != NULL);
	GET(c, TL_NAMES_STATE, 1, "#1");
	tl_names_set(&n, TL_NAMES_STATE, 1, "ESTABLISHED");
	GET(c, TL_NAMES_STATE, 1, "<ESTABLISHED>");
	GET(c, TL_NAMES_STATE, 2, "#2");
	tl_names_set(&n, TL_NAMES_STATE, 1, "EST");
	GET(c, TL_NAMES_STATE, 1, "<EST>");
	tl_names_set(&n, TL_NAMES_DROP, TL_NAMES_MAX - 1, "LAST");
	GET(c, TL_NAMES_DROP, TL_NAMES_MAX - 1, "<LAST>");
	GET(c, TL_NAMES_DROP, TL_NAMES_MAX, "#1024");
	GET(c, TL_NAMES_RESET, UINT32_MAX, "#4294967295");
	GET(c, TL_NAMES_KINDS, 1, "#1");
	tl_names_set(&n, TL_NAMES_RESET, 0, ""); /* an empty name is a name */
	GET(c, TL_NAMES_RESET, 0, "<>");
	tl_names_free(&n);
	GET(c, TL_NAMES_STATE, 1, "#1");
	GET(c, TL_NAMES_DROP, TL_NAMES_MAX - 1, "#1023");
	/* a table emptied and refilled, the same pointers possibly reused */
	tl_names_init(&n);
	tl_names_set(&n, TL_NAMES_STATE, 1, "AGAIN");
	GET(c, TL_NAMES_STATE, 1, "<AGAIN>");
	/* names are cut at TL_NAME_MAX_LEN bytes, as a recording stores them */
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	tl_names_set(&n, TL_NAMES_DROP, 5, long_name);
	CHECK_INT(strlen(tl_names_get(&n, TL_NAMES_DROP, 5)), TL_NAME_MAX_LEN);
	{
		size_t len;

		tl_name_cache_get(c, TL_NAMES_DROP, 5, &len);
		CHECK_INT(len, TL_NAME_MAX_LEN + 2);
	}
	tl_name_cache_free(c);
	tl_names_free(&n);
}

/* The sinks render names through their caches: a name changed later shows. */
UNIT_TEST(name_cache_in_sinks_follows_changes)
{
	struct tl_event ev = { .type = TL_EV_STATE,
			       .family = AF_INET,
			       .old_state = 2,
			       .new_state = 1,
			       .dwell_ns = TL_DWELL_UNKNOWN };
	struct tl_clock clock = { 0 };
	struct tl_names n;

	for (int json = 0; json <= 1; json++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct tl_sink *s;

		tl_names_init(&n);
		s = json ? tl_sink_json_new(f, &n, &clock) : tl_sink_text_new(f, &n, &clock);
		CHECK(s != NULL);
		tl_sink_event(s, &ev);
		tl_names_set(&n, TL_NAMES_STATE, 1, "ESTABLISHED");
		tl_names_set(&n, TL_NAMES_STATE, 2, "SYN\x1b");
		tl_sink_event(s, &ev);
		tl_names_free(&n);
		tl_sink_event(s, &ev);
		tl_sink_destroy(s);
		fclose(f);
		if (json) {
			CHECK(strstr(buf, "\"old\":\"2\",\"new\":\"1\"") != NULL);
			CHECK(strstr(buf, "\"old\":\"SYN\\u001b\",\"new\":\"ESTABLISHED\"") !=
			      NULL);
			CHECK(strstr(strstr(buf, "ESTABLISHED"), "\"old\":\"2\",\"new\":\"1\"") !=
			      NULL);
		} else {
			CHECK(strstr(buf, " 2 -> 1\n") != NULL);
			CHECK(strstr(buf, " SYN\\x1b -> ESTABLISHED\n") != NULL);
			CHECK(strstr(strstr(buf, "ESTABLISHED"), " 2 -> 1\n") != NULL);
		}
		free(buf);
	}
}

/* Lines are gathered, and all reach the stream at a flush or at the end. */
UNIT_TEST(sink_lines_reach_the_stream_at_flush)
{
	struct tl_event ev = { .type = TL_EV_STATE,
			       .family = AF_INET,
			       .old_state = 2,
			       .new_state = 1,
			       .dwell_ns = 5 };
	struct tl_clock clock = { 0 };
	struct tl_names n;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tl_sink *s;
	size_t one;

	tl_names_init(&n);
	s = tl_sink_json_new(f, &n, &clock);
	tl_sink_event(s, &ev);
	tl_sink_flush(s);
	fflush(f);
	one = len;
	CHECK(one > 0 && buf[one - 1] == '\n');
	/* more than the buffer holds: complete lines, in order, nothing lost */
	for (int i = 0; i < 5000; i++)
		tl_sink_event(s, &ev);
	tl_sink_destroy(s);
	fclose(f);
	CHECK_INT(len, one * 5001);
	for (size_t i = 0; i < 5001 && len == one * 5001; i++)
		CHECK(!memcmp(buf + i * one, buf, one));
	free(buf);
	tl_names_free(&n);
}
