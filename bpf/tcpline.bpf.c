// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcpline.bpf.c - the kernel side: TCP tracepoints -> struct tl_event records
 * in one ring buffer. Tracepoints only (tp_btf where the kernel has BTF for
 * them, which misses fewer events than classic tracepoints; classic only for
 * the accept() syscall exit). Programs whose tracepoint arguments differ
 * between kernels come in variants; user space enables the one that matches
 * the running kernel's BTF (loader.c), so the object always loads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "tcpline.h"
#include "core_read.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader before load; the verifier prunes what a run does not use. */
const volatile struct tl_filter filter = {};
/* The kernel gives kfree_skb's rx_sk (6.11+): listener discards are countable. */
const volatile bool rx_sk_known = false;
/* Only lifelines wanted: batch each socket's state changes (struct tl_states_rec). */
const volatile bool batch_states = false;
/*
 * Keep per-socket storage (dwell, owner, listener of a child): needed by
 * owner filters and batching. Without it the reader takes dwell times from
 * consecutive events and owners from the events of process context, and
 * no socket pays for a storage entry's allocation, its clone into each
 * accepted child and its free (measured: ~10 % of the tracer's throughput
 * cost at saturation).
 */
const volatile bool use_storage = true;
/*
 * Helpers tracing programs got late: bpf_get_socket_cookie (5.12) and
 * bpf_sk_storage_get (5.11). Without the first a socket is named by a keyed
 * hash of its address (cookie_key: random per run, so no kernel address is
 * shown); without the second no per-socket storage is kept.
 */
const volatile bool cookie_helper = true;
const volatile bool storage_helper = true;
const volatile __u64 cookie_key[2] = {};
/* The timewait timer programs run: a CLOSE is a hand-over only if they saw it. */
const volatile bool tw_hooks = true;
/* Wake the reader only once this much is queued (it also polls on a timer). */
const volatile __u64 wakeup_bytes = 256 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by the loader */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TL_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * Per-socket state. Socket storage is freed with the socket, so it is bounded
 * by the number of sockets; BPF_F_CLONE hands a listener's entry to the
 * children accept() will return, which carries the listener's owner over.
 */
struct sk_info {
	__u64 last_ts; /* when the current state was entered, 0 if unseen */
	__u64 listener_cookie; /* a listener's own cookie, inherited by its children */
	__u64 pending_child_ts; /* LISTEN -> SYN_RECV still to report (see handle_set_state) */
	__u64 cgroup;
	__u32 pid;
	__u8 conf; /* enum tl_owner_conf */
	__u8 nsteps; /* batch_states: changes kept in steps[], not sent yet */
	__u8 pad[2];
	char comm[TL_COMM_LEN];
	struct tl_state_step steps[TL_STEPS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sk_info);
} sk_infos SEC(".maps");

/*
 * The listeners being watched, by cookie. Their address is only ever read
 * with probe reads and is removed at their CLOSE, before the socket can be
 * freed (listeners are freed after an RCU grace period).
 */
struct tl_listener_state {
	__u64 sk; /* kernel address of the listening socket */
	__u64 ack_overflows;
	__u64 rx_discards; /* segments it discarded: in sk_drops, not in ListenDrops */
	__u64 last_drops; /* listen drops, as in the previous record */
	__u64 last_ack_overflows;
	__u64 last_rx_discards;
	__u32 synack_rtx;
	__u32 last_synack_rtx;
	__u32 acceptq_peak;
	__u32 synq_peak;
	__u32 pid;
	__u8 conf;
	__u8 sampled;
	__u8 from_birth; /* tracked since listen(): drops counted from 0 */
	__u8 pad;
	char comm[TL_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct tl_listener_state);
} listeners SEC(".maps");

/*
 * The kernel's HZ, from its config (user space reads it: a __kconfig extern
 * fails the whole load where neither /boot/config-* nor /proc/config.gz
 * exists, as on Debian 11's cloud kernel booted without /boot); 0: unknown.
 */
const volatile __u32 kernel_hz = 0;

/* The timer callback of timewait sockets; weak: absent -> TIME_WAIT unseen. */
extern const void tw_timer_handler __ksym __weak;

/*
 * The timewait socket armed last on this CPU. tcp_time_wait() arms its timer
 * and then, on the same CPU without a break, moves the full socket to CLOSE:
 * that CLOSE is a hand-over to a timewait socket only if this slot names it.
 */
