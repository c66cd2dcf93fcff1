/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * core_read.bpf.h - CO-RE reads of sockets and packets into struct tl_event.
 * Everything goes through bpf_core_read so one object loads on any kernel with
 * BTF; where a field moved or appeared, the kernel change is cited.
 */
#ifndef TL_CORE_READ_BPF_H
#define TL_CORE_READ_BPF_H

#define AF_INET 2
#define AF_INET6 10
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define E2BIG 7

#define RCV_SHUTDOWN 1

/*
 * Wire headers, declared here (not taken from vmlinux.h) so reading a stack
 * copy does not become a CO-RE relocation: the wire format never moves.
 */
struct tl_iphdr {
	__u8 ver_ihl;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u8 saddr[4];
	__u8 daddr[4];
};

struct tl_ipv6hdr {
	__be32 ver_tc_flow;
	__be16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct tl_tcphdr {
	__be16 source;
	__be16 dest;
};

static __always_inline __u32 sk_netns(const struct sock_common *skc)
{
	return BPF_CORE_READ(skc, skc_net.net, ns.inum);
}

/*
 * Local/remote addresses and the remote port of any socket kind (full,
 * request, timewait): they all start with struct sock_common.
 */
static __always_inline void fill_skc(struct tl_event *e, const struct sock_common *skc)
{
	e->family = BPF_CORE_READ(skc, skc_family);
	e->netns = sk_netns(skc);
	e->rport = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	if (e->family == AF_INET) {
		bpf_core_read(e->laddr, 4, &skc->skc_rcv_saddr);
		bpf_core_read(e->raddr, 4, &skc->skc_daddr);
	} else {
		bpf_core_read(e->laddr, 16, &skc->skc_v6_rcv_saddr);
		bpf_core_read(e->raddr, 16, &skc->skc_v6_daddr);
	}
}

/*
 * A full socket's local port. skc_num is already 0 on some transitions to
 * CLOSE (after inet_put_port), inet_sport keeps it.
 */
static __always_inline void fill_sk(struct tl_event *e, const struct sock *sk)
{
	const struct inet_sock *inet = (const struct inet_sock *)sk;

	fill_skc(e, &sk->__sk_common);
	e->lport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	if (!e->lport)
		e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
}

/*
 * The same from a trusted BTF pointer (a tp_btf argument): plain loads
 * instead of one probe-read helper call per field, on the hottest path.
 * The local port and the counters live beyond struct sock, reached through
 * the tcp_sock that bpf_skc_to_tcp_sock() vouches for.
 */
static __always_inline void fill_sk_direct(struct tl_event *e, const struct sock *sk,
					   const struct tcp_sock *tp)
{
	const struct sock_common *skc = &sk->__sk_common;

	e->family = skc->skc_family;
	e->netns = skc->skc_net.net->ns.inum;
	e->rport = bpf_ntohs(skc->skc_dport);
	if (e->family == AF_INET) {
		__builtin_memcpy(e->laddr, &skc->skc_rcv_saddr, 4);
		__builtin_memcpy(e->raddr, &skc->skc_daddr, 4);
	} else {
		__builtin_memcpy(e->laddr, &skc->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(e->raddr, &skc->skc_v6_daddr, 16);
	}
	e->lport = bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport);
	if (!e->lport)
		e->lport = skc->skc_num;
}

static __always_inline void fill_tcp_stats_direct(struct tl_event *e, const struct tcp_sock *tp)
{
	e->bytes_acked = tp->bytes_acked;
	e->bytes_received = tp->bytes_received;
	e->srtt_us = tp->srtt_us >> 3;
	e->total_retrans = tp->total_retrans;
	e->flags |= TL_F_STATS;
}

/* Counters a lifeline needs, read where the socket is about to go away. */
static __always_inline void fill_tcp_stats(struct tl_event *e, const struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	e->bytes_acked = BPF_CORE_READ(tp, bytes_acked);
	e->bytes_received = BPF_CORE_READ(tp, bytes_received);
	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	e->total_retrans = BPF_CORE_READ(tp, total_retrans);
	e->flags |= TL_F_STATS;
}

/* The timewait substate: FIN_WAIT2 unless the peer's FIN arrived. */
static __always_inline __u32 tw_substate_of(const struct sock *sk)
{
	__u8 shutdown = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_shutdown);

	return (shutdown & RCV_SHUTDOWN) ? TCP_TIME_WAIT : TCP_FIN_WAIT2;
}

/* Segments in a (possibly GSO) skb: tcp_skb_pcount() is gso_segs. */
static __always_inline __u32 skb_segs(const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u32 end = BPF_CORE_READ(skb, end);
	struct skb_shared_info *shinfo = (struct skb_shared_info *)(head + end);
	__u16 segs = BPF_CORE_READ(shinfo, gso_segs);

	return segs ? segs : 1;
}

/*
 * The tuple of a received TCP segment, local = its destination. Returns
 * false when @skb is not IPv4/IPv6 TCP or its headers are not set.
 * skb->protocol is network byte order (the classic kfree_skb field is not).
 */
static __always_inline bool fill_skb_rx(struct tl_event *e, const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	struct tl_tcphdr tcp;

	if (proto == ETH_P_IP) {
		struct tl_iphdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) || ip.protocol != IPPROTO_TCP)
			return false;
		e->family = AF_INET;
		__builtin_memcpy(e->laddr, ip.daddr, 4);
		__builtin_memcpy(e->raddr, ip.saddr, 4);
		if (th == nh) /* transport header not set yet: after the IPv4 header */
			th = nh + (ip.ver_ihl & 0x0f) * 4;
	} else if (proto == ETH_P_IPV6) {
		struct tl_ipv6hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) ||
		    ip6.nexthdr != IPPROTO_TCP)
			return false;
		e->family = AF_INET6;
		__builtin_memcpy(e->laddr, ip6.daddr, 16);
		__builtin_memcpy(e->raddr, ip6.saddr, 16);
		if (th == nh)
			th = nh + sizeof(ip6);
	} else {
		return false;
	}
	if (bpf_probe_read_kernel(&tcp, sizeof(tcp), head + th))
		return false;
	e->lport = bpf_ntohs(tcp.dest);
	e->rport = bpf_ntohs(tcp.source);
	return true;
}

/* The netns a packet is in: its device's, else its socket's. */
static __always_inline __u32 skb_netns(const struct sk_buff *skb, const struct sock *sk)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);

	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	if (sk)
		return sk_netns(&sk->__sk_common);
	return 0;
}

#endif
