/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcpline.h - the one kernel <-> user-space event contract.
 *
 * Included by the BPF programs (after vmlinux.h) and by the user-space loader,
 * decoder and recording code. Every field has a fixed width; integers are in
 * host byte order (BPF converts ports before submitting); addresses are raw
 * network-order bytes, IPv4 in the first four. The layout has no implicit
 * padding and its size is asserted on both sides: a change to it is a change
 * of TL_ABI_VERSION.
 */
#ifndef TCPLINE_H
#define TCPLINE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TL_ABI_VERSION 2 /* 2: kind and detail in what was padding (readers take 1: zero there) */
#define TL_ABI_VERSION_MIN 1
#define TL_COMM_LEN 16
#define TL_DWELL_UNKNOWN ((__u64)-1)

/* The event kinds; stable numbers, they are written into recordings. */
enum tl_event_type {
	TL_EV_STATE = 1, /* inet_sock_set_state: old_state -> new_state */
	TL_EV_RETRANS = 2, /* tcp_retransmit_skb that went out: segs */
	TL_EV_SYNACK_RETRANS = 3, /* tcp_retransmit_synack (listener's request) */
	TL_EV_RESET_SENT = 4, /* tcp_send_reset: reason = sk_rst_reason or TL_REASON_NONE */
	TL_EV_RESET_RECV = 5, /* tcp_receive_reset */
	TL_EV_DROP = 6, /* kfree_skb of a TCP segment: reason = skb_drop_reason */
	TL_EV_OWNER = 7, /* accept() returned this socket in process context */
	TL_EV_TW_END = 8, /* the timewait socket that replaced cookie expired */
	TL_EV_SOCK = 9, /* socket dump (iter/tcp): a socket alive at start */
	TL_EV_TW_STATE = 10, /* a timewait socket took a segment: old_state = its substate */
	TL_EV_LISTENER = 11, /* a listener's queues and drops: struct tl_listener_rec */
	TL_EV_STATES = 12, /* state changes batched in the kernel: struct tl_states_rec
			    * (ring buffer only: expanded into TL_EV_STATE before use) */
	TL_EV_KA_PROBE = 13, /* a keepalive probe sent (its timer re-armed, probes out > 0) */
	TL_EV_KA_INFO = 14, /* a socket with SO_KEEPALIVE closes: its effective settings */
	TL_EV_ZWIN = 15, /* a zero-window stall starts, probes or ends: kind enum tl_zwin */
	TL_EV_TYPE_MAX,
};

/* How sure we are of pid/comm: they are never taken from softirq context. */
enum tl_owner_conf {
	TL_OWNER_UNKNOWN = 0,
	TL_OWNER_EXACT = 1, /* captured in the owner's syscall (connect/listen/accept/close) */
	TL_OWNER_LISTENER = 2, /* inherited from the listening socket it was cloned from */
};

/* tl_event.flags */
#define TL_F_TIMEWAIT \
	0x01 /* STATE ->CLOSE: a timewait socket took over (reason = its substate);
			    * SOCK: this is a timewait socket (old_state = its substate) */
#define TL_F_PREEXISTING 0x02 /* SOCK: found by the start-up dump */
#define TL_F_NO_SOCKET 0x04 /* RESET_SENT/DROP: no socket, tuple read from the packet */
#define TL_F_STATS 0x08 /* bytes_acked, bytes_received, srtt_us, total_retrans are valid */
#define TL_F_KA_PROBES 0x10 /* KA_INFO: keepalive probes are observed (TL_EV_KA_PROBE) */

/*
 * TL_EV_KA_PROBE and TL_EV_KA_INFO: the keepalive settings in effect (the
 * socket's TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT, else its namespace's
 * tcp_keepalive_time / _intvl / _probes): idle in detail, interval in reason
 * (milliseconds, TL_DETAIL_NONE when the kernel's HZ is unknown), count in
 * total_retrans; segs: the probes unanswered now (icsk_probes_out).
 */

#define TL_REASON_NONE 0xffffffffu /* the kernel gives no reason here */

/*
 * tl_event.kind of RETRANS and SYNACK_RETRANS: which mechanism resent, from
 * the socket's state at the tracepoint. Stable numbers (recordings); 0 where
 * the kernel state was not read (an older recording, a kernel without the
 * fields).
 */
enum tl_retrans_kind {
	TL_RK_UNKNOWN = 0,
	TL_RK_RTO =
		1, /* congestion state Loss: the retransmission timer fired (and what follows it) */
	TL_RK_FAST = 2, /* congestion state Recovery: fast retransmit (dupacks, SACK, RACK) */
	TL_RK_TLP = 3, /* the loss-probe timer is the one running (icsk_pending LOSS_PROBE) */
	TL_RK_SYN = 4, /* a SYN resent (SYN_SENT) */
	TL_RK_SYNACK = 5, /* a SYN-ACK resent (request socket, or a Fast Open child in SYN_RECV) */
	TL_RK_OTHER = 6, /* none of the above (congestion state Open, Disorder or CWR) */
	TL_RK_MAX,
};

