/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * proc_owner.h - who holds a socket that existed before tracing started:
 * the process with a "socket:[INODE]" descriptor, read from /proc as ss -p
 * does. Used once at start-up, never per event.
 */
#ifndef TL_PROC_OWNER_H
#define TL_PROC_OWNER_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

struct tl_inode_owner {
	uint32_t ino; /* socket inode, the key */
	uint32_t pid; /* 0 if no process holds it */
	char comm[TL_COMM_LEN];
};

/**
 * tl_proc_owners() - fill pid/comm of the @n entries of @v (any order; sorted
 * by inode on return) from /proc/PID/fd. Return: how many were found.
 */
size_t tl_proc_owners(struct tl_inode_owner *v, size_t n);

/**
 * tl_proc_owner_find() - the entry of socket inode @ino in @v, sorted by
 * tl_proc_owners(); NULL if absent or @ino is 0.
 */
const struct tl_inode_owner *tl_proc_owner_find(const struct tl_inode_owner *v, size_t n,
						uint32_t ino);

/**
 * tl_proc_set_owner() - if @ev is a TL_EV_SOCK record whose socket inode a
 * process holds (per @v, sorted by tl_proc_owners()), set its pid/comm.
 */
void tl_proc_set_owner(struct tl_event *ev, const struct tl_inode_owner *v, size_t n);

/**
 * tl_proc_fill_owners() - set pid/comm (TL_OWNER_EXACT) of the TL_EV_SOCK
 * records among @v whose socket inode (the segs field) a process holds.
 */
void tl_proc_fill_owners(struct tl_event *v, size_t n);

#endif
