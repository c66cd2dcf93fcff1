// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* serve_listeners.c - see serve_listeners.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backlog/backlog_diag.h"
#include "backlog/backlog_netns.h"
#include "backlog/backlog_row.h"
#include "backlog/backlog_table.h"
#include "cli/log.h"
#include "kernel/netns.h"
#include "serve/serve_listeners.h"

#define MAX_LISTENERS 16384 /* as many as the BPF side tracks */
#define MAX_NETNS 1024

struct netns_mib {
	uint32_t inode;
	bool prev_ok, cur_ok;
	struct bl_mib prev, cur;
	uint32_t time_wait, close_wait; /* census */
};

struct tl_serve_listeners {
	struct tl_serve_families *fam;
	uint32_t only_netns;
	bool overflow_reason;
	bool first_sampled;
	struct bl_table *table;
	struct netns_mib *ns;
	size_t nns;
	struct bl_row *rows;
	size_t nrows;
	/* census: namespaces seen by the dump, in their own small table */
	struct netns_mib *census;
	size_t ncensus;
	struct netns_mib census_other; /* beyond MAX_NETNS namespaces */
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
	l->ns = calloc(MAX_NETNS, sizeof(*l->ns));
	l->census = calloc(MAX_NETNS, sizeof(*l->census));
	l->rows = calloc(MAX_LISTENERS, sizeof(*l->rows));
	if (!l->table || !l->ns || !l->census || !l->rows) {
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
	free(l->ns);
	free(l->census);
	free(l->rows);
	free(l);
}

void tl_serve_listeners_feed(struct tl_serve_listeners *l, const struct tl_event *ev)
{
	bl_table_feed(l->table, ev);
}

static struct netns_mib *netns_get(struct netns_mib *v, size_t *n, uint32_t inode, bool add)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i].inode == inode)
			return &v[i];
	if (!add || *n == MAX_NETNS)
		return NULL;
	memset(&v[*n], 0, sizeof(v[0]));
	v[*n].inode = inode;
	return &v[(*n)++];
}

static int read_one_netns(void *ctx, uint32_t inode)
{
	struct tl_serve_listeners *l = ctx;
	struct netns_mib *n = netns_get(l->ns, &l->nns, inode, true);
	struct bl_sysctls sys;

	if (n)
		n->cur_ok = !bl_read_netns(&n->cur, &sys);
	return 0;
}

/* Every namespace's counters now (as backlog reads them); those gone are forgotten. */
static void read_namespaces(struct tl_serve_listeners *l)
{
	size_t kept = 0;
	int err;

	for (size_t i = 0; i < l->nns; i++)
		l->ns[i].cur_ok = false;
	err = tl_netns_each(l->only_netns, read_one_netns, l);
	if (err)
		tl_warn("reading the namespaces' counters: %s", strerror(-err));
	for (size_t i = 0; i < l->nns; i++)
		if (l->ns[i].cur_ok)
			l->ns[kept++] = l->ns[i];
	l->nns = kept;
}

static void end_interval(struct tl_serve_listeners *l)
{
	bl_table_next_interval(l->table);
	for (size_t i = 0; i < l->nns; i++) {
		l->ns[i].prev = l->ns[i].cur;
		l->ns[i].prev_ok = l->ns[i].cur_ok;
	}
}

void tl_serve_listeners_start(struct tl_serve_listeners *l)
{
	read_namespaces(l);
	end_interval(l);
}

static void add_row(void *ctx, struct bl_listener *bl)
{
	struct tl_serve_listeners *l = ctx;

	bl_listener_row(bl, l->overflow_reason, &l->rows[l->nrows++]);
}

static int by_netns(const void *pa, const void *pb)
{
	const struct bl_row *a = pa, *b = pb;

	return a->netns < b->netns ? -1 : a->netns > b->netns;
}

/* Each namespace's rows split against its counter deltas (backlog_diag.c). */
static void attribute(struct tl_serve_listeners *l, bool untracked)
{
	size_t i = 0;

	qsort(l->rows, l->nrows, sizeof(*l->rows), by_netns);
	while (i < l->nrows) {
		size_t j = i;
		struct netns_mib *n = netns_get(l->ns, &l->nns, l->rows[i].netns, false);
		bool known = n && n->prev_ok && n->cur_ok;
		struct bl_mib d;

		while (j < l->nrows && l->rows[j].netns == l->rows[i].netns)
			j++;
		for (int k = 0; known && k < BL_MIB_MAX; k++)
			d.v[k] = n->cur.v[k] - n->prev.v[k];
		bl_attribute(&l->rows[i], j - i, known ? &d : NULL, untracked);
		i = j;
	}
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
	read_namespaces(l);
	l->nrows = 0;
	bl_table_each(l->table, add_row, l);
	attribute(l, st->listeners_untracked > 0);
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
	struct netns_mib *n;
	bool tw = ev->flags & TL_F_TIMEWAIT;

	if (ev->type != TL_EV_SOCK)
		return;
	n = netns_get(l->census, &l->ncensus, ev->netns, true);
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
