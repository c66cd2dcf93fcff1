/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_netns.h - a namespace's listen-queue counters (TcpExt in
 * /proc/net/netstat) and the sysctls that bound its queues, read from
 * inside the namespace.
 */
#ifndef TL_BACKLOG_NETNS_H
#define TL_BACKLOG_NETNS_H

#include "backlog/backlog_row.h"

/**
 * bl_parse_netstat() - the counters of @m from the text of /proc/net/netstat
 * (pairs of "TcpExt: NAME..." / "TcpExt: VALUE..." lines).
 * Return: 0, or -1 if the TcpExt lines are missing or malformed.
 */
int bl_parse_netstat(const char *text, struct bl_mib *m);

/**
 * bl_read_netns() - read the MIB counters and the sysctls of the namespace
 * the calling thread is in now. Return: 0, or -errno for the counters
 * (sysctls that cannot be read are -1).
 */
int bl_read_netns(struct bl_mib *m, struct bl_sysctls *s);

#endif
