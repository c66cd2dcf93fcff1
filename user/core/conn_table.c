// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* conn_table.c - the connection store behind the timeline (see conn_table.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/conn_table.h"

int tl_conn_table_init(struct tl_conn_table *tab, uint32_t max_conns)
{
	uint32_t nb = 1;

	memset(tab, 0, sizeof(*tab));
	tab->max_conns = max_conns < 1 ? 1 : max_conns;
	while (nb < tab->max_conns)
		nb <<= 1;
	tab->nbuckets_mask = nb - 1;
	/* calloc'd pages are only touched as the table fills */
	tab->pool_mem = calloc((size_t)tab->max_conns + 1, sizeof(*tab->pool));
	tab->pool = tab->pool_mem ?
			    (struct tl_conn *)(((uintptr_t)tab->pool_mem + 63) & ~(uintptr_t)63) :
			    NULL;
	tab->buckets = calloc(nb, sizeof(*tab->buckets));
	tab->tw_buckets = calloc(nb, sizeof(*tab->tw_buckets));
	if (!tab->pool || !tab->buckets || !tab->tw_buckets) {
		tl_conn_table_fini(tab);
		return -ENOMEM;
	}
	tl_dlist_init(&tab->lru);
	return 0;
}

void tl_conn_table_fini(struct tl_conn_table *tab)
{
	free(tab->pool_mem);
	free(tab->buckets);
	free(tab->tw_buckets);
	tab->pool_mem = tab->pool = NULL;
	tab->buckets = tab->tw_buckets = NULL;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

/* A tuple's hash, in full (tw_hash); the bucket is its top bits. */
static uint64_t hash_of_tuple(uint32_t netns, uint8_t family, uint16_t lport, uint16_t rport,
			      const uint8_t laddr[16], const uint8_t raddr[16])
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

static uint64_t tuple_hash(const struct tl_lifeline *l)
{
	return hash_of_tuple(l->netns, l->family, l->lport, l->rport, l->laddr, l->raddr);
}

static uint32_t tuple_bucket(const struct tl_conn_table *tab, uint64_t h)
{
	return (uint32_t)(h >> 32) & tab->nbuckets_mask;
}

static bool same_tuple(const struct tl_lifeline *a, const struct tl_lifeline *b)
{
	return a->netns == b->netns && a->family == b->family && a->lport == b->lport &&
	       a->rport == b->rport && !memcmp(a->laddr, b->laddr, 16) &&
	       !memcmp(a->raddr, b->raddr, 16);
}

static void unhash(struct tl_conn_table *tab, struct tl_conn *c)
{
	struct tl_conn **pp = &tab->buckets[tl_conn_table_bucket(tab, c->cookie)];

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
}

static void hash(struct tl_conn_table *tab, struct tl_conn *c)
{
	uint32_t b = tl_conn_table_bucket(tab, c->cookie);

	c->hnext = tab->buckets[b];
	tab->buckets[b] = c;
}

struct tl_conn *tl_conn_table_insert(struct tl_conn_table *tab, uint64_t cookie)
{
	struct tl_conn *c;

	if (tab->free) {
		c = tab->free;
		tab->free = c->hnext;
	} else {
		c = &tab->pool[tab->pool_used++];
	}
	memset(c, 0, sizeof(*c));
	c->in_use = true;
	c->cookie = c->l.cookie = cookie;
	hash(tab, c);
	tl_dlist_add_tail(&tab->lru, &c->lru);
	tab->size++;
	return c;
}

void tl_conn_table_tw_add(struct tl_conn_table *tab, struct tl_conn *c)
{
	uint32_t b;

	c->tw_hash = tuple_hash(&c->l);
	b = tuple_bucket(tab, c->tw_hash);
	c->in_tw = true;
	c->twnext = tab->tw_buckets[b];
	tab->tw_buckets[b] = c;
}

static void tw_del(struct tl_conn_table *tab, struct tl_conn *c)
{
	struct tl_conn **pp;

	if (!c->in_tw)
		return;
	pp = &tab->tw_buckets[tuple_bucket(tab, c->tw_hash)];
	while (*pp && *pp != c)
		pp = &(*pp)->twnext;
	if (*pp)
		*pp = c->twnext;
	c->in_tw = false;
}

struct tl_conn *tl_conn_table_tw_find(const struct tl_conn_table *tab, const struct tl_conn *c)
{
	uint64_t h = tuple_hash(&c->l);
	struct tl_conn *tw = tab->tw_buckets[tuple_bucket(tab, h)];

	while (tw && (tw == c || tw->tw_hash != h || !same_tuple(&tw->l, &c->l)))
		tw = tw->twnext;
	return tw;
}

void tl_conn_table_rekey(struct tl_conn_table *tab, struct tl_conn *c)
{
	unhash(tab, c);
	c->cookie = 1ULL << 62 | ++tab->rekeys;
	hash(tab, c);
}

void tl_conn_table_remove(struct tl_conn_table *tab, struct tl_conn *c)
{
	tw_del(tab, c);
	unhash(tab, c);
	tl_dlist_del(&c->lru);
	tl_dlist_del(&c->due);
	c->in_use = false;
	c->hnext = tab->free;
	tab->free = c;
	tab->size--;
}

/* New connections look for a timewait socket of their tuple (tl_conn_table_tw_find). */
static bool may_replace_timewait(const struct tl_event *ev)
{
	return ev->type == TL_EV_STATE &&
	       ((ev->old_state == TL_TCP_LISTEN && ev->new_state == TL_TCP_SYN_RECV) ||
		(ev->old_state == TL_TCP_SYN_SENT && ev->new_state == TL_TCP_ESTABLISHED));
}

void tl_conn_table_prefetch(const struct tl_conn_table *tab, const struct tl_event *ev, int stage)
{
	struct tl_conn *const *b = &tab->buckets[tl_conn_table_bucket(tab, ev->cookie)];
	struct tl_conn *const *tw = NULL;

	if (may_replace_timewait(ev))
		tw = &tab->tw_buckets[tuple_bucket(tab,
						   hash_of_tuple(ev->netns, ev->family, ev->lport,
								 ev->rport, ev->laddr, ev->raddr))];
	if (stage == 0) {
		__builtin_prefetch(b);
		if (tw)
			__builtin_prefetch(tw);
		return;
	}
	if (*b) {
		/* the links, then the lifeline as far as its first states */
		__builtin_prefetch(*b);
		__builtin_prefetch((const char *)*b + 64);
		__builtin_prefetch((const char *)*b + 128);
		__builtin_prefetch((const char *)*b + 192);
	}
	if (tw && *tw)
		__builtin_prefetch(*tw);
}
