/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * state_emit.bpf.h - a state change out as a record: at once (struct
 * tl_event), or kept in the socket's storage and sent with the next one
 * (batch_states: struct tl_states_rec). Kept changes go first before any
 * other event of the socket (flush_states: the skb hooks) and at exit (the
 * flush iterators, iter.bpf.c).
 */
#ifndef TL_STATE_EMIT_BPF_H
#define TL_STATE_EMIT_BPF_H

#include "shared.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"
#include "why.bpf.h"

static __always_inline void check_timewait(struct tl_event *e, const struct sock *sk)
{
	__u32 zero = 0;
	struct tw_armed *armed;

	/*
	 * tw_hooks implies tw_timer_handler resolved (the loader enables the
	 * timer programs only where /proc/kallsyms has it); not testing the
	 * address here keeps the ksym in the timer programs' object alone: the
	 * static linker of libbpf 1.1 cannot merge a typeless ksym ("failed to
	 * resolve size of underlying type").
	 */
	if (!tw_hooks) {
		/* timewait timers unobservable: assume the usual hand-over */
		e->flags |= TL_F_TIMEWAIT;
		e->reason = tw_substate_of(sk);
		return;
	}
	armed = bpf_map_lookup_elem(&tw_armed, &zero);
	if (!armed || armed->cookie != e->cookie)
		return; /* no timewait socket (tcp_max_tw_buckets reached) */
	e->flags |= TL_F_TIMEWAIT;
	e->reason = armed->substate;
	armed->cookie = 0;
}

/*
 * A state change of @sk into @e (a zeroed record): false if the tuple
 * filters do not want it.
 */
static __always_inline bool fill_state(struct tl_event *e, struct sock *sk, struct tcp_sock *tp,
				       const struct sk_info *info, __u64 cookie, int oldstate,
				       int newstate, __u64 dwell)
{
	e->type = TL_EV_STATE;
	e->cookie = cookie;
	e->old_state = oldstate;
	e->new_state = newstate;
	e->dwell_ns = dwell;
	fill_sk_direct(e, sk, tp);
	if (!tuple_pass(e))
		return false;
	set_owner(e, info);
	if (!use_storage && !info && in_owner_context(oldstate, newstate)) {
		/* the caller's syscall: the owner, for the reader to keep */
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->owner_conf = TL_OWNER_EXACT;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
	if (newstate == TCP_CLOSE) {
		e->reason = sk->sk_err;
		if (e->reason == TL_ETIMEDOUT)
			fill_timeout(e, sk, tp, oldstate);
		if (oldstate == TCP_FIN_WAIT2 || oldstate == TCP_CLOSING)
			check_timewait(e, sk);
		fill_tcp_stats_direct(e, tp);
	}
	return true;
}

/* One state event; @ts and the transition are the caller's. */
static __always_inline void emit_state(struct sock *sk, const struct sk_info *info, __u64 cookie,
				       __u64 ts, int oldstate, int newstate, __u64 dwell)
{
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);
	struct tl_event *e;

	if (!tp || !sk_netns_pass(&sk->__sk_common))
		return;
	e = reserve_at(ts);
	if (!e)
		return;
	if (!fill_state(e, sk, tp, info, cookie, oldstate, newstate, dwell)) {
		discard(e);
		return;
	}
	submit(e);
}

/*
 * The changes kept in @info's steps and then this one, in one record; the
 * steps are gone either way (a lost record counts each change it held).
 */
static __always_inline void emit_states(struct sock *sk, struct sk_info *info, __u64 cookie,
					__u64 ts, int oldstate, int newstate, __u64 dwell)
{
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);
	__u32 n = info->nsteps;
	struct tl_states_rec *r;

	info->nsteps = 0;
	if (n > TL_STEPS_MAX)
		n = TL_STEPS_MAX;
	if (!tp || !sk_netns_pass(&sk->__sk_common))
		return;
	r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r) {
		count_n(TL_CNT_RB_FULL, n + 1);
		return;
	}
	__builtin_memset(&r->last, 0, sizeof(r->last));
	r->last.ts_ns = ts;
	r->last.reason = TL_REASON_NONE;
	__builtin_memcpy(r->steps, info->steps, sizeof(r->steps));
	r->nsteps = n;
	__builtin_memset(r->pad, 0, sizeof(r->pad));
	if (!fill_state(&r->last, sk, tp, info, cookie, oldstate, newstate, dwell)) {
		discard(r);
		return;
	}
	r->last.type = TL_EV_STATES;
	submit(&r->last);
}

/* Whether a change of a socket waits in its storage (batch_states only). */
static __always_inline bool batched(int oldstate, int newstate)
{
	/* a listener's own changes go at once: its tracking depends on them */
	return batch_states && newstate != TCP_LISTEN &&
	       !(oldstate == TCP_LISTEN && newstate == TCP_CLOSE);
}

/* A state change out: at once, kept for later, or with the kept ones. */
static __always_inline void state_out(struct sock *sk, struct sk_info *info, __u64 cookie, __u64 ts,
				      int oldstate, int newstate, __u64 dwell)
{
	__u32 n;

	if (!info || !batched(oldstate, newstate)) {
		emit_state(sk, info, cookie, ts, oldstate, newstate, dwell);
		return;
	}
	n = info->nsteps;
	if (newstate != TCP_CLOSE && newstate != TCP_ESTABLISHED && n < TL_STEPS_MAX) {
		struct tl_state_step *st = &info->steps[n];

		st->ts_ns = ts;
		st->dwell_ns = dwell;
		st->old_state = oldstate;
		st->new_state = newstate;
		info->nsteps = n + 1;
		return;
	}
	emit_states(sk, info, cookie, ts, oldstate, newstate, dwell);
}

/*
 * Before another event of @sk: its kept changes go first, the newest one
 * standing for the record.
 */
static __always_inline void flush_states(const struct sock *sk, struct sk_info *info)
{
	struct tl_state_step last;
	__u32 n;

	if (!batch_states || !info || !info->nsteps)
		return;
	n = info->nsteps - 1;
	if (n >= TL_STEPS_MAX)
		n = TL_STEPS_MAX - 1;
	last = info->steps[n];
	info->nsteps = n;
	emit_states((struct sock *)sk, info, sk_cookie((void *)sk), last.ts_ns, last.old_state,
		    last.new_state, last.dwell_ns);
}

#endif
