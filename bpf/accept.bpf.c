// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * accept.bpf.c - the accepting process as the owner of an accepted socket,
 * at the exit of accept4() and accept(): classic syscall tracepoints (there
 * is no tp_btf for syscalls), attached only where an option needs them, as
 * they slow every system call of the host (accept.progs.h).
 */
#include "shared.bpf.h"
#include "ring.bpf.h"
#include "sock.bpf.h"

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
		discard(e);
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

/* Each row of the loader's list (accept.progs.h) must name a program of this file. */
#define TL_PROG(name, hook, label, tp, nargs, needs) _Static_assert(sizeof(&name), #name);
#include "accept.progs.h"
#undef TL_PROG
