/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dlist.h - an intrusive circular doubly linked list (the kernel's list_head,
 * cut down to what the connection table needs). A node is on one list at
 * most; a node that is on none has NULL links.
 */
#ifndef TL_DLIST_H
#define TL_DLIST_H

#include <stdbool.h>
#include <stddef.h>

struct tl_dlist {
	struct tl_dlist *prev, *next;
};

/** tl_dlist_init() - @h, an empty list head. */
static inline void tl_dlist_init(struct tl_dlist *h)
{
	h->prev = h->next = h;
}

static inline bool tl_dlist_empty(const struct tl_dlist *h)
{
	return h->next == h;
}

/** tl_dlist_del() - take @n off its list, if it is on one. */
static inline void tl_dlist_del(struct tl_dlist *n)
{
	if (!n->next)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = NULL;
}

/** tl_dlist_add_tail() - @n at the end of @h: adding moves it, never links it twice. */
static inline void tl_dlist_add_tail(struct tl_dlist *h, struct tl_dlist *n)
{
	tl_dlist_del(n);
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

/** tl_container_of() - the structure of @type whose @member @ptr points to. */
#define tl_container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#endif
