/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink_text.h - the sink for people: aligned columns, wall-clock times,
 * readable addresses (the default output of trace, record --live, report).
 */
#ifndef TL_SINK_TEXT_H
#define TL_SINK_TEXT_H

#include <stdio.h>

#include "core/clock.h"
#include "core/model.h"
#include "kernel/names.h"
#include "output/sink.h"

/**
 * tl_sink_text_new() - aligned columns for people, a header line first.
 * Stats are not printed by this sink (the caller writes them to stderr with
 * tl_stats_fprint()). Return: NULL on ENOMEM.
 */
struct tl_sink *tl_sink_text_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock);

/**
 * tl_stats_fprint() - one line "tcpline: <prefix>: events N, lost N (ring buffer
 * full), ..." naming every counter.
 */
void tl_stats_fprint(FILE *f, const char *prefix, const struct tl_stats *st);

#endif
