/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * summary_tables.h - the bounded tables the report summary is made of, so
 * that its memory is fixed whatever the recording's size:
 *  - log-scale histograms (4 buckets per power of two: a percentile is an
 *    upper bound within 19 %, never above the maximum seen);
 *  - top-N lists of the slowest handshakes;
 *  - space-saving tables (Metwally et al.) of the heaviest keys (peers,
 *    ports, listeners): the top TL_TOP_SHOWN are exact unless an entry
 *    carries an error bound (shown "~");
 *  - a gauge with its peak (TIME_WAIT, CLOSE_WAIT pressure).
 */
#ifndef TL_SUMMARY_TABLES_H
#define TL_SUMMARY_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"

#define TL_HIST_SUB_BITS 2 /* 4 buckets per power of two: values within 19 % */
#define TL_HIST_BUCKETS (64 << TL_HIST_SUB_BITS)
#define TL_TOP_SLOW 5
#define TL_HEAVY 64 /* space-saving capacity */
#define TL_TOP_SHOWN 5

struct tl_hist {
	uint64_t n, max;
	uint64_t b[TL_HIST_BUCKETS];
};

/** tl_hist_add() - count @v. */
void tl_hist_add(struct tl_hist *h, uint64_t v);

/**
 * tl_hist_pct() - the @p quantile (0 < @p <= 1) of @h: the top of the bucket
 * it falls in, never above the maximum; 0 for an empty histogram.
 */
uint64_t tl_hist_pct(const struct tl_hist *h, double p);

/* One of the slowest: its dwell and its lifeline. Zeroed: an empty slot. */
struct tl_slow {
	uint64_t dwell;
	struct tl_lifeline l;
};

/**
 * tl_slow_keep() - keep @l in @top (TL_TOP_SLOW entries, slowest first) if
 * @dwell is among the largest; TL_DWELL_UNKNOWN never is.
 */
void tl_slow_keep(struct tl_slow *top, uint64_t dwell, const struct tl_lifeline *l);

/* key: family + address (peers), port (ports), family + address + port (listeners) */
struct tl_heavy_entry {
	uint8_t key[20];
	uint64_t count, err; /* count may include up to err of others' (space-saving) */
};

enum tl_key_kind { TL_KEY_PEER, TL_KEY_PORT, TL_KEY_LISTENER };

/* Zeroed: empty. */
struct tl_heavy {
	struct tl_heavy_entry e[TL_HEAVY];
	int n;
};

/**
 * tl_heavy_add() - @key counts @by more. A full table gives its smallest
 * entry to a new key, which inherits that count as its error bound.
 */
void tl_heavy_add(struct tl_heavy *t, const uint8_t key[20], uint64_t by);

/**
 * tl_heavy_top() - the entries to show, heaviest first, into @out (entries
 * with a zero count are not shown). Return: how many (<= TL_TOP_SHOWN).
 */
int tl_heavy_top(const struct tl_heavy *t, struct tl_heavy_entry out[TL_HEAVY]);

/** tl_key_peer() - the key of a peer: @family, then @addr. */
void tl_key_peer(uint8_t key[20], uint8_t family, const uint8_t addr[16]);

/**
 * tl_key_port() - the key of a service port: the non-zero one, or the lower
 * of the two (servers listen on low ports, clients on ephemeral ones).
 */
void tl_key_port(uint8_t key[20], uint16_t lport, uint16_t rport);

/** tl_key_listener() - the key of @ev's local endpoint (family, address, port). */
void tl_key_listener(uint8_t key[20], const struct tl_event *ev);

/** tl_key_port_of() - the port of a tl_key_port() key. */
uint16_t tl_key_port_of(const struct tl_heavy_entry *e);

/** tl_key_lport_of() - the port of a tl_key_listener() key. */
uint16_t tl_key_lport_of(const struct tl_heavy_entry *e);

/* A gauge: how many now, the most at once. */
struct tl_pressure {
	uint64_t now, peak;
};

/** tl_pressure_move() - one more when @enter, one fewer when @leave (never below 0). */
void tl_pressure_move(struct tl_pressure *p, bool enter, bool leave);

#endif
