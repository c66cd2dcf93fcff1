/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_mibs.h - every network namespace's listen-queue counters (and the
 * sysctls that bound its queues), read from inside each namespace at both
 * ends of an interval, and the interval's drops of each namespace split
 * among its listeners (bl_attribute()). Shared by `backlog` and `serve`.
 */
#ifndef TL_BACKLOG_MIBS_H
#define TL_BACKLOG_MIBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backlog/backlog_row.h"

struct bl_ns_mib {
	uint32_t inode;
	bool prev_ok, cur_ok; /* read at the interval's start, at its end */
	struct bl_mib prev, cur;
	struct bl_sysctls sys; /* as read last */
};

struct bl_mibs {
	struct bl_ns_mib *ns;
	size_t n, max;
};

/** bl_mibs_init() - room for @max namespaces (more are not followed). Return: 0 or -ENOMEM. */
int bl_mibs_init(struct bl_mibs *m, size_t max);

/** bl_mibs_free() - the table's memory; @m may be zeroed or freed twice. */
void bl_mibs_free(struct bl_mibs *m);

/**
 * bl_mibs_read() - read every namespace's counters now (only @netns when not
 * 0), from inside each (kernel/netns.h); namespaces gone since the last read
 * are forgotten. A failure to visit them is warned about once per call.
 */
void bl_mibs_read(struct bl_mibs *m, uint32_t netns);

/** bl_mibs_next() - the interval ends: what was read last is its successor's start. */
void bl_mibs_next(struct bl_mibs *m);

/** bl_mibs_find() - the namespace @inode, or NULL. */
const struct bl_ns_mib *bl_mibs_find(const struct bl_mibs *m, uint32_t inode);

/**
 * bl_mibs_attribute() - sort @rows by namespace and split each namespace's
 * counter deltas of the interval among its rows (bl_attribute(); unknown
 * deltas where a namespace was not read at both ends). @untracked: the
 * kernel side could not track some listener in the interval.
 */
void bl_mibs_attribute(const struct bl_mibs *m, struct bl_row *rows, size_t n, bool untracked);

#endif
