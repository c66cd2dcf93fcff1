// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* name_cache.c - see name_cache.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/name_cache.h"

#define UNNAMED UINT32_MAX

struct entry {
	uint32_t off, len; /* in the arena; len UNNAMED: render the number */
};

struct tl_name_cache {
	const struct tl_names *names;
	const struct tl_name_style *style;
	bool built; /* the arena matches the table's generation gen */
	uint64_t gen;
	char *arena;
	struct entry e[TL_NAMES_KINDS][TL_NAMES_MAX];
	char scratch[]; /* one rendering: TL_NAME_CACHE_MAX of the style */
};

struct tl_name_cache *tl_name_cache_new(const struct tl_names *names,
					const struct tl_name_style *style)
{
	size_t scratch = TL_NAME_CACHE_MAX(style->per_byte, style->extra);
	struct tl_name_cache *c = calloc(1, sizeof(*c) + scratch);

	if (!c)
		return NULL;
	c->names = names;
	c->style = style;
	return c;
}

void tl_name_cache_free(struct tl_name_cache *c)
{
	if (!c)
		return;
	free(c->arena);
	free(c);
}

static size_t name_len(const char *name)
{
	return strnlen(name, TL_NAME_MAX_LEN);
}

/* Every name of the table, rendered into one arena. False on ENOMEM. */
static bool build(struct tl_name_cache *c)
{
	const struct tl_name_style *st = c->style;
	size_t size = 0, off = 0;
	char *arena;

	for (int k = 0; k < TL_NAMES_KINDS; k++)
		for (int v = 0; v < TL_NAMES_MAX; v++)
			if (c->names->names[k][v])
				size += st->per_byte * name_len(c->names->names[k][v]) + st->extra;
	arena = malloc(size ? size : 1);
	if (!arena)
		return false;
	for (int k = 0; k < TL_NAMES_KINDS; k++)
		for (int v = 0; v < TL_NAMES_MAX; v++) {
			const char *name = c->names->names[k][v];
			char *end;

			if (!name) {
				c->e[k][v] = (struct entry){ 0, UNNAMED };
				continue;
			}
			end = st->name(arena + off, name, name_len(name));
			c->e[k][v] =
				(struct entry){ (uint32_t)off, (uint32_t)(end - (arena + off)) };
			off = (size_t)(end - arena);
		}
	free(c->arena);
	c->arena = arena;
	c->gen = c->names->gen;
	c->built = true;
	return true;
}

const char *tl_name_cache_get(struct tl_name_cache *c, enum tl_name_kind kind, uint32_t value,
			      size_t *len)
{
	const char *name;
	char *end;

	if ((unsigned int)kind >= TL_NAMES_KINDS || value >= TL_NAMES_MAX) {
		end = c->style->number(c->scratch, value);
		*len = (size_t)(end - c->scratch);
		return c->scratch;
	}
	if ((c->built && c->gen == c->names->gen) || build(c)) {
		const struct entry *e = &c->e[kind][value];

		if (e->len != UNNAMED) {
			*len = e->len;
			return c->arena + e->off;
		}
		end = c->style->number(c->scratch, value);
	} else {
		/* no memory for the arena: render this one only */
		name = c->names->names[kind][value];
		end = name ? c->style->name(c->scratch, name, name_len(name)) :
			     c->style->number(c->scratch, value);
	}
	*len = (size_t)(end - c->scratch);
	return c->scratch;
}
