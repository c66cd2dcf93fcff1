// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_summary_tables.c - the summary's bounded tables against exact
 * references (report/summary_tables.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report/summary_tables.h"
#include "tests/unit/unit.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact quantile: the smallest value with at least p*n values at or below it. */
static uint64_t exact_pct(uint64_t *v, size_t n, double p)
{
	size_t want = (size_t)(p * (double)n + 0.999999);

	qsort(v, n, sizeof(*v), cmp_u64);
	return v[want ? want - 1 : 0];
}

UNIT_TEST(summary_hist_pct_is_a_tight_upper_bound)
{
	static const double ps[] = { 0.01, 0.5, 0.9, 0.99, 1.0 };
	uint64_t seed = 88172645463325252ULL;

	for (int set = 0; set < 4; set++) {
		struct tl_hist h = { 0 };
		uint64_t v[2000];
		size_t n = 1 + (size_t)set * 600;

		for (size_t i = 0; i < n; i++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			/* spread over many powers of two: 0 .. ~2^(8+8*set) */
			v[i] = seed >> (56 - 8 * set);
			tl_hist_add(&h, v[i]);
		}
		CHECK_INT(h.n, n);
		for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
			uint64_t exact = exact_pct(v, n, ps[k]), got = tl_hist_pct(&h, ps[k]);

			/* never understated, never above the max, at most 25 % (+1) over */
			if (got < exact || got > h.max || got > exact + exact / 4 + 1)
				unit_fail(__FILE__, __LINE__, "set %d p%.2f: got %llu exact %llu",
					  set, ps[k], (unsigned long long)got,
					  (unsigned long long)exact);
		}
	}
}

static const struct hist_case {
	uint64_t v;
	uint64_t p100; /* a histogram of this one value: every quantile is the value */
} hist_cases[] = { { 0, 0 },
		   { 1, 1 },
		   { 3, 3 },
		   { 4, 4 },
		   { 5, 5 },
		   { 1000, 1000 },
		   { UINT64_MAX, UINT64_MAX },
		   { 1ULL << 63, 1ULL << 63 } };

UNIT_TEST(summary_hist_single_values)
{
	for (size_t i = 0; i < sizeof(hist_cases) / sizeof(hist_cases[0]); i++) {
		struct tl_hist h = { 0 };

		tl_hist_add(&h, hist_cases[i].v);
		if (tl_hist_pct(&h, 0.5) != hist_cases[i].p100 ||
		    tl_hist_pct(&h, 1.0) != hist_cases[i].p100)
			unit_fail(__FILE__, __LINE__, "%llu: p50 %llu",
				  (unsigned long long)hist_cases[i].v,
				  (unsigned long long)tl_hist_pct(&h, 0.5));
	}
	struct tl_hist empty = { 0 };

	CHECK_INT(tl_hist_pct(&empty, 0.5), 0);
}

UNIT_TEST(summary_slow_keeps_the_slowest_in_order)
{
	static const uint64_t dwell[] = { 5, 50, 1, 70, 20, TL_DWELL_UNKNOWN, 60, 0, 30, 70 };
	static const uint64_t want[TL_TOP_SLOW] = { 70, 70, 60, 50, 30 };
	struct tl_slow top[TL_TOP_SLOW] = { 0 };

	for (size_t i = 0; i < sizeof(dwell) / sizeof(dwell[0]); i++) {
		struct tl_lifeline l = { .cookie = i };

		tl_slow_keep(top, dwell[i], &l);
	}
	for (int i = 0; i < TL_TOP_SLOW; i++)
		CHECK_INT(top[i].dwell, want[i]);
	CHECK_INT(top[0].l.cookie, 3); /* of two equal, the first seen stays ahead */
	CHECK_INT(top[1].l.cookie, 9);
}

static void key_of(uint8_t key[20], int i)
{
	memset(key, 0, 20);
	key[0] = (uint8_t)i;
	key[1] = (uint8_t)(i >> 8);
}

