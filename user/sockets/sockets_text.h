/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sockets_text.h - a finished census (sockets_census.h) as tables for
 * people (docs/sockets.md); sockets_json.h prints the same sections in the
 * same order. Rankings are cut at @top rows.
 */
#ifndef TL_SOCKETS_TEXT_H
#define TL_SOCKETS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/names.h"
#include "sockets/sockets_census.h"

/* The states of the totals, in the order they are shown (uapi-stable numbers). */
extern const uint8_t tl_sockets_state_order[12];

/**
 * tl_sockets_state_name() - the kernel's name of TCP state @st (from @names,
 * i.e. BTF), or "STATE_<n>" when it has none. Return: @buf or a name.
 */
const char *tl_sockets_state_name(const struct tl_names *names, unsigned int st, char *buf,
				  size_t len);

/** tl_sockets_print_text() - the census as tables. */
void tl_sockets_print_text(FILE *f, const struct tl_census *c, const struct tl_names *names,
			   uint32_t top);

#endif
