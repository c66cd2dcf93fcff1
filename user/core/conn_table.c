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
	if (!tab->pool || !tab->buckets) {
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
	tab->pool_mem = tab->pool = NULL;
	tab->buckets = NULL;
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

void tl_conn_table_remove(struct tl_conn_table *tab, struct tl_conn *c)
{
	unhash(tab, c);
	tl_dlist_del(&c->lru);
	tl_dlist_del(&c->due);
	c->in_use = false;
	c->hnext = tab->free;
	tab->free = c;
	tab->size--;
}

void tl_conn_table_prefetch(const struct tl_conn_table *tab, const struct tl_event *ev, int stage)
{
	struct tl_conn *const *b = &tab->buckets[tl_conn_table_bucket(tab, ev->cookie)];

	if (stage == 0) {
		__builtin_prefetch(b);
		return;
	}
	if (*b) {
		/* the links, then the lifeline as far as its first states */
		__builtin_prefetch(*b);
		__builtin_prefetch((const char *)*b + 64);
		__builtin_prefetch((const char *)*b + 128);
		__builtin_prefetch((const char *)*b + 192);
	}
}
