/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog.h - `tcpline backlog`: per-listener SYN-queue and accept-queue
 * depths and drops, split by cause as far as the kernel allows, with a
 * diagnosis. backlog.c runs the live session and keeps the listener table,
 * backlog_netns.c reads each namespace's MIB counters and sysctls,
 * backlog_diag.c attributes causes and writes the diagnosis,
 * backlog_print.c renders an interval as a table or as JSON Lines.
 */
#ifndef TL_BACKLOG_H
#define TL_BACKLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../bpf/tcpline.h"
#include "core/clock.h"

/* The TcpExt counters of one namespace (/proc/net/netstat). */
enum bl_mib_id {
	BL_LISTEN_OVERFLOWS = 0, /* accept queue full, at the SYN or at the third ACK */
	BL_LISTEN_DROPS, /* every tcp_listendrop(): the sum of all causes */
	BL_REQQ_FULL_DROP, /* SYN queue full, syncookies off: SYN dropped */
	BL_REQQ_FULL_COOKIES, /* SYN queue full, syncookies on: answered with a cookie */
	BL_COOKIES_SENT, /* syncookies sent */
	BL_COOKIES_RECV, /* valid syncookies received (ACKs that complete a cookie handshake) */
	BL_MIB_MAX,
};

struct bl_mib {
	uint64_t v[BL_MIB_MAX];
};

/* Sysctls of one namespace; -1 where unreadable. */
struct bl_sysctls {
	int somaxconn; /* net.core.somaxconn */
	int max_syn_backlog; /* net.ipv4.tcp_max_syn_backlog */
	int syncookies; /* net.ipv4.tcp_syncookies */
	int abort_on_overflow; /* net.ipv4.tcp_abort_on_overflow */
	int synack_retries; /* net.ipv4.tcp_synack_retries */
};

/* Why the SYN-time causes of a listener are not given (bl_row.split). */
enum bl_nosplit {
	BL_SPLIT_OK = 0,
	BL_NOSPLIT_SHARED, /* several listeners of the namespace dropped in the interval */
	BL_NOSPLIT_NO_MIB, /* the namespace's counters could not be read for the interval */
	BL_NOSPLIT_RAW_DROPS, /* the kernel has no kfree_skb rx_sk: drops include discards */
	BL_NOSPLIT_NO_REASON, /* the kernel has no TCP_LISTEN_OVERFLOW drop reason */
	BL_NOSPLIT_UNTRACKED, /* some listeners are not tracked (the BPF listener map was full) */
	BL_NOSPLIT_INCONSISTENT, /* the counters disagree (a drop fell between two readings) */
	BL_NOSPLIT_MAX,
};

/**
 * bl_nosplit_name() - "shared", "no_mib", "raw_drops", "no_reason", "untracked",
 * "inconsistent".
 */
const char *bl_nosplit_name(enum bl_nosplit why);

/* One listener in one interval: what the printers and the diagnosis read. */
struct bl_row {
	uint64_t ts_ns; /* end of the interval (or the close) */
	uint64_t cookie;
	uint64_t drops; /* listen drops in the interval, as ListenDrops counts them */
	uint64_t drops_total; /* sum of drops since tracing started */
	uint64_t drops_since_created; /* the listener's listen drops since listen() */
	uint64_t discarded; /* segments discarded, not listen drops (valid: !raw_drops) */
	uint64_t at_ack; /* accept queue full at the third ACK (valid: has_at_ack) */
	uint64_t at_syn, synq_full, other; /* valid when split == BL_SPLIT_OK */
	uint64_t cookies_sent; /* namespace SyncookiesSent delta (valid: mib_known) */
	uint32_t netns;
	uint32_t pid;
	uint32_t acceptq, acceptq_peak, acceptq_limit;
	uint32_t synq, synq_peak, synq_limit;
	uint32_t synack_rtx; /* SYN-ACK retransmits in the interval */
	uint16_t lport;
	uint8_t laddr[16];
	uint8_t family;
	uint8_t owner_conf;
	bool closed;
	bool raw_drops; /* TL_LF_RAW_DROPS: drops include discarded segments */
	bool has_at_ack;
	bool synack_known; /* the SYN-ACK retransmit hook is attached */
	bool mib_known;
	uint8_t split; /* enum bl_nosplit */
	bool precise; /* at_syn, synq_full, other came from the precise tier (precise.h) */
	char comm[TL_COMM_LEN];
	struct bl_sysctls sys;
	uint64_t interval_ns;
};

/**
 * bl_parse_netstat() - the counters of @m from the text of /proc/net/netstat
 * (pairs of "TcpExt: NAME..." / "TcpExt: VALUE..." lines).
 * Return: 0, or -1 if the TcpExt lines are missing or malformed.
 */
int bl_parse_netstat(const char *text, struct bl_mib *m);

/**
 * bl_read_netns() - read the MIB counters and the sysctls of the namespace
 * the calling thread is in now. Return: 0, or -errno for the counters
 * (sysctls that cannot be read are -1).
 */
int bl_read_netns(struct bl_mib *m, struct bl_sysctls *s);

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

struct bl_print {
	FILE *out;
	const struct tl_clock *clock;
	bool json;
	bool clear; /* text: clear the screen first (stdout is a terminal) */
	uint64_t evictions; /* listeners forgotten: the table was full */
	uint64_t untracked; /* listeners the BPF side could not track */
	bool precise; /* the precise tier is active: the header says so */
};

/**
 * bl_print_interval() - one interval: @rows (sorted by the caller: troubled
 * first) as a header and a table then the diagnosis lines, or one JSON object
 * per row. Return: 0 or -1 on a write error.
 */
int bl_print_interval(const struct bl_print *p, const struct bl_row *rows, size_t n,
		      uint64_t now_ns, uint64_t interval_ns);

/** bl_row_cmp() - qsort order: troubled first, then by drops, netns, port, cookie. */
int bl_row_cmp(const void *a, const void *b);

/** cmd_backlog() - `tcpline backlog [OPTIONS]`. Return: the exit code. */
int cmd_backlog(int argc, char **argv);

#endif
