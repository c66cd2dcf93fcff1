/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * precise.h - the contract between bpf/precise.bpf.c (the precise tier of
 * `tcpline backlog`) and user/precise.c: per listener, the SYNs that
 * tcp_conn_request() dropped, by cause. Host byte order, fixed widths.
 */
#ifndef TL_PRECISE_H
#define TL_PRECISE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TL_PRECISE_MAX_LISTENERS 16384 /* as many as the main object tracks */

/* Value of the counts map, keyed by the listener's socket cookie (__u64). */
struct tl_precise_counts {
	__u64 at_syn; /* accept queue full at the SYN: ListenOverflows moved */
	__u64 synq_full; /* SYN queue full, syncookies off: TCPReqQFullDrop moved */
	__u64 other; /* ListenDrops alone: the tcp_max_syn_backlog rule, memory, route, LSM */
};

_Static_assert(sizeof(struct tl_precise_counts) == 24, "tl_precise_counts layout");

#endif
