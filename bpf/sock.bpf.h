/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sock.bpf.h - a socket's id (its cookie, or a keyed hash where tracing
 * programs cannot ask for one), its storage, and its owner.
 */
#ifndef TL_SOCK_BPF_H
#define TL_SOCK_BPF_H

#include "shared.bpf.h"

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

#endif
