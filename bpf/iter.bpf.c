// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter.bpf.c - the iterators, run by user space on demand (iter.progs.h):
 * the start-up socket dump (iter/tcp, once per namespace) and, at exit, the
 * collection of batched state changes still kept in socket storage
 * (iter/bpf_sk_storage_map, or iter/tcp where the kernel refuses it).
 */
#include "shared.bpf.h"
#include "filter.bpf.h"
#include "listener.bpf.h"
#include "sock.bpf.h"
#include "state_emit.bpf.h"

/*
 * At exit (batch_states): the changes still kept by live sockets, so that
 * their lifelines end in the state they are in.
 */
static __always_inline void flush_kept(const struct sock *sk, struct sk_info *kept)
{
	struct sk_info info;

	if (!kept || !kept->nsteps)
		return;
	/* a copy: the storage seen here can only be indexed by constants */
	info = *kept;
	kept->nsteps = 0;
	flush_states(sk, &info);
}

/* Every socket with storage, in every namespace, in one pass. */
SEC("iter/bpf_sk_storage_map")
int flush_kept_states(struct bpf_iter__bpf_sk_storage_map *ctx)
{
	struct sock *sk = ctx->sk;

	if (sk)
		flush_kept(sk, ctx->value);
	return 0;
}

/*
 * The same over the TCP sockets of one namespace (run once per namespace),
 * for kernels that refuse map-element iterators (a 6.18 build refuses
 * iter/bpf_sk_storage_map, iter/bpf_map_elem and iter/sockmap with EPERM
 * while iter/tcp loads: docs/kernel-notes/iter-refusal.md). Kept changes
 * exist only on full sockets, which are all in the TCP hash tables.
 */
SEC("iter/tcp")
int flush_kept_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_sock *tp;

	if (!skc)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp)
		flush_kept((const struct sock *)tp, storage_get(tp, 0));
	return 0;
}

/*
 * The start-up socket dump: every TCP socket alive when tracing starts, as a
 * TL_EV_SOCK record written to the iterator's seq file (not the ring).
 */
SEC("iter/tcp")
int dump_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_timewait_sock *tw;
	struct tcp_sock *tp;
	struct tl_event e = {};

	if (!skc)
		return 0;
	/* request sockets (NEW_SYN_RECV) too: a census counts half-open connections */
	e.old_state = BPF_CORE_READ(skc, skc_state);
	e.type = TL_EV_SOCK;
	e.ts_ns = bpf_ktime_get_boot_ns();
	e.dwell_ns = TL_DWELL_UNKNOWN;
	e.reason = TL_REASON_NONE;
	e.flags = TL_F_PREEXISTING;
	e.cookie = sk_cookie(skc);
	fill_skc(&e, skc);
	e.lport = BPF_CORE_READ(skc, skc_num);
	tw = bpf_skc_to_tcp_timewait_sock(skc);
	if (tw) {
		/* reported in its substate: TIME_WAIT or an orphaned FIN_WAIT2 */
		e.old_state = BPF_CORE_READ(tw, tw_sk.tw_substate);
		e.flags |= TL_F_TIMEWAIT;
	}
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp && e.old_state == TCP_LISTEN) {
		/* children to come must know their listener: its cookie in its storage */
		struct sk_info *info = use_storage ? storage_get(tp, BPF_SK_STORAGE_GET_F_CREATE) :
						     NULL;

		if (info)
			info->listener_cookie = e.cookie;
		track_listener((const struct sock *)tp, e.cookie, NULL, false, false);
	}
	if (tp) {
		struct socket *sock = BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.sk_socket);
		/* rcv_tstamp: the last ACK-bearing segment; a FIN is one, so in
		 * CLOSE_WAIT the idle time is a lower bound of the time there */
		__u32 idle = (__u32)bpf_jiffies64() - BPF_CORE_READ(tp, rcv_tstamp);

		if (kernel_hz)
			e.dwell_ns = (__u64)idle * (1000000000ULL / kernel_hz);

		fill_tcp_stats(&e, (const struct sock *)tp);
		if (sock)
			e.segs = BPF_CORE_READ(sock, file, f_inode, i_ino);
	}
	if (!tuple_pass(&e))
		return 0;
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}

/* Each row of the loader's list (iter.progs.h) must name a program of this file. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "iter.progs.h"
#undef TL_PROG
