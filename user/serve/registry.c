// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* registry.c - see registry.h. */
#include <stdlib.h>
#include <string.h>

#include "serve/registry.h"

struct tl_family {
	const struct tl_family_def *def;
	struct tl_series **v; /* creation order */
	uint32_t n, cap;
	int32_t *slots; /* open addressing: index into v, -1 empty; 2 * cap rounded up */
	uint32_t mask;
	struct tl_series other;
	bool other_used;
	uint64_t folded;
	struct tl_family *next;
};

struct tl_registry {
	uint32_t max_series;
	struct tl_family *first, *last;
};

struct tl_registry *tl_registry_new(uint32_t max_series)
{
	struct tl_registry *r;

	if (!max_series)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r)
		r->max_series = max_series;
	return r;
}

static void series_free(struct tl_series *s)
{
	free(s->values);
	free(s->bucket);
}

static void family_free(struct tl_family *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		series_free(f->v[i]);
		free(f->v[i]);
	}
	series_free(&f->other);
	free(f->v);
	free(f->slots);
	free(f);
}

void tl_registry_free(struct tl_registry *r)
{
	if (!r)
		return;
	for (struct tl_family *f = r->first, *next; f; f = next) {
		next = f->next;
		family_free(f);
	}
	free(r);
}

static bool def_valid(const struct tl_family_def *d)
{
	size_t len = strlen(d->name);

	if (d->nlabels > TL_METRIC_MAX_LABELS || d->nbuckets > TL_METRIC_MAX_BUCKETS)
		return false;
	if (d->type == TL_METRIC_COUNTER && (len <= 6 || strcmp(d->name + len - 6, "_total")))
		return false;
	for (unsigned int i = 1; i < d->nbuckets; i++)
		if (!(d->buckets[i - 1] < d->buckets[i]))
			return false;
	return d->type != TL_METRIC_HISTOGRAM || d->nbuckets > 0;
}

/* The label values as one block of '\0'-ended strings. */
static char *join_values(const struct tl_family_def *d, const char *const *values, size_t *len)
{
	size_t n = 0;
	char *s, *p;

	for (unsigned int i = 0; i < d->nlabels; i++)
		n += strlen(values[i]) + 1;
	s = calloc(1, n ? n : 1);
	if (!s)
		return NULL;
	p = s;
	for (unsigned int i = 0; i < d->nlabels; i++) {
		size_t l = strlen(values[i]) + 1;

		memcpy(p, values[i], l);
		p += l;
	}
	*len = n;
	return s;
}

static int series_init(const struct tl_family_def *d, struct tl_series *s,
		       const char *const *values)
{
	size_t len;

	memset(s, 0, sizeof(*s));
	s->values = join_values(d, values, &len);
	if (d->type == TL_METRIC_HISTOGRAM)
		s->bucket = calloc(d->nbuckets + 1, sizeof(*s->bucket));
	if (!s->values || (d->type == TL_METRIC_HISTOGRAM && !s->bucket)) {
		series_free(s);
		return -1;
	}
	return 0;
}

struct tl_family *tl_registry_add(struct tl_registry *r, const struct tl_family_def *def)
{
	static const char *const others[TL_METRIC_MAX_LABELS] = { TL_METRIC_OTHER, TL_METRIC_OTHER,
								  TL_METRIC_OTHER,
								  TL_METRIC_OTHER };
	struct tl_family *f;
	uint32_t slots = 2;

	if (!def_valid(def))
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->def = def;
	f->cap = r->max_series;
	while (slots < 2 * f->cap)
		slots *= 2;
	f->mask = slots - 1;
	f->slots = malloc(slots * sizeof(*f->slots));
	if (!f->slots || series_init(def, &f->other, others)) {
		free(f->slots);
		free(f);
		return NULL;
	}
	memset(f->slots, 0xff, slots * sizeof(*f->slots));
	if (r->last)
		r->last->next = f;
	else
		r->first = f;
	r->last = f;
	return f;
}

/* FNV-1a over the label values, separators included. */
static uint32_t hash_values(const struct tl_family_def *d, const char *const *values)
{
	uint32_t h = 2166136261u;

	for (unsigned int i = 0; i < d->nlabels; i++) {
		for (const unsigned char *p = (const unsigned char *)values[i]; *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0xff) * 16777619u;
	}
	return h;
}

static bool same_values(const struct tl_family_def *d, const char *joined,
			const char *const *values)
{
	for (unsigned int i = 0; i < d->nlabels; i++) {
		size_t l = strlen(values[i]);

		if (strncmp(joined, values[i], l + 1))
			return false;
		joined += l + 1;
	}
	return true;
}

static struct tl_series *fold(struct tl_family *f)
{
	f->folded++;
	f->other_used = true;
	return &f->other;
}

struct tl_series *tl_family_series(struct tl_family *f, const char *const *values)
{
	uint32_t i = hash_values(f->def, values) & f->mask;
	struct tl_series *s;
	unsigned int others = 0;

	/* asked for by name (e.g. a port outside the allowlist): the same series, not a fold */
	while (others < f->def->nlabels && !strcmp(values[others], TL_METRIC_OTHER))
		others++;
	if (others == f->def->nlabels) {
		f->other_used = true;
		return &f->other;
	}
	for (; f->slots[i] >= 0; i = (i + 1) & f->mask)
		if (same_values(f->def, f->v[f->slots[i]]->values, values))
			return f->v[f->slots[i]];
	if (f->n == f->cap)
		return fold(f);
	if (!f->v) {
		f->v = calloc(f->cap, sizeof(*f->v));
		if (!f->v)
			return fold(f);
	}
	s = malloc(sizeof(*s));
	if (!s || series_init(f->def, s, values)) {
		free(s);
		return fold(f);
	}
	f->v[f->n] = s;
	f->slots[i] = (int32_t)f->n++;
	return s;
}

bool tl_family_is_other(const struct tl_family *f, const struct tl_series *s)
{
	return s == &f->other;
}

void tl_family_clear(struct tl_family *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		series_free(f->v[i]);
		free(f->v[i]);
	}
	f->n = 0;
	memset(f->slots, 0xff, (f->mask + 1) * sizeof(*f->slots));
	f->other.count = 0;
	f->other.gauge = 0;
	f->other.sum = 0;
	if (f->other.bucket)
		memset(f->other.bucket, 0, (f->def->nbuckets + 1) * sizeof(*f->other.bucket));
	f->other_used = false;
}

void tl_series_observe(struct tl_family *f, struct tl_series *s, double v)
{
	unsigned int b = 0;

	while (b < f->def->nbuckets && v > f->def->buckets[b])
		b++;
	s->bucket[b]++;
	s->count++;
	s->sum += v;
}

const struct tl_family_def *tl_family_def_of(const struct tl_family *f)
{
	return f->def;
}

uint64_t tl_family_folded(const struct tl_family *f)
{
	return f->folded;
}

uint32_t tl_family_size(const struct tl_family *f)
{
	return f->n + f->other_used;
}

void tl_family_each(const struct tl_family *f,
		    void (*fn)(void *ctx, const struct tl_family *f, const struct tl_series *s),
		    void *ctx)
{
	for (uint32_t i = 0; i < f->n; i++)
		fn(ctx, f, f->v[i]);
	if (f->other_used)
		fn(ctx, f, &f->other);
}

void tl_registry_each_family(const struct tl_registry *r,
			     void (*fn)(void *ctx, const struct tl_family *f), void *ctx)
{
	for (const struct tl_family *f = r->first; f; f = f->next)
		fn(ctx, (struct tl_family *)f);
}
