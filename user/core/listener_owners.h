/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * listener_owners.h - who owns each listening port, for the connections it
 * accepts. A child socket's first transition (LISTEN -> SYN_RECV) runs in
 * softirq context, where the current task is not its owner; until the
 * accept() names one exactly, the listener's owner stands in
 * (TL_OWNER_LISTENER, said as such).
 *
 * Direct-mapped by (netns, port) with TL_LISTENER_OWNERS slots: a collision
 * only costs an inherited owner (the child stays unknown until accept()),
 * never a wrong one, since a slot names the listener it holds.
 */
#ifndef TL_LISTENER_OWNERS_H
#define TL_LISTENER_OWNERS_H

#include <stdint.h>

#include "core/model.h"

#define TL_LISTENER_OWNERS 4096

struct tl_listener_owner {
	uint32_t netns;
	uint16_t lport;
	uint8_t conf; /* 0: empty slot, else TL_OWNER_EXACT */
	uint32_t pid;
	char comm[TL_COMM_LEN];
};

/* Zeroed memory is an empty cache. */
struct tl_listener_owners {
	struct tl_listener_owner slot[TL_LISTENER_OWNERS];
};

/**
 * tl_listener_owners_remember() - @l is a listening socket: remember its
 * owner for its port, if that owner is exact (else nothing).
 */
void tl_listener_owners_remember(struct tl_listener_owners *o, const struct tl_lifeline *l);

/**
 * tl_listener_owners_inherit() - @l is a connection its listener just made:
 * when its owner is unknown and the listener of its (netns, local port) is
 * known, that owner stands in, as TL_OWNER_LISTENER.
 */
void tl_listener_owners_inherit(const struct tl_listener_owners *o, struct tl_lifeline *l);

#endif
