/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * name_cache.h - every name of a struct tl_names rendered once for one output
 * format (JSON: quoted and escaped; text: made terminal-safe), so a sink
 * copies a ready string per state or reason instead of measuring and
 * escaping it for every event. Values without a name render as their number.
 *
 * The cache follows its table: when the table's generation (names.h) moves,
 * the next lookup renders everything again.
 */
#ifndef TL_NAME_CACHE_H
#define TL_NAME_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/names.h"

/* How one format renders names and unnamed values. */
struct tl_name_style {
	/* bytes a name of n bytes may render to: per_byte * n + extra */
	size_t per_byte, extra;
	/* @name (@len bytes) into @dst, which holds per_byte * len + extra. Return: the end. */
	char *(*name)(char *dst, const char *name, size_t len);
	/* an unnamed @value into @dst, which holds extra bytes. Return: the end. */
	char *(*number)(char *dst, uint32_t value);
};

/* The longest rendering of any value, named or not, for a style. */
#define TL_NAME_CACHE_MAX(per_byte, extra) ((per_byte)*TL_NAME_MAX_LEN + (extra))

struct tl_name_cache;

/** tl_name_cache_new() - @names and @style must outlive it. Return: NULL on ENOMEM. */
struct tl_name_cache *tl_name_cache_new(const struct tl_names *names,
					const struct tl_name_style *style);
void tl_name_cache_free(struct tl_name_cache *c);

/**
 * tl_name_cache_get() - @value of @kind rendered; *@len its length. The
 * string is not NUL-terminated; it stays valid until the next call.
 */
const char *tl_name_cache_get(struct tl_name_cache *c, enum tl_name_kind kind, uint32_t value,
			      size_t *len);

#endif
