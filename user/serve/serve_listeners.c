// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* serve_listeners.c - see serve_listeners.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backlog/backlog_mibs.h"
#include "backlog/backlog_row.h"
#include "backlog/backlog_table.h"
#include "cli/log.h"
#include "serve/serve_listeners.h"

#define MAX_LISTENERS 16384 /* as many as the BPF side tracks */
#define MAX_NETNS 1024

struct netns_census {
	uint32_t inode;
	uint32_t time_wait, close_wait;
};

struct tl_serve_listeners {
	struct tl_serve_families *fam;
	uint32_t only_netns;
	bool overflow_reason;
	bool first_sampled;
	struct bl_table *table;
	struct bl_mibs mibs; /* every namespace's counters, as backlog reads them */
	struct bl_row *rows;
	size_t nrows;
	/* census: namespaces seen by the dump, in their own small table */
	struct netns_census *census;
	size_t ncensus;
	struct netns_census census_other; /* beyond MAX_NETNS namespaces */
};

struct tl_serve_listeners *tl_serve_listeners_new(struct tl_serve_families *fam, uint32_t netns,
						  bool overflow_reason)
{
	struct tl_serve_listeners *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->fam = fam;
	l->only_netns = netns;
	l->overflow_reason = overflow_reason;
	l->table = bl_table_new(MAX_LISTENERS);
	l->census = calloc(MAX_NETNS, sizeof(*l->census));
	l->rows = calloc(MAX_LISTENERS, sizeof(*l->rows));
	if (!l->table || bl_mibs_init(&l->mibs, MAX_NETNS) || !l->census || !l->rows) {
		tl_serve_listeners_free(l);
		return NULL;
	}
	return l;
}

void tl_serve_listeners_free(struct tl_serve_listeners *l)
{
	if (!l)
		return;
	bl_table_free(l->table);
	bl_mibs_free(&l->mibs);
	free(l->census);
	free(l->rows);
	free(l);
}

void tl_serve_listeners_feed(struct tl_serve_listeners *l, const struct tl_event *ev)
{
	bl_table_feed(l->table, ev);
}

static struct netns_census *census_get(struct tl_serve_listeners *l, uint32_t inode)
{
	for (size_t i = 0; i < l->ncensus; i++)
		if (l->census[i].inode == inode)
			return &l->census[i];
	if (l->ncensus == MAX_NETNS)
		return NULL;
	memset(&l->census[l->ncensus], 0, sizeof(l->census[0]));
	l->census[l->ncensus].inode = inode;
	return &l->census[l->ncensus++];
}

static void end_interval(struct tl_serve_listeners *l)
{
	bl_table_next_interval(l->table);
	bl_mibs_next(&l->mibs);
}

void tl_serve_listeners_start(struct tl_serve_listeners *l)
{
	bl_mibs_read(&l->mibs, l->only_netns);
	end_interval(l);
}

static void add_row(void *ctx, struct bl_listener *bl)
{
	struct tl_serve_listeners *l = ctx;

	bl_listener_row(bl, l->overflow_reason, &l->rows[l->nrows++]);
}

static void add_drops(struct tl_serve_listeners *l, const char *netns, const char *port,
		      const char *cause, uint64_t n)
{
	const char *v[3] = { netns, port, cause };

	if (n)
		tl_series_inc(tl_family_series(l->fam->listen_drops, v), n);
}

static void gauge(struct tl_family *f, const char *netns, const char *port, const char *queue,
		  uint32_t n)
{
	const char *v[3] = { netns, port, queue };

	tl_series_gauge_add(tl_family_series(f, v), n);
}

static void publish(struct tl_serve_listeners *l, const struct bl_row *r)
{
	char netns[16], port[8];
	uint64_t at_ack = r->has_at_ack ? r->at_ack : 0;

	snprintf(netns, sizeof(netns), "%u", r->netns);
	snprintf(port, sizeof(port), "%u", r->lport);
	if (r->split == BL_SPLIT_OK) {
		add_drops(l, netns, port, "accept_queue_full_at_syn", r->at_syn);
		add_drops(l, netns, port, "syn_queue_full", r->synq_full);
		add_drops(l, netns, port, "other", r->other);
	}
	add_drops(l, netns, port, "accept_queue_full_at_ack", at_ack);
	/* the rest, whose cause the namespace's counters could not tell */
	if (r->split != BL_SPLIT_OK)
		add_drops(l, netns, port, "unsplit", r->drops > at_ack ? r->drops - at_ack : 0);
	if (r->closed)
		return;
	gauge(l->fam->queue_length, netns, port, "accept", r->acceptq);
	gauge(l->fam->queue_length, netns, port, "syn", r->synq);
	gauge(l->fam->queue_limit, netns, port, "accept", r->acceptq_limit);
	gauge(l->fam->queue_limit, netns, port, "syn", r->synq_limit);
}

void tl_serve_listeners_interval(struct tl_serve_listeners *l, const struct tl_stats *st)
{
	if (!l->first_sampled) {
		l->first_sampled = true;
		return;
	}
	bl_mibs_read(&l->mibs, l->only_netns);
	l->nrows = 0;
	bl_table_each(l->table, add_row, l);
	bl_mibs_attribute(&l->mibs, l->rows, l->nrows, st->listeners_untracked > 0);
	tl_family_clear(l->fam->queue_length);
	tl_family_clear(l->fam->queue_limit);
	for (size_t i = 0; i < l->nrows; i++)
		publish(l, &l->rows[i]);
	end_interval(l);
}

void tl_serve_census_begin(struct tl_serve_listeners *l)
{
	l->ncensus = 0;
	memset(&l->census_other, 0, sizeof(l->census_other));
}

void tl_serve_census_sock(void *ctx, const struct tl_event *ev)
{
	struct tl_serve_listeners *l = ctx;
	struct netns_census *n;
	bool tw = ev->flags & TL_F_TIMEWAIT;

	if (ev->type != TL_EV_SOCK)
		return;
	n = census_get(l, ev->netns);
	if (!n)
		n = &l->census_other; /* more namespaces than MAX_NETNS */
	/* a timewait socket's state is its substate: FIN_WAIT2 ones are not TIME_WAIT */
	if (tw && ev->old_state == TL_TCP_TIME_WAIT)
		n->time_wait++;
	else if (!tw && ev->old_state == TL_TCP_CLOSE_WAIT)
		n->close_wait++;
}

void tl_serve_census_end(struct tl_serve_listeners *l)
{
	tl_family_clear(l->fam->time_wait);
	tl_family_clear(l->fam->close_wait);
	for (size_t i = 0; i < l->ncensus; i++) {
		char netns[16];
		const char *v[1] = { netns };

		snprintf(netns, sizeof(netns), "%u", l->census[i].inode);
		tl_series_gauge_add(tl_family_series(l->fam->time_wait, v), l->census[i].time_wait);
		tl_series_gauge_add(tl_family_series(l->fam->close_wait, v),
				    l->census[i].close_wait);
	}
	if (l->census_other.time_wait || l->census_other.close_wait) {
		const char *v[1] = { TL_METRIC_OTHER };

		tl_series_gauge_add(tl_family_series(l->fam->time_wait, v),
				    l->census_other.time_wait);
		tl_series_gauge_add(tl_family_series(l->fam->close_wait, v),
				    l->census_other.close_wait);
	}
}
