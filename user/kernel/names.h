/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * names.h - enum value -> name tables (TCP states, drop reasons, reset
 * reasons), resolved from a kernel's BTF rather than hard-coded, because the
 * numbering changes between kernels. A recording carries these tables so a
 * report names values the way the recording kernel did.
 */
#ifndef TL_NAMES_H
#define TL_NAMES_H

#include <stdint.h>

struct btf;

enum tl_name_kind {
	TL_NAMES_STATE = 0, /* TCP_ESTABLISHED... -> "ESTABLISHED" */
	TL_NAMES_DROP, /* SKB_DROP_REASON_NO_SOCKET... -> "NO_SOCKET" */
	TL_NAMES_RESET, /* SK_RST_REASON_NO_SOCKET... -> "NO_SOCKET" */
	TL_NAMES_KINDS,
};

#define TL_NAMES_MAX 1024 /* values >= this are printed as numbers */
#define TL_NAME_MAX_LEN 255 /* longer names are cut (as a recording stores them) */

struct tl_names {
	/* names[kind][value], prefix stripped; NULL where the kernel has no name */
	char *names[TL_NAMES_KINDS][TL_NAMES_MAX];
	/* changes whenever a name does (unique across tables): for caches of renderings */
	uint64_t gen;
};

/**
 * tl_names_init() - empty tables.
 */
void tl_names_init(struct tl_names *n);

/**
 * tl_names_load_btf() - fill all tables from @btf (the running kernel's
 * vmlinux BTF, or any other). Kinds the BTF lacks stay empty.
 * Return: 0, or -errno on allocation failure.
 */
int tl_names_load_btf(struct tl_names *n, const struct btf *btf);

/**
 * tl_names_set() - set one name (copied, cut at TL_NAME_MAX_LEN bytes); used
 * by recordings and tests.
 * Return: 0, -EINVAL for a value out of range, -ENOMEM.
 */
int tl_names_set(struct tl_names *n, enum tl_name_kind kind, uint32_t value, const char *name);

/**
 * tl_names_get() - the name of @value, or NULL if unknown.
 */
const char *tl_names_get(const struct tl_names *n, enum tl_name_kind kind, uint32_t value);

/**
 * tl_names_free() - release all names; the tables are empty afterwards.
 */
void tl_names_free(struct tl_names *n);

#endif
