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

#define TL_KFIELDS_MAX 16
/* The probes the loader acts on, by name */
#define TL_KF_COOKIE "tracing: bpf_get_socket_cookie"
#define TL_KF_STORAGE "tracing: bpf_sk_storage_get"

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

/** tl_kfield_present() - whether probe @name is present in @f[0..@n) (false if not probed). */
bool tl_kfield_present(const struct tl_kfield *f, int n, const char *name);

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

/**
 * tl_kernel_hz() - CONFIG_HZ of the running kernel from /boot/config-RELEASE
 * or /proc/config.gz, 0 when neither says. @where (may be NULL) names the
 * source read.
 */
unsigned int tl_kernel_hz(const char **where);

/**
 * tl_tracing_helper_works() - whether a tp_btf program on @tp may call the
 * helper @func_id with @tp's first argument (a struct sock): a two-line
 * program the verifier must take. Helpers came to tracing programs late
 * (bpf_get_socket_cookie 5.12, bpf_sk_storage_get 5.11).
 */
bool tl_tracing_helper_works(const struct btf *btf, const char *tp, int func_id);

/**
 * tl_tracing_storage_works() - the same for bpf_sk_storage_get() on a socket
 * storage map (tracing programs have it since 5.11).
 */
bool tl_tracing_storage_works(const struct btf *btf, const char *tp);

/** tl_btf_enum_value_exists() - whether enum @type in @btf has the value @value. */
bool tl_btf_enum_value_exists(const struct btf *btf, const char *type, const char *value);

/** tl_config_hz() - N of a kernel config line "CONFIG_HZ=N", else 0. */
unsigned int tl_config_hz(const char *line);

/**
 * tl_kallsyms_names() - whether a /proc/kallsyms line names symbol @name
 * (exactly, module suffix allowed) with a usable address (not zeroed by
 * kptr_restrict).
 */
bool tl_kallsyms_names(const char *line, const char *name);

/** tl_ksym_exists() - whether /proc/kallsyms names @name with a usable address. */
bool tl_ksym_exists(const char *name);

#endif
