/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tw_pack.h - a connection in a few bytes, for the TIME_WAIT table
 * (tw_table.h): everything after its first cache line (the links, which a
 * table rebuilds), with its times made relative to its timewait hand-over
 * (due_ns, kept beside the bytes) and runs of zero bytes squeezed out. Every
 * field is kept, whatever struct tl_conn and struct tl_lifeline hold.
 */
#ifndef TL_TW_PACK_H
#define TL_TW_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/conn.h"

/**
 * tl_tw_pack() - @c as the bytes a slot keeps, into @out (TL_TW_PACK_MAX
 * bytes). Its key (@c->cookie) and due time are not in them: the slot keeps
 * those. Return: the length.
 */
#define TL_TW_PACK_MAX (2 * sizeof(struct tl_conn))
size_t tl_tw_pack(const struct tl_conn *c, uint8_t *out);

/**
 * tl_tw_unpack() - what tl_tw_pack() made of a connection with cookie @key
 * and due time @due_ns, into @c. Return: 0, or -1 if @in is malformed.
 */
int tl_tw_unpack(const uint8_t *in, size_t len, uint64_t key, uint64_t due_ns, struct tl_conn *c);

#endif
