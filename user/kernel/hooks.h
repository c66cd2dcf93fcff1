/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hooks.h - what a run of tcpline gets from the kernel: for each BPF program
 * whether it is active, refused (with the kernel's reason), absent from this
 * kernel or not wanted by the run; the hooks that follow from them; and what
 * a user loses without each. Only the state hook is required: everything
 * else is optional, and what is missing is shown as unavailable (JSON null,
 * text "-"), never as zero.
 */
#ifndef TL_HOOKS_H
#define TL_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/kfields.h"

/* Hook families, one bit each in a tl_hook_mask. */
enum tl_hook {
	TL_HOOK_STATE, /* sock:inet_sock_set_state (required) */
	TL_HOOK_RETRANSMIT, /* tcp:tcp_retransmit_skb */
	TL_HOOK_SYNACK, /* tcp:tcp_retransmit_synack */
	TL_HOOK_RESET_SENT, /* tcp:tcp_send_reset */
	TL_HOOK_RESET_RECEIVED, /* tcp:tcp_receive_reset */
	TL_HOOK_DROP, /* skb:kfree_skb */
	TL_HOOK_TIMEWAIT, /* timer:timer_start + timer:timer_expire_entry, both */
	TL_HOOK_ACCEPT, /* syscalls:sys_exit_accept4 / sys_exit_accept */
	TL_HOOK_SAMPLER, /* the listener sampler (raw_tp, run on demand) */
	TL_HOOK_DUMP, /* iter/tcp: the sockets alive at start */
	TL_HOOK_FLUSH, /* collecting batched state changes at exit */
	TL_HOOK_MAX,
};

typedef uint32_t tl_hook_mask;

#define TL_HOOK_BIT(h) ((tl_hook_mask)1 << (h))
/* What a recording from before hooks were recorded had: assume all. */
#define TL_HOOKS_ALL (TL_HOOK_BIT(TL_HOOK_MAX) - 1)
/* The hooks whose absence shows in the events: the rest serve the loader. */
#define TL_HOOKS_EVENTS                                                                            \
	(TL_HOOK_BIT(TL_HOOK_RETRANSMIT) | TL_HOOK_BIT(TL_HOOK_SYNACK) |                           \
	 TL_HOOK_BIT(TL_HOOK_RESET_SENT) | TL_HOOK_BIT(TL_HOOK_RESET_RECEIVED) |                   \
	 TL_HOOK_BIT(TL_HOOK_DROP) | TL_HOOK_BIT(TL_HOOK_TIMEWAIT) | TL_HOOK_BIT(TL_HOOK_ACCEPT) | \
	 TL_HOOK_BIT(TL_HOOK_SAMPLER))

static inline bool tl_hook_has(tl_hook_mask m, enum tl_hook h)
{
	return m & TL_HOOK_BIT(h);
}

/** tl_hook_name() - "state", "retransmit", "synack", ... ("?" out of range). */
const char *tl_hook_name(enum tl_hook h);

/** tl_hook_loss() - what a user loses without @h, in one sentence. */
const char *tl_hook_loss(enum tl_hook h);

/**
 * tl_hook_mask_format() - the names of the hooks in @m, space-separated, in
 * enum order, into @buf ("" when none). Return: @buf.
 */
char *tl_hook_mask_format(tl_hook_mask m, char *buf, size_t size);

enum tl_prog_status {
	TL_PROG_UNUSED, /* this run does not need it (options) */
	TL_PROG_OTHER_VARIANT, /* another variant fits this kernel's tracepoint */
	TL_PROG_ABSENT, /* this kernel lacks what it hooks */
	TL_PROG_REFUSED, /* the kernel refused to load or attach it */
	TL_PROG_ACTIVE, /* loaded, and attached unless run on demand */
};

/** tl_prog_status_name() - "unused", "other-variant", "absent", "refused", "active". */
const char *tl_prog_status_name(enum tl_prog_status s);

#define TL_PROGS_MAX 32
#define TL_PROG_REASON 160

struct tl_prog_report {
	char prog[32]; /* the BPF program's name */
	char attach[64]; /* its section, e.g. "tp_btf/tcp_retransmit_skb" */
	enum tl_hook hook;
	enum tl_prog_status status;
	char reason[TL_PROG_REASON]; /* refused / absent: why, in the kernel's words */
};

/* Everything a run learnt about the kernel's hooks. */
struct tl_hook_report {
	struct tl_prog_report progs[TL_PROGS_MAX];
	int nprogs;
	tl_hook_mask wanted; /* the hooks this run's options need */
	tl_hook_mask active; /* the hooks that work */
	bool batching; /* state changes are batched in the kernel */
	char flush_via[32]; /* the flush program in use ("" if none) */
	char fallback[TL_PROG_REASON]; /* a fallback taken, in words ("" if none) */
	struct tl_kfield fields[TL_KFIELDS_MAX]; /* the variants probed in the kernel's BTF */
	int nfields;
	unsigned int hz; /* CONFIG_HZ from the kernel's config, 0 unknown */
	char load_error[TL_PROG_REASON]; /* why the object as a whole did not load */
};

/**
 * tl_hook_report_missing() - one line naming every wanted hook that is not
 * active, each with its reason ("" when nothing is missing), into @buf.
 * Return: @buf.
 */
char *tl_hook_report_missing(const struct tl_hook_report *r, char *buf, size_t size);

#endif
