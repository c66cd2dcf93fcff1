/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_diag.h - the diagnosis of `tcpline backlog`: which cause each
 * listener's drops had (split from the namespace's counters where the
 * kernel allows it, and why not otherwise), which rows are troubled, and a
 * sentence naming the cause and what to change.
 */
#ifndef TL_BACKLOG_DIAG_H
#define TL_BACKLOG_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "backlog/backlog_row.h"

/**
 * bl_nosplit_name() - "shared", "no_mib", "raw_drops", "no_reason", "untracked",
 * "inconsistent".
 */
const char *bl_nosplit_name(enum bl_nosplit why);

/**
 * bl_attribute() - split the drops of the @n listeners of ONE namespace for
 * one interval. In: drops, raw_drops, at_ack/has_at_ack of each row; @delta
 * the namespace's counter deltas (NULL if unknown); @untracked: listeners the
 * BPF side could not track. Out: the SYN-time causes, split, cookies_sent,
 * mib_known. A listener's SYN-time causes are exact only when it is the only
 * listener of the namespace whose drops moved: then they are the namespace's
 * deltas, and its drops must equal the ListenDrops delta. Rows with
 * precise set keep their SYN-time causes and are split whatever the others.
 */
void bl_attribute(struct bl_row *rows, size_t n, const struct bl_mib *delta, bool untracked);

/** bl_troubled() - the row has drops, retransmitted SYN-ACKs or a full queue. */
bool bl_troubled(const struct bl_row *r);

/**
 * bl_diagnose() - a sentence in plain words naming the cause and what to
 * change, with the row's numbers. Return: its length, 0 when nothing is wrong
 * (@buf is then ""). Output longer than @len is cut.
 */
size_t bl_diagnose(const struct bl_row *r, char *buf, size_t len);

/** bl_row_cmp() - qsort order: troubled first, then by drops, netns, port, cookie. */
int bl_row_cmp(const void *a, const void *b);

#endif
