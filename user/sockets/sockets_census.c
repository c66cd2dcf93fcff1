// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockets_census.c - see sockets_census.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/model.h"
#include "sockets/sockets_census.h"

#define NETNS_ROWS_MAX 4096
#define ROWS_MAX 65536
#define CLOSE_WAIT_MAX 8192

/* Open addressing, linear probing; rows live in their own array, in order of arrival. */
struct table {
	struct tl_census_row *rows;
	uint32_t *slots; /* row index + 1; 0: empty */
	uint32_t nrows, rows_cap, nslots, max;
	uint64_t uncounted;
};

struct tl_census {
	struct table tab[TL_CT_MAX];
	uint64_t states[TL_CENSUS_STATES];
	uint64_t total;
	uint64_t cw_age_ns;
	struct tl_event *cw; /* kept CLOSE_WAIT sockets */
	size_t ncw, cw_max;
	uint64_t cw_seen;
	struct tl_cw_group *groups;
	size_t ngroups;
	const struct tl_census_row **view[TL_CV_MAX];
	size_t nview[TL_CV_MAX];
};

static uint32_t hash_key(const struct tl_census_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static int table_grow(struct table *t)
{
	uint32_t nslots = t->nslots ? t->nslots * 2 : 256;
	uint32_t cap = nslots / 2;
	struct tl_census_row *rows;
	uint32_t *slots;

	if (cap > t->max)
		cap = t->max;
	rows = realloc(t->rows, (size_t)cap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	t->rows = rows;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->nrows; i++) {
		uint32_t s = hash_key(&t->rows[i].key) & (nslots - 1);

		while (slots[s])
			s = (s + 1) & (nslots - 1);
		slots[s] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	t->rows_cap = cap;
	return 0;
}

/* The row of @k, created if there is room; NULL (and counted) if not. */
static struct tl_census_row *table_get(struct table *t, const struct tl_census_key *k)
{
	uint32_t s;

	if (t->nslots) {
		s = hash_key(k) & (t->nslots - 1);
		for (; t->slots[s]; s = (s + 1) & (t->nslots - 1))
			if (!memcmp(&t->rows[t->slots[s] - 1].key, k, sizeof(*k)))
				return &t->rows[t->slots[s] - 1];
	}
	if (t->nrows == t->max || (t->nrows == t->rows_cap && table_grow(t))) {
		t->uncounted++;
		return NULL;
	}
	s = hash_key(k) & (t->nslots - 1);
	while (t->slots[s])
		s = (s + 1) & (t->nslots - 1);
	t->slots[s] = t->nrows + 1;
	memset(&t->rows[t->nrows], 0, sizeof(t->rows[0]));
	t->rows[t->nrows].key = *k;
	return &t->rows[t->nrows++];
}

struct tl_census *tl_census_new(uint64_t close_wait_age_ns, const struct tl_census_limits *lim)
{
	static const uint32_t defaults[TL_CT_MAX] = { NETNS_ROWS_MAX, ROWS_MAX, ROWS_MAX,
						      ROWS_MAX };
	struct tl_census *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	for (int i = 0; i < TL_CT_MAX; i++)
		c->tab[i].max = lim && lim->rows_max[i] ? lim->rows_max[i] : defaults[i];
	c->cw_max = lim && lim->close_wait_max ? lim->close_wait_max : CLOSE_WAIT_MAX;
	c->cw_age_ns = close_wait_age_ns;
	return c;
}

void tl_census_free(struct tl_census *c)
{
	if (!c)
		return;
	for (int i = 0; i < TL_CT_MAX; i++) {
		free(c->tab[i].rows);
		free(c->tab[i].slots);
	}
	for (int i = 0; i < TL_CV_MAX; i++)
		free(c->view[i]);
	free(c->cw);
	free(c->groups);
	free(c);
}

static struct tl_census_row *netns_row(struct tl_census *c, uint32_t netns)
{
	struct tl_census_key k = { .netns = netns };

	return table_get(&c->tab[TL_CT_NETNS], &k);
}

int tl_census_set_sysctls(struct tl_census *c, uint32_t netns, const struct tl_netns_sysctls *s)
{
	struct tl_census_row *r = netns_row(c, netns);

	if (!r)
		return -ENOSPC;
	r->sys = *s;
	return 0;
}

static void count(struct tl_census_row *r, const struct tl_event *ev)
{
	if (!r)
		return;
	switch (ev->old_state) {
	case TL_TCP_LISTEN:
		r->n[TL_CC_LISTEN]++;
		return;
	case TL_TCP_ESTABLISHED:
		r->n[TL_CC_ESTABLISHED]++;
		break;
	case TL_TCP_TIME_WAIT:
		r->n[TL_CC_TIME_WAIT]++;
		break;
	case TL_TCP_CLOSE_WAIT:
		r->n[TL_CC_CLOSE_WAIT]++;
		break;
	case TL_TCP_NEW_SYN_RECV:
		r->n[TL_CC_HALF_OPEN]++;
		break;
	}
	r->n[TL_CC_SOCKETS]++;
}

/*
 * Only a TIME_WAIT socket on a port of the ephemeral range holds one of the
 * ports connect() picks from; when the range is unknown, count them all.
 */
static bool ephemeral(const struct tl_census_row *ns, uint16_t port)
{
	if (!ns || !ns->sys.valid)
		return true;
	return port >= ns->sys.port_lo && port <= ns->sys.port_hi;
}

static void keep_close_wait(struct tl_census *c, const struct tl_event *ev)
{
	if (ev->dwell_ns == TL_DWELL_UNKNOWN || ev->dwell_ns < c->cw_age_ns)
		return;
	c->cw_seen++;
	if (c->ncw == c->cw_max)
		return;
	if (!c->cw) {
		c->cw = calloc(c->cw_max, sizeof(*c->cw));
		if (!c->cw)
			return;
	}
	c->cw[c->ncw++] = *ev;
}

void tl_census_add(struct tl_census *c, const struct tl_event *ev)
{
	struct tl_census_key k = { .netns = ev->netns, .lport = ev->lport };
	struct tl_census_row *ns;
	uint8_t st = ev->old_state < TL_CENSUS_STATES ? ev->old_state : 0;

	if (ev->type != TL_EV_SOCK)
		return;
	c->total++;
	c->states[st]++;
	ns = netns_row(c, ev->netns);
	if (ns) {
		ns->states[st]++;
		count(ns, ev);
	}
	count(table_get(&c->tab[TL_CT_PORT], &k), ev);
	if (st == TL_TCP_LISTEN)
		return;
	k.lport = 0;
	k.family = ev->family;
	memcpy(k.raddr, ev->raddr, sizeof(k.raddr));
	count(table_get(&c->tab[TL_CT_REMOTE], &k), ev);
	if (st == TL_TCP_TIME_WAIT && ephemeral(ns, ev->lport)) {
		k.rport = ev->rport;
		memcpy(k.laddr, ev->laddr, sizeof(k.laddr));
		count(table_get(&c->tab[TL_CT_DEST], &k), ev);
	}
	/* a timewait socket in substate FIN_WAIT2, or a full one nobody holds */
	if (st == TL_TCP_FIN_WAIT2 && !ev->segs && ns) {
		if (ev->flags & TL_F_TIMEWAIT)
			ns->fw2_orphan_tw++;
		else
			ns->fw2_orphan_full++;
	}
	if (st == TL_TCP_CLOSE_WAIT) {
		uint64_t before = c->cw_seen;

		keep_close_wait(c, ev);
		if (ns && c->cw_seen != before)
			ns->close_wait_old++;
	}
}

struct tl_event *tl_census_close_wait(struct tl_census *c, size_t *n)
{
	*n = c->ncw;
	return c->cw;
}

static int key_cmp(const struct tl_census_row *a, const struct tl_census_row *b)
{
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

static int by_netns(const void *x, const void *y)
{
	const struct tl_census_row *a = *(const struct tl_census_row *const *)x;
	const struct tl_census_row *b = *(const struct tl_census_row *const *)y;

	return a->key.netns < b->key.netns ? -1 : a->key.netns > b->key.netns;
}

/* Descending by one column, then by key. qsort has no context: a file-scope column. */
static enum tl_census_col sort_col;

static int by_col(const void *x, const void *y)
{
	const struct tl_census_row *a = *(const struct tl_census_row *const *)x;
	const struct tl_census_row *b = *(const struct tl_census_row *const *)y;

	if (a->n[sort_col] != b->n[sort_col])
		return a->n[sort_col] > b->n[sort_col] ? -1 : 1;
	return key_cmp(a, b);
}

static int make_view(struct tl_census *c, enum tl_census_view v, enum tl_census_tab t,
		     enum tl_census_col col, bool nonzero)
{
	const struct table *tab = &c->tab[t];
	const struct tl_census_row **out = calloc(tab->nrows ? tab->nrows : 1, sizeof(*out));
	size_t n = 0;

	if (!out)
		return -ENOMEM;
	for (uint32_t i = 0; i < tab->nrows; i++)
		if (!nonzero || tab->rows[i].n[col])
			out[n++] = &tab->rows[i];
	sort_col = col;
	qsort(out, n, sizeof(*out), v == TL_CV_NETNS ? by_netns : by_col);
	free(c->view[v]);
	c->view[v] = out;
	c->nview[v] = n;
	return 0;
}

static enum tl_cw_owner cw_owner(const struct tl_event *ev)
{
	if (ev->owner_conf == TL_OWNER_EXACT && ev->pid)
		return TL_CW_PROCESS;
	return ev->segs ? TL_CW_NO_PROCESS : TL_CW_NOT_ACCEPTED;
}

static int by_group(const void *x, const void *y)
{
	const struct tl_cw_group *a = x, *b = y;

	if (a->sockets != b->sockets)
		return a->sockets > b->sockets ? -1 : 1;
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->netns < b->netns ? -1 : a->netns > b->netns;
}

/* Few groups (one per leaking process): a linear search is enough. */
static int group_close_wait(struct tl_census *c)
{
	free(c->groups);
	c->groups = calloc(c->ncw ? c->ncw : 1, sizeof(*c->groups));
	c->ngroups = 0;
	if (!c->groups)
		return -ENOMEM;
	for (size_t i = 0; i < c->ncw; i++) {
		const struct tl_event *ev = &c->cw[i];
		enum tl_cw_owner o = cw_owner(ev);
		uint32_t pid = o == TL_CW_PROCESS ? ev->pid : 0;
		struct tl_cw_group *g = NULL;

		for (size_t j = 0; j < c->ngroups && !g; j++)
			if (c->groups[j].owner == o && c->groups[j].pid == pid &&
			    c->groups[j].netns == ev->netns)
				g = &c->groups[j];
		if (!g) {
			g = &c->groups[c->ngroups++];
			g->owner = o;
			g->pid = pid;
			g->netns = ev->netns;
			if (o == TL_CW_PROCESS)
				memcpy(g->comm, ev->comm, TL_COMM_LEN);
		}
		g->sockets++;
		if (g->sockets == 1 || ev->dwell_ns > g->oldest_idle_ns) {
			g->oldest_idle_ns = ev->dwell_ns;
			g->oldest = *ev;
		}
	}
	qsort(c->groups, c->ngroups, sizeof(*c->groups), by_group);
	return 0;
}

int tl_census_finish(struct tl_census *c)
{
	if (make_view(c, TL_CV_NETNS, TL_CT_NETNS, TL_CC_SOCKETS, false) ||
	    make_view(c, TL_CV_PORTS, TL_CT_PORT, TL_CC_SOCKETS, true) ||
	    make_view(c, TL_CV_HALF_OPEN, TL_CT_PORT, TL_CC_HALF_OPEN, true) ||
	    make_view(c, TL_CV_REMOTES, TL_CT_REMOTE, TL_CC_SOCKETS, true) ||
	    make_view(c, TL_CV_DESTS, TL_CT_DEST, TL_CC_TIME_WAIT, true))
		return -ENOMEM;
	return group_close_wait(c);
}

uint64_t tl_census_total(const struct tl_census *c, uint64_t states[TL_CENSUS_STATES])
{
	if (states)
		memcpy(states, c->states, sizeof(c->states));
	return c->total;
}

const struct tl_census_row *const *tl_census_view(const struct tl_census *c,
						  enum tl_census_view view, size_t *n)
{
	*n = c->nview[view];
	return c->view[view];
}

const struct tl_cw_group *tl_census_cw_groups(const struct tl_census *c, size_t *n, uint64_t *seen,
					      uint64_t *kept)
{
	*n = c->ngroups;
	*seen = c->cw_seen;
	*kept = c->ncw;
	return c->groups;
}

uint64_t tl_census_uncounted(const struct tl_census *c, enum tl_census_tab tab)
{
	return c->tab[tab].uncounted;
}

uint32_t tl_census_rows_max(const struct tl_census *c, enum tl_census_tab tab)
{
	return c->tab[tab].max;
}

uint64_t tl_census_close_wait_age(const struct tl_census *c)
{
	return c->cw_age_ns;
}
