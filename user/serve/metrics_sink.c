// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics_sink.c - see metrics_sink.h. The families with few label values
 * (transitions, retransmit kinds, drop and reset reasons) keep their series
 * in arrays indexed by the kernel's numbers, so an event costs no hashing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/metrics_sink.h"

#define STATES 16 /* TCP states are < 16 (include/net/tcp_states.h) */

struct metrics_sink {
	struct tl_sink base;
	struct tl_serve_families *fam;
	uint16_t ports[TL_MAX_PORTS];
	unsigned int nports;
	struct tl_series *trans[STATES][STATES];
	struct tl_series *rtx[TL_RTX_KINDS];
	struct tl_series *drop[TL_NAMES_MAX + 1]; /* the last: no reason / out of range */
	struct tl_series *rst[2][TL_NAMES_MAX + 1];
	struct tl_series *connect[TL_MAX_PORTS + 1]; /* the last: other */
};

/* The kernel's name of @v, or the number when it has none. */
static const char *name_of(const struct tl_names *n, enum tl_name_kind k, uint32_t v, char *buf,
			   size_t len)
{
	const char *s = tl_names_get(n, k, v);

	if (s)
		return s;
	snprintf(buf, len, "%u", v);
	return buf;
}

/* @s, kept in *@slot unless it is "other" (each update there is looked up, so counted). */
static struct tl_series *keep(const struct tl_family *f, struct tl_series **slot,
			      struct tl_series *s)
{
	if (!tl_family_is_other(f, s))
		*slot = s;
	return s;
}

static struct tl_series *transition(struct metrics_sink *m, uint8_t from, uint8_t to)
{
	char fb[16], tb[16];
	const char *v[2];

	from &= STATES - 1;
	to &= STATES - 1;
	if (m->trans[from][to])
		return m->trans[from][to];
	v[0] = name_of(m->base.names, TL_NAMES_STATE, from, fb, sizeof(fb));
	v[1] = name_of(m->base.names, TL_NAMES_STATE, to, tb, sizeof(tb));
	return keep(m->fam->transitions, &m->trans[from][to],
		    tl_family_series(m->fam->transitions, v));
}

static void observe_dwell(struct metrics_sink *m, const struct tl_event *ev)
{
	double s = ev->dwell_ns / 1e9;
	char port[8];
	const char *v[1] = { port };
	struct tl_series *series = NULL;
	unsigned int i = 0;

	if (ev->dwell_ns == TL_DWELL_UNKNOWN)
		return;
	if (ev->old_state == TL_TCP_SYN_SENT) {
		while (i < m->nports && m->ports[i] != ev->rport)
			i++;
		if (!m->connect[i]) {
			if (i < m->nports)
				snprintf(port, sizeof(port), "%u", ev->rport);
			else
				v[0] = TL_METRIC_OTHER;
			series = keep(m->fam->connect_duration, &m->connect[i],
				      tl_family_series(m->fam->connect_duration, v));
		}
		tl_series_observe(m->fam->connect_duration, series ? series : m->connect[i], s);
	} else if (ev->old_state == TL_TCP_SYN_RECV && ev->new_state == TL_TCP_ESTABLISHED) {
		snprintf(port, sizeof(port), "%u", ev->lport);
		tl_series_observe(m->fam->handshake_duration,
				  tl_family_series(m->fam->handshake_duration, v), s);
	}
}

static void retransmit(struct metrics_sink *m, enum tl_rtx_kind k, uint64_t segs)
{
	const char *v[1] = { tl_rtx_kind_name(k) };

	struct tl_series *s = m->rtx[k];

	if (!s)
		s = keep(m->fam->retransmits, &m->rtx[k], tl_family_series(m->fam->retransmits, v));
	tl_series_inc(s, segs);
}

