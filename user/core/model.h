/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * model.h - what the decode/timeline path produces for the sinks: a lifeline
 * per finished connection and the lost-event counters. Events themselves are
 * passed on as struct tl_event (bpf/tcpline.h), enriched by the timeline with
 * the owner and the inferred TIME_WAIT.
 */
#ifndef TL_MODEL_H
#define TL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

#define TL_LIFELINE_MAX_STATES 16

/* TCP state numbers: uapi-stable (include/net/tcp_states.h); names come from BTF. */
enum tl_tcp_state {
	TL_TCP_ESTABLISHED = 1,
	TL_TCP_SYN_SENT = 2,
	TL_TCP_SYN_RECV = 3,
	TL_TCP_FIN_WAIT1 = 4,
	TL_TCP_FIN_WAIT2 = 5,
	TL_TCP_TIME_WAIT = 6,
	TL_TCP_CLOSE = 7,
	TL_TCP_CLOSE_WAIT = 8,
	TL_TCP_LAST_ACK = 9,
	TL_TCP_LISTEN = 10,
	TL_TCP_CLOSING = 11,
	TL_TCP_NEW_SYN_RECV = 12,
};

/* How a connection ended. Names in tl_end_name(). */
enum tl_end {
	TL_END_OPEN = 0, /* still alive when tracing stopped */
	TL_END_CLOSED, /* orderly close */
	TL_END_RESET_BY_PEER, /* RST received */
	TL_END_RESET_LOCAL, /* RST sent by this end (SO_LINGER 0, unread data, abort) */
	TL_END_REFUSED, /* connect() answered by RST: ECONNREFUSED */
	TL_END_TIMED_OUT, /* ETIMEDOUT: SYN, retransmission or keepalive timeout */
	TL_END_ERROR, /* another socket error, errno in err */
	TL_END_ABORTED, /* closed before it was established, without an error */
	TL_END_EVICTED, /* forgotten: the connection table was full */
	TL_END_KEEPALIVE_TIMEOUT, /* ETIMEDOUT by unanswered keepalive probes */
	TL_END_MAX,
};

/* How an established connection closed. Names in tl_close_name(). */
enum tl_close {
	TL_CLOSE_NONE =
		0, /* not closed by FIN or RST (open, timed out, error), or never established */
	TL_CLOSE_GRACEFUL, /* FIN both ways, no reset */
	TL_CLOSE_ABORTIVE, /* a reset sent or received */
	TL_CLOSE_MAX,
};

#define TL_KA_S_NONE 0xffffu /* keepalive setting unknown */
#define TL_RST_REASON_MAX 0xfffeu /* reasons kept in a lifeline (rst_reason_1) */

/** tl_zwin_name() - enum tl_zwin: "start", "probe", "end"; NULL for unknown values. */
const char *tl_zwin_name(unsigned int kind);

/** tl_close_name() - "graceful", "abortive"; NULL for TL_CLOSE_NONE and unknown values. */
const char *tl_close_name(unsigned int close);

/**
 * tl_end_name() - "open", "closed", "reset_by_peer", "reset_local", "refused",
 * "timed_out", "error", "aborted", "evicted", "keepalive_timeout".
 */
const char *tl_end_name(enum tl_end end);

/**
 * tl_timeout_name() - the timer of enum tl_timeout (bpf/tcpline.h): "syn",
 * "retransmit", "user_timeout", "orphan", "keepalive", "zero_window"; NULL
 * for TL_TO_NONE and values this version does not know.
 */
const char *tl_timeout_name(unsigned int timeout);

/**
 * tl_retrans_kind_name() - enum tl_retrans_kind: "rto", "fast", "tlp",
 * "syn", "synack", "other"; NULL for TL_RK_UNKNOWN and unknown values.
 */
const char *tl_retrans_kind_name(unsigned int kind);

/**
 * tl_err_name() - the symbolic name of an errno TCP fails a connection with
 * ("ECONNREFUSED", "ETIMEDOUT", ...), from a fixed table so the names do not
 * depend on the C library. @err may be negative. Return: NULL if not in it.
 */
const char *tl_err_name(int err);

/*
 * One state of a lifeline in 8 bytes (a table of 65536 connections holds 16
 * per connection): the TCP state number in the top byte, the time spent in
 * it below (TL_DWELL_NS_MAX and more, about 2.28 years, is kept as
 * TL_DWELL_NS_MAX). Read and written through the functions below only.
 */
struct tl_dwell {
	uint64_t v;
};

#define TL_DWELL_NS_BITS 56
#define TL_DWELL_NS_MASK ((UINT64_C(1) << TL_DWELL_NS_BITS) - 1)
#define TL_DWELL_NS_MAX (TL_DWELL_NS_MASK - 1) /* the mask itself: unknown */

