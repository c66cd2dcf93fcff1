/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * listener.bpf.h - listener accounting, shared by the families that see a
 * listener: the state hook tracks one from listen() to its CLOSE and notes
 * its queue peaks when a child is created, the skb hooks count its SYN-ACK
 * retransmits and the segments it discards, the socket dump tracks the
 * listeners older than tracing, and the sampler (listener.bpf.c) turns it
 * all into TL_EV_LISTENER records.
 */
#ifndef TL_LISTENER_BPF_H
#define TL_LISTENER_BPF_H

#include "shared.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

struct queues {
	__u32 acceptq, limit, synq;
	__u64 drops;
};

/* sk_drops; 6.18 moved some sockets' drops to per-NUMA counters. */
static __always_inline __u64 sk_drops_of(const struct sock *sk)
{
	if (bpf_core_field_exists(sk->sk_drop_counters)) {
		struct numa_drop_counters *ndc = BPF_CORE_READ(sk, sk_drop_counters);

		if (ndc)
			return (__u32)BPF_CORE_READ(ndc, drops0.counter) +
			       (__u32)BPF_CORE_READ(ndc, drops1.counter);
	}
	return (__u32)BPF_CORE_READ(sk, sk_drops.counter);
}

static __always_inline void read_queues(const struct sock *sk, struct queues *q)
{
	const struct inet_connection_sock *icsk = (const void *)sk;

	q->acceptq = BPF_CORE_READ(sk, sk_ack_backlog);
	q->limit = BPF_CORE_READ(sk, sk_max_ack_backlog);
	q->synq = BPF_CORE_READ(icsk, icsk_accept_queue.qlen.counter);
	q->drops = sk_drops_of(sk);
}

static __always_inline void note_peaks(struct tl_listener_state *l, __u32 acceptq, __u32 synq)
{
	if (acceptq > l->acceptq_peak)
		l->acceptq_peak = acceptq;
	if (synq > l->synq_peak)
		l->synq_peak = synq;
}

/*
 * What ListenDrops counts, for this listener: sk_drops less the segments it
 * discarded in tcp_v4_rcv()/tcp_v6_rcv() (a retransmitted SYN of a pending
 * request, the second count of a third-ACK overflow), seen in kfree_skb with
 * the listener as rx_sk. Without rx_sk (< 6.11) those stay in.
 */
static __always_inline __u64 listen_drops(const struct queues *q, const struct tl_listener_state *l)
{
	return q->drops > l->rx_discards ? q->drops - l->rx_discards : 0;
}

static __always_inline void emit_listener(__u64 cookie, struct tl_listener_state *l,
					  const struct sock *sk, const struct queues *q, __u8 state,
					  __u8 flags)
{
	struct tl_listener_rec *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		count(TL_CNT_RB_FULL);
		return;
	}
	__builtin_memset(r, 0, sizeof(*r));
	fill_sk((struct tl_event *)r, sk);
	r->ts_ns = bpf_ktime_get_boot_ns();
	r->type = TL_EV_LISTENER;
	r->cookie = cookie;
	r->state = state;
	r->flags = flags;
	r->drops = listen_drops(q, l);
	/* a discard counted in sk_drops just before its kfree_skb: never go down */
	if (r->drops < l->last_drops)
		r->drops = l->last_drops;
	if (l->sampled || l->from_birth)
		r->drops_delta = r->drops - l->last_drops;
	if (!rx_sk_known)
		r->flags |= TL_LF_RAW_DROPS;
	r->ack_overflows = l->ack_overflows;
	r->rx_discards = l->rx_discards;
	r->synack_rtx = l->synack_rtx;
	r->acceptq = q->acceptq;
	r->acceptq_limit = q->limit;
	r->synq = q->synq;
	r->acceptq_peak = l->acceptq_peak > q->acceptq ? l->acceptq_peak : q->acceptq;
	r->synq_peak = l->synq_peak > q->synq ? l->synq_peak : q->synq;
	if (l->conf) {
		r->pid = l->pid;
		r->owner_conf = l->conf;
		__builtin_memcpy(r->comm, l->comm, TL_COMM_LEN);
	}
	if (!tuple_pass((struct tl_event *)r)) {
		discard(r);
		return;
	}
	submit((struct tl_event *)r);
}

