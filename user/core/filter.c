// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* filter.c - see filter.h; the tuple rules match tuple_pass() in the BPF side. */
#include <string.h>

#include "core/filter.h"

static bool prefix_match(const uint8_t *a, const uint8_t *net, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, net, bytes))
		return false;
	if (!bits)
		return true;
	return !((a[bytes] ^ net[bytes]) & (uint8_t)(0xff << (8 - bits)));
}

bool tl_filter_tuple(const struct tl_filter *f, uint32_t netns, uint8_t family,
		     const uint8_t laddr[16], uint16_t lport, const uint8_t raddr[16],
		     uint16_t rport)
{
	if (f->netns && netns != f->netns)
		return false;
	if (f->family && family != f->family)
		return false;
	if (f->nports) {
		bool hit = false;

		for (int i = 0; i < f->nports && i < TL_MAX_PORTS && !hit; i++)
			hit = f->ports[i] == lport || f->ports[i] == rport;
		if (!hit)
			return false;
	}
	if (f->has_laddr &&
	    (family != f->laddr_family || !prefix_match(laddr, f->laddr, f->laddr_plen)))
		return false;
	if (f->has_raddr &&
	    (family != f->raddr_family || !prefix_match(raddr, f->raddr, f->raddr_plen)))
		return false;
	return true;
}

bool tl_filter_owner(const struct tl_filter *f, uint8_t owner_conf, uint32_t pid,
		     const char comm[TL_COMM_LEN])
{
	if (!f->pid && !f->has_comm && !f->cgroup)
		return true;
	if (owner_conf == TL_OWNER_UNKNOWN)
		return false;
	if (f->pid && pid != f->pid)
		return false;
	if (f->has_comm && strncmp(comm, f->comm, TL_COMM_LEN))
		return false;
	return true;
}

bool tl_filter_event(const struct tl_filter *f, const struct tl_event *ev)
{
	return tl_filter_tuple(f, ev->netns, ev->family, ev->laddr, ev->lport, ev->raddr,
			       ev->rport) &&
	       tl_filter_owner(f, ev->owner_conf, ev->pid, ev->comm);
}

bool tl_filter_lifeline(const struct tl_filter *f, const struct tl_lifeline *l)
{
	return tl_filter_tuple(f, l->netns, l->family, l->laddr, l->lport, l->raddr, l->rport) &&
	       tl_filter_owner(f, l->owner_conf, l->pid, l->comm);
}
