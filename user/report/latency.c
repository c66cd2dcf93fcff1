// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* latency.c - latency distributions per port (see latency.h). */
#include "report/latency.h"

static bool went_through(const struct tl_lifeline *l, uint8_t state)
{
	for (int i = 0; i < l->nstates && i < TL_LIFELINE_MAX_STATES; i++)
		if (tl_dwell_state(&l->states[i]) == state)
			return true;
	return false;
}

enum tl_lat_side tl_lat_side_of(const struct tl_lifeline *l)
{
	if (went_through(l, TL_TCP_LISTEN))
		return TL_LAT_SIDES;
	if (went_through(l, TL_TCP_SYN_RECV))
		return TL_LAT_LISTEN;
	if (went_through(l, TL_TCP_SYN_SENT))
		return TL_LAT_CLIENT;
	if (!l->preexisting && !l->states_truncated)
		return TL_LAT_SIDES; /* never connected: nothing to measure */
	return l->lport && (!l->rport || l->lport <= l->rport) ? TL_LAT_LISTEN : TL_LAT_CLIENT;
}

static struct tl_lat_row *row_of(struct tl_lat_side_tab *s, uint16_t port)
{
	for (int i = 0; i < s->n; i++)
		if (s->rows[i].port == port)
			return &s->rows[i];
	if (s->n == TL_LAT_PORTS)
		return &s->other;
	s->rows[s->n].port = port;
	return &s->rows[s->n++];
}

bool tl_lat_applies(enum tl_lat_side side, enum tl_lat_what w)
{
	if (w == TL_LAT_CLOSE_WAIT)
		return true;
	return side == TL_LAT_CLIENT ? w == TL_LAT_CONNECT : w != TL_LAT_CONNECT;
}

void tl_lat_add(struct tl_latency *t, const struct tl_lifeline *l)
{
	enum tl_lat_side side = tl_lat_side_of(l);
	struct tl_lat_row *r;

	if (side == TL_LAT_SIDES)
		return;
	r = row_of(&t->side[side], side == TL_LAT_LISTEN ? l->lport : l->rport);
	r->lifelines++;
	for (int i = 0; i < l->nstates && i < TL_LIFELINE_MAX_STATES; i++) {
		uint64_t ns = tl_dwell_ns(&l->states[i]);
		uint8_t st = tl_dwell_state(&l->states[i]);

		if (ns == TL_DWELL_UNKNOWN)
			continue;
		if (st == TL_TCP_SYN_SENT && side == TL_LAT_CLIENT)
			tl_hist_add(&r->h[TL_LAT_CONNECT], ns);
		else if (st == TL_TCP_SYN_RECV && side == TL_LAT_LISTEN)
			tl_hist_add(&r->h[TL_LAT_HANDSHAKE], ns);
		else if (st == TL_TCP_CLOSE_WAIT)
			tl_hist_add(&r->h[TL_LAT_CLOSE_WAIT], ns);
	}
	if (l->accept_wait_1 && side == TL_LAT_LISTEN)
		tl_hist_add(&r->h[TL_LAT_ACCEPT], l->accept_wait_1 - 1);
}

void tl_lat_lifeline(void *t, const struct tl_lifeline *l)
{
	tl_lat_add(t, l);
}

const char *tl_lat_what_name(enum tl_lat_what w)
{
	static const char *const names[TL_LAT_WHATS] = { "connect", "handshake", "accept_wait",
							 "close_wait" };

	return w < TL_LAT_WHATS ? names[w] : "?";
}
