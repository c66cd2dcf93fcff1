/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * metrics_sink.h - a sink (output/sink.h) that counts instead of printing:
 * what the timeline passes on (events, lifelines, counters) goes into the
 * event-driven metric families of families.h. Fed by the same view path as
 * trace's sinks, so a metric counts exactly what trace would print.
 */
#ifndef TL_METRICS_SINK_H
#define TL_METRICS_SINK_H

#include <stdint.h>

#include "output/sink.h"
#include "serve/families.h"

/**
 * tl_sink_metrics_new() - a sink into @fam (kept by pointer), naming states,
 * drop and reset reasons from @names. Connect durations are labelled by
 * remote port only for the @nports ports of @ports (the --metrics-port
 * allowlist; the others are "other"). Return: NULL on ENOMEM.
 */
struct tl_sink *tl_sink_metrics_new(struct tl_serve_families *fam, const struct tl_names *names,
				    const uint16_t *ports, unsigned int nports);

#endif