/** tl_dwell_make() - @state with @dwell_ns (TL_DWELL_UNKNOWN: not seen). */
static inline struct tl_dwell tl_dwell_make(uint8_t state, uint64_t dwell_ns)
{
	uint64_t ns = dwell_ns == TL_DWELL_UNKNOWN ? TL_DWELL_NS_MASK :
		      dwell_ns > TL_DWELL_NS_MAX   ? TL_DWELL_NS_MAX :
						     dwell_ns;

	return (struct tl_dwell){ (uint64_t)state << TL_DWELL_NS_BITS | ns };
}

static inline uint8_t tl_dwell_state(const struct tl_dwell *d)
{
	return (uint8_t)(d->v >> TL_DWELL_NS_BITS);
}

/** tl_dwell_ns() - the time spent in the state, or TL_DWELL_UNKNOWN. */
static inline uint64_t tl_dwell_ns(const struct tl_dwell *d)
{
	uint64_t ns = d->v & TL_DWELL_NS_MASK;

	return ns == TL_DWELL_NS_MASK ? TL_DWELL_UNKNOWN : ns;
}

struct tl_lifeline {
	uint64_t cookie;
	uint64_t start_ns; /* boot-time ns of the first state (or of the dump, if preexisting) */
	uint64_t end_ns; /* boot-time ns of the end */
	uint64_t bytes_acked; /* valid when stats_known */
	uint64_t bytes_received;
	uint64_t accept_wait_1; /* 1 + ns from ESTABLISHED to accept() returning it; 0: not seen */
	uint32_t netns;
	uint32_t pid; /* valid when owner_conf != TL_OWNER_UNKNOWN */
	uint32_t retransmits; /* segments retransmitted (tcp_sock total_retrans) */
	uint32_t srtt_us;
	int32_t err; /* errno the connection failed with, 0 if none */
	uint32_t timeout_ms; /* with timeout: ms from the first loss to the end, TL_DETAIL_NONE */
	uint16_t timeout_attempts; /* with timeout: retransmits or probes made */
	uint8_t timeout; /* enum tl_timeout: the timer that gave up (ETIMEDOUT), else 0 */
	bool ka_on; /* SO_KEEPALIVE was on (seen at close or in a probe); the ka_ fields valid */
	uint16_t ka_idle_s; /* effective idle, interval: seconds (TL_KA_S_NONE: HZ unknown) */
	uint16_t ka_intvl_s;
	uint16_t ka_probes; /* probes seen sent (valid with ka_probes_known) */
	uint8_t ka_cnt; /* effective probe count */
	bool ka_probes_known; /* the kernel shows keepalive probes (TL_F_KA_PROBES) */
	uint16_t rst_reason_1; /* 1 + reason of the reset this host sent; 0: none (zeroed = none) */
	uint16_t zw_stalls; /* zero-window stalls (TL_EV_ZWIN start) */
	uint16_t zw_probes; /* window probes sent in them */
	uint8_t close; /* enum tl_close: how an established connection closed */
	uint8_t pad1;
	uint32_t zw_stalled_ms; /* their total time, finished ones */
	uint32_t zw_since_1; /* 1 + ms after start_ns when the stall under way began; 0: none */
	uint16_t lport;
	uint16_t rport;
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint8_t family;
	uint8_t owner_conf; /* enum tl_owner_conf */
	uint8_t end; /* enum tl_end */
	bool preexisting; /* alive before tracing started */
	bool stats_known; /* bytes/srtt/retransmits were read from the socket */
	uint8_t nstates;
	bool states_truncated; /* more than TL_LIFELINE_MAX_STATES: the last ones kept */
	uint8_t pad;
	char comm[TL_COMM_LEN];
	struct tl_dwell states[TL_LIFELINE_MAX_STATES]; /* in order, CLOSE excluded */
};

/* Lost-event and health counters: monotonic, shown live and at exit. */
struct tl_stats {
	uint64_t events; /* events received from the kernel */
	uint64_t rb_lost; /* ring buffer full: events the kernel could not queue */
	uint64_t storage_fail; /* socket storage not created: dwell/owner unknown */
	uint64_t recursion_misses; /* our programs skipped by the kernel (nesting) */
	uint64_t table_evictions; /* connections evicted from the full table */
	uint64_t states_truncated; /* lifelines with more states than fit */
	uint64_t lifelines; /* lifelines emitted */
	uint64_t listeners_untracked; /* listeners not sampled: the listener map was full */
	/* tl_hook_mask (hooks.h) of the hooks this run wanted and does not have */
	uint32_t hooks_missing;
};

#endif
