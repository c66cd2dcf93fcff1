/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * filter.h - the filters in user space. The BPF side applies the tuple
 * filters, and the owner filters when it knows the owner exactly; here the
 * same struct tl_filter decides finally, with what only user space knows
 * (owners learnt at accept() or from /proc), and for recordings.
 */
#ifndef TL_FILTER_H
#define TL_FILTER_H

#include <stdbool.h>

#include "../bpf/tcpline.h"
#include "core/model.h"

/** tl_filter_tuple() - netns, family, ports, addresses. */
bool tl_filter_tuple(const struct tl_filter *f, uint32_t netns, uint8_t family,
		     const uint8_t laddr[16], uint16_t lport, const uint8_t raddr[16],
		     uint16_t rport);

/**
 * tl_filter_owner() - pid, comm and cgroup filters: an owner must be known
 * (the kernel has checked the cgroup of every owner it reports).
 */
bool tl_filter_owner(const struct tl_filter *f, uint8_t owner_conf, uint32_t pid,
		     const char comm[TL_COMM_LEN]);

/** tl_filter_event() - both, for an event. */
bool tl_filter_event(const struct tl_filter *f, const struct tl_event *ev);

/** tl_filter_lifeline() - both, for a lifeline. */
bool tl_filter_lifeline(const struct tl_filter *f, const struct tl_lifeline *l);

#endif
