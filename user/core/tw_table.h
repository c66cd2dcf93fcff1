/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tw_table.h - the connections a timewait socket holds, compactly.
 *
 * Once a connection is in TIME_WAIT (or an orphan's FIN_WAIT2 lives on in a
 * timewait socket) its lifeline is complete but for that last state's end,
 * which the timewait timer (or a new socket of its tuple) brings up to 60 s
 * later. A namespace holds up to net.ipv4.tcp_max_tw_buckets of them
 * (131072 by default), more than the live table is sized for, so they wait
 * here instead: the connection packed (time fields relative to the hand-over,
 * runs of zero bytes squeezed: ~60-100 bytes for an IPv4 connection) in a
 * 128-byte slot, longer ones in an allocation of their own. Indexed by key
 * (the socket cookie, or the key a rekey gave) and by tuple, and listed in
 * the order they entered, which is the order their timers end.
 *
 * Bounded: at most @cap entries (the caller sizes it from what the kernel
 * can hold); the pool's pages are only touched as it fills. Policy (when an
 * entry ends, what a full table does) is the timeline's.
 */
#ifndef TL_TW_TABLE_H
#define TL_TW_TABLE_H

#include <stdint.h>

#include "core/conn.h"

#define TL_TW_INLINE 80

struct tl_tw_slot {
	uint64_t key; /* the connection's cookie (or rekeyed key) */
	uint64_t due_ns; /* when the timewait socket took over */
	uint64_t tuple_hash;
	uint32_t knext, tnext; /* chains by key and by tuple: slot index + 1, 0 ends */
	uint32_t prev, next; /* in entry order: slot index + 1, 0 ends */
	uint16_t len; /* packed bytes */
	uint8_t in_use;
	uint8_t pad;
	union {
		uint8_t bytes[TL_TW_INLINE]; /* len <= TL_TW_INLINE */
		uint8_t *ext; /* longer: malloc'd */
	} u;
};

struct tl_tw_table {
	struct tl_tw_slot *slots;
	uint32_t cap, used; /* used: slots handed out so far */
	uint32_t free; /* slots given back, chained by knext */
	uint32_t *kbuckets, *tbuckets;
	uint32_t mask;
	uint32_t head, tail; /* entry order */
	uint32_t size;
	uint64_t ext; /* entries packed longer than a slot holds */
};

/** tl_tw_table_init() - an empty table for @cap (at least 1). Return: 0 or -ENOMEM. */
int tl_tw_table_init(struct tl_tw_table *tab, uint32_t cap);

void tl_tw_table_fini(struct tl_tw_table *tab);

static inline int tl_tw_table_full(const struct tl_tw_table *tab)
{
	return tab->size == tab->cap;
}

/**
 * tl_tuple_hash() - the hash of a connection's tuple, as the table indexes
 * it (laddr/raddr: 16 bytes each).
 */
uint64_t tl_tuple_hash(uint32_t netns, uint8_t family, uint16_t lport, uint16_t rport,
		       const uint8_t *laddr, const uint8_t *raddr);

/**
 * tl_tw_table_put() - @c enters, under key @c->cookie, due from @c->due_ns,
 * last in entry order. The table must not be full. Return: its slot, or
 * NULL on ENOMEM (a long packing that could not be allocated).
 */
struct tl_tw_slot *tl_tw_table_put(struct tl_tw_table *tab, const struct tl_conn *c);

/** tl_tw_table_find() - the entry of key @key, or NULL. */
struct tl_tw_slot *tl_tw_table_find(const struct tl_tw_table *tab, uint64_t key);

/**
 * tl_tw_table_find_tuple() - an entry with @l's tuple (netns, family,
 * addresses, ports), or NULL. @scratch is overwritten.
 */
struct tl_tw_slot *tl_tw_table_find_tuple(const struct tl_tw_table *tab,
					  const struct tl_lifeline *l, struct tl_conn *scratch);

/** tl_tw_table_get() - @s's connection, unpacked into @c (not in any table or list). */
void tl_tw_table_get(const struct tl_tw_table *tab, const struct tl_tw_slot *s, struct tl_conn *c);

/**
 * tl_tw_table_update() - @s now holds @c (changed after a get); its key,
 * due time and place in the order stay. Return: 0, or -ENOMEM (@s unchanged).
 */
int tl_tw_table_update(struct tl_tw_table *tab, struct tl_tw_slot *s, const struct tl_conn *c);

/** tl_tw_table_rekey() - @s is now found under @key instead. */
void tl_tw_table_rekey(struct tl_tw_table *tab, struct tl_tw_slot *s, uint64_t key);

/** tl_tw_table_del() - @s leaves the table; its slot is reused. */
void tl_tw_table_del(struct tl_tw_table *tab, struct tl_tw_slot *s);

/** tl_tw_table_oldest() - the first entered of those left, or NULL. */
static inline struct tl_tw_slot *tl_tw_table_oldest(const struct tl_tw_table *tab)
{
	return tab->head ? &tab->slots[tab->head - 1] : NULL;
}

/**
 * tl_tw_table_prefetch() - a hint, changing nothing: key @key (and, if
 * @tuple_hash is not 0, that tuple) will be looked up soon.
 */
void tl_tw_table_prefetch(const struct tl_tw_table *tab, uint64_t key, uint64_t tuple_hash);

#endif
