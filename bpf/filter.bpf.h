/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * filter.bpf.h - the filters that run in the kernel: on what an event says
 * (tuple, family, netns) and on a socket's exact owner (pid, cgroup, comm).
 * All their inputs are knobs (filter, in shared.bpf.h): a run without a
 * filter has these branches pruned by the verifier.
 */
#ifndef TL_FILTER_BPF_H
#define TL_FILTER_BPF_H

#include "shared.bpf.h"

static __always_inline bool addr_match(const __u8 *a, const volatile __u8 *net, __u8 plen)
{
	for (int i = 0; i < 16; i++) {
		__u8 mask;

		if (plen == 0)
			break;
		mask = plen >= 8 ? 0xff : (__u8)(0xff << (8 - plen));
		if ((a[i] ^ net[i]) & mask)
			return false;
		plen = plen >= 8 ? plen - 8 : 0;
	}
	return true;
}

/* Filters on what the event itself says (tuple, family, netns). */
static __always_inline bool tuple_pass(const struct tl_event *e)
{
	if (filter.netns && e->netns != filter.netns)
		return false;
	if (filter.family && e->family != filter.family)
		return false;
	if (filter.nports) {
		bool hit = false;

		for (int i = 0; i < TL_MAX_PORTS; i++) {
			if (i >= filter.nports)
				break;
			if (filter.ports[i] == e->lport || filter.ports[i] == e->rport) {
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	if (filter.has_laddr && (e->family != filter.laddr_family ||
				 !addr_match(e->laddr, filter.laddr, filter.laddr_plen)))
		return false;
	if (filter.has_raddr && (e->family != filter.raddr_family ||
				 !addr_match(e->raddr, filter.raddr, filter.raddr_plen)))
		return false;
	return true;
}

/*
 * Before a record is reserved: a socket of another namespace than --netns's
 * takes no ring space, so that a tracer of one namespace neither loses its
 * own events to a flood elsewhere nor counts that flood's events as lost.
 */
static __always_inline bool sk_netns_pass(const struct sock_common *skc)
{
	return !filter.netns || sk_netns(skc) == filter.netns;
}

static __always_inline bool comm_eq(const char *a, const volatile char *b)
{
	for (int i = 0; i < TL_COMM_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			break;
	}
	return true;
}

/*
 * Owner filters decide only on an exact owner: an unknown or inherited one
 * goes to user space, which knows more (accept(), /proc) and decides there.
 */
static __always_inline bool owner_pass(const struct sk_info *info)
{
	if (!info || info->conf != TL_OWNER_EXACT)
		return true;
	if (filter.pid && info->pid != filter.pid)
		return false;
	if (filter.cgroup && info->cgroup != filter.cgroup)
		return false;
	if (filter.has_comm && !comm_eq(info->comm, filter.comm))
		return false;
	return true;
}

#endif