struct tw_armed {
	__u64 cookie;
	__u32 substate;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tw_armed);
} tw_armed SEC(".maps");

static __always_inline void count_n(__u32 which, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += n;
}

static __always_inline void count(__u32 which)
{
	count_n(which, 1);
}

/* A zeroed record stamped @ts (the caller's clock read: one per event). */
static __always_inline struct tl_event *reserve_at(__u64 ts)
{
	struct tl_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count(TL_CNT_RB_FULL);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->dwell_ns = TL_DWELL_UNKNOWN;
	e->reason = TL_REASON_NONE;
	return e;
}

static __always_inline struct tl_event *reserve(void)
{
	return reserve_at(bpf_ktime_get_boot_ns());
}

/*
 * Waking the reader per event costs more than the event itself; wake it when
 * a batch is queued, it polls on a short timer for the rest.
 */
static __always_inline void submit(struct tl_event *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

static __always_inline bool addr_match(const __u8 *a, const volatile __u8 *net, __u8 plen)
{
	for (int i = 0; i < 16; i++) {
		__u8 mask;

		if (plen == 0)
			break;
		mask = plen >= 8 ? 0xff : (__u8)(0xff << (8 - plen));
		if ((a[i] ^ net[i]) & mask)
			return false;
		plen = plen >= 8 ? plen - 8 : 0;
	}
	return true;
}

/* Filters on what the event itself says (tuple, family, netns). */
static __always_inline bool tuple_pass(const struct tl_event *e)
{
	if (filter.netns && e->netns != filter.netns)
		return false;
	if (filter.family && e->family != filter.family)
		return false;
	if (filter.nports) {
		bool hit = false;

		for (int i = 0; i < TL_MAX_PORTS; i++) {
			if (i >= filter.nports)
				break;
			if (filter.ports[i] == e->lport || filter.ports[i] == e->rport) {
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	if (filter.has_laddr && (e->family != filter.laddr_family ||
				 !addr_match(e->laddr, filter.laddr, filter.laddr_plen)))
		return false;
	if (filter.has_raddr && (e->family != filter.raddr_family ||
				 !addr_match(e->raddr, filter.raddr, filter.raddr_plen)))
		return false;
	return true;
}

/* Submit @e if the tuple filters want it, else give its space back. */
static __always_inline void submit_wanted(struct tl_event *e)
{
	if (tuple_pass(e))
		submit(e);
	else
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
}

static __always_inline bool comm_eq(const char *a, const volatile char *b)
{
	for (int i = 0; i < TL_COMM_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			break;
	}
	return true;
}

/*
 * Owner filters decide only on an exact owner: an unknown or inherited one
 * goes to user space, which knows more (accept(), /proc) and decides there.
 */
/* A 64-bit mix (murmur3's finaliser): a bijection, so distinct sockets keep distinct ids. */
static __always_inline __u64 mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A socket's id: its cookie, or where tracing programs cannot ask, a keyed hash. */
static __always_inline __u64 sk_cookie(const void *sk)
{
	__u64 addr = 0;

	if (cookie_helper)
		return bpf_get_socket_cookie((void *)sk);
	/*
	 * The verifier allows no arithmetic but adding on a kernel pointer:
	 * read its value back from the stack as a plain number first.
	 */
	bpf_probe_read_kernel(&addr, sizeof(addr), &sk);
	return mix64(mix64(addr ^ cookie_key[0]) ^ cookie_key[1]) | TL_COOKIE_HASHED;
}

/*
 * The id of a socket without assigning it a cookie: 0 when no event of ours
 * named it (cookies are assigned lazily). A keyed hash is always there.
 */
static __always_inline __u64 known_cookie(const void *skc)
{
	if (!cookie_helper)
		return sk_cookie(skc);
	return BPF_CORE_READ((const struct sock_common *)skc, skc_cookie.counter);
}

static __always_inline struct sk_info *storage_get(const void *sk, __u64 flags)
{
	if (!storage_helper)
		return NULL;
	return bpf_sk_storage_get(&sk_infos, (void *)sk, 0, flags);
}

static __always_inline bool owner_pass(const struct sk_info *info)
{
	if (!info || info->conf != TL_OWNER_EXACT)
		return true;
	if (filter.pid && info->pid != filter.pid)
		return false;
	if (filter.cgroup && info->cgroup != filter.cgroup)
		return false;
	if (filter.has_comm && !comm_eq(info->comm, filter.comm))
		return false;
	return true;
}

static __always_inline void set_owner(struct tl_event *e, const struct sk_info *info)
{
	if (!info || info->conf == TL_OWNER_UNKNOWN)
		return;
	e->pid = info->pid;
	e->owner_conf = info->conf;
	__builtin_memcpy(e->comm, info->comm, TL_COMM_LEN);
}

static __always_inline struct sk_info *sk_info_get(const struct sock *sk)
{
	return storage_get(sk, 0);
}

static __always_inline void capture_owner(struct sk_info *info)
{
	info->pid = bpf_get_current_pid_tgid() >> 32;
	info->cgroup = bpf_get_current_cgroup_id();
	info->conf = TL_OWNER_EXACT;
	bpf_get_current_comm(info->comm, sizeof(info->comm));
}

/*
 * These transitions run only in the caller's syscall: connect() (CLOSE ->
 * SYN_SENT), listen() (-> LISTEN), close()/shutdown() (-> FIN_WAIT1,
 * -> LAST_ACK). Everything else may run in softirq, where current is not the
 * owner.
 */
static __always_inline bool in_owner_context(int oldstate, int newstate)
{
	return (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) || newstate == TCP_LISTEN ||
	       newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK;
}

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
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
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

	if (!tp)
		return;
	e = reserve_at(ts);
	if (!e)
		return;
	if (!fill_state(e, sk, tp, info, cookie, oldstate, newstate, dwell)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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
	if (!tp)
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
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
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

/* An event about a full socket in its current state. */
static __always_inline struct tl_event *sk_event(const struct sock *sk, __u8 type)
{
	struct sk_info *info = sk_info_get(sk);
	struct tl_event *e;

	if (!owner_pass(info))
		return NULL;
	flush_states(sk, info);
	e = reserve();
	if (!e)
		return NULL;
	e->type = type;
	e->cookie = sk_cookie((void *)sk);
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	fill_sk(e, sk);
	if (!tuple_pass(e)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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

/* A SYN-ACK sent again for a request socket of listener @sk. */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(handle_synack_retransmit, struct sock *sk, struct request_sock *req)
{
	struct sk_info *info = sk_info_get(sk);
	struct tl_event *e;

	if (!owner_pass(info))
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
	if (!tuple_pass(e)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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
			bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
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
 * A timewait socket's timer armed: remember it for the CLOSE that follows.
 * This runs for every timer armed on the host, so the test that rejects
 * the others is one plain load and a compare.
 */
SEC("tp_btf/timer_start")
int BPF_PROG(handle_timer_start, struct timer_list *timer)
{
	struct inet_timewait_sock *tw;
	struct tw_armed *armed;
	__u32 zero = 0;

	if (!&tw_timer_handler || (void *)timer->function != (void *)&tw_timer_handler)
		return 0;
	armed = bpf_map_lookup_elem(&tw_armed, &zero);
	if (!armed)
		return 0;
	tw = (void *)timer - bpf_core_field_offset(struct inet_timewait_sock, tw_timer);
	armed->cookie = known_cookie(tw);
	armed->substate = BPF_CORE_READ(tw, tw_substate);
	return 0;
}

/*
 * accept() returned a socket: its caller is the owner. The socket is reached
 * fd -> file -> socket -> sock with probe reads, and reported by cookie.
 */
static __always_inline int on_accept(long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds, *file;
	struct socket *sock;
	struct sock *sk;
	struct tl_event *e;
	__u64 cookie;

	if (ret < 0)
		return 0;
	fds = BPF_CORE_READ(task, files, fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[ret]) || !file)
		return 0;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	cookie = known_cookie(sk);
	if (!cookie)
		return 0;
	e = reserve();
	if (!e)
		return 0;
	e->type = TL_EV_OWNER;
	e->cookie = cookie;
	e->old_state = BPF_CORE_READ(sk, __sk_common.skc_state);
	fill_sk(e, sk);
	if (!tuple_pass(e)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->owner_conf = TL_OWNER_EXACT;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	submit(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int handle_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int handle_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_accept(ctx->ret);
}

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

/* The program lists the loader configures from name programs of this object only. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "state.progs.h"
#include "skb.progs.h"
#include "accept.progs.h"
#include "listener.progs.h"
#include "iter.progs.h"
#undef TL_PROG
