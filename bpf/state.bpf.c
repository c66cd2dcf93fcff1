// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * state.bpf.c - state changes (tp_btf/inet_sock_set_state, the one required
 * program) and the timewait timers (tp_btf/timer_start, timer_expire_entry)
 * that show the TIME_WAIT inet_sock_set_state never reports. Programs:
 * state.progs.h.
 */
#include "shared.bpf.h"
#include "listener.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"
#include "state_emit.bpf.h"
#include "why.bpf.h"

/*
 * The timer callback of timewait sockets; weak: absent -> TIME_WAIT unseen.
 * Only this object may name it (see check_timewait()).
 */
extern const void tw_timer_handler __ksym __weak;
/* The keepalive timer's callback (sk_timer); weak: absent -> probes unseen. */
extern const void tcp_keepalive_timer __ksym __weak;
/* The write timer's (icsk_retransmit_timer); weak: absent -> zero-window stalls unseen. */
extern const void tcp_write_timer __ksym __weak;

#define TL_ICSK_TIME_PROBE0 3 /* include/net/inet_connection_sock.h, stable since 2.6 */

/*
 * Sockets in a zero-window stall (their probe0 timer armed), by id: the end
 * is the first write-timer arm of another kind. zw_active counts them so
 * the other arms (every RTO re-arm) skip the lookup while none is stalled;
 * an entry the LRU drops (over 16384 stalled at once) only costs lookups.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} zw_stalls SEC(".maps");
static volatile __s64 zw_active;

/*
 * Without storage (use_storage false): the storage a change still needs, in
 * *@info (NULL: none). Before 6.x's sk_clone_lock() reordering (6.1) a child
 * still carries its listener's cookie at LISTEN -> SYN_RECV: that change is
 * kept in the child's storage and reported at its next one, with the child's
 * own cookie. A child does not note its listener's queue peaks here (it has
 * no cloned storage to name its listener): the sampler and the drop path
 * do; `backlog` keeps storage for exact peaks.
 * Return: true when the change is kept for later (nothing to send now).
 */
static __always_inline bool lean_storage(struct sock *sk, __u64 cookie, __u64 now, int oldstate,
					 int newstate, struct sk_info **info)
{
	*info = NULL;
	if (oldstate == TCP_SYN_RECV) {
		*info = sk_info_get(sk); /* a deferred first change, if any */
		return false;
	}
	if (oldstate != TCP_LISTEN || newstate != TCP_SYN_RECV ||
	    !bpf_map_lookup_elem(&listeners, &cookie))
		return false;
	child_created(sk, cookie);
	*info = storage_get(sk, BPF_SK_STORAGE_GET_F_CREATE);
	if (!*info) {
		count(TL_CNT_STORAGE_FAIL);
		return false;
	}
	(*info)->pending_child_ts = now;
	return true;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct sk_info *info;
	__u64 now, dwell = TL_DWELL_UNKNOWN, cookie;

	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	/* Assign the cookie early: accept() and the timewait socket read it later. */
	cookie = sk_cookie(sk);
	now = bpf_ktime_get_boot_ns();
	if (oldstate == TCP_LISTEN && newstate == TCP_CLOSE)
		untrack_listener(sk, cookie);

	if (!use_storage) {
		if (lean_storage(sk, cookie, now, oldstate, newstate, &info))
			return 0;
		goto out;
	}
	info = storage_get(sk, BPF_SK_STORAGE_GET_F_CREATE);
	if (!info) {
		count(TL_CNT_STORAGE_FAIL);
	} else {
		if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV) {
			/* A child cloned from its listener: the entry is the listener's. */
			if (info->conf == TL_OWNER_EXACT)
				info->conf = TL_OWNER_LISTENER;
		} else if (info->last_ts) {
			dwell = now - info->last_ts;
		}
		info->last_ts = now;
		if (in_owner_context(oldstate, newstate) && info->conf != TL_OWNER_EXACT)
			capture_owner(info);
		if (newstate == TCP_LISTEN) {
			info->listener_cookie = cookie;
		} else if (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV) {
			child_created(sk, info->listener_cookie);
			/*
			 * Before 6.x's sk_clone_lock() reordering (seen on 6.1) the
			 * child still carries its listener's cookie here and gets its
			 * own just after: report this transition with the child's
			 * own cookie, at its next one.
			 */
			if (cookie == info->listener_cookie) {
				info->pending_child_ts = now;
				return 0;
			}
		}
		if (!owner_pass(info))
			return 0;
	}
out:
	if (newstate == TCP_CLOSE && keepalive_on(sk))
		emit_keepalive(sk, cookie, TL_EV_KA_INFO,
			       tw_hooks && &tcp_keepalive_timer ? TL_F_KA_PROBES : 0);
	/* closed in a stall: forget it (the lifeline ends the stall at its end) */
	if (newstate == TCP_CLOSE && zw_active > 0 && !bpf_map_delete_elem(&zw_stalls, &cookie))
		__sync_fetch_and_add(&zw_active, -1);
	if (newstate == TCP_LISTEN)
		track_listener(sk, cookie, info, true, true);
	if (info && info->pending_child_ts && oldstate == TCP_SYN_RECV) {
		state_out(sk, info, cookie, info->pending_child_ts, TCP_LISTEN, TCP_SYN_RECV,
			  TL_DWELL_UNKNOWN);
		info->pending_child_ts = 0;
	}
	state_out(sk, info, cookie, now, oldstate, newstate, dwell);
	return 0;
}

