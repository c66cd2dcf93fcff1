/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink_json.h - the sink for machines: one JSON object per line
 * (docs/json.md), written on the hot path through json_fmt.h and outbuf.h.
 */
#ifndef TL_SINK_JSON_H
#define TL_SINK_JSON_H

#include <stdio.h>

#include "core/clock.h"
#include "core/model.h"
#include "kernel/names.h"
#include "output/sink.h"

/**
 * tl_sink_json_new() - JSON Lines per docs/json.md, stats as type "stats".
 * Return: NULL on ENOMEM.
 */
struct tl_sink *tl_sink_json_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock);

#endif
