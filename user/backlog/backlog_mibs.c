// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* backlog_mibs.c - see backlog_mibs.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backlog/backlog_diag.h"
#include "backlog/backlog_mibs.h"
#include "backlog/backlog_netns.h"
#include "cli/log.h"
#include "kernel/netns.h"

int bl_mibs_init(struct bl_mibs *m, size_t max)
{
	m->ns = calloc(max, sizeof(*m->ns));
	m->n = 0;
	m->max = m->ns ? max : 0;
	return m->ns ? 0 : -ENOMEM;
}

void bl_mibs_free(struct bl_mibs *m)
{
	free(m->ns);
	m->ns = NULL;
	m->n = m->max = 0;
}

static struct bl_ns_mib *get(struct bl_mibs *m, uint32_t inode, bool add)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ns[i].inode == inode)
			return &m->ns[i];
	if (!add || m->n == m->max)
		return NULL;
	memset(&m->ns[m->n], 0, sizeof(m->ns[0]));
	m->ns[m->n].inode = inode;
	return &m->ns[m->n++];
}

const struct bl_ns_mib *bl_mibs_find(const struct bl_mibs *m, uint32_t inode)
{
	return get((struct bl_mibs *)m, inode, false);
}

static int read_one(void *ctx, uint32_t inode)
{
	struct bl_ns_mib *n = get(ctx, inode, true);

	if (n)
		n->cur_ok = !bl_read_netns(&n->cur, &n->sys);
	return 0;
}

void bl_mibs_read(struct bl_mibs *m, uint32_t netns)
{
	size_t kept = 0;
	int err;

	for (size_t i = 0; i < m->n; i++)
		m->ns[i].cur_ok = false;
	err = tl_netns_each(netns, read_one, m);
	if (err)
		tl_warn("reading the namespaces' counters: %s", strerror(-err));
	for (size_t i = 0; i < m->n; i++)
		if (m->ns[i].cur_ok)
			m->ns[kept++] = m->ns[i];
	m->n = kept;
}

void bl_mibs_next(struct bl_mibs *m)
{
	for (size_t i = 0; i < m->n; i++) {
		m->ns[i].prev = m->ns[i].cur;
		m->ns[i].prev_ok = m->ns[i].cur_ok;
	}
}

static int by_netns(const void *pa, const void *pb)
{
	const struct bl_row *a = pa, *b = pb;

	return a->netns < b->netns ? -1 : a->netns > b->netns;
}

void bl_mibs_attribute(const struct bl_mibs *m, struct bl_row *rows, size_t n, bool untracked)
{
	size_t i = 0;

	qsort(rows, n, sizeof(*rows), by_netns);
	while (i < n) {
		size_t j = i;
		const struct bl_ns_mib *ns = bl_mibs_find(m, rows[i].netns);
		bool known = ns && ns->prev_ok && ns->cur_ok;
		struct bl_mib d;

		while (j < n && rows[j].netns == rows[i].netns)
			j++;
		for (int k = 0; known && k < BL_MIB_MAX; k++)
			d.v[k] = ns->cur.v[k] - ns->prev.v[k];
		bl_attribute(&rows[i], j - i, known ? &d : NULL, untracked);
		i = j;
	}
}
