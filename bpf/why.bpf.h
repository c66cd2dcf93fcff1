/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * why.bpf.h - why a segment was resent and why a connection timed out, read
 * from the socket's own state at the tracepoint (no hook of its own):
 *
 * - a retransmit's kind (tcp_retransmit_skb): the state (SYN_SENT, SYN_RECV),
 *   the congestion state icsk_ca_state (Loss after an RTO, Recovery in fast
 *   recovery) and the timer being handled, icsk_pending (LOSS_PROBE while
 *   tcp_send_loss_probe() runs from the write timer);
 * - at inet_sock_set_state -> CLOSE with sk_err ETIMEDOUT (tcp_write_err()
 *   purged the write queue just before: packets_out is 0 by then), the timer
 *   that gave up: the state left (SYN), icsk_probes_out (keepalive or window
 *   probes; unsent data, write_seq != snd_nxt, tells the probe0 timer from
 *   keepalive), SOCK_DEAD (an orphan), icsk_user_timeout against the time
 *   since the first loss (retrans_stamp, as retransmits_timed_out() counts
 *   it), else tcp_retries2. Attempts: icsk_retransmits or icsk_probes_out.
 *
 * All these fields exist from 4.x to 6.18; each read is still guarded by a
 * CO-RE existence check, so a kernel that renames one loses the kind (0,
 * shown as unknown), not the program.
 */
#ifndef TL_WHY_BPF_H
#define TL_WHY_BPF_H

#include "shared.bpf.h"
#include "ring.bpf.h"

#define TL_ETIMEDOUT 110
#define TL_ICSK_TIME_LOSS_PROBE 5 /* include/net/inet_connection_sock.h, stable since 3.10 */

/* struct sock before sk_flags moved into sock_common as skc_flags (6.x). */
struct sock___flags_old {
	unsigned long sk_flags;
} __attribute__((preserve_access_index));

static __always_inline __u64 sk_flags_of(const struct sock *sk)
{
	if (bpf_core_field_exists(sk->__sk_common.skc_flags))
		return BPF_CORE_READ(sk, __sk_common.skc_flags);
	return BPF_CORE_READ((const struct sock___flags_old *)sk, sk_flags);
}

/* The kind of the retransmit of @sk now under way (tcp_retransmit_skb). */
static __always_inline __u8 rtx_kind(const struct sock *sk)
{
	const struct inet_connection_sock *icsk = (const void *)sk;
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state), ca;

	if (state == TCP_SYN_SENT)
		return TL_RK_SYN;
	if (state == TCP_SYN_RECV)
		return TL_RK_SYNACK;
	if (!bpf_core_field_exists(icsk->icsk_ca_state) ||
	    !bpf_core_field_exists(icsk->icsk_pending))
		return TL_RK_UNKNOWN;
	ca = BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	if (ca == bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Loss))
		return TL_RK_RTO;
	if (ca == bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Recovery))
		return TL_RK_FAST;
	if (BPF_CORE_READ(icsk, icsk_pending) == TL_ICSK_TIME_LOSS_PROBE)
		return TL_RK_TLP;
	return TL_RK_OTHER;
}

/*
 * Milliseconds from the first loss to now, as the kernel measures it for
 * TCP_USER_TIMEOUT: tcp_mstamp (us, refreshed by the timer) against
 * retrans_stamp (the first retransmitted segment's send time, or the first
 * SYN's; ms, or us on a connection with usec timestamps, 6.7+).
 */
static __always_inline __u32 since_first_loss_ms(const struct tcp_sock *tp)
{
	__u32 stamp, now;
	__u64 mstamp;

	if (!bpf_core_field_exists(tp->retrans_stamp) || !bpf_core_field_exists(tp->tcp_mstamp))
		return TL_DETAIL_NONE;
	stamp = BPF_CORE_READ(tp, retrans_stamp);
	if (!stamp)
		return TL_DETAIL_NONE;
	mstamp = BPF_CORE_READ(tp, tcp_mstamp);
	if (bpf_core_field_exists(tp->tcp_usec_ts) &&
	    BPF_CORE_READ_BITFIELD_PROBED(tp, tcp_usec_ts))
		return ((__u32)mstamp - stamp) / 1000;
	now = (__u32)(mstamp / 1000);
	return now - stamp;
}

