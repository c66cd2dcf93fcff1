/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tw_cap.h - how many TIME_WAIT sockets the kernel can hold where we trace:
 * the size of the timeline's TIME_WAIT table (core/timeline.h), so that it
 * keeps every one the kernel keeps.
 */
#ifndef TL_TW_CAP_H
#define TL_TW_CAP_H

#include <stdint.h>

/* The kernel's default for a namespace here; for what cannot be asked (old recordings). */
#define TL_TW_CAP_DEFAULT 131072u
/* Beyond this, a table entry per TIME_WAIT socket is no longer a bound worth having. */
#define TL_TW_CAP_MAX (1u << 22)

/**
 * tl_timewait_capacity() - the sum of net.ipv4.tcp_max_tw_buckets over the
 * network namespaces @netns selects (an inode; 0: every namespace that has
 * a process or a /run/netns name, as the loader's socket dump visits them),
 * and an eighth more: events come from both CPUs' ring slots out of order,
 * so a new timewait socket may arrive before the end of the one the kernel
 * freed for it (one run at the cap, sized exactly, evicted 1 of 212206).
 * At least 1, at most TL_TW_CAP_MAX, into @cap; TL_TW_CAP_DEFAULT (and an
 * eighth) if no namespace's value could be read. Namespaces made later are
 * not in it.
 * Return: 0, or -errno if the caller's namespace could not be restored
 * (fatal: tl_netns_each()).
 */
int tl_timewait_capacity(uint32_t netns, uint32_t *cap);

#endif
