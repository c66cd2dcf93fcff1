// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_registry.c - series caps, "other", gauge rebuilds, histogram buckets. */
#include "tests/unit/unit.h"
#include "user/serve/registry.h"

static const struct tl_family_def counter_def = {
	.name = "t_requests_total",
	.help = "h",
	.type = TL_METRIC_COUNTER,
	.nlabels = 2,
	.labels = { "a", "b" },
};

UNIT_TEST(registry_caps_fold_into_other)
{
	struct tl_registry *r = tl_registry_new(2);
	struct tl_family *f = tl_registry_add(r, &counter_def);
	const char *x[] = { "x", "1" }, *y[] = { "y", "1" }, *z[] = { "z", "1" },
		   *w[] = { "w", "" };
	struct tl_series *sx, *sy, *sz;

	CHECK(f != NULL);
	sx = tl_family_series(f, x);
	sy = tl_family_series(f, y);
	CHECK(sx != sy);
	CHECK(tl_family_series(f, x) == sx); /* found again, not created */
	CHECK_INT(tl_family_size(f), 2);
	CHECK_INT(tl_family_folded(f), 0);
	sz = tl_family_series(f, z); /* the third: the family is full */
	CHECK(sz != sx && sz != sy);
	CHECK(tl_family_series(f, w) == sz);
	CHECK_INT(tl_family_folded(f), 2);
	CHECK_INT(tl_family_size(f), 3); /* two series and "other" */
	CHECK_STR(sz->values, "other");
	CHECK_STR(sz->values + 6, "other");
	tl_series_inc(sz, 5);
	CHECK_INT(sz->count, 5);
	tl_registry_free(r);
}

UNIT_TEST(registry_other_by_name_is_not_a_fold)
{
	struct tl_registry *r = tl_registry_new(1);
	struct tl_family *f = tl_registry_add(r, &counter_def);
	const char *o[] = { "other", "other" }, *half[] = { "other", "1" };
	struct tl_series *s = tl_family_series(f, o);

	CHECK_INT(tl_family_folded(f), 0);
	CHECK(tl_family_series(f, half) != s); /* a real series: one label only is "other" */
	CHECK(tl_family_series(f, o) == s);
	CHECK_INT(tl_family_folded(f), 0);
	CHECK_INT(tl_family_size(f), 2);
	tl_registry_free(r);
}

UNIT_TEST(registry_similar_label_sets_stay_apart)
{
	struct tl_registry *r = tl_registry_new(8);
	struct tl_family *f = tl_registry_add(r, &counter_def);
	const char *a[] = { "ab", "c" }, *b[] = { "a", "bc" };

	/* the values are kept apart, not concatenated */
	CHECK(tl_family_series(f, a) != tl_family_series(f, b));
	CHECK_INT(tl_family_size(f), 2);
	tl_registry_free(r);
}

UNIT_TEST(registry_gauge_clear_rebuilds)
{
	static const struct tl_family_def g = { .name = "t_depth",
						.help = "h",
						.type = TL_METRIC_GAUGE,
						.nlabels = 1,
						.labels = { "q" } };
	struct tl_registry *r = tl_registry_new(1);
	struct tl_family *f = tl_registry_add(r, &g);
	const char *a[] = { "a" }, *b[] = { "b" }, *c[] = { "c" };

	tl_series_gauge_add(tl_family_series(f, a), 3);
	tl_series_gauge_add(tl_family_series(f, b), 4); /* folded */
	tl_series_gauge_add(tl_family_series(f, c), 5); /* folded: "other" is their sum */
	CHECK_INT(tl_family_size(f), 2);
	CHECK_INT(tl_family_series(f, a)->gauge, 3);
	CHECK_INT(tl_family_series(f, (const char *[]){ "other" })->gauge, 9);
	tl_family_clear(f);
	CHECK_INT(tl_family_size(f), 0);
	/* the slot is free again: b is a series of its own now */
	tl_series_gauge_add(tl_family_series(f, b), 7);
	CHECK_INT(tl_family_series(f, b)->gauge, 7);
	CHECK_INT(tl_family_size(f), 1);
	CHECK_INT(tl_family_folded(f), 2);
	tl_registry_free(r);
}

UNIT_TEST(registry_rejects_bad_definitions)
{
	static const double unsorted[] = { 1, 0.5 };
	static const struct tl_family_def bad[] = {
		{ .name = "t_requests",
		  .help = "a counter without _total",
		  .type = TL_METRIC_COUNTER },
		{ .name = "_total", .help = "nothing before _total", .type = TL_METRIC_COUNTER },
		{ .name = "t_h", .help = "no buckets", .type = TL_METRIC_HISTOGRAM },
		{ .name = "t_h",
		  .help = "unsorted",
		  .type = TL_METRIC_HISTOGRAM,
		  .nbuckets = 2,
		  .buckets = unsorted },
		{ .name = "t_g", .help = "labels", .type = TL_METRIC_GAUGE, .nlabels = 5 },
	};
	struct tl_registry *r = tl_registry_new(4);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(tl_registry_add(r, &bad[i]) == NULL);
	CHECK(tl_registry_new(0) == NULL);
	tl_registry_free(r);
}

UNIT_TEST(registry_histogram_buckets_are_upper_bounds)
{
	static const double b[] = { 0.001, 0.01, 1 };
	static const struct tl_family_def h = {
		.name = "t_seconds",
		.help = "h",
		.type = TL_METRIC_HISTOGRAM,
		.nbuckets = 3,
		.buckets = b,
	};
	struct tl_registry *r = tl_registry_new(4);
	struct tl_family *f = tl_registry_add(r, &h);
	struct tl_series *s = tl_family_series(f, NULL);

	tl_series_observe(f, s, 0.001); /* le is inclusive */
	tl_series_observe(f, s, 0.0011);
	tl_series_observe(f, s, 1);
	tl_series_observe(f, s, 60); /* +Inf */
	CHECK_INT(s->bucket[0], 1);
	CHECK_INT(s->bucket[1], 1);
	CHECK_INT(s->bucket[2], 1);
	CHECK_INT(s->bucket[3], 1);
	CHECK_INT(s->count, 4);
	CHECK(s->sum > 61.0020 && s->sum < 61.0022);
	tl_registry_free(r);
}
