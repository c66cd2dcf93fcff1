// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * skb.bpf.c - the events about segments: retransmits (data and SYN), SYN-ACK
 * retransmits, resets sent and received, drops (kfree_skb with its reason).
 * All tp_btf; where a tracepoint's arguments changed between kernels there
 * is one program per variant and the loader enables the one this kernel's
 * BTF has (skb.progs.h).
 */
#include "shared.bpf.h"
#include "filter.bpf.h"
#include "listener.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"
#include "state_emit.bpf.h"
#include "why.bpf.h"

/* An event about a full socket in its current state. */
static __always_inline struct tl_event *sk_event(const struct sock *sk, __u8 type)
{
	struct sk_info *info = sk_info_get(sk);
	struct tl_event *e;

	if (!owner_pass(info))
		return NULL;
	flush_states(sk, info);
	if (!sk_netns_pass(&sk->__sk_common))
		return NULL;
	e = reserve();
	if (!e)
		return NULL;
	e->type = type;
	e->cookie = sk_cookie((void *)sk);
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	fill_sk(e, sk);
	if (!tuple_pass(e)) {
		discard(e);
		return NULL;
	}
	set_owner(e, info);
	return e;
}

static __always_inline int on_retransmit(struct sock *sk, struct sk_buff *skb)
{
	struct tl_event *e = sk_event(sk, TL_EV_RETRANS);

	if (!e)
		return 0;
	e->segs = skb_segs(skb);
	e->kind = rtx_kind(sk);
	submit(e);
	return 0;
}

/* Kernels < 6.17: the tracepoint fires only for retransmits that went out. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(handle_retransmit, struct sock *sk, struct sk_buff *skb)
{
	return on_retransmit(sk, skb);
}

/* 6.17+ ("tcp: add err to tcp_retransmit_skb tracepoint"): failures fire too. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(handle_retransmit_err, struct sock *sk, struct sk_buff *skb, int err)
{
	if (err)
		return 0;
	return on_retransmit(sk, skb);
}

/* A SYN-ACK sent again for a request socket of listener @sk. */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(handle_synack_retransmit, struct sock *sk, struct request_sock *req)
{
	struct sk_info *info = sk_info_get(sk);
	struct tl_event *e;

	if (!owner_pass(info) || !sk_netns_pass(&sk->__sk_common))
		return 0;
	e = reserve();
	if (!e)
		return 0;
	e->type = TL_EV_SYNACK_RETRANS;
	e->cookie = sk_cookie(sk);
	listener_synack(sk, e->cookie);
	e->old_state = BPF_CORE_READ(req, __req_common.skc_state);
	fill_skc(e, &req->__req_common);
	e->lport = BPF_CORE_READ(req, __req_common.skc_num);
	e->segs = 1;
	e->kind = TL_RK_SYNACK;
	if (!tuple_pass(e)) {
		discard(e);
		return 0;
	}
	set_owner(e, info);
	submit(e);
	return 0;
}

/*
 * A reset sent. @skb is the segment that provoked it (NULL for an active
 * reset of @sk); @sk may be NULL (no socket), a listener, a request or a
 * timewait socket, so only sock_common is read from it.
 */
static __always_inline int on_send_reset(const struct sock *sk, const struct sk_buff *skb,
					 __u32 reason)
{
	struct tl_event *e;

	if (batch_states && sk)
		flush_states(sk, sk_info_get(sk));
	e = reserve();
	if (!e)
		return 0;
	e->type = TL_EV_RESET_SENT;
	e->reason = reason;
	if (skb) {
		if (!fill_skb_rx(e, skb)) {
			discard(e);
			return 0;
		}
		e->netns = skb_netns(skb, sk);
	} else if (sk) {
		fill_sk(e, sk);
	}
	if (sk) {
		e->cookie = sk_cookie((void *)sk);
		e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
		e->netns = sk_netns(&sk->__sk_common);
	} else {
		e->flags |= TL_F_NO_SOCKET;
	}
	submit_wanted(e);
	return 0;
}

/* Kernels < 6.10: no reason argument. */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(handle_send_reset, const struct sock *sk, const struct sk_buff *skb)
{
	return on_send_reset(sk, skb, TL_REASON_NONE);
}

/* 6.10+ ("tcp: add reset reasons"): the reason, and active resets fire too. */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(handle_send_reset_reason, const struct sock *sk, const struct sk_buff *skb, int reason)
{
	return on_send_reset(sk, skb, (__u32)reason);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(handle_receive_reset, struct sock *sk)
{
	struct tl_event *e = sk_event(sk, TL_EV_RESET_RECV);

	if (e)
		submit(e);
	return 0;
}

/*
 * A segment handled by a timewait socket is freed as a drop (NOT_SPECIFIED)
 * after tcp_timewait_state_process(): report the socket's substate instead,
 * which is how an orphan's FIN_WAIT2 becoming TIME_WAIT on the peer's FIN is
 * seen (re-arming its timer is not always traced).
 */
static __always_inline int on_timewait_segment(const struct sock *sk, __u32 reason)
{
	const struct inet_timewait_sock *tw = (const void *)sk;
	struct tl_event *e = reserve();

	if (!e)
		return 0;
	e->type = TL_EV_TW_STATE;
	e->cookie = known_cookie(sk);
	e->old_state = BPF_CORE_READ(tw, tw_substate);
	e->reason = reason;
	fill_skc(e, &sk->__sk_common);
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (!e->cookie || !tuple_pass(e)) {
		discard(e);
		return 0;
	}
	submit(e);
	return 0;
}

static __always_inline int on_drop(struct sk_buff *skb, __u32 reason, struct sock *rx_sk)
{
	struct sock *sk = rx_sk ? rx_sk : BPF_CORE_READ(skb, sk);
	struct tl_event *e;

	if (rx_sk && BPF_CORE_READ(rx_sk, __sk_common.skc_state) == TCP_LISTEN)
		listener_rx_drop(rx_sk, reason);
	if (sk && BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_TIME_WAIT &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED))
		return on_timewait_segment(sk, reason);

	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_CONSUMED) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_CONSUMED))
		return 0;
	/*
	 * Buffers freed with their socket (a FIN left in a closing socket's
	 * queue, one per connection) are not network drops; unread data lost at
	 * close shows as a reset with reason TCP_ABORT_ON_CLOSE instead.
	 */
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_QUEUE_PURGE) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_QUEUE_PURGE))
		return 0;
	e = reserve();
	if (!e)
		return 0;
	e->type = TL_EV_DROP;
	e->reason = reason;
	/* A segment being received has an input interface; one being sent not. */
	if (!BPF_CORE_READ(skb, skb_iif) || !fill_skb_rx(e, skb)) {
		discard(e);
		return 0;
	}
	e->netns = skb_netns(skb, sk);
	if (sk) {
		/* not assigned (0) only for sockets no event of ours has touched */
		e->cookie = known_cookie(sk);
		e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	} else {
		e->flags |= TL_F_NO_SOCKET;
	}
	submit_wanted(e);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(handle_kfree_skb, struct sk_buff *skb, void *location, int reason)
{
	return on_drop(skb, (__u32)reason, NULL);
}

/* 6.11+ ("net: add rx_sk to trace_kfree_skb"): the receiving socket. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(handle_kfree_skb_rx, struct sk_buff *skb, void *location, int reason,
	     struct sock *rx_sk)
{
	return on_drop(skb, (__u32)reason, rx_sk);
}

/* Each row of the loader's list (skb.progs.h) must name a program of this file. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "skb.progs.h"
#undef TL_PROG
