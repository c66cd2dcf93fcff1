// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * names.c - enum name tables from BTF. The kernel renumbers drop reasons in
 * almost every release and adds reset reasons and TCP states now and then, so
 * the running kernel's own BTF is the only table that is right for it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "kernel/names.h"

/* How one table is found in BTF and how its member names are shortened. */
struct enum_source {
	const char *type_name; /* the enum's name; NULL: the enum holding @anchor */
	const char *anchor; /* a member that identifies an anonymous enum */
	uint64_t anchor_value;
	const char *prefix; /* stripped from every member that has it */
	const char *alt_prefix; /* stripped from members without @prefix */
	const char *const *skip; /* names, after stripping, that are not values */
	const char *skip_prefix; /* likewise, every name starting with this */
};

static const char *const state_skip[] = { "MAX_STATES", NULL };
static const char *const max_skip[] = { "MAX", NULL };

static const struct enum_source sources[TL_NAMES_KINDS] = {
	/* enum { TCP_ESTABLISHED = 1, ... } has no name in include/net/tcp_states.h */
	[TL_NAMES_STATE] = { .anchor = "TCP_ESTABLISHED",
			     .anchor_value = 1,
			     .prefix = "TCP_",
			     .skip = state_skip },
	/* SKB_NOT_DROPPED_YET and SKB_CONSUMED lack the full prefix */
	[TL_NAMES_DROP] = { .type_name = "skb_drop_reason",
			    .prefix = "SKB_DROP_REASON_",
			    .alt_prefix = "SKB_",
			    .skip = max_skip,
			    .skip_prefix = "SUBSYS_" },
	[TL_NAMES_RESET] = { .type_name = "sk_rst_reason",
			     .prefix = "SK_RST_REASON_",
			     .skip = max_skip },
};

/* A generation no table has had: a cache keyed by it never mistakes one table state for another. */
static uint64_t new_gen(void)
{
	static uint64_t last;

	return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

void tl_names_init(struct tl_names *n)
{
	memset(n, 0, sizeof(*n));
	n->gen = new_gen();
}

int tl_names_set(struct tl_names *n, enum tl_name_kind kind, uint32_t value, const char *name)
{
	char *copy;

	if ((unsigned int)kind >= TL_NAMES_KINDS || value >= TL_NAMES_MAX)
		return -EINVAL;
	copy = strndup(name, TL_NAME_MAX_LEN);
	if (!copy)
		return -ENOMEM;
	free(n->names[kind][value]);
	n->names[kind][value] = copy;
	n->gen = new_gen();
	return 0;
}

const char *tl_names_get(const struct tl_names *n, enum tl_name_kind kind, uint32_t value)
{
	if ((unsigned int)kind >= TL_NAMES_KINDS || value >= TL_NAMES_MAX)
		return NULL;
	return n->names[kind][value];
}

void tl_names_free(struct tl_names *n)
{
	for (int k = 0; k < TL_NAMES_KINDS; k++)
		for (int v = 0; v < TL_NAMES_MAX; v++) {
			free(n->names[k][v]);
			n->names[k][v] = NULL;
		}
	n->gen = new_gen();
}

/* Member @i of an ENUM or ENUM64 type, whatever its width. */
static const char *member(const struct btf *btf, const struct btf_type *t, int i, int64_t *value)
{
	if (btf_is_enum64(t)) {
		const struct btf_enum64 *e = btf_enum64(t) + i;

		*value = (int64_t)btf_enum64_value(e);
		return btf__name_by_offset(btf, e->name_off);
	}
	*value = btf_kflag(t) ? (int64_t)btf_enum(t)[i].val : (int64_t)(uint32_t)btf_enum(t)[i].val;
	return btf__name_by_offset(btf, btf_enum(t)[i].name_off);
}

static bool is_source(const struct btf *btf, const struct btf_type *t,
		      const struct enum_source *src)
{
	int64_t v;

	if (src->type_name) {
		const char *name = btf__name_by_offset(btf, t->name_off);

		return name && strcmp(name, src->type_name) == 0;
	}
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = member(btf, t, i, &v);

		if (name && strcmp(name, src->anchor) == 0)
			return (uint64_t)v == src->anchor_value;
	}
	return false;
}

static bool skipped(const struct enum_source *src, const char *name)
{
	if (src->skip_prefix && strncmp(name, src->skip_prefix, strlen(src->skip_prefix)) == 0)
		return true;
	for (const char *const *s = src->skip; s && *s; s++)
		if (strcmp(name, *s) == 0)
			return true;
	return false;
}

static const char *strip(const char *name, const char *prefix)
{
	size_t len = prefix ? strlen(prefix) : 0;

	return len && strncmp(name, prefix, len) == 0 ? name + len : NULL;
}

/*
 * Aliases (two names, one value) keep the first name, the one the kernel
 * declares as the value; @seen remembers which values this load has set.
 */
static int load_enum(struct tl_names *n, enum tl_name_kind kind, const struct btf *btf,
		     const struct btf_type *t, bool *seen)
{
	const struct enum_source *src = &sources[kind];

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name, *short_name;
		int64_t v;
		int err;

		name = member(btf, t, i, &v);
		if (!name || v < 0 || v >= TL_NAMES_MAX || seen[v])
			continue;
		short_name = strip(name, src->prefix);
		if (!short_name)
			short_name = strip(name, src->alt_prefix);
		if (!short_name)
			short_name = name;
		if (!*short_name || skipped(src, short_name))
			continue;
		err = tl_names_set(n, kind, (uint32_t)v, short_name);
		if (err)
			return err;
		seen[v] = true;
	}
	return 0;
}

int tl_names_load_btf(struct tl_names *n, const struct btf *btf)
{
	bool found[TL_NAMES_KINDS] = { false };
	bool *seen;
	__u32 cnt = btf__type_cnt(btf);
	int err = 0;

	seen = calloc(TL_NAMES_KINDS * TL_NAMES_MAX, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (__u32 id = 1; id < cnt && !err; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
			continue;
		for (int k = 0; k < TL_NAMES_KINDS && !err; k++) {
			/* BTF may hold the same enum twice (modules, no dedup): first wins */
			if (found[k] || !is_source(btf, t, &sources[k]))
				continue;
			found[k] = true;
			err = load_enum(n, k, btf, t, seen + k * TL_NAMES_MAX);
		}
	}
	free(seen);
	return err;
}
