// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tw_table.c - the compact TIME_WAIT store (see tw_table.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/tw_pack.h"
#include "core/tw_table.h"

_Static_assert(sizeof(struct tl_tw_slot) == 128, "a TIME_WAIT slot is two cache lines");

int tl_tw_table_init(struct tl_tw_table *tab, uint32_t cap)
{
	uint32_t nb = 1;

	memset(tab, 0, sizeof(*tab));
	tab->cap = cap < 1 ? 1 : cap;
	while (nb < tab->cap)
		nb <<= 1;
	tab->mask = nb - 1;
	/* calloc'd pages are only touched as the table fills */
	tab->slots = calloc(tab->cap, sizeof(*tab->slots));
	tab->kbuckets = calloc(nb, sizeof(*tab->kbuckets));
	tab->tbuckets = calloc(nb, sizeof(*tab->tbuckets));
	if (!tab->slots || !tab->kbuckets || !tab->tbuckets) {
		tl_tw_table_fini(tab);
		return -ENOMEM;
	}
	return 0;
}

static uint8_t *bytes_of(struct tl_tw_slot *s)
{
	return s->len > TL_TW_INLINE ? s->u.ext : s->u.bytes;
}

void tl_tw_table_fini(struct tl_tw_table *tab)
{
	for (uint32_t i = 0; tab->slots && i < tab->used; i++)
		if (tab->slots[i].in_use && tab->slots[i].len > TL_TW_INLINE)
			free(tab->slots[i].u.ext);
	free(tab->slots);
	free(tab->kbuckets);
	free(tab->tbuckets);
	tab->slots = NULL;
	tab->kbuckets = tab->tbuckets = NULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

uint64_t tl_tuple_hash(uint32_t netns, uint8_t family, uint16_t lport, uint16_t rport,
		       const uint8_t *laddr, const uint8_t *raddr)
{
	uint64_t w[4];

	memcpy(w, laddr, 16);
	memcpy(w + 2, raddr, 16);
	return mix(mix(mix(mix(mix((uint64_t)netns << 32 | (uint32_t)lport << 16 | rport, family),
			       w[0]),
			   w[1]),
		       w[2]),
		   w[3]);
}

static uint64_t lifeline_hash(const struct tl_lifeline *l)
{
	return tl_tuple_hash(l->netns, l->family, l->lport, l->rport, l->laddr, l->raddr);
}

static uint32_t kbucket(const struct tl_tw_table *tab, uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & tab->mask;
}

static uint32_t tbucket(const struct tl_tw_table *tab, uint64_t h)
{
	return (uint32_t)(h >> 32) & tab->mask;
}

static uint32_t idx(const struct tl_tw_table *tab, const struct tl_tw_slot *s)
{
	return (uint32_t)(s - tab->slots) + 1;
}

/* Store @len packed bytes in @s (freeing what it held). Return: 0 or -ENOMEM. */
static int store(struct tl_tw_slot *s, const uint8_t *b, size_t len)
{
	uint8_t *ext = NULL;

	if (len > TL_TW_INLINE) {
		ext = malloc(len);
		if (!ext)
			return -ENOMEM;
		memcpy(ext, b, len);
	}
	if (s->len > TL_TW_INLINE)
		free(s->u.ext);
	if (ext)
		s->u.ext = ext;
	else
		memcpy(s->u.bytes, b, len);
	s->len = (uint16_t)len;
	return 0;
}

static void klink(struct tl_tw_table *tab, struct tl_tw_slot *s)
{
	uint32_t *b = &tab->kbuckets[kbucket(tab, s->key)];

	s->knext = *b;
	*b = idx(tab, s);
}

static void kunlink(struct tl_tw_table *tab, struct tl_tw_slot *s)
{
	uint32_t *pp = &tab->kbuckets[kbucket(tab, s->key)], me = idx(tab, s);

	while (*pp && *pp != me)
		pp = &tab->slots[*pp - 1].knext;
	if (*pp)
		*pp = s->knext;
}

struct tl_tw_slot *tl_tw_table_put(struct tl_tw_table *tab, const struct tl_conn *c)
{
	uint8_t buf[TL_TW_PACK_MAX];
	size_t len = tl_tw_pack(c, buf);
	struct tl_tw_slot *s;
	uint32_t *tb;

	if (tab->free)
		s = &tab->slots[tab->free - 1];
	else
		s = &tab->slots[tab->used];
	s->len = 0;
	if (store(s, buf, len))
		return NULL;
	if (s == &tab->slots[tab->used])
		tab->used++;
	else
		tab->free = s->knext;
	if (len > TL_TW_INLINE)
		tab->ext++;
	s->in_use = 1;
	s->key = c->cookie;
	s->due_ns = c->due_ns;
	klink(tab, s);
	s->tuple_hash = lifeline_hash(&c->l);
	tb = &tab->tbuckets[tbucket(tab, s->tuple_hash)];
	s->tnext = *tb;
	*tb = idx(tab, s);
	s->next = 0;
	s->prev = tab->tail;
	if (tab->tail)
		tab->slots[tab->tail - 1].next = idx(tab, s);
	else
		tab->head = idx(tab, s);
	tab->tail = idx(tab, s);
	tab->size++;
	return s;
}

struct tl_tw_slot *tl_tw_table_find(const struct tl_tw_table *tab, uint64_t key)
{
	uint32_t i = tab->kbuckets[kbucket(tab, key)];

	while (i && tab->slots[i - 1].key != key)
		i = tab->slots[i - 1].knext;
	return i ? &tab->slots[i - 1] : NULL;
}

static bool same_tuple(const struct tl_lifeline *a, const struct tl_lifeline *b)
{
	return a->netns == b->netns && a->family == b->family && a->lport == b->lport &&
	       a->rport == b->rport && !memcmp(a->laddr, b->laddr, 16) &&
	       !memcmp(a->raddr, b->raddr, 16);
}

struct tl_tw_slot *tl_tw_table_find_tuple(const struct tl_tw_table *tab,
					  const struct tl_lifeline *l, struct tl_conn *scratch)
{
	uint64_t h = lifeline_hash(l);

	for (uint32_t i = tab->tbuckets[tbucket(tab, h)]; i; i = tab->slots[i - 1].tnext) {
		struct tl_tw_slot *s = &tab->slots[i - 1];

		if (s->tuple_hash != h)
			continue;
		tl_tw_table_get(tab, s, scratch);
		if (same_tuple(&scratch->l, l))
			return s;
	}
	return NULL;
}

void tl_tw_table_get(const struct tl_tw_table *tab, const struct tl_tw_slot *s, struct tl_conn *c)
{
	(void)tab;
	/* packed by tl_tw_table_put() or _update(): well formed */
	(void)tl_tw_unpack(bytes_of((struct tl_tw_slot *)s), s->len, s->key, s->due_ns, c);
}

int tl_tw_table_update(struct tl_tw_table *tab, struct tl_tw_slot *s, const struct tl_conn *c)
{
	uint8_t buf[TL_TW_PACK_MAX];
	struct tl_conn x = *c;
	bool was_ext = s->len > TL_TW_INLINE;
	size_t len;

	x.cookie = s->key;
	x.due_ns = s->due_ns;
	len = tl_tw_pack(&x, buf);
	if (store(s, buf, len))
		return -ENOMEM;
	if (!was_ext && len > TL_TW_INLINE)
		tab->ext++;
	return 0;
}

void tl_tw_table_rekey(struct tl_tw_table *tab, struct tl_tw_slot *s, uint64_t key)
{
	struct tl_conn c;

	/* the lifeline's cookie is packed relative to the key: repack */
	tl_tw_table_get(tab, s, &c);
	kunlink(tab, s);
	s->key = key;
	klink(tab, s);
	c.cookie = key;
	(void)tl_tw_table_update(tab, s, &c);
}

void tl_tw_table_del(struct tl_tw_table *tab, struct tl_tw_slot *s)
{
	uint32_t me = idx(tab, s), *pp = &tab->tbuckets[tbucket(tab, s->tuple_hash)];

	kunlink(tab, s);
	while (*pp && *pp != me)
		pp = &tab->slots[*pp - 1].tnext;
	if (*pp)
		*pp = s->tnext;
	if (s->prev)
		tab->slots[s->prev - 1].next = s->next;
	else
		tab->head = s->next;
	if (s->next)
		tab->slots[s->next - 1].prev = s->prev;
	else
		tab->tail = s->prev;
	if (s->len > TL_TW_INLINE)
		free(s->u.ext);
	s->len = 0;
	s->in_use = 0;
	s->knext = tab->free;
	tab->free = me;
	tab->size--;
}

void tl_tw_table_prefetch(const struct tl_tw_table *tab, uint64_t key, uint64_t tuple_hash)
{
	__builtin_prefetch(&tab->kbuckets[kbucket(tab, key)]);
	if (tuple_hash)
		__builtin_prefetch(&tab->tbuckets[tbucket(tab, tuple_hash)]);
}
