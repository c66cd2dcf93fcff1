// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* listener_owners.c - the owners of listening ports (see listener_owners.h). */
#include <string.h>

#include "core/listener_owners.h"

static uint32_t slot_of(uint32_t netns, uint16_t lport)
{
	uint32_t h = (netns * 2654435761u) ^ (lport * 40503u);

	return h % TL_LISTENER_OWNERS;
}

void tl_listener_owners_remember(struct tl_listener_owners *o, const struct tl_lifeline *l)
{
	struct tl_listener_owner *s;

	if (l->owner_conf != TL_OWNER_EXACT)
		return;
	s = &o->slot[slot_of(l->netns, l->lport)];
	s->netns = l->netns;
	s->lport = l->lport;
	s->conf = TL_OWNER_EXACT;
	s->pid = l->pid;
	memcpy(s->comm, l->comm, TL_COMM_LEN);
}

void tl_listener_owners_inherit(const struct tl_listener_owners *o, struct tl_lifeline *l)
{
	const struct tl_listener_owner *s = &o->slot[slot_of(l->netns, l->lport)];

	if (l->owner_conf != TL_OWNER_UNKNOWN || !s->conf || s->netns != l->netns ||
	    s->lport != l->lport)
		return;
	l->owner_conf = TL_OWNER_LISTENER;
	l->pid = s->pid;
	memcpy(l->comm, s->comm, TL_COMM_LEN);
}
