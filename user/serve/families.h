/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * families.h - the metric families of `tcpline serve`: their names, types,
 * labels and help text are a contract (docs/metrics.md describes each), so
 * they are defined here and nowhere else. The sink (metrics_sink.h) and the
 * listener/socket sampler (serve_listeners.h) fill them.
 */
#ifndef TL_FAMILIES_H
#define TL_FAMILIES_H

#include <stdint.h>

#include "core/model.h"
#include "serve/registry.h"

/* tcpline_retransmits_total{kind} */
enum tl_rtx_kind { TL_RTX_DATA = 0, TL_RTX_SYN, TL_RTX_SYNACK, TL_RTX_KINDS };

/* tcpline_events_lost_total{stage}, in the order of tl_lost_stage_name() */
enum tl_lost_stage {
	TL_LOST_RING_BUFFER = 0, /* st->rb_lost */
	TL_LOST_RECURSION, /* st->recursion_misses */
	TL_LOST_SOCKET_STORAGE, /* st->storage_fail */
	TL_LOST_CONNECTION_TABLE, /* st->table_evictions */
	TL_LOST_LISTENER_MAP, /* st->listeners_untracked */
	TL_LOST_STAGES,
};

struct tl_serve_families {
	struct tl_family *transitions, *closed, *retransmits, *resets, *drops;
	struct tl_family *queue_length, *queue_limit, *listen_drops;
	struct tl_family *time_wait, *close_wait;
	struct tl_family *connect_duration, *handshake_duration;
	struct tl_family *events_lost, *events, *build_info;
};

/**
 * tl_serve_families_add() - add every family to @r, in the order they are
 * exposed, and set tcpline_build_info. Return: 0, or -1 on ENOMEM.
 */
int tl_serve_families_add(struct tl_registry *r, struct tl_serve_families *fam);

/** tl_rtx_kind_name() - "data", "syn", "synack". */
const char *tl_rtx_kind_name(enum tl_rtx_kind k);

/**
 * tl_lost_stage_name() - "ring_buffer", "recursion", "socket_storage",
 * "connection_table", "listener_map".
 */
const char *tl_lost_stage_name(enum tl_lost_stage s);

/** tl_lost_stage_value() - the counter of @st that stage @s reports. */
uint64_t tl_lost_stage_value(const struct tl_stats *st, enum tl_lost_stage s);

#endif
