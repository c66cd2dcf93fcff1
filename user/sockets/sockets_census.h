/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sockets_census.h - `tcpline sockets`: the socket dump (TL_EV_SOCK records)
 * counted per state, per network namespace, per local port, per remote
 * address and per TIME_WAIT destination, plus the CLOSE_WAIT sockets idle
 * longer than a threshold. Every table has a row cap, so memory stays bounded
 * whatever the host holds; sockets a full table could not take are counted.
 */
#ifndef TL_SOCKETS_CENSUS_H
#define TL_SOCKETS_CENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

#define TL_CENSUS_STATES 16 /* state numbers 1..15; anything else counts as 0 */

/* Per-row counters of the port, remote and destination tables. */
enum tl_census_col {
	TL_CC_SOCKETS = 0, /* every socket of the row but listeners */
	TL_CC_ESTABLISHED,
	TL_CC_TIME_WAIT,
	TL_CC_CLOSE_WAIT,
	TL_CC_HALF_OPEN, /* request sockets (NEW_SYN_RECV) */
	TL_CC_LISTEN,
	TL_CC_MAX,
};

/* The tables, for the row caps and tl_census_uncounted(). */
enum tl_census_tab {
	TL_CT_NETNS = 0, /* key: netns */
	TL_CT_PORT, /* key: netns, local port */
	TL_CT_REMOTE, /* key: netns, family, remote address */
	TL_CT_DEST, /* TIME_WAIT on an ephemeral port: netns, family, laddr -> raddr:rport */
	TL_CT_MAX,
};

struct tl_census_key {
	uint32_t netns;
	uint16_t lport;
	uint16_t rport;
	uint8_t family;
	uint8_t pad[3];
	uint8_t laddr[16];
	uint8_t raddr[16];
};

/* What a namespace's sysctls say; read from inside it. */
struct tl_netns_sysctls {
	bool valid;
	uint32_t port_lo, port_hi; /* net.ipv4.ip_local_port_range */
	int32_t tw_reuse; /* net.ipv4.tcp_tw_reuse */
	int32_t fin_timeout; /* net.ipv4.tcp_fin_timeout, seconds */
};

struct tl_census_row {
	struct tl_census_key key;
	uint32_t n[TL_CC_MAX];
	/* netns rows only */
	uint32_t states[TL_CENSUS_STATES];
	uint32_t fw2_orphan_full; /* full FIN_WAIT2 sockets with no file */
	uint32_t fw2_orphan_tw; /* timewait sockets in substate FIN_WAIT2 */
	uint32_t close_wait_old; /* CLOSE_WAIT idle at least the threshold */
	struct tl_netns_sysctls sys;
};

/* A CLOSE_WAIT socket idle at least the threshold, after owners were filled. */
enum tl_cw_owner {
	TL_CW_PROCESS = 0, /* a process holds its file: pid/comm */
	TL_CW_NOT_ACCEPTED, /* no file: still in its listener's accept queue */
	TL_CW_NO_PROCESS, /* a file, but no process has it open (in flight, io_uring, ...) */
};

/* CLOSE_WAIT sockets grouped by owner: the application that never calls close(). */
struct tl_cw_group {
	enum tl_cw_owner owner;
	uint32_t netns;
	uint32_t pid;
	char comm[TL_COMM_LEN];
	uint32_t sockets;
	uint64_t oldest_idle_ns; /* largest idle time among them */
	struct tl_event oldest; /* the socket with that idle time */
};

struct tl_census_limits {
	uint32_t rows_max[TL_CT_MAX]; /* 0: the defaults */
	uint32_t close_wait_max; /* CLOSE_WAIT sockets kept for owner lookup */
};

struct tl_census;

/**
 * tl_census_new() - an empty census. @close_wait_age_ns: CLOSE_WAIT sockets
 * idle at least this long are kept for the owner report. @lim may be NULL.
 * Return: NULL on ENOMEM.
 */
struct tl_census *tl_census_new(uint64_t close_wait_age_ns, const struct tl_census_limits *lim);
void tl_census_free(struct tl_census *c);

/**
 * tl_census_set_sysctls() - what namespace @netns says (before or after its
 * sockets are added: the TIME_WAIT destinations only count sockets on an
 * ephemeral port, so call it before tl_census_add() to get them right).
 * Return: 0, or -ENOSPC if the namespace table is full.
 */
int tl_census_set_sysctls(struct tl_census *c, uint32_t netns, const struct tl_netns_sysctls *s);

/**
 * tl_census_add() - count one TL_EV_SOCK record (others are ignored).
 * Timewait sockets carry their substate (TIME_WAIT or FIN_WAIT2), request
 * sockets NEW_SYN_RECV; the file inode is in segs (0: no file).
 */
void tl_census_add(struct tl_census *c, const struct tl_event *ev);

/**
 * tl_census_close_wait() - the CLOSE_WAIT sockets kept (idle at least the
 * threshold), for the caller to fill their owners (tl_proc_fill_owners())
 * before tl_census_finish().
 */
struct tl_event *tl_census_close_wait(struct tl_census *c, size_t *n);

/**
 * tl_census_finish() - group the kept CLOSE_WAIT sockets by owner and sort
 * every table for printing. Return: 0 or -ENOMEM.
 */
int tl_census_finish(struct tl_census *c);

/** tl_census_total() - all sockets counted; @states gets the per-state totals. */
uint64_t tl_census_total(const struct tl_census *c, uint64_t states[TL_CENSUS_STATES]);

/* The orders tl_census_view() gives the rows in, after tl_census_finish(). */
enum tl_census_view {
	TL_CV_NETNS = 0, /* namespaces by inode */
	TL_CV_PORTS, /* local ports by sockets */
	TL_CV_HALF_OPEN, /* local ports with request sockets, by their number */
	TL_CV_REMOTES, /* remote addresses by sockets */
	TL_CV_DESTS, /* TIME_WAIT destinations by TIME_WAIT count */
	TL_CV_MAX,
};

/**
 * tl_census_view() - the rows of @view after tl_census_finish(), largest
 * first, ties ordered by key so the output is stable.
 * Return: the rows; *@n their number.
 */
const struct tl_census_row *const *tl_census_view(const struct tl_census *c,
						  enum tl_census_view view, size_t *n);

/**
 * tl_census_cw_groups() - after tl_census_finish(): CLOSE_WAIT groups, most
 * sockets first. @kept: sockets with an owner lookup; @seen: all CLOSE_WAIT
 * sockets idle at least the threshold (more than @kept if the cap was hit).
 */
const struct tl_cw_group *tl_census_cw_groups(const struct tl_census *c, size_t *n, uint64_t *seen,
					      uint64_t *kept);

/** tl_census_uncounted() - sockets table @tab had no room for. */
uint64_t tl_census_uncounted(const struct tl_census *c, enum tl_census_tab tab);

/** tl_census_rows_max() - the row cap of table @tab. */
uint32_t tl_census_rows_max(const struct tl_census *c, enum tl_census_tab tab);

/** tl_census_close_wait_age() - the threshold, in ns. */
uint64_t tl_census_close_wait_age(const struct tl_census *c);

#endif
