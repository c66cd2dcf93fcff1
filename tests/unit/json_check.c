// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * json_check.c - a recursive-descent JSON validator, deliberately written
 * apart from json_writer.c so the two cannot share a mistake.
 */
#include <string.h>

#include "tests/unit/json_check.h"

#define MAX_DEPTH 128
#define MAX_MEMBERS 64

struct parser {
	const unsigned char *p, *end;
	int depth;
};

static bool value(struct parser *ps);

static void ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool lit(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One UTF-8 character, RFC 3629 section 4. */
static bool utf8(struct parser *ps)
{
	const unsigned char *p = ps->p;
	size_t left = ps->end - p, n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return false;
	if (p[0] == 0xe0)
		lo = 0xa0;
	if (p[0] == 0xed)
		hi = 0x9f;
	if (p[0] == 0xf0)
		lo = 0x90;
	if (p[0] == 0xf4)
		hi = 0x8f;
	if (left < n || p[1] < lo || p[1] > hi)
		return false;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return false;
	ps->p += n;
	return true;
}

/* A string; its raw bytes are returned in @start/@len for duplicate checks. */
static bool string(struct parser *ps, const unsigned char **start, size_t *len)
{
	if (ps->p >= ps->end || *ps->p != '"')
		return false;
	*start = ++ps->p;
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = *ps->p;

		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			if (!utf8(ps))
				return false;
			continue;
		}
		ps->p++;
		if (c != '\\')
			continue;
		if (ps->p >= ps->end)
			return false;
		c = *ps->p++;
		if (c == 'u') {
			if (ps->end - ps->p < 4)
				return false;
			for (int i = 0; i < 4; i++)
				if (!is_hex(*ps->p++))
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return false;
		}
	}
	if (ps->p >= ps->end)
		return false;
	*len = ps->p - *start;
	ps->p++;
	return true;
}

static bool digits(struct parser *ps)
{
	const unsigned char *s = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > s;
}

static bool number(struct parser *ps)
{
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (ps->p >= ps->end || *ps->p < '1' || *ps->p > '9' || !digits(ps))
		return false;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!digits(ps))
			return false;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!digits(ps))
			return false;
	}
	return true;
}

static bool object(struct parser *ps)
{
	const unsigned char *names[MAX_MEMBERS];
	size_t lens[MAX_MEMBERS];
	int n = 0;

	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return true;
	}
	for (;;) {
		ws(ps);
		if (n == MAX_MEMBERS || !string(ps, &names[n], &lens[n]))
			return false;
		for (int i = 0; i < n; i++)
			if (lens[i] == lens[n] && !memcmp(names[i], names[n], lens[n]))
				return false;
		n++;
		ws(ps);
		if (ps->p >= ps->end || *ps->p++ != ':' || !value(ps))
			return false;
		ws(ps);
		if (ps->p >= ps->end)
			return false;
		if (*ps->p == '}') {
			ps->p++;
			return true;
		}
		if (*ps->p++ != ',')
			return false;
	}
}

static bool array(struct parser *ps)
{
	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return true;
	}
	for (;;) {
		if (!value(ps))
			return false;
		ws(ps);
		if (ps->p >= ps->end)
			return false;
		if (*ps->p == ']') {
			ps->p++;
			return true;
		}
		if (*ps->p++ != ',')
			return false;
	}
}

static bool value(struct parser *ps)
{
	const unsigned char *s;
	size_t n;
	bool ok;

	ws(ps);
	if (ps->p >= ps->end)
		return false;
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > MAX_DEPTH)
			return false;
		ok = *ps->p == '{' ? object(ps) : array(ps);
		ps->depth--;
		return ok;
	case '"':
		return string(ps, &s, &n);
	case 't':
		return lit(ps, "true");
	case 'f':
		return lit(ps, "false");
	case 'n':
		return lit(ps, "null");
	default:
		return number(ps);
	}
}

bool json_check(const char *s, size_t len, size_t *err_at)
{
	struct parser ps = { (const unsigned char *)s, (const unsigned char *)s + len, 0 };
	bool ok = value(&ps);

	ws(&ps);
	ok = ok && ps.p == ps.end;
	if (!ok && err_at)
		*err_at = (const char *)ps.p - s;
	return ok;
}

int json_check_lines(const char *s, size_t len)
{
	int line = 0;

	while (len) {
		const char *nl = memchr(s, '\n', len);

		if (!nl || !json_check(s, nl - s, NULL))
			return -1 - line;
		len -= nl + 1 - s;
		s = nl + 1;
		line++;
	}
	return line;
}