/*
 * tl_event.kind of STATE -> CLOSE with reason ETIMEDOUT: the timer that gave
 * up, from the dying socket's state. Stable numbers; 0: not known.
 */
enum tl_timeout {
	TL_TO_NONE = 0,
	TL_TO_SYN = 1, /* SYN_SENT/SYN_RECV: tcp_syn_retries / tcp_synack_retries */
	TL_TO_RETRANSMIT = 2, /* tcp_retries2 */
	TL_TO_USER = 3, /* TCP_USER_TIMEOUT elapsed since the first loss */
	TL_TO_ORPHAN = 4, /* a closed (orphaned) socket: tcp_orphan_retries */
	TL_TO_KEEPALIVE = 5, /* keepalive probes unanswered (TCP_KEEPCNT / tcp_keepalive_probes) */
	TL_TO_ZERO_WINDOW = 6, /* window probes (probe0 timer) unanswered */
	TL_TO_MAX,
};

/*
 * tl_event.kind of TL_EV_ZWIN, seen as the write timer (tcp_write_timer) is
 * armed: with icsk_pending PROBE0 for the first time (start), again after a
 * window probe went out (probe: icsk_probes_out > 0, in segs), then as
 * anything else once data flows again (end).
 */
enum tl_zwin {
	TL_ZW_START = 1,
	TL_ZW_PROBE = 2,
	TL_ZW_END = 3,
	TL_ZW_MAX,
};

/* tl_event.detail when there is none. */
#define TL_DETAIL_NONE 0xffffffffu

/* tl_listener_rec.flags */
#define TL_LF_CLOSED 0x01 /* the listener closed: these are its final counts */
#define TL_LF_FIRST 0x02 /* first record of a listener older than tracing: drops_delta 0 */
#define TL_LF_RAW_DROPS 0x04 /* kernel without kfree_skb rx_sk: drops include discarded segments */

/* Lost-event counters, one per-CPU array slot each (map "counters"). */
enum tl_counter {
	TL_CNT_RB_FULL = 0, /* ring buffer reserve failed: event lost */
	TL_CNT_STORAGE_FAIL, /* socket storage could not be created: dwell/owner unknown */
	TL_CNT_LISTENERS_FULL, /* a listener could not be tracked: the listener map is full */
	TL_CNT_MAX,
};

/*
 * A cookie with this bit set is not the kernel's socket cookie but a keyed
 * hash of the socket's address: on kernels whose tracing programs cannot
 * call bpf_get_socket_cookie (< 5.12). A socket allocated later at the same
 * address gets the same id; the timeline tells them apart by their births.
 */
#define TL_COOKIE_HASHED (1ULL << 63)

struct tl_event {
	__u64 ts_ns; /* CLOCK_BOOTTIME (bpf_ktime_get_boot_ns) */
	__u64 cookie; /* socket cookie; 0 when there is no socket (TL_COOKIE_HASHED) */
	__u64 dwell_ns; /* STATE: time spent in old_state, TL_DWELL_UNKNOWN if not seen;
			 * SOCK: time since the socket last received a segment
			 * (a lower bound of its time in CLOSE_WAIT) */
	__u64 bytes_acked; /* with TL_F_STATS */
	__u64 bytes_received; /* with TL_F_STATS */
	__u32 netns; /* network namespace inode */
	__u32 pid; /* owner tgid when owner_conf != UNKNOWN */
	__u32 reason; /* DROP/RESET_SENT reason, STATE ->CLOSE: sk_err, TL_F_TIMEWAIT: substate */
	__u32 segs; /* RETRANS: segments; SOCK: socket inode (owner lookup);
		     * STATE ->CLOSE with kind: the attempts (retransmits or probes) made */
	__u32 srtt_us; /* with TL_F_STATS */
	__u32 total_retrans; /* with TL_F_STATS */
	__u16 lport; /* local port, host order */
	__u16 rport; /* remote port, host order */
	__u8 laddr[16];
	__u8 raddr[16];
	__u8 family; /* AF_INET (2) or AF_INET6 (10) */
	__u8 type; /* enum tl_event_type */
	__u8 old_state; /* STATE: previous state; other types: state of the socket now */
	__u8 new_state; /* STATE: new state */
	__u8 owner_conf; /* enum tl_owner_conf */
	__u8 flags; /* TL_F_* */
	__u8 kind; /* RETRANS, SYNACK_RETRANS: enum tl_retrans_kind; STATE ->CLOSE: enum tl_timeout */
	__u8 pad;
	__u32 detail; /* STATE ->CLOSE with kind: ms from the first loss to the end, or
		       * TL_DETAIL_NONE; 0 in records of layout 1 (kind 0 there) */
	char comm[TL_COMM_LEN]; /* owner comm when owner_conf != UNKNOWN */
};

