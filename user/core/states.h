/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * states.h - batched state changes (TL_EV_STATES, struct tl_states_rec) back
 * into the TL_EV_STATE records they stand for.
 */
#ifndef TL_STATES_H
#define TL_STATES_H

#include <stddef.h>

#include "../bpf/tcpline.h"

/**
 * tl_states_expand() - hand @fn each change of the batch in @data (@size
 * bytes), oldest first, as a TL_EV_STATE record: the kept ones carry the
 * socket's tuple and owner from the newest, and no counters, reason or
 * flags (those belong to the change that carried them, the newest).
 * Return: the number of records handed over, or -1 if @data is not a whole
 * batch (nothing is handed over then).
 */
int tl_states_expand(const void *data, size_t size,
		     void (*fn)(void *ctx, const struct tl_event *ev), void *ctx);

#endif
