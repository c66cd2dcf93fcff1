/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * conn.h - one tracked connection, and what its events do to its lifeline:
 * states pushed and closed with their dwell, the tuple and the owner as they
 * are learnt, the kernel's final counters, how it ended. No table, no
 * output: the timeline (timeline.c) decides when each applies, the
 * connection table (conn_table.h) stores them.
 */
#ifndef TL_CONN_H
#define TL_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/dlist.h"
#include "core/model.h"

/*
 * The first cache line holds all that lookups, chain walks and list moves
 * read, so a connection idle for a while (a neighbour in the LRU list) costs
 * one cache miss there, not three.
 */
struct tl_conn {
	struct tl_conn *hnext;
	uint64_t cookie; /* l.cookie, here for the chain walk (or the key a rekey gave) */
	struct tl_dlist lru; /* all live conns, least recently touched first */
	struct tl_dlist due; /* on the timeline's closing list */
	/* second line: the per-event state, and all the TIME_WAIT table packs (tw_pack.h) */
	uint64_t enter_ns __attribute__((aligned(64))); /* current state entered, 0 if unseen */
	uint64_t due_ns; /* close pending / timewait since */
	uint64_t last_ts; /* last event applied, for duplicates */
	uint32_t rtx_segs; /* retransmitted segments seen as events */
	uint8_t last_old, last_new;
	uint8_t state; /* current state */
	/* bits, so that the lifeline starts at byte 96 and the whole is six cache lines */
	bool in_use : 1, reset_sent : 1, reset_recv : 1, established : 1, closing : 1;
	struct tl_lifeline l;
} __attribute__((aligned(64)));

/**
 * tl_conn_push_state() - @c enters @state at @enter_ns (0: unseen). A full
 * lifeline drops its oldest state: how a connection ended matters most.
 * Return: true when this push is the first to truncate @c's lifeline.
 */
bool tl_conn_push_state(struct tl_conn *c, uint8_t state, uint64_t enter_ns);

/**
 * tl_conn_close_state() - the current state ends at @now_ns: its dwell is
 * @dwell_ns when the kernel measured it (not TL_DWELL_UNKNOWN), else the
 * time since it was entered, if that was seen.
 */
void tl_conn_close_state(struct tl_conn *c, uint64_t dwell_ns, uint64_t now_ns);

/**
 * tl_conn_leave_state() - @c leaves @old; when @c thought it was elsewhere,
 * a transition was missed and @old is pushed (with no entry time) first.
 * Return: as tl_conn_push_state().
 */
bool tl_conn_leave_state(struct tl_conn *c, uint8_t old, uint64_t dwell_ns, uint64_t now_ns);

/**
 * tl_conn_set_tuple() - the addresses and ports of @ev. A connecting socket
 * has no local port yet at SYN_SENT: what is known is kept, not zeroed.
 */
void tl_conn_set_tuple(struct tl_conn *c, const struct tl_event *ev);

/**
 * tl_conn_take_owner() - the owner of @ev, if it is worth more: the first
 * exact one (the caller of connect(), listen() or accept(), or the holder
 * /proc names) stays; an inherited one (from the listener) only stands in
 * until an exact one is known.
 */
void tl_conn_take_owner(struct tl_conn *c, const struct tl_event *ev);

/**
 * tl_conn_take_accept() - @ev, a TL_EV_OWNER: accept() returned @c. The first
 * one sets the lifeline's accept wait (from entering ESTABLISHED), when that
 * entry was seen and the dwells since are known.
 */
void tl_conn_take_accept(struct tl_conn *c, const struct tl_event *ev);

/** tl_conn_take_stats() - the kernel's final counters, when @ev carries them. */
void tl_conn_take_stats(struct tl_conn *c, const struct tl_event *ev);

/**
 * tl_conn_take_timeout() - the timer that gave up, its attempts and the time
 * since the first loss, when @ev (STATE -> CLOSE) names one.
 */
void tl_conn_take_timeout(struct tl_conn *c, const struct tl_event *ev);

/**
 * tl_conn_take_keepalive() - @ev, a TL_EV_KA_PROBE (one more probe sent) or
 * TL_EV_KA_INFO (the socket closes with SO_KEEPALIVE): the settings in effect.
 */
void tl_conn_take_keepalive(struct tl_conn *c, const struct tl_event *ev);

/**
 * tl_conn_take_zwin() - @ev, a TL_EV_ZWIN: a zero-window stall starts (one
 * under way ends first), a window probe went out, or the stall ends.
 */
void tl_conn_take_zwin(struct tl_conn *c, const struct tl_event *ev);

/** tl_conn_stall_end() - a zero-window stall under way, if any, ends at @now_ns. */
void tl_conn_stall_end(struct tl_conn *c, uint64_t now_ns);

/**
 * tl_conn_close_kind() - how @c, ending @end, closed: graceful (an orderly
 * close), abortive (a reset either way), or neither (never established;
 * open, timed out, failed with an error, evicted).
 */
enum tl_close tl_conn_close_kind(const struct tl_conn *c, enum tl_end end);

/**
 * tl_conn_end() - how @c ended, from its error, the resets seen and whether
 * it was ever established.
 */
enum tl_end tl_conn_end(const struct tl_conn *c);

/**
 * tl_state_implies_established() - a connection first seen in @state must
 * have been established (a handshake completed before).
 */
bool tl_state_implies_established(uint8_t state);

/**
 * tl_conn_shown_event() - @ev as the sinks see it: with @c's owner, unless
 * @ev knows better (a more exact owner) or @c is NULL. Return: @ev itself,
 * or @copy filled with the corrected event.
 */
const struct tl_event *tl_conn_shown_event(const struct tl_conn *c, const struct tl_event *ev,
					   struct tl_event *copy);

#endif
