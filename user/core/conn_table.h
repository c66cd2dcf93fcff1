/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * conn_table.h - where the timeline keeps its connections: a fixed pool of
 * struct tl_conn, a chained hash by socket cookie, and a list of all, least
 * recently touched first, for eviction. Connections a timewait socket holds
 * wait in the TIME_WAIT table (tw_table.h) instead. Bounded: max_conns entries; the pool's pages are only
 * touched as it fills. Policy (what to evict, when a connection ends) is the
 * timeline's; this only stores.
 *
 * The lookups run for every event: they are inline.
 */
#ifndef TL_CONN_TABLE_H
#define TL_CONN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/conn.h"

struct tl_conn_table {
	struct tl_conn *pool; /* cache-line aligned, within pool_mem */
	void *pool_mem;
	uint32_t max_conns;
	uint32_t pool_used; /* entries handed out so far: the rest are untouched pages */
	struct tl_conn *free; /* entries given back */
	struct tl_conn **buckets;
	uint32_t nbuckets_mask;
	uint32_t size; /* connections stored */
	struct tl_dlist lru;
};

/**
 * tl_conn_table_init() - an empty table for at most @max_conns (at least 1).
 * Return: 0, or -ENOMEM (nothing to free then).
 */
int tl_conn_table_init(struct tl_conn_table *tab, uint32_t max_conns);

void tl_conn_table_fini(struct tl_conn_table *tab);

static inline uint32_t tl_conn_table_bucket(const struct tl_conn_table *tab, uint64_t cookie)
{
	return (uint32_t)((cookie * 0x9E3779B97F4A7C15ULL) >> 32) & tab->nbuckets_mask;
}

/** tl_conn_table_lookup() - the connection of socket @cookie, or NULL. */
static inline struct tl_conn *tl_conn_table_lookup(const struct tl_conn_table *tab, uint64_t cookie)
{
	struct tl_conn *c = tab->buckets[tl_conn_table_bucket(tab, cookie)];

	while (c && c->cookie != cookie)
		c = c->hnext;
	return c;
}

/** tl_conn_table_full() - no entry left: tl_conn_table_insert() needs a removal first. */
static inline bool tl_conn_table_full(const struct tl_conn_table *tab)
{
	return !tab->free && tab->pool_used == tab->max_conns;
}

/** tl_conn_table_oldest() - the least recently touched connection, or NULL. */
static inline struct tl_conn *tl_conn_table_oldest(const struct tl_conn_table *tab)
{
	return tl_dlist_empty(&tab->lru) ? NULL :
					   tl_container_of(tab->lru.next, struct tl_conn, lru);
}

/** tl_conn_table_touch() - @c saw an event at @ts: now the most recently touched. */
static inline void tl_conn_table_touch(struct tl_conn_table *tab, struct tl_conn *c, uint64_t ts)
{
	tl_dlist_del(&c->lru);
	tl_dlist_add_tail(&tab->lru, &c->lru);
	if (ts > c->last_ts)
		c->last_ts = ts;
}

/**
 * tl_conn_table_insert() - a new connection for socket @cookie, zeroed but
 * for its cookie (also in its lifeline) and in_use, the most recently
 * touched. The table must not be full.
 */
struct tl_conn *tl_conn_table_insert(struct tl_conn_table *tab, uint64_t cookie);

/**
 * tl_conn_table_remove() - @c leaves the table (its hashes and lists, the
 * ->due list included); its entry is reused.
 */
void tl_conn_table_remove(struct tl_conn_table *tab, struct tl_conn *c);

/**
 * tl_conn_table_prefetch() - a hint, changing nothing: @ev will be looked
 * up soon. Stage 0 asks the CPU for the hash bucket it will read, stage 1
 * (later, once it is in) for the connection it leads to.
 */
void tl_conn_table_prefetch(const struct tl_conn_table *tab, const struct tl_event *ev, int stage);

#endif