/* @in_listen: run by listen() itself, whose caller owns the listener. */
static __always_inline void track_listener(const struct sock *sk, __u64 cookie,
					   const struct sk_info *info, bool from_birth,
					   bool in_listen)
{
	struct tl_listener_state l = { .sk = (__u64)sk, .from_birth = from_birth };

	if (info && info->conf == TL_OWNER_EXACT) {
		l.pid = info->pid;
		l.conf = TL_OWNER_EXACT;
		__builtin_memcpy(l.comm, info->comm, TL_COMM_LEN);
	} else if (in_listen && !use_storage) {
		l.pid = bpf_get_current_pid_tgid() >> 32;
		l.conf = TL_OWNER_EXACT;
		bpf_get_current_comm(l.comm, sizeof(l.comm));
	}
	if (bpf_map_update_elem(&listeners, &cookie, &l, BPF_NOEXIST) == -E2BIG)
		count(TL_CNT_LISTENERS_FULL);
}

/* The listener closes: its final counts, then forget its address. */
static __always_inline void untrack_listener(const struct sock *sk, __u64 cookie)
{
	struct tl_listener_state *l = bpf_map_lookup_elem(&listeners, &cookie);
	struct queues q;

	if (!l)
		return;
	read_queues(sk, &q);
	emit_listener(cookie, l, sk, &q, TCP_CLOSE,
		      TL_LF_CLOSED | (l->sampled || l->from_birth ? 0 : TL_LF_FIRST));
	bpf_map_delete_elem(&listeners, &cookie);
}

/*
 * A handshake completed: the child is a fresh copy of its listener, queues
 * included (its own are reset right after this tracepoint), which shows the
 * listener's queues at this moment; the child joins the accept queue next.
 */
static __always_inline void child_created(const struct sock *child, __u64 lc)
{
	struct tl_listener_state *l = bpf_map_lookup_elem(&listeners, &lc);
	const struct inet_connection_sock *icsk = (const void *)child;

	if (l)
		note_peaks(l, BPF_CORE_READ(child, sk_ack_backlog) + 1,
			   BPF_CORE_READ(icsk, icsk_accept_queue.qlen.counter));
}

static __always_inline void listener_synack(const struct sock *sk, __u64 cookie)
{
	struct tl_listener_state *l = bpf_map_lookup_elem(&listeners, &cookie);
	struct queues q;

	if (!l)
		return;
	__sync_fetch_and_add(&l->synack_rtx, 1);
	read_queues(sk, &q);
	note_peaks(l, q.acceptq, q.synq);
}

/*
 * A segment the listener @sk received and dropped (rx_sk, 6.11+): counted
 * apart from what ListenDrops counts, and, with reason TCP_LISTEN_OVERFLOW
 * (6.15+), as a third ACK dropped because the accept queue was full. A bad
 * checksum is dropped before the listener's counter is touched.
 */
static __always_inline void listener_rx_drop(const struct sock *sk, __u32 reason)
{
	__u64 cookie = known_cookie(sk);
	struct tl_listener_state *l = bpf_map_lookup_elem(&listeners, &cookie);
	struct queues q;

	if (!l)
		return;
	if (!bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_TCP_CSUM) ||
	    reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_TCP_CSUM))
		__sync_fetch_and_add(&l->rx_discards, 1);
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_TCP_LISTEN_OVERFLOW) &&
	    reason ==
		    bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_TCP_LISTEN_OVERFLOW))
		__sync_fetch_and_add(&l->ack_overflows, 1);
	read_queues(sk, &q);
	note_peaks(l, q.acceptq, q.synq);
}

#endif
