// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * json_writer.c - streaming JSON onto a stdio stream.
 *
 * The writer sits on the hot path of --json (one object per event, hundreds of
 * thousands per second), so it allocates only when it is created or when the
 * nesting gets deeper than ever before, and gathers each top-level value in a
 * buffer of its own, handed to stdio in one call when the value is complete
 * (stdio's per-call cost was most of the writer's). A sink has its stream to
 * itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fwrite_unlocked */
#endif
#include <stdlib.h>
#include <string.h>

#include "output/digits.h"
#include "output/json_fmt.h"
#include "output/json_writer.h"

#define JW_INITIAL_DEPTH 16
#define JW_BUF 8192

struct json_writer {
	FILE *f;
	/* members[d]: the container at depth d (1-based) already holds a value */
	bool *members;
	size_t cap;
	size_t depth;
	/* levels opened beyond cap after a failed realloc, sharing members[cap] */
	size_t overflow;
	/* a member name was just written: its value takes no comma */
	bool after_name;
	size_t len; /* bytes in buf, not yet given to f */
	char buf[JW_BUF];
};

struct json_writer *jw_new(FILE *f)
{
	struct json_writer *jw = calloc(1, sizeof(*jw));

	if (!jw)
		return NULL;
	jw->members = calloc(JW_INITIAL_DEPTH + 1, sizeof(*jw->members));
	if (!jw->members) {
		free(jw);
		return NULL;
	}
	jw->cap = JW_INITIAL_DEPTH;
	jw->f = f;
	return jw;
}

static void flush(struct json_writer *jw)
{
	if (jw->len)
		fwrite_unlocked(jw->buf, 1, jw->len, jw->f);
	jw->len = 0;
}

/* A top-level value is complete: the stream gets it whole. */
static void settle(struct json_writer *jw)
{
	if (!jw->depth && !jw->overflow)
		flush(jw);
}

void jw_destroy(struct json_writer *jw)
{
	if (!jw)
		return;
	flush(jw);
	free(jw->members);
	free(jw);
}

static void put(struct json_writer *jw, char c)
{
	if (jw->len == JW_BUF)
		flush(jw);
	jw->buf[jw->len++] = c;
}

static void put_mem(struct json_writer *jw, const char *s, size_t len)
{
	if (jw->len + len > JW_BUF) {
		flush(jw);
		if (len > JW_BUF) {
			fwrite_unlocked(s, 1, len, jw->f);
			return;
		}
	}
	memcpy(jw->buf + jw->len, s, len);
	jw->len += len;
}

/* Separate this value from the previous one in its container. */
static void before_value(struct json_writer *jw)
{
	if (jw->after_name) {
		jw->after_name = false;
		return;
	}
	if (jw->depth) {
		if (jw->members[jw->depth])
			put(jw, ',');
		jw->members[jw->depth] = true;
	}
}

/* Runs of bytes that need no escaping are copied whole. */
static void put_escaped(struct json_writer *jw, const char *s, size_t len)
{
	char esc[6];
	size_t n;

	put(jw, '"');
	while (len) {
		n = jt_clean_len(s, len);
		put_mem(jw, s, n);
		if (n == len)
			break;
		put_mem(jw, esc, (size_t)(jt_escape_byte(esc, (unsigned char)s[n]) - esc));
		s += n + 1;
		len -= n + 1;
	}
	put(jw, '"');
}

static void start(struct json_writer *jw, char c)
{
	before_value(jw);
	put(jw, c);
	if (jw->depth == jw->cap && !jw->overflow) {
		/* Only when nesting is deeper than ever before. */
		bool *m = realloc(jw->members, (jw->cap * 2 + 1) * sizeof(*m));

		if (m) {
			jw->members = m;
			jw->cap *= 2;
		}
	}
	if (jw->depth == jw->cap) {
		/* Out of memory: the new level borrows the deepest slot. The output
		 * stays valid because, once the level closes, its parent holds at
		 * least that container, which is all the slot has to remember. */
		jw->overflow++;
		jw->members[jw->depth] = false;
		return;
	}
	jw->members[++jw->depth] = false;
}

static void end(struct json_writer *jw, char c)
{
	put(jw, c);
	if (jw->overflow) {
		jw->overflow--;
		jw->members[jw->depth] = true;
	} else if (jw->depth) {
		jw->depth--;
	}
	settle(jw);
}

void jw_start_object(struct json_writer *jw)
{
	start(jw, '{');
}

void jw_end_object(struct json_writer *jw)
{
	end(jw, '}');
}

void jw_start_array(struct json_writer *jw)
{
	start(jw, '[');
}

void jw_end_array(struct json_writer *jw)
{
	end(jw, ']');
}

void jw_name(struct json_writer *jw, const char *name)
{
	before_value(jw);
	put_escaped(jw, name, strlen(name));
	put(jw, ':');
	jw->after_name = true;
}

void jw_string_len(struct json_writer *jw, const char *s, size_t len)
{
	if (!s) {
		jw_null(jw);
		return;
	}
	before_value(jw);
	put_escaped(jw, s, len);
	settle(jw);
}

void jw_string(struct json_writer *jw, const char *s)
{
	jw_string_len(jw, s, s ? strlen(s) : 0);
}

static void put_u64(struct json_writer *jw, uint64_t v, bool neg)
{
	char buf[TL_INT_MAX_LEN + 1];
	char *p = buf;

	if (neg)
		*p++ = '-';
	put_mem(jw, buf, (size_t)(tl_put_u64(p, v) - buf));
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	before_value(jw);
	put_u64(jw, v, false);
	settle(jw);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	before_value(jw);
	/* negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t */
	if (v < 0)
		put_u64(jw, 0 - (uint64_t)v, true);
	else
		put_u64(jw, (uint64_t)v, false);
	settle(jw);
}

void jw_bool(struct json_writer *jw, bool v)
{
	before_value(jw);
	if (v)
		put_mem(jw, "true", 4);
	else
		put_mem(jw, "false", 5);
	settle(jw);
}

void jw_null(struct json_writer *jw)
{
	before_value(jw);
	put_mem(jw, "null", 4);
	settle(jw);
}

void jw_end_line(struct json_writer *jw)
{
	put(jw, '\n');
	jw->depth = 0;
	jw->overflow = 0;
	jw->after_name = false;
	flush(jw);
}

void jw_string_field(struct json_writer *jw, const char *name, const char *s)
{
	jw_name(jw, name);
	jw_string(jw, s);
}

void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v)
{
	jw_name(jw, name);
	jw_uint(jw, v);
}

void jw_int_field(struct json_writer *jw, const char *name, int64_t v)
{
	jw_name(jw, name);
	jw_int(jw, v);
}

void jw_bool_field(struct json_writer *jw, const char *name, bool v)
{
	jw_name(jw, name);
	jw_bool(jw, v);
}

void jw_null_field(struct json_writer *jw, const char *name)
{
	jw_name(jw, name);
	jw_null(jw);
}
