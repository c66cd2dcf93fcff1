// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * listener.bpf.c - the listener sampler: raw_tp programs attached to no
 * tracepoint, run by user space with BPF_PROG_TEST_RUN once per interval
 * (listener.progs.h). What they sample is kept by listener.bpf.h.
 */
#include "shared.bpf.h"
#include "listener.bpf.h"

/* One listener: a record when anything moved, then a new peak interval. */
static __always_inline void sample_listener(__u64 cookie, struct tl_listener_state *l)
{
	const struct sock *sk = (const void *)l->sk;
	struct queues q;
	bool moved;

	read_queues(sk, &q);
	note_peaks(l, q.acceptq, q.synq);
	moved = !l->sampled || listen_drops(&q, l) != l->last_drops ||
		l->rx_discards != l->last_rx_discards ||
		l->ack_overflows != l->last_ack_overflows || l->synack_rtx != l->last_synack_rtx ||
		l->acceptq_peak || l->synq_peak;
	if (moved)
		emit_listener(cookie, l, sk, &q, TCP_LISTEN,
			      l->sampled || l->from_birth ? 0 : TL_LF_FIRST);
	l->sampled = 1;
	if (listen_drops(&q, l) > l->last_drops)
		l->last_drops = listen_drops(&q, l);
	l->last_rx_discards = l->rx_discards;
	l->last_ack_overflows = l->ack_overflows;
	l->last_synack_rtx = l->synack_rtx;
	l->acceptq_peak = 0;
	l->synq_peak = 0;
}

static long sample_one(struct bpf_map *map, __u64 *cookie, struct tl_listener_state *l, void *ctx)
{
	sample_listener(*cookie, l);
	return 0;
}

/*
 * Run by user space (BPF_PROG_TEST_RUN) once per interval: the cost is one
 * visit per listener, whatever the number of other sockets.
 */
SEC("raw_tp")
int sample_listeners(void *ctx)
{
	bpf_for_each_map_elem(&listeners, sample_one, NULL, 0);
	return 0;
}

/*
 * The same for one listener, for kernels without bpf_for_each_map_elem
 * (5.13): user space walks the map's keys and runs this once per cookie,
 * given as the first argument.
 */
SEC("raw_tp")
int sample_listener_by_key(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 cookie = ctx->args[0];
	struct tl_listener_state *l = bpf_map_lookup_elem(&listeners, &cookie);

	if (l)
		sample_listener(cookie, l);
	return 0;
}

/* Each row of the loader's list (listener.progs.h) must name a program of this file. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "listener.progs.h"
#undef TL_PROG
