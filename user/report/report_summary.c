// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report_summary.c - what the summary collects (see report_summary.h). */
#include <stdlib.h>
#include <string.h>

#include "report/report_summary.h"

struct tl_summary *tl_summary_new(void)
{
	return calloc(1, sizeof(struct tl_summary));
}

void tl_summary_free(struct tl_summary *s)
{
	free(s);
}

void tl_summary_event(void *ctx, const struct tl_event *ev)
{
	struct tl_summary *s = ctx;
	uint8_t key[20];

	s->events++;
	switch (ev->type) {
	case TL_EV_STATE:
		tl_pressure_move(&s->tw, ev->new_state == TL_TCP_TIME_WAIT,
				 ev->old_state == TL_TCP_TIME_WAIT);
		tl_pressure_move(&s->cw, ev->new_state == TL_TCP_CLOSE_WAIT,
				 ev->old_state == TL_TCP_CLOSE_WAIT);
		break;
	case TL_EV_RETRANS:
	case TL_EV_SYNACK_RETRANS:
		tl_key_peer(key, ev->family, ev->raddr);
		tl_heavy_add(&s->rtx_peers, key, ev->type == TL_EV_RETRANS ? ev->segs : 1);
		tl_key_port(key, ev->lport, ev->rport);
		tl_heavy_add(&s->rtx_ports, key, ev->type == TL_EV_RETRANS ? ev->segs : 1);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		tl_key_peer(key, ev->family, ev->raddr);
		tl_heavy_add(&s->rst_peers, key, 1);
		tl_key_port(key, ev->lport, ev->rport);
		tl_heavy_add(&s->rst_ports, key, 1);
		break;
	case TL_EV_LISTENER:
		if (!((const struct tl_listener_rec *)ev)->drops_delta)
			break;
		tl_key_listener(key, ev);
		tl_heavy_add(&s->listeners, key, ((const struct tl_listener_rec *)ev)->drops_delta);
		break;
	case TL_EV_DROP:
		/* a segment dropped at a listener (full queue, bad ACK...) names it */
		if (!(ev->flags & TL_F_NO_SOCKET) &&
		    (ev->old_state == TL_TCP_LISTEN || ev->old_state == TL_TCP_NEW_SYN_RECV)) {
			tl_key_listener(key, ev);
			tl_heavy_add(&s->listeners, key, 1);
		}
		break;
	}
}

void tl_summary_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct tl_summary *s = ctx;

	s->lifelines++;
	tl_lat_add(&s->lat, l);
	s->ends[l->end < TL_END_MAX ? l->end : TL_END_MAX]++;
	for (int i = 0; i < l->nstates && i < TL_LIFELINE_MAX_STATES; i++) {
		uint64_t ns = tl_dwell_ns(&l->states[i]);
		uint8_t st = tl_dwell_state(&l->states[i]);

		if (ns == TL_DWELL_UNKNOWN || st >= TL_SUMMARY_NSTATES)
			continue;
		tl_hist_add(&s->dwell[st], ns);
		if (st == TL_TCP_SYN_SENT)
			tl_slow_keep(s->slow_sent, ns, l);
		if (st == TL_TCP_SYN_RECV)
			tl_slow_keep(s->slow_recv, ns, l);
	}
}

void tl_summary_item(void *ctx, const struct tl_item *it)
{
	struct tl_summary *s = ctx;

	if (it->kind != TL_ITEM_SNAPSHOT &&
	    !(it->kind == TL_ITEM_EVENT && it->ev.type == TL_EV_SOCK))
		return;
	tl_pressure_move(&s->tw, it->ev.old_state == TL_TCP_TIME_WAIT, false);
	tl_pressure_move(&s->cw, it->ev.old_state == TL_TCP_CLOSE_WAIT, false);
}

bool tl_summary_accept_hook(const struct tl_summary *s, const struct tl_summary_info *info)
{
	const struct tl_lat_side_tab *tab = &s->lat.side[TL_LAT_LISTEN];

	if (info->meta->hooks_known)
		return tl_hook_has(info->meta->hooks.active, TL_HOOK_ACCEPT);
	if (tab->other.h[TL_LAT_ACCEPT].n)
		return true;
	for (int i = 0; i < tab->n; i++)
		if (tab->rows[i].h[TL_LAT_ACCEPT].n)
			return true;
	return false;
}
