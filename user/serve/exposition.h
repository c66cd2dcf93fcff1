/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * exposition.h - a registry (registry.h) in the Prometheus text exposition
 * format, version 0.0.4: per family a HELP and a TYPE line, then its series;
 * histograms as cumulative _bucket series (le ending in +Inf), _sum and
 * _count. Label values are escaped (backslash, double quote, newline). Last
 * comes tcpline_metrics_series_folded_total{family}: per family, the updates
 * that went to its "other" series because it was full.
 */
#ifndef TL_EXPOSITION_H
#define TL_EXPOSITION_H

#include <stddef.h>
#include <stdio.h>

#include "serve/registry.h"

/* The Content-Type of the format, for HTTP. */
#define TL_EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/** tl_expo_write() - write every family of @r to @f. Return: 0, or -1 on a write error. */
int tl_expo_write(FILE *f, const struct tl_registry *r);

/**
 * tl_expo_render() - the same into a new buffer (malloc'ed, '\0'-ended, its
 * length in *@len). Return: NULL on ENOMEM.
 */
char *tl_expo_render(const struct tl_registry *r, size_t *len);

/** tl_expo_escape() - @v escaped as a label value into @f. */
void tl_expo_escape(FILE *f, const char *v);

#endif
