/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_row.h - what `tcpline backlog` knows of one listener in one
 * interval (struct bl_row), and of its namespace (MIB counters, sysctls):
 * the table (backlog_table.h) fills rows, the diagnosis (backlog_diag.h)
 * attributes and explains them, the printers (backlog_print.h) show them.
 */
#ifndef TL_BACKLOG_ROW_H
#define TL_BACKLOG_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

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

#endif
