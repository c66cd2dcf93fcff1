/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sockets_json.h - a finished census (sockets_census.h) as one JSON
 * document (docs/sockets.md): the sections of sockets_text.h, in the same
 * order; rankings are cut at @top rows.
 */
#ifndef TL_SOCKETS_JSON_H
#define TL_SOCKETS_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "kernel/names.h"
#include "sockets/sockets_census.h"

/**
 * tl_sockets_print_json() - the census as one JSON object on one line.
 * Return: 0, or -ENOMEM.
 */
int tl_sockets_print_json(FILE *f, const struct tl_census *c, const struct tl_names *names,
			  uint32_t top);

#endif
