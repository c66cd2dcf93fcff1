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

#endif