/*
 * The timewait socket that took over a connection expires: the real end of
 * TIME_WAIT, which inet_sock_set_state never reports.
 */
SEC("tp_btf/timer_expire_entry")
int BPF_PROG(handle_timer_expire, struct timer_list *timer)
{
	struct inet_timewait_sock *tw;
	struct tl_event *e;
	__u64 cookie;

	if (!&tw_timer_handler || (void *)timer->function != (void *)&tw_timer_handler)
		return 0;
	tw = (void *)timer - bpf_core_field_offset(struct inet_timewait_sock, tw_timer);
	cookie = known_cookie(tw);
	if (!cookie)
		return 0; /* never seen by us: no lifeline waits for it */
	e = reserve();
	if (!e)
		return 0;
	e->type = TL_EV_TW_END;
	e->cookie = cookie;
	e->old_state = BPF_CORE_READ(tw, tw_substate);
	fill_skc(e, &tw->__tw_common);
	e->lport = BPF_CORE_READ(tw, __tw_common.skc_num);
	submit_wanted(e);
	return 0;
}

/*
 * A socket's keepalive timer (sk_timer) armed again with probes out: the
 * timer just sent a probe (tcp_keepalive_timer() counts it, then re-arms
 * for the interval). The same timer serves an orphan's FIN_WAIT2 and is
 * armed by setsockopt with no probe out: those are skipped.
 */
static __noinline void on_keepalive_armed(struct timer_list *timer)
{
	struct sock *sk = (void *)timer - bpf_core_field_offset(struct sock, sk_timer);
	__u64 cookie;

	if (!BPF_CORE_READ((struct inet_connection_sock *)sk, icsk_probes_out) || !keepalive_on(sk))
		return;
	cookie = known_cookie(sk);
	if (cookie)
		emit_keepalive(sk, cookie, TL_EV_KA_PROBE, 0);
}

/* A zero-window record of @sk. */
static __always_inline void emit_zwin(const struct sock *sk, __u64 cookie, __u8 kind)
{
	struct tl_event *e = reserve();

	if (!e)
		return;
	e->type = TL_EV_ZWIN;
	e->kind = kind;
	e->cookie = cookie;
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	fill_sk(e, sk);
	e->segs = BPF_CORE_READ((const struct inet_connection_sock *)sk, icsk_probes_out);
	submit_wanted(e);
}

/*
 * A socket's write timer armed: with icsk_pending PROBE0 the peer's window
 * is closed (tcp_check_probe_timer: a stall starts; tcp_send_probe0: a
 * probe went out, probes out > 0; an ACK still at zero window re-arms it
 * with none out); anything else for a stalled socket: data flows again.
 */
static __noinline void on_write_timer_armed(struct timer_list *timer)
{
	struct sock *sk = (void *)timer -
			  bpf_core_field_offset(struct inet_connection_sock, icsk_retransmit_timer);
	__u8 pending = BPF_CORE_READ((struct inet_connection_sock *)sk, icsk_pending), one = 1;
	__u64 cookie;

	if (pending != TL_ICSK_TIME_PROBE0) {
		if (zw_active <= 0)
			return;
		cookie = known_cookie(sk);
		if (!cookie || bpf_map_delete_elem(&zw_stalls, &cookie))
			return;
		__sync_fetch_and_add(&zw_active, -1);
		emit_zwin(sk, cookie, TL_ZW_END);
		return;
	}
	cookie = known_cookie(sk);
	if (!cookie)
		return; /* never seen by us: no lifeline to tell */
	if (bpf_map_lookup_elem(&zw_stalls, &cookie)) {
		if (BPF_CORE_READ((struct inet_connection_sock *)sk, icsk_probes_out))
			emit_zwin(sk, cookie, TL_ZW_PROBE);
		return;
	}
	if (bpf_map_update_elem(&zw_stalls, &cookie, &one, BPF_NOEXIST))
		return;
	__sync_fetch_and_add(&zw_active, 1);
	emit_zwin(sk, cookie, TL_ZW_START);
}

/*
 * A timewait socket's timer armed: remember it for the CLOSE that follows.
 * This runs for every timer armed on the host, so the test that rejects
 * the others is one plain load and a compare.
 */
SEC("tp_btf/timer_start")
int BPF_PROG(handle_timer_start, struct timer_list *timer)
{
	void *fn = (void *)timer->function;
	struct inet_timewait_sock *tw;
	struct tw_armed *armed;
	__u32 zero = 0;

	if (!&tw_timer_handler || fn != (void *)&tw_timer_handler) {
		if (&tcp_write_timer && fn == (void *)&tcp_write_timer)
			on_write_timer_armed(timer);
		else if (&tcp_keepalive_timer && fn == (void *)&tcp_keepalive_timer)
			on_keepalive_armed(timer);
		return 0;
	}
	armed = bpf_map_lookup_elem(&tw_armed, &zero);
	if (!armed)
		return 0;
	tw = (void *)timer - bpf_core_field_offset(struct inet_timewait_sock, tw_timer);
	armed->cookie = known_cookie(tw);
	armed->substate = BPF_CORE_READ(tw, tw_substate);
	return 0;
}

/* Each row of the loader's list (state.progs.h) must name a program of this file. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "state.progs.h"
#undef TL_PROG
