/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* netns.h - visiting every network namespace of the host. */
#ifndef TL_NETNS_H
#define TL_NETNS_H

#include <stdint.h>

/**
 * tl_netns_each() - call @fn from inside each network namespace that has a
 * process or a /run/netns name (each once, by inode), or only the one with
 * inode @only when it is not 0. The caller's namespace is restored after.
 * The caller's own namespace is visited without setns(), so needs no
 * privilege. Return: 0; -errno if the caller's namespace cannot be restored
 * (fatal) or @fn's first error. Namespaces that cannot be entered (setns()
 * refused: no CAP_SYS_ADMIN) or seen (/proc/PID/ns/net of another user's
 * process: no CAP_SYS_PTRACE) are skipped, said once a run on stderr.
 */
int tl_netns_each(uint32_t only, int (*fn)(void *ctx, uint32_t inode), void *ctx);

#endif
