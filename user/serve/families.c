// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* families.c - see families.h. */
#include "cli/version.h"
#include "serve/families.h"

/*
 * Durations from 100 us (a loopback handshake) to a minute (SYN retransmits
 * with the default 6 SYN retries give up after about 127 s: the last buckets
 * hold those).
 */
static const double duration_buckets[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					   0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
					   1,	   2.5,	    5,	    10,	   30,	   60 };
#define NB (sizeof(duration_buckets) / sizeof(duration_buckets[0]))

/* A family: name, help, type, then its label names. */
#define FAMILY(n, h, t, ...)                                                         \
	{                                                                            \
		.name = n, .help = h, .type = t,                                     \
		.nlabels = sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *), \
		.labels = { __VA_ARGS__ },                                           \
	}
#define DURATIONS(n, h, label)                                                    \
	{                                                                         \
		.name = n, .help = h, .type = TL_METRIC_HISTOGRAM, .nlabels = 1,  \
		.labels = { label }, .nbuckets = NB, .buckets = duration_buckets, \
	}

static const struct tl_family_def defs[] = {
	FAMILY("tcpline_state_transitions_total",
	       "TCP state changes of sockets, by the state left and the state entered.",
	       TL_METRIC_COUNTER, "from", "to"),
	FAMILY("tcpline_connections_closed_total",
	       "Connections that ended, by how they ended (closed, reset_by_peer, reset_local, "
	       "refused, timed_out, keepalive_timeout, error, aborted, evicted).",
	       TL_METRIC_COUNTER, "outcome"),
	FAMILY("tcpline_retransmits_total",
	       "Segments retransmitted: data (and FIN), SYN, SYN-ACK. Their sum is TcpRetransSegs.",
	       TL_METRIC_COUNTER, "kind"),
	FAMILY("tcpline_resets_total",
	       "RST segments sent (reason from the kernel, when it gives one) and received.",
	       TL_METRIC_COUNTER, "direction", "reason"),
	FAMILY("tcpline_drops_total",
	       "TCP segments the kernel freed as dropped (kfree_skb), by drop reason as named by "
	       "the running kernel.",
	       TL_METRIC_COUNTER, "reason"),
	FAMILY("tcpline_listen_queue_length",
	       "Listener queue depth at the last sample: accept (established, not yet accepted) "
	       "or syn (half-open requests).",
	       TL_METRIC_GAUGE, "netns", "listener", "queue"),
	FAMILY("tcpline_listen_queue_limit",
	       "Listener queue limit: listen()'s backlog capped by net.core.somaxconn (both "
	       "queues).",
	       TL_METRIC_GAUGE, "netns", "listener", "queue"),
	FAMILY("tcpline_listen_drops_total",
	       "Listen drops (as ListenDrops counts them) per listener, by cause; unsplit when "
	       "the namespace's counters cannot tell the cause.",
	       TL_METRIC_COUNTER, "netns", "listener", "cause"),
	FAMILY("tcpline_time_wait_sockets", "TIME_WAIT sockets at the last sample, per namespace.",
	       TL_METRIC_GAUGE, "netns"),
	FAMILY("tcpline_close_wait_sockets",
	       "CLOSE_WAIT sockets at the last sample, per namespace.", TL_METRIC_GAUGE, "netns"),
	DURATIONS("tcpline_connect_duration_seconds",
		  "Time outgoing connections spent in SYN_SENT, by remote port (--metrics-port, "
		  "else other).",
		  "port"),
	DURATIONS("tcpline_handshake_duration_seconds",
		  "Time accepted connections spent in SYN_RECV as full sockets, by listener port.",
		  "listener"),
	FAMILY("tcpline_events_lost_total",
	       "Events tcpline lost or could not complete, by stage (ring_buffer, recursion, "
	       "socket_storage, connection_table, listener_map).",
	       TL_METRIC_COUNTER, "stage"),
	{ .name = "tcpline_events_total",
	  .help = "Events tcpline received from the kernel.",
	  .type = TL_METRIC_COUNTER },
	FAMILY("tcpline_build_info", "tcpline's version; always 1.", TL_METRIC_GAUGE, "version"),
};

int tl_serve_families_add(struct tl_registry *r, struct tl_serve_families *fam)
{
	struct tl_family **slot[] = {
		&fam->transitions,
		&fam->closed,
		&fam->retransmits,
		&fam->resets,
		&fam->drops,
		&fam->queue_length,
		&fam->queue_limit,
		&fam->listen_drops,
		&fam->time_wait,
		&fam->close_wait,
		&fam->connect_duration,
		&fam->handshake_duration,
		&fam->events_lost,
		&fam->events,
		&fam->build_info,
	};
	const char *version[] = { TL_VERSION };

	_Static_assert(sizeof(slot) / sizeof(slot[0]) == sizeof(defs) / sizeof(defs[0]),
		       "one slot per family");
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		*slot[i] = tl_registry_add(r, &defs[i]);
		if (!*slot[i])
			return -1;
	}
	tl_series_gauge_add(tl_family_series(fam->build_info, version), 1);
	return 0;
}

const char *tl_rtx_kind_name(enum tl_rtx_kind k)
{
	static const char *const names[] = { "data", "syn", "synack" };

	return k < TL_RTX_KINDS ? names[k] : "other";
}

const char *tl_lost_stage_name(enum tl_lost_stage s)
{
	static const char *const names[] = { "ring_buffer", "recursion", "socket_storage",
					     "connection_table", "listener_map" };

	return s < TL_LOST_STAGES ? names[s] : "other";
}

uint64_t tl_lost_stage_value(const struct tl_stats *st, enum tl_lost_stage s)
{
	switch (s) {
	case TL_LOST_RING_BUFFER:
		return st->rb_lost;
	case TL_LOST_RECURSION:
		return st->recursion_misses;
	case TL_LOST_SOCKET_STORAGE:
		return st->storage_fail;
	case TL_LOST_CONNECTION_TABLE:
		return st->table_evictions;
	case TL_LOST_LISTENER_MAP:
		return st->listeners_untracked;
	default:
		return 0;
	}
}
