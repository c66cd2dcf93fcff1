/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kfields.h - the kernel's variants that tcpline probes in its BTF:
 * tracepoint arguments that came and went between releases, enum values,
 * struct fields and symbols. Each probe says what it shows and what a user
 * loses where it is absent.
 */
#ifndef TL_KFIELDS_H
#define TL_KFIELDS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

#define TL_KFIELDS_MAX 12

struct tl_kfield {
	const char *name; /* e.g. "kfree_skb.rx_sk" (static storage) */
	const char *since; /* the first release that has it, e.g. "6.11" */
	const char *loss; /* what is unavailable without it */
	bool present;
};

/**
 * tl_kfields_probe() - probe each variant in @btf (the running kernel's) into
 * @out (TL_KFIELDS_MAX entries). Return: the number of entries.
 */
int tl_kfields_probe(const struct btf *btf, struct tl_kfield *out);

/**
 * tl_kfield_by_name() - the probe named @name (@len bytes, untrusted), its
 * present flag unset, or NULL if tcpline knows no such probe.
 */
const struct tl_kfield *tl_kfield_by_name(const char *name, size_t len);

/**
 * tl_btf_tp_nargs() - the arguments of tracepoint @tp in @btf (through its
 * btf_trace_<tp> typedef, context excluded), or -1 when it has none.
 */
int tl_btf_tp_nargs(const struct btf *btf, const char *tp);

/** tl_ksym_exists() - whether /proc/kallsyms names @name with a usable address. */
bool tl_ksym_exists(const char *name);

#endif
