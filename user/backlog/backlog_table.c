// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* backlog_table.c - see backlog_table.h. */
#include <stdlib.h>
#include <string.h>

#include "backlog/backlog_table.h"
#include "core/model.h"

#define BUCKETS 4096 /* a power of two */

struct bl_table {
	struct bl_listener *v;
	int32_t buckets[BUCKETS];
	int32_t free_head;
	uint32_t cap, count, interval;
	uint64_t evictions;
};

static uint32_t bucket_of(uint64_t cookie)
{
	return (uint32_t)((cookie * 0x9e3779b97f4a7c15ULL) >> 52) & (BUCKETS - 1);
}

struct bl_table *bl_table_new(uint32_t cap)
{
	struct bl_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->v = calloc(cap, sizeof(*t->v));
	if (!t->v) {
		free(t);
		return NULL;
	}
	t->cap = cap;
	for (int i = 0; i < BUCKETS; i++)
		t->buckets[i] = -1;
	for (uint32_t i = 0; i < cap; i++)
		t->v[i].next = i + 1 < cap ? (int32_t)i + 1 : -1;
	t->free_head = 0;
	return t;
}

void bl_table_free(struct bl_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t);
}

struct bl_listener *bl_table_find(struct bl_table *t, uint64_t cookie)
{
	for (int32_t i = t->buckets[bucket_of(cookie)]; i >= 0; i = t->v[i].next)
		if (t->v[i].cookie == cookie)
			return &t->v[i];
	return NULL;
}

static void unlink_entry(struct bl_table *t, int32_t idx)
{
	int32_t *p = &t->buckets[bucket_of(t->v[idx].cookie)];

	while (*p != idx)
		p = &t->v[*p].next;
	*p = t->v[idx].next;
	t->v[idx].next = t->free_head;
	t->free_head = idx;
	t->count--;
}

/* The table is full: forget the listener whose latest record is oldest. */
static void evict(struct bl_table *t)
{
	int32_t victim = -1;

	for (int b = 0; b < BUCKETS; b++)
		for (int32_t i = t->buckets[b]; i >= 0; i = t->v[i].next)
			if (victim < 0 || t->v[i].last_interval < t->v[victim].last_interval)
				victim = i;
	if (victim >= 0) {
		unlink_entry(t, victim);
		t->evictions++;
	}
}

static struct bl_listener *insert(struct bl_table *t, const struct tl_event *ev)
{
	struct bl_listener *l = bl_table_find(t, ev->cookie);
	uint32_t b;
	int32_t idx;

	if (l)
		return l;
	if (t->free_head < 0)
		evict(t);
	if (t->free_head < 0)
		return NULL;
	idx = t->free_head;
	l = &t->v[idx];
	t->free_head = l->next;
	memset(l, 0, sizeof(*l));
	l->cookie = ev->cookie;
	l->netns = ev->netns;
	l->lport = ev->lport;
	l->family = ev->family;
	memcpy(l->laddr, ev->laddr, sizeof(l->laddr));
	l->last_interval = t->interval;
	b = bucket_of(ev->cookie);
	l->next = t->buckets[b];
	t->buckets[b] = idx;
	t->count++;
	return l;
}

static void set_owner(struct bl_listener *l, const struct tl_event *ev)
{
	if (ev->owner_conf == TL_OWNER_UNKNOWN || ev->owner_conf > TL_OWNER_LISTENER)
		return;
	l->pid = ev->pid;
	l->owner_conf = ev->owner_conf;
	memcpy(l->comm, ev->comm, TL_COMM_LEN);
	l->comm[TL_COMM_LEN - 1] = '\0';
}

