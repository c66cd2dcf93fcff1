/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hashed_id.h - the key of hashed socket ids, for kernels whose tracing
 * programs cannot ask for a socket's cookie (< 5.12): the BPF side names a
 * socket by a keyed hash of its address (TL_COOKIE_HASHED).
 */
#ifndef TL_HASHED_ID_H
#define TL_HASHED_ID_H

#include <stdint.h>

/**
 * tl_hashed_id_key() - the key, the same for every tcpline of this boot
 * (/run/tcpline/socket-id-key, 0600, made once), else one for this run.
 * Return: 0, or -1 with errno when no random bytes can be had.
 */
int tl_hashed_id_key(uint64_t key[2]);

/**
 * tl_hashed_id_key_in() - the same, kept in @dir (created 0700 if missing)
 * as socket-id-key: read if it holds 16 bytes (never through
 * a symlink), else made and linked in whole, unless another process linked
 * one first (then that one). Where @dir cannot hold it, a key for this run.
 */
int tl_hashed_id_key_in(const char *dir, uint64_t key[2]);

#endif
