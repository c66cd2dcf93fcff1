// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* summary_tables.c - the summary's bounded tables (see summary_tables.h). */
#include <stdlib.h>
#include <string.h>

#include "report/summary_tables.h"

static int bucket_of(uint64_t v)
{
	int lg;

	if (v < (1u << TL_HIST_SUB_BITS))
		return (int)v;
	lg = 63 - __builtin_clzll(v);
	return (lg << TL_HIST_SUB_BITS) |
	       (int)((v >> (lg - TL_HIST_SUB_BITS)) & ((1u << TL_HIST_SUB_BITS) - 1));
}

/* The largest value of a bucket: percentiles are never understated. */
static uint64_t bucket_top(int b)
{
	int lg = b >> TL_HIST_SUB_BITS;
	uint64_t sub = (uint64_t)(b & ((1 << TL_HIST_SUB_BITS) - 1));

	if (b < (1 << TL_HIST_SUB_BITS))
		return (uint64_t)b;
	if (lg == 63 && sub == (1 << TL_HIST_SUB_BITS) - 1)
		return UINT64_MAX;
	return (((((uint64_t)1 << TL_HIST_SUB_BITS) | sub) + 1) << (lg - TL_HIST_SUB_BITS)) - 1;
}

void tl_hist_add(struct tl_hist *h, uint64_t v)
{
	h->n++;
	h->b[bucket_of(v)]++;
	if (v > h->max)
		h->max = v;
}

uint64_t tl_hist_pct(const struct tl_hist *h, double p)
{
	uint64_t want = (uint64_t)(p * (double)h->n + 0.999999), seen = 0;

	for (int b = 0; b < TL_HIST_BUCKETS; b++) {
		seen += h->b[b];
		if (seen >= want && seen)
			return bucket_top(b) < h->max ? bucket_top(b) : h->max;
	}
	return h->max;
}

/* Space-saving: a full table gives its smallest entry to the newcomer. */
void tl_heavy_add(struct tl_heavy *t, const uint8_t key[20], uint64_t by)
{
	int min = 0;

	for (int i = 0; i < t->n; i++) {
		if (!memcmp(t->e[i].key, key, 20)) {
			t->e[i].count += by;
			return;
		}
		if (t->e[i].count < t->e[min].count)
			min = i;
	}
	if (t->n < TL_HEAVY) {
		memcpy(t->e[t->n].key, key, 20);
		t->e[t->n].count = by;
		t->e[t->n++].err = 0;
		return;
	}
	memcpy(t->e[min].key, key, 20);
	t->e[min].err = t->e[min].count;
	t->e[min].count += by;
}

void tl_key_peer(uint8_t key[20], uint8_t family, const uint8_t addr[16])
{
	memset(key, 0, 20);
	key[0] = family;
	memcpy(key + 1, addr, 16);
}

/* The service port: servers listen on low ports, clients on ephemeral ones. */
void tl_key_port(uint8_t key[20], uint16_t lport, uint16_t rport)
{
	uint16_t p = !lport ? rport : !rport ? lport : lport < rport ? lport : rport;

	memset(key, 0, 20);
	key[0] = (uint8_t)p;
	key[1] = (uint8_t)(p >> 8);
}

void tl_key_listener(uint8_t key[20], const struct tl_event *ev)
{
	tl_key_peer(key, ev->family, ev->laddr);
	key[17] = (uint8_t)ev->lport;
	key[18] = (uint8_t)(ev->lport >> 8);
}

void tl_pressure_move(struct tl_pressure *p, bool enter, bool leave)
{
	if (enter && ++p->now > p->peak)
		p->peak = p->now;
	if (leave && p->now)
		p->now--;
}

void tl_slow_keep(struct tl_slow *top, uint64_t dwell, const struct tl_lifeline *l)
{
	int i = TL_TOP_SLOW - 1;

	if (dwell == TL_DWELL_UNKNOWN || dwell <= top[i].dwell)
		return;
	while (i > 0 && top[i - 1].dwell < dwell) {
		top[i] = top[i - 1];
		i--;
	}
	top[i].dwell = dwell;
	top[i].l = *l;
}

static int by_count(const void *a, const void *b)
{
	const struct tl_heavy_entry *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

int tl_heavy_top(const struct tl_heavy *t, struct tl_heavy_entry out[TL_HEAVY])
{
	int n = 0;

	memcpy(out, t->e, sizeof(out[0]) * (size_t)t->n);
	qsort(out, (size_t)t->n, sizeof(out[0]), by_count);
	while (n < t->n && n < TL_TOP_SHOWN && out[n].count)
		n++;
	return n;
}

uint16_t tl_key_port_of(const struct tl_heavy_entry *e)
{
	return (uint16_t)(e->key[0] | e->key[1] << 8);
}

uint16_t tl_key_lport_of(const struct tl_heavy_entry *e)
{
	return (uint16_t)(e->key[17] | e->key[18] << 8);
}
