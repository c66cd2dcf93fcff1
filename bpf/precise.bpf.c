// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * precise.bpf.c - the precise tier of `tcpline backlog`: which cause dropped
 * each SYN, per listener. A separate object from the main one (tcpline.bpf.o,
 * linked from the hook families by the Makefile), so that its
 * refusal (no fentry, no kprobes) never touches the main one.
 *
 * tcp_conn_request() (net/ipv4/tcp_input.c, 6.1 to 6.18) drops a SYN with
 * tcp_listendrop() (ListenDrops, include/net/tcp.h) after one of:
 * - SYN queue full (inet_csk_reqsk_queue_is_full()) with syncookies off:
 *   tcp_syn_flood_action() counts TCPReqQFullDrop;
 * - accept queue full (sk_acceptq_is_full()): ListenOverflows;
 * - the rest (the tcp_max_syn_backlog 3/4 rule, no memory, no route, LSM):
 *   ListenDrops alone.
 * Rather than repeat those tests (whose inputs move between kernels: the
 * TIME_WAIT isn, the syncookies sysctl's type), the programs read the
 * kernel's own verdict: this CPU's copy of the listener namespace's three
 * counters before and after the call. The call runs in softirq with bottom
 * halves off and nothing else on this CPU can bump them meanwhile (listener
 * SYNs are never backlogged; a SYN-ACK sent over loopback is queued, not
 * processed inline), so the deltas are this SYN's and the causes sum to the
 * namespace's counters exactly.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "precise.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* LINUX_MIB_* indexes from the running kernel's BTF (an anonymous enum: no CO-RE). */
const volatile __u32 mib_listen_drops = 0;
const volatile __u32 mib_listen_overflows = 0;
const volatile __u32 mib_reqq_full_drop = 0;

/*
 * This CPU's per-CPU area offset (x86: arch/x86/include/asm/percpu.h). A
 * per-CPU variable, so it is in the kernel's BTF and needs no kallsyms
 * (__per_cpu_offset is not there without CONFIG_KALLSYMS_ALL).
 */
extern unsigned long this_cpu_off __ksym;

/* Drops not counted per listener: the map was full, or no cookie (kprobes). */
__u64 unkeyed = 0;
/* Calls whose counters could not be read: their drops are not counted at all. */
__u64 unread = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TL_PRECISE_MAX_LISTENERS);
	__type(key, __u64);
	__type(value, struct tl_precise_counts);
} counts SEC(".maps");

struct mibs {
	__u64 drops, overflows, reqq_full;
};

struct scratch {
	struct sock *sk;
	struct mibs before;
	bool ok; /* before was read */
};

/* One entry: the call in flight on this CPU (tcp_conn_request() does not nest). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* This CPU's copy of three TcpExt counters of @sk's namespace. Return: 0 or -1. */
static __always_inline int read_mibs(const struct sock *sk, struct mibs *m)
{
	const struct linux_mib *pcpu =
		BPF_CORE_READ(sk, __sk_common.skc_net.net, mib.net_statistics);
	const unsigned long *off = bpf_this_cpu_ptr(&this_cpu_off);
	const unsigned long *v;

	if (!pcpu)
		return -1;
	/* __this_cpu_inc(mib->mibs[field]): this CPU's copy is at ptr + this_cpu_off */
	v = (const unsigned long *)((const char *)pcpu + *off);
	if (bpf_probe_read_kernel(&m->drops, sizeof(m->drops), v + mib_listen_drops) ||
	    bpf_probe_read_kernel(&m->overflows, sizeof(m->overflows), v + mib_listen_overflows) ||
	    bpf_probe_read_kernel(&m->reqq_full, sizeof(m->reqq_full), v + mib_reqq_full_drop))
		return -1;
	return 0;
}

static __always_inline void enter(struct sock *sk)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s)
		return;
	s->sk = sk;
	s->ok = !read_mibs(sk, &s->before);
}

/* Count the call's drop, if any, for the listener with @cookie (0: unknown). */
static __always_inline void count(const struct scratch *s, const struct mibs *after, __u64 cookie)
{
	struct tl_precise_counts zero = {}, *c;

	if (after->drops == s->before.drops)
		return;
	if (!cookie) {
		__sync_fetch_and_add(&unkeyed, 1);
		return;
	}
	c = bpf_map_lookup_elem(&counts, &cookie);
	if (!c) {
		bpf_map_update_elem(&counts, &cookie, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, &cookie);
	}
	if (!c) {
		__sync_fetch_and_add(&unkeyed, 1);
		return;
	}
	/* tcp_syn_flood_action() runs first: a SYN-queue drop never reaches the accept test */
	if (after->reqq_full != s->before.reqq_full)
		__sync_fetch_and_add(&c->synq_full, 1);
	else if (after->overflows != s->before.overflows)
		__sync_fetch_and_add(&c->at_syn, 1);
	else
		__sync_fetch_and_add(&c->other, 1);
}

/* Return: the scratch of this CPU's call on @sk (NULL if there is none), now finished. */
static __always_inline struct scratch *leave(const struct sock *sk, struct mibs *after)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!s || s->sk != sk)
		return NULL;
	s->sk = NULL;
	if (!s->ok || read_mibs(sk, after)) {
		__sync_fetch_and_add(&unread, 1);
		return NULL;
	}
	return s;
}

SEC("fentry/tcp_conn_request")
int BPF_PROG(precise_enter, void *rsk_ops, void *af_ops, struct sock *sk)
{
	enter(sk);
	return 0;
}

/* The return value is not read: it became an enum skb_drop_reason in 6.x. */
SEC("fexit/tcp_conn_request")
int BPF_PROG(precise_exit, void *rsk_ops, void *af_ops, struct sock *sk)
{
	struct mibs after;
	struct scratch *s = leave(sk, &after);

	if (s)
		count(s, &after, bpf_get_socket_cookie(sk));
	return 0;
}

/* The fallback where fentry is refused: the same logic, the cookie read directly. */
SEC("kprobe/tcp_conn_request")
int BPF_KPROBE(precise_kenter, void *rsk_ops, void *af_ops, struct sock *sk)
{
	enter(sk);
	return 0;
}

SEC("kretprobe/tcp_conn_request")
int BPF_KRETPROBE(precise_kexit)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch, &zero);
	struct sock *sk;
	struct mibs after;

	if (!s || !s->sk)
		return 0;
	sk = s->sk;
	s = leave(sk, &after);
	/* set by sock_gen_cookie() when the main object first asked (LISTEN, or its dump) */
	if (s)
		count(s, &after, BPF_CORE_READ(sk, __sk_common.skc_cookie.counter));
	return 0;
}