#ifdef __cplusplus
static_assert(sizeof(struct tl_event) == 128, "tl_event layout changed: bump TL_ABI_VERSION");
#else
_Static_assert(sizeof(struct tl_event) == 128, "tl_event layout changed: bump TL_ABI_VERSION");
#endif

/*
 * TL_EV_LISTENER: a listener sampled (when something moved) or closing. The
 * same size as struct tl_event, with the same common fields at the same
 * offsets (ts_ns, cookie, netns, pid, ports, addresses, family, type, owner,
 * flags, comm), so every reader can dispatch on type; the connection fields
 * are replaced by the listener's counters.
 */
struct tl_listener_rec {
	__u64 ts_ns;
	__u64 cookie; /* the listener's socket cookie */
	__u64 drops; /* listen drops (as ListenDrops counts them) since it was created */
	__u32 ack_overflows; /* third ACKs dropped for a full accept queue, since tracked */
	__u32 rx_discards; /* segments it discarded, not listen drops (in sk_drops), since tracked */
	__u32 synack_rtx; /* SYN-ACK retransmits, since tracked */
	__u32 synq_peak; /* highest SYN queue depth since the previous record */
	__u32 netns;
	__u32 pid;
	__u32 acceptq; /* accept queue depth now (sk_ack_backlog) */
	__u32 acceptq_limit; /* sk_max_ack_backlog: listen()'s backlog capped by somaxconn */
	__u32 synq; /* SYN queue depth now (icsk_accept_queue.qlen) */
	__u32 acceptq_peak; /* highest accept queue depth since the previous record */
	__u16 lport;
	__u16 rport;
	__u8 laddr[16];
	__u8 raddr[16];
	__u8 family;
	__u8 type; /* TL_EV_LISTENER */
	__u8 state; /* TCP_LISTEN, or TCP_CLOSE with TL_LF_CLOSED */
	__u8 new_state; /* 0 */
	__u8 owner_conf;
	__u8 flags; /* TL_LF_* */
	__u16 pad;
	__u32 drops_delta; /* listen drops since the previous record, or since listen() */
	char comm[TL_COMM_LEN];
};

#ifndef __cplusplus
#define TL_SAME_OFFSET(f)                                               \
	_Static_assert(__builtin_offsetof(struct tl_listener_rec, f) == \
			       __builtin_offsetof(struct tl_event, f),  \
		       "tl_listener_rec." #f " must match tl_event")
TL_SAME_OFFSET(ts_ns);
TL_SAME_OFFSET(cookie);
TL_SAME_OFFSET(netns);
TL_SAME_OFFSET(pid);
TL_SAME_OFFSET(lport);
TL_SAME_OFFSET(rport);
TL_SAME_OFFSET(laddr);
TL_SAME_OFFSET(raddr);
TL_SAME_OFFSET(family);
TL_SAME_OFFSET(type);
TL_SAME_OFFSET(owner_conf);
TL_SAME_OFFSET(flags);
TL_SAME_OFFSET(comm);
_Static_assert(sizeof(struct tl_listener_rec) == sizeof(struct tl_event),
	       "tl_listener_rec must be as long as tl_event");
#endif

/*
 * TL_EV_STATES: when only lifelines are wanted (they print when a connection
 * ends), a socket's state changes are kept in its storage and sent together,
 * at ESTABLISHED (accept() reports the owner of an established socket), at
 * CLOSE, when TL_STEPS_MAX are pending, before any other event of the socket
 * (so that its events stay in order), and at exit: one record instead of one
 * per change. @last is the newest change as a whole TL_EV_STATE record but
 * for its type; @steps[0..nsteps) the older ones, oldest first, each with
 * what differs from @last. The reader expands them back into TL_EV_STATE
 * records; recordings never hold this type.
 */
#define TL_STEPS_MAX 6
struct tl_state_step {
	__u64 ts_ns;
	__u64 dwell_ns;
	__u8 old_state;
	__u8 new_state;
	__u8 pad[6];
};

struct tl_states_rec {
	struct tl_event last; /* last.type == TL_EV_STATES */
	struct tl_state_step steps[TL_STEPS_MAX];
	__u8 nsteps;
	__u8 pad[7];
};

/* Filters the BPF side applies before an event costs ring-buffer space. */
#define TL_MAX_PORTS 16
struct tl_filter {
	__u32 netns; /* 0: any */
	__u32 pid; /* 0: any (matched against an exact owner only) */
	__u64 cgroup; /* 0: any (matched against an exact owner only) */
	__u8 family; /* 0: any */
	__u8 nports; /* 0: any; else local or remote port in ports[] */
	__u8 has_comm;
	__u8 has_laddr;
	__u8 has_raddr;
	__u8 laddr_plen;
	__u8 raddr_plen;
	__u8 laddr_family;
	__u8 raddr_family;
	__u8 pad[7];
	__u16 ports[TL_MAX_PORTS];
	__u8 laddr[16];
	__u8 raddr[16];
	char comm[TL_COMM_LEN];
};

#endif /* TCPLINE_H */
