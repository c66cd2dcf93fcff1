/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * serve_listeners.h - the sampled metrics of `tcpline serve`: listener
 * queues and listen drops by cause, with `tcpline backlog`'s machinery (its
 * listener table fed by the raw_tp sampler's records, its per-namespace MIB
 * reading and its attribution of causes, backlog.h / backlog_table.h), and
 * TIME_WAIT / CLOSE_WAIT sockets per namespace from a socket dump.
 *
 * Listeners are labelled by namespace inode and local port: listeners of a
 * namespace sharing a port (other addresses, SO_REUSEPORT) are summed.
 */
#ifndef TL_SERVE_LISTENERS_H
#define TL_SERVE_LISTENERS_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/model.h"
#include "serve/families.h"

struct tl_serve_listeners;

/**
 * tl_serve_listeners_new() - for namespace @netns (0: all), into @fam.
 * @overflow_reason: the kernel reports TCP_LISTEN_OVERFLOW drops per
 * listener (drops at the third ACK are then told apart). NULL on ENOMEM.
 */
struct tl_serve_listeners *tl_serve_listeners_new(struct tl_serve_families *fam, uint32_t netns,
						  bool overflow_reason);
void tl_serve_listeners_free(struct tl_serve_listeners *l);

/** tl_serve_listeners_feed() - every record as the kernel gave it (listeners, sockets). */
void tl_serve_listeners_feed(struct tl_serve_listeners *l, const struct tl_event *ev);

/**
 * tl_serve_listeners_start() - tracing is attached: the namespaces' counters
 * now start the first interval.
 */
void tl_serve_listeners_start(struct tl_serve_listeners *l);

/**
 * tl_serve_listeners_interval() - an interval ended, right after its listener
 * sample: the namespaces' counters are read, drops split by cause and added,
 * the queue gauges rebuilt. The first call (the sample at start, which only
 * makes the listeners older than tracing known) does not end the interval.
 */
void tl_serve_listeners_interval(struct tl_serve_listeners *l, const struct tl_stats *st);

/** tl_serve_census_begin() - a socket dump follows: TIME_WAIT/CLOSE_WAIT counts from 0. */
void tl_serve_census_begin(struct tl_serve_listeners *l);

/** tl_serve_census_sock() - one TL_EV_SOCK record of the dump (a tl_record_fn). */
void tl_serve_census_sock(void *ctx, const struct tl_event *ev);

/** tl_serve_census_end() - the dump is complete: rebuild the per-namespace gauges. */
void tl_serve_census_end(struct tl_serve_listeners *l);

#endif