/*
 * @e (STATE -> CLOSE, reason ETIMEDOUT): the timer that gave up in e->kind,
 * its attempts in e->segs, the time since the first loss in e->detail.
 */
static __always_inline void fill_timeout(struct tl_event *e, const struct sock *sk,
					 const struct tcp_sock *tp, int oldstate)
{
	const struct inet_connection_sock *icsk = &tp->inet_conn;
	__u32 user_timeout, retransmits, probes;
	__u64 flags;

	if (!bpf_core_field_exists(icsk->icsk_retransmits) ||
	    !bpf_core_field_exists(icsk->icsk_probes_out) ||
	    !bpf_core_field_exists(icsk->icsk_user_timeout))
		return;
	retransmits = BPF_CORE_READ(icsk, icsk_retransmits);
	probes = BPF_CORE_READ(icsk, icsk_probes_out);
	user_timeout = BPF_CORE_READ(icsk, icsk_user_timeout);
	flags = sk_flags_of(sk);
	e->detail = since_first_loss_ms(tp);
	e->segs = retransmits;
	if (probes && oldstate != TCP_SYN_SENT && oldstate != TCP_SYN_RECV) {
		bool unsent = BPF_CORE_READ(tp, write_seq) != BPF_CORE_READ(tp, snd_nxt);

		e->segs = probes;
		e->detail = TL_DETAIL_NONE; /* probes are not losses: retrans_stamp is stale */
		if (!unsent &&
		    (flags & (1ULL << bpf_core_enum_value(enum sock_flags, SOCK_KEEPOPEN))))
			e->kind = TL_TO_KEEPALIVE;
		else
			e->kind = TL_TO_ZERO_WINDOW;
		return;
	}
	if (user_timeout && e->detail != TL_DETAIL_NONE && e->detail >= user_timeout)
		e->kind = TL_TO_USER;
	else if (oldstate == TCP_SYN_SENT || oldstate == TCP_SYN_RECV)
		e->kind = TL_TO_SYN;
	else if (flags & (1ULL << bpf_core_enum_value(enum sock_flags, SOCK_DEAD)))
		e->kind = TL_TO_ORPHAN;
	else
		e->kind = TL_TO_RETRANSMIT;
}

/* Whether @sk has SO_KEEPALIVE on. */
static __always_inline bool keepalive_on(const struct sock *sk)
{
	return sk_flags_of(sk) & (1ULL << bpf_core_enum_value(enum sock_flags, SOCK_KEEPOPEN));
}

/* @j jiffies in milliseconds, TL_DETAIL_NONE when the kernel's HZ is unknown. */
static __always_inline __u32 jiffies_ms(__u64 j)
{
	if (!kernel_hz)
		return TL_DETAIL_NONE;
	return (__u32)(j * 1000 / kernel_hz);
}

/*
 * A keepalive record of @sk (TL_EV_KA_PROBE or TL_EV_KA_INFO): the settings
 * in effect, as keepalive_time_when() and friends take them (the socket's,
 * else its namespace's sysctls), and the probes unanswered now.
 */
static __always_inline void emit_keepalive(const struct sock *sk, __u64 cookie, __u8 type,
					   __u8 flags)
{
	const struct tcp_sock *tp = (const void *)sk;
	struct net *net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	__u32 idle = BPF_CORE_READ(tp, keepalive_time), intvl = BPF_CORE_READ(tp, keepalive_intvl);
	__u32 cnt = BPF_CORE_READ(tp, keepalive_probes);
	struct tl_event *e;

	if (!idle)
		idle = BPF_CORE_READ(net, ipv4.sysctl_tcp_keepalive_time);
	if (!intvl)
		intvl = BPF_CORE_READ(net, ipv4.sysctl_tcp_keepalive_intvl);
	if (!cnt)
		cnt = BPF_CORE_READ(net, ipv4.sysctl_tcp_keepalive_probes);
	e = reserve();
	if (!e)
		return;
	e->type = type;
	e->cookie = cookie;
	e->flags = flags;
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	fill_sk(e, sk);
	e->detail = jiffies_ms(idle);
	e->reason = jiffies_ms(intvl);
	e->total_retrans = cnt;
	e->segs = BPF_CORE_READ(&tp->inet_conn, icsk_probes_out);
	submit_wanted(e);
}

#endif
