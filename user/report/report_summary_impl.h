/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_summary_impl.h - the summary's tables, shared by its two printers
 * (report_summary.c: text; report_summary_json.c: JSON). Not for other users.
 */
#ifndef TL_REPORT_SUMMARY_IMPL_H
#define TL_REPORT_SUMMARY_IMPL_H

#include <stdint.h>

#include "core/model.h"

#define NSTATES 16
#define SUB_BITS 2 /* 4 buckets per power of two: values within 19 % */
#define NBUCKETS (64 << SUB_BITS)
#define TOP_SLOW 5
#define HEAVY 64 /* space-saving capacity; the top 5 shown are exact unless marked ~ */
#define TOP_SHOWN 5

struct hist {
	uint64_t n, max;
	uint64_t b[NBUCKETS];
};

struct slow {
	uint64_t dwell;
	struct tl_lifeline l;
};

/* key: family + address (peers), port (ports), family + address + port (listeners) */
struct heavy_entry {
	uint8_t key[20];
	uint64_t count, err; /* count may include up to err of others' (space-saving) */
};

enum key_kind { KEY_PEER, KEY_PORT, KEY_LISTENER };

struct heavy {
	struct heavy_entry e[HEAVY];
	int n;
};

struct pressure {
	uint64_t now, peak;
};

struct tl_summary {
	uint64_t events, lifelines;
	uint64_t ends[TL_END_MAX + 1];
	struct hist dwell[NSTATES];
	struct slow slow_sent[TOP_SLOW], slow_recv[TOP_SLOW];
	struct heavy rtx_peers, rtx_ports, rst_peers, rst_ports, listeners;
	struct pressure tw, cw;
};

/* The @p quantile of @h, an upper bound within a bucket (never above max). */
uint64_t tl_summary_pct(const struct hist *h, double p);

/* The entries to show, heaviest first, into @out. Return: how many (<= TOP_SHOWN). */
int tl_summary_top(const struct heavy *t, struct heavy_entry out[HEAVY]);

uint16_t tl_summary_key_port(const struct heavy_entry *e); /* a port table's key */
uint16_t tl_summary_key_lport(const struct heavy_entry *e); /* a listener's port */

#endif