static void reset(struct metrics_sink *m, bool sent, uint32_t reason)
{
	uint32_t i = reason < TL_NAMES_MAX && sent ? reason : TL_NAMES_MAX;
	char buf[16];
	const char *v[2] = { sent ? "sent" : "received", "unknown" };

	struct tl_series *s = m->rst[sent][i];

	if (!s) {
		if (i < TL_NAMES_MAX)
			v[1] = name_of(m->base.names, TL_NAMES_RESET, reason, buf, sizeof(buf));
		s = keep(m->fam->resets, &m->rst[sent][i], tl_family_series(m->fam->resets, v));
	}
	tl_series_inc(s, 1);
}

static void drop(struct metrics_sink *m, uint32_t reason)
{
	uint32_t i = reason < TL_NAMES_MAX ? reason : TL_NAMES_MAX;
	char buf[16];
	const char *v[1] = { "unknown" };

	struct tl_series *s = m->drop[i];

	if (!s) {
		if (i < TL_NAMES_MAX)
			v[0] = name_of(m->base.names, TL_NAMES_DROP, reason, buf, sizeof(buf));
		s = keep(m->fam->drops, &m->drop[i], tl_family_series(m->fam->drops, v));
	}
	tl_series_inc(s, 1);
}

static void on_event(struct tl_sink *s, const struct tl_event *ev)
{
	struct metrics_sink *m = (struct metrics_sink *)s;

	switch (ev->type) {
	case TL_EV_STATE:
		tl_series_inc(transition(m, ev->old_state, ev->new_state), 1);
		observe_dwell(m, ev);
		break;
	case TL_EV_RETRANS:
		/* a SYN is retransmitted in SYN_SENT; segs: one event can carry several */
		retransmit(m, ev->old_state == TL_TCP_SYN_SENT ? TL_RTX_SYN : TL_RTX_DATA,
			   ev->segs ? ev->segs : 1);
		break;
	case TL_EV_SYNACK_RETRANS:
		retransmit(m, TL_RTX_SYNACK, 1);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		reset(m, ev->type == TL_EV_RESET_SENT, ev->reason);
		break;
	case TL_EV_DROP:
		drop(m, ev->reason);
		break;
	default:
		break; /* listener records: serve_listeners.c reads them from the table */
	}
}

static void on_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	struct metrics_sink *m = (struct metrics_sink *)s;
	const char *v[1] = { tl_end_name(l->end) };

	/* still open when tracing stops: not an end */
	if (l->end != TL_END_OPEN)
		tl_series_inc(tl_family_series(m->fam->closed, v), 1);
}

static void on_stats(struct tl_sink *s, const struct tl_stats *st, bool final)
{
	struct metrics_sink *m = (struct metrics_sink *)s;
	const char *none[1] = { NULL };

	(void) final;
	tl_family_series(m->fam->events, none)->count = st->events;
	for (int i = 0; i < TL_LOST_STAGES; i++) {
		const char *v[1] = { tl_lost_stage_name(i) };

		/* the kernel's and the table's counters are themselves monotonic */
		tl_family_series(m->fam->events_lost, v)->count = tl_lost_stage_value(st, i);
	}
}

static void on_flush(struct tl_sink *s)
{
	(void)s;
}

static void on_destroy(struct tl_sink *s)
{
	free(s);
}

static const struct tl_sink_ops ops = {
	.event = on_event,
	.lifeline = on_lifeline,
	.stats = on_stats,
	.flush = on_flush,
	.destroy = on_destroy,
};

struct tl_sink *tl_sink_metrics_new(struct tl_serve_families *fam, const struct tl_names *names,
				    const uint16_t *ports, unsigned int nports)
{
	struct metrics_sink *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->base.ops = &ops;
	m->base.names = names;
	m->fam = fam;
	m->nports = nports < TL_MAX_PORTS ? nports : TL_MAX_PORTS;
	memcpy(m->ports, ports, m->nports * sizeof(*ports));
	/* every kind and counter from the start: a first increment is a visible change */
	for (int k = 0; k < TL_RTX_KINDS; k++)
		retransmit(m, k, 0);
	on_stats(&m->base, &(struct tl_stats){ 0 }, false);
	return &m->base;
}
