/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog.h - `tcpline backlog`: per-listener SYN-queue and accept-queue
 * depths and drops, split by cause as far as the kernel allows, with a
 * diagnosis. backlog.c runs the live session; the listener table is
 * backlog_table.h, a namespace's counters backlog_netns.h, the attribution
 * and diagnosis backlog_diag.h, the rendering backlog_print.h.
 */
#ifndef TL_BACKLOG_H
#define TL_BACKLOG_H

/** cmd_backlog() - `tcpline backlog [OPTIONS]`. Return: the exit code. */
int cmd_backlog(int argc, char **argv);

#endif
