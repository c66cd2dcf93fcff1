/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * prog_table.h - the main BPF object's programs, one row each, gathered from
 * the lists each hook family keeps beside its source (bpf/<family>.progs.h):
 * the hook a program serves, the tracepoint variant it is for, and what it
 * needs from the kernel and from the run. The loader decides each program's
 * fate from its row (tl_prog_first_status()), never by naming programs; a
 * new program is one TL_PROG() line in its family's list.
 */
#ifndef TL_PROG_TABLE_H
#define TL_PROG_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/hooks.h"

/* What a program needs, or is: the needs column, or-ed. */
enum tl_prog_need {
	TL_PN_REQUIRED = 1 << 0, /* tracing cannot do without it (the state hook) */
	TL_PN_DUMP = 1 << 1, /* the program of dump-only runs; every other is unused there */
	TL_PN_ON_DEMAND = 1 << 2, /* run by user space (iterators, sampler), never attached */
	TL_PN_COOKIE = 1 << 3, /* bpf_get_socket_cookie in tracing programs (5.12) */
	TL_PN_TW_FN = 1 << 4, /* tw_timer_handler in /proc/kallsyms */
	TL_PN_FOR_EACH = 1 << 5, /* bpf_for_each_map_elem (5.13) */
	TL_PN_NO_FOR_EACH = 1 << 6, /* stands in for its hook's TL_PN_FOR_EACH program */
	TL_PN_BATCH = 1 << 7, /* wanted only where state changes are batched */
	TL_PN_ACCEPT = 1 << 8, /* wanted only for accept()'s caller; a classic tracepoint */
	TL_PN_RX_SK = 1 << 9, /* active: kfree_skb names the receiving socket (rx_sk_known) */
};

/**
 * struct tl_prog_def - one row: TL_PROG(name, hook, label, tracepoint, nargs, needs).
 * @name:  the BPF program (checked against the skeleton at compile time)
 * @hook:  the hook it serves; a hook's programs are variants or partners
 * @label: what the "tracing" line calls it, NULL for the hook's name
 * @tp:    the tp_btf tracepoint whose argument count in the kernel's BTF
 *         decides (NULL: none). Programs of the same tracepoint are variants:
 *         the one with the kernel's count loads, the others are
 *         "other-variant". A program alone on its tracepoint loads where
 *         it has at least @nargs.
 * @nargs: the argument count this program is written for
 * @needs: enum tl_prog_need bits
 */
struct tl_prog_def {
	const char *name;
	enum tl_hook hook;
	const char *label;
	const char *tp;
	int nargs;
	unsigned int needs;
};

/* Every row, in the order of the families' lists. */
extern const struct tl_prog_def tl_progs[];
extern const int tl_nprogs;

/** tl_prog_def_of() - the row of program @name, or NULL. */
const struct tl_prog_def *tl_prog_def_of(const char *name);

/** tl_prog_has() - whether program @name's row has every bit of @needs. */
bool tl_prog_has(const char *name, unsigned int needs);

/**
 * tl_prog_report_order() - the rows as features and recordings list them:
 * by hook in the order of the data flow (state, retransmit, synack, resets,
 * drop, timewait, accept, sampler, flush, dump), each hook's in list order,
 * whatever order the linker gave the object's programs. Fills @out
 * (tl_nprogs entries). Return: the number filled.
 */
int tl_prog_report_order(const struct tl_prog_def **out, int max);

/* What the kernel and the run offer, as tl_prog_first_status() needs it. */
struct tl_prog_env {
	bool cookie_helper; /* bpf_get_socket_cookie in tracing programs */
	bool for_each; /* bpf_for_each_map_elem */
	bool tw_fn; /* tw_timer_handler in /proc/kallsyms */
	bool batch; /* state changes are batched */
	bool accept; /* accept()'s caller is wanted */
	bool tracefs; /* tracefs is (or could be) mounted: only asked when @accept */
	bool dump_only; /* a run of the socket dump alone */
	/* the arguments of tracepoint @tp in the kernel's BTF, -1 if none */
	int (*tp_nargs)(const void *ctx, const char *tp);
	const void *ctx;
};

/**
 * tl_prog_first_status() - @d's fate before any load: active, unused by this
 * run, another variant's, absent from this kernel, or refused (tracefs
 * missing for a classic tracepoint), with the reason in @reason ("" when
 * none). Return: the status.
 */
enum tl_prog_status tl_prog_first_status(const struct tl_prog_def *d, const struct tl_prog_env *env,
					 char *reason, size_t size);

#endif
