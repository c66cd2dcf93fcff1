/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * registry.h - the metrics `tcpline serve` exposes, held as families of
 * series (Prometheus' data model: a name, a type, label names; one series per
 * set of label values). Cardinality is bounded by design: a family holds at
 * most max_series series; the values of any further label set go into the
 * family's "other" series (every label "other") and the update is counted as
 * folded. Memory is therefore bounded by (families x (max_series + 1)).
 *
 * Counters only grow. Gauges are rebuilt: the owner clears a gauge family
 * and adds every current value again (a folded gauge is the sum of what was
 * folded). Histograms have fixed bucket bounds per family.
 *
 * Not thread-safe: one thread updates and renders (exposition.h); the HTTP
 * thread only ever sees rendered pages.
 */
#ifndef TL_REGISTRY_H
#define TL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_METRIC_MAX_LABELS 4
#define TL_METRIC_MAX_BUCKETS 24
#define TL_METRIC_OTHER "other"

enum tl_metric_type {
	TL_METRIC_COUNTER = 0,
	TL_METRIC_GAUGE,
	TL_METRIC_HISTOGRAM,
};

/* A family's definition; the registry keeps the pointer (static storage). */
struct tl_family_def {
	const char *name; /* counters end in _total */
	const char *help;
	enum tl_metric_type type;
	unsigned int nlabels;
	const char *labels[TL_METRIC_MAX_LABELS];
	unsigned int nbuckets; /* histograms: upper bounds, ascending, +Inf implied */
	const double *buckets;
};

struct tl_series {
	char *values; /* nlabels strings, each ending in '\0' */
	uint64_t count; /* counter value; histogram: observations */
	int64_t gauge;
	double sum; /* histogram: sum of observations */
	uint64_t *bucket; /* histogram: per bucket (not cumulative), nbuckets + 1 */
};

struct tl_family;
struct tl_registry;

/** tl_registry_new() - empty, at most @max_series (>= 1) per family. NULL on ENOMEM. */
struct tl_registry *tl_registry_new(uint32_t max_series);
void tl_registry_free(struct tl_registry *r);

/**
 * tl_registry_add() - a family from @def (kept by pointer). Return: NULL on
 * ENOMEM or an invalid definition (too many labels or buckets, a counter
 * whose name does not end in _total, unsorted buckets).
 */
struct tl_family *tl_registry_add(struct tl_registry *r, const struct tl_family_def *def);

/**
 * tl_family_series() - the series with label @values (def->nlabels strings),
 * created if new; the family's "other" series when it is full (or memory
 * runs out), counting the update as folded; also, not counted, when every
 * value is "other". Never NULL.
 */
struct tl_series *tl_family_series(struct tl_family *f, const char *const *values);

/**
 * tl_family_is_other() - whether @s is the family's "other" series: a caller
 * that keeps series pointers must not keep that one, or its later updates
 * would not be counted as folded.
 */
bool tl_family_is_other(const struct tl_family *f, const struct tl_series *s);

/** tl_family_clear() - forget every series but "other", whose value is reset (gauges). */
void tl_family_clear(struct tl_family *f);

/** tl_series_inc() - a counter grows by @n. */
static inline void tl_series_inc(struct tl_series *s, uint64_t n)
{
	s->count += n;
}

/** tl_series_gauge_add() - a gauge rebuilt since its family was cleared grows by @v. */
static inline void tl_series_gauge_add(struct tl_series *s, int64_t v)
{
	s->gauge += v;
}

/** tl_series_observe() - a histogram observation @v (seconds for durations). */
void tl_series_observe(struct tl_family *f, struct tl_series *s, double v);

/** tl_family_def_of() - the family's definition. */
const struct tl_family_def *tl_family_def_of(const struct tl_family *f);

/**
 * tl_family_folded() - updates (lookups by tl_family_series()) that went to
 * "other" because the family was full.
 */
uint64_t tl_family_folded(const struct tl_family *f);

/** tl_family_size() - series held, "other" included once it was used. */
uint32_t tl_family_size(const struct tl_family *f);

/**
 * tl_family_each() - @fn for every series in creation order, "other" last
 * (only if it was used or has a value).
 */
void tl_family_each(const struct tl_family *f,
		    void (*fn)(void *ctx, const struct tl_family *f, const struct tl_series *s),
		    void *ctx);

/** tl_registry_each_family() - @fn for every family in the order added. */
void tl_registry_each_family(const struct tl_registry *r,
			     void (*fn)(void *ctx, const struct tl_family *f), void *ctx);

#endif