static void feed_listener(struct bl_table *t, const struct tl_listener_rec *r)
{
	bool fresh = !bl_table_find(t, r->cookie);
	struct bl_listener *l = insert(t, (const struct tl_event *)r);

	if (!l)
		return;
	if (fresh && t->evictions) {
		/* it may be back from an eviction: count from now, not since tracked */
		l->ack_base = r->ack_overflows;
		l->disc_base = r->rx_discards;
		l->synack_base = r->synack_rtx;
		l->precise_rebase = true;
	}
	if (fresh && (r->flags & TL_LF_FIRST))
		l->older_than_tracing = true;
	set_owner(l, (const struct tl_event *)r);
	/* a listen-drop count that went back by a discard seen late: negative */
	l->drops += (int32_t)r->drops_delta;
	l->since_created = r->drops;
	l->raw_drops = r->flags & TL_LF_RAW_DROPS;
	l->ack_now = r->ack_overflows;
	l->disc_now = r->rx_discards;
	l->synack_now = r->synack_rtx;
	l->acceptq = r->acceptq;
	l->acceptq_limit = r->acceptq_limit;
	l->synq = r->synq;
	if (r->acceptq_peak > l->acceptq_peak)
		l->acceptq_peak = r->acceptq_peak;
	if (r->synq_peak > l->synq_peak)
		l->synq_peak = r->synq_peak;
	l->moved = true;
	l->last_interval = t->interval;
	if (r->flags & TL_LF_CLOSED) {
		l->closed = true;
		l->close_ts = r->ts_ns;
	}
}

void bl_table_feed(struct bl_table *t, const struct tl_event *ev)
{
	struct bl_listener *l;

	switch (ev->type) {
	case TL_EV_LISTENER:
		feed_listener(t, (const struct tl_listener_rec *)ev);
		return;
	case TL_EV_SOCK:
		if (ev->old_state != TL_TCP_LISTEN)
			return;
		break;
	case TL_EV_STATE:
		if (ev->old_state == TL_TCP_LISTEN && ev->new_state == TL_TCP_CLOSE) {
			l = bl_table_find(t, ev->cookie);
			if (l && !l->closed) {
				l->closed = true;
				l->close_ts = ev->ts_ns;
			}
			return;
		}
		if (ev->new_state != TL_TCP_LISTEN)
			return;
		break;
	default:
		return;
	}
	l = insert(t, ev);
	if (l)
		set_owner(l, ev);
}

uint32_t bl_table_count(const struct bl_table *t)
{
	return t->count;
}

uint64_t bl_table_evictions(const struct bl_table *t)
{
	return t->evictions;
}

void bl_table_each(struct bl_table *t, void (*fn)(void *ctx, struct bl_listener *l), void *ctx)
{
	for (int b = 0; b < BUCKETS; b++)
		for (int32_t i = t->buckets[b]; i >= 0; i = t->v[i].next)
			fn(ctx, &t->v[i]);
}

void bl_listener_row(const struct bl_listener *l, bool overflow_reason, struct bl_row *r)
{
	memset(r, 0, sizeof(*r));
	r->cookie = l->cookie;
	r->netns = l->netns;
	r->pid = l->pid;
	r->owner_conf = l->owner_conf;
	memcpy(r->comm, l->comm, TL_COMM_LEN);
	r->lport = l->lport;
	r->family = l->family;
	memcpy(r->laddr, l->laddr, sizeof(r->laddr));
	r->drops = l->drops > 0 ? (uint64_t)l->drops : 0;
	r->drops_since_created = l->since_created;
	r->raw_drops = l->raw_drops;
	r->discarded = l->raw_drops ? 0 : (uint32_t)(l->disc_now - l->disc_base);
	r->has_at_ack = overflow_reason;
	r->at_ack = overflow_reason ? (uint32_t)(l->ack_now - l->ack_base) : 0;
	r->synack_rtx = l->synack_now - l->synack_base;
	r->acceptq = l->acceptq;
	r->acceptq_peak = l->acceptq_peak;
	r->acceptq_limit = l->acceptq_limit;
	r->synq = l->synq;
	r->synq_peak = l->synq_peak;
	r->synq_limit = l->acceptq_limit; /* inet_csk_reqsk_queue_is_full(): sk_max_ack_backlog */
	r->closed = l->closed;
}

void bl_table_next_interval(struct bl_table *t)
{
	for (int b = 0; b < BUCKETS; b++) {
		int32_t i = t->buckets[b];

		while (i >= 0) {
			struct bl_listener *l = &t->v[i];
			int32_t next = l->next;

			if (l->closed) {
				unlink_entry(t, i);
			} else {
				if (l->drops > 0)
					l->drops = 0;
				l->ack_base = l->ack_now;
				l->disc_base = l->disc_now;
				l->synack_base = l->synack_now;
				l->precise_base = l->precise_now;
				/* no record next interval means empty queues */
				l->acceptq = l->synq = 0;
				l->acceptq_peak = l->synq_peak = 0;
				l->moved = false;
			}
			i = next;
		}
	}
	t->interval++;
}
