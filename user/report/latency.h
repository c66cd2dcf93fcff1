/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * latency.h - latency distributions per port, from lifelines: for
 * listeners (by local port) the handshake (SYN_RECV dwell), the accept wait
 * (ESTABLISHED -> accept(), only where the accept hook ran) and the
 * CLOSE_WAIT dwell (the peer's FIN -> our close: the leak detector); for
 * clients (by remote port) the connect (SYN_SENT dwell) and the CLOSE_WAIT
 * dwell. Memory is fixed: TL_LAT_PORTS ports per side, the first ones seen;
 * later ports fold into one "other" row, their lifelines counted. Shared
 * by `report --summary` and `trace --latency` (latency_print.h).
 */
#ifndef TL_LATENCY_H
#define TL_LATENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "report/summary_tables.h"

#define TL_LAT_PORTS 16 /* rows per side, beyond them "other" */

enum tl_lat_side { TL_LAT_LISTEN, TL_LAT_CLIENT, TL_LAT_SIDES };

enum tl_lat_what {
	TL_LAT_CONNECT, /* SYN_SENT dwell (clients) */
	TL_LAT_HANDSHAKE, /* SYN_RECV dwell (listeners) */
	TL_LAT_ACCEPT, /* ESTABLISHED -> accept() (listeners, accept hook) */
	TL_LAT_CLOSE_WAIT, /* CLOSE_WAIT dwell (both) */
	TL_LAT_WHATS,
};

struct tl_lat_row {
	uint16_t port; /* 0 in the "other" row */
	uint64_t lifelines; /* counted in this row */
	struct tl_hist h[TL_LAT_WHATS];
};

struct tl_lat_side_tab {
	int n; /* rows in use */
	struct tl_lat_row rows[TL_LAT_PORTS];
	struct tl_lat_row other; /* ports beyond the first TL_LAT_PORTS: other.lifelines of them */
};

/* Zeroed: empty. */
struct tl_latency {
	struct tl_lat_side_tab side[TL_LAT_SIDES];
};

/**
 * tl_lat_side_of() - the side of @l: a listener's child if it went through
 * SYN_RECV, a client if through SYN_SENT; a connection whose opening was not
 * seen (alive before tracing, or its first states cut) by its lower port
 * (servers listen on low ports), local: listener. TL_LAT_SIDES (in no
 * table): a listening socket, or one that never connected.
 */
enum tl_lat_side tl_lat_side_of(const struct tl_lifeline *l);

/** tl_lat_add() - count @l's latencies in its side's row for its port. */
void tl_lat_add(struct tl_latency *t, const struct tl_lifeline *l);

/** tl_lat_lifeline() - tl_lat_add() as a tl_timeline_out lifeline callback. */
void tl_lat_lifeline(void *t, const struct tl_lifeline *l);

/** tl_lat_what_name() - "connect", "handshake", "accept_wait", "close_wait". */
const char *tl_lat_what_name(enum tl_lat_what w);

/** tl_lat_applies() - whether @w is measured on @side. */
bool tl_lat_applies(enum tl_lat_side side, enum tl_lat_what w);

#endif
