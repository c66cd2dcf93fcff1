// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tw_pack.c - a connection in a few bytes (see tw_pack.h).
 *
 * The packed part is struct tl_conn from its second cache line on. Its
 * boot-time fields become distances from the hand-over (zigzag, + 1, so
 * that an unset 0 stays 0), the lifeline's cookie is XORed with the key:
 * most of their bytes are then zero. Then tokens: a byte whose high nibble
 * is L and low nibble Z stands for the L bytes that follow it, then Z zero
 * bytes; zeros at the end are left out.
 */
#include <stddef.h>
#include <string.h>

#include "core/tw_pack.h"

#define PACK_FROM offsetof(struct tl_conn, enter_ns)
#define PACK_LEN (sizeof(struct tl_conn) - PACK_FROM)
#define RUN_MAX 15

/* A boot time as its distance from @base; 0 (unset) stays 0. */
static uint64_t rel(uint64_t t, uint64_t base)
{
	int64_t d = (int64_t)(t - base);

	return t ? (((uint64_t)d << 1) ^ (uint64_t)(d >> 63)) + 1 : 0;
}

static uint64_t unrel(uint64_t v, uint64_t base)
{
	uint64_t z = v - 1;

	return v ? base + ((z >> 1) ^ (0 - (z & 1))) : 0;
}

static void relate(struct tl_conn *x, uint64_t key, uint64_t due, bool to_rel)
{
	uint64_t *times[] = { &x->enter_ns, &x->last_ts, &x->l.start_ns, &x->l.end_ns };

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		*times[i] = to_rel ? rel(*times[i], due) : unrel(*times[i], due);
	x->l.cookie ^= key;
}

size_t tl_tw_pack(const struct tl_conn *c, uint8_t *out)
{
	struct tl_conn x = *c;
	const uint8_t *p = (const uint8_t *)&x + PACK_FROM;
	size_t i = 0, o = 0, end = PACK_LEN;

	x.due_ns = 0; /* kept beside */
	relate(&x, c->cookie, c->due_ns, true);
	while (end && !p[end - 1])
		end--;
	while (i < end) {
		size_t lit = 0, z = 0;

		while (i + lit < end && lit < RUN_MAX && p[i + lit])
			lit++;
		while (i + lit + z < end && z < RUN_MAX && !p[i + lit + z])
			z++;
		out[o++] = (uint8_t)(lit << 4 | z);
		memcpy(out + o, p + i, lit);
		o += lit;
		i += lit + z;
	}
	return o;
}

int tl_tw_unpack(const uint8_t *in, size_t len, uint64_t key, uint64_t due_ns, struct tl_conn *c)
{
	uint8_t *p = (uint8_t *)c + PACK_FROM;
	size_t i = 0, o = 0;

	memset(c, 0, sizeof(*c));
	while (i < len) {
		size_t lit = in[i] >> 4, z = in[i] & 15;

		i++;
		if (o + lit + z > PACK_LEN || i + lit > len)
			return -1;
		memcpy(p + o, in + i, lit);
		i += lit;
		o += lit + z; /* the zeros are there already */
	}
	c->cookie = key;
	c->due_ns = due_ns;
	relate(c, key, due_ns, false);
	return 0;
}