UNIT_TEST(summary_heavy_exact_while_it_fits)
{
	struct tl_heavy t = { 0 };
	struct tl_heavy_entry out[TL_HEAVY];
	uint8_t key[20];
	int n;

	/* key i counted i times, 1..40: fits, so counts are exact */
	for (int i = 1; i <= 40; i++) {
		key_of(key, i);
		for (int k = 0; k < i; k++)
			tl_heavy_add(&t, key, 1);
	}
	n = tl_heavy_top(&t, out);
	CHECK_INT(n, TL_TOP_SHOWN);
	for (int i = 0; i < n; i++) {
		CHECK_INT(tl_key_port_of(&out[i]), 40 - i);
		CHECK_INT(out[i].count, 40 - i);
		CHECK_INT(out[i].err, 0);
	}
}

UNIT_TEST(summary_heavy_space_saving_keeps_heavy_hitters)
{
	struct tl_heavy t = { 0 };
	struct tl_heavy_entry out[TL_HEAVY];
	uint8_t key[20];
	int n;

	/* 5 heavy keys (1000 each) among 5000 keys seen once, interleaved */
	for (int i = 0; i < 5000; i++) {
		key_of(key, 1000 + i);
		tl_heavy_add(&t, key, 1);
		if (i % 5 == 0)
			for (int h = 1; h <= 5; h++) {
				key_of(key, h);
				tl_heavy_add(&t, key, 1);
			}
	}
	CHECK_INT(t.n, TL_HEAVY);
	n = tl_heavy_top(&t, out);
	CHECK_INT(n, 5);
	for (int i = 0; i < n; i++) {
		uint16_t k = tl_key_port_of(&out[i]);

		CHECK(k >= 1 && k <= 5);
		/* space-saving: count - err <= true count (1000) <= count */
		CHECK(out[i].count >= 1000);
		CHECK(out[i].count - out[i].err <= 1000);
	}
}

UNIT_TEST(summary_heavy_zero_counts_are_not_shown)
{
	struct tl_heavy t = { 0 };
	struct tl_heavy_entry out[TL_HEAVY];
	uint8_t key[20];

	key_of(key, 1);
	tl_heavy_add(&t, key, 0);
	CHECK_INT(tl_heavy_top(&t, out), 0);
	key_of(key, 2);
	tl_heavy_add(&t, key, 3);
	CHECK_INT(tl_heavy_top(&t, out), 1);
}

static const struct port_case {
	uint16_t lport, rport, want;
} port_cases[] = { { 0, 443, 443 },   { 443, 0, 443 }, { 52000, 80, 80 },
		   { 80, 52000, 80 }, { 7, 7, 7 },     { 65535, 1, 1 } };

UNIT_TEST(summary_keys_table)
{
	struct tl_heavy_entry e = { 0 };
	struct tl_event ev = { .family = 10, .lport = 8443 };

	for (size_t i = 0; i < sizeof(port_cases) / sizeof(port_cases[0]); i++) {
		tl_key_port(e.key, port_cases[i].lport, port_cases[i].rport);
		CHECK_INT(tl_key_port_of(&e), port_cases[i].want);
	}
	memset(ev.laddr, 0xab, 16);
	tl_key_listener(e.key, &ev);
	CHECK_INT(e.key[0], 10);
	CHECK(!memcmp(e.key + 1, ev.laddr, 16));
	CHECK_INT(tl_key_lport_of(&e), 8443);
	tl_key_peer(e.key, 2, ev.laddr);
	CHECK_INT(e.key[0], 2);
	CHECK_INT(e.key[17], 0);
}

UNIT_TEST(summary_pressure_gauge)
{
	static const struct {
		bool enter, leave;
		uint64_t now, peak;
	} steps[] = { { true, false, 1, 1 }, { true, false, 2, 2 }, { false, true, 1, 2 },
		      { true, true, 1, 2 },  { false, true, 0, 2 }, { false, true, 0, 2 },
		      { true, false, 1, 2 } };
	struct tl_pressure p = { 0 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		tl_pressure_move(&p, steps[i].enter, steps[i].leave);
		if (p.now != steps[i].now || p.peak != steps[i].peak)
			unit_fail(__FILE__, __LINE__, "step %zu: now %llu peak %llu", i,
				  (unsigned long long)p.now, (unsigned long long)p.peak);
	}
}
