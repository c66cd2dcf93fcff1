/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * privs.h - whether this process may load and attach tracing programs at
 * all, told by what the privileges are (the effective capabilities, and a
 * trivial tracing program the kernel must take), never by the errno of a
 * real program: a kernel that refuses one program of tcpline's with EPERM
 * (a policy, a lockdown level, an unusual build) has not said that the
 * user lacks privileges.
 */
#ifndef TL_PRIVS_H
#define TL_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/**
 * tl_privs_check() - 0 when tracing programs can be loaded; -EPERM when the
 * privileges are missing, with one sentence in @why naming what is missing
 * (e.g. "the effective capabilities lack CAP_BPF, CAP_PERFMON"); another
 * -errno when even the trivial program fails otherwise (said in @why).
 */
int tl_privs_check(char *why, size_t size);

/** tl_cap_name() - "CAP_BPF" for a capability tcpline uses, else NULL. */
const char *tl_cap_name(int cap);

/**
 * tl_caps_format() - the capabilities tcpline uses that this process has
 * in its effective set ("CAP_BPF CAP_PERFMON ..."), into @buf. Return: @buf.
 */
char *tl_caps_format(char *buf, size_t size);

#endif
