// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* conn.c - one connection's lifeline as its events arrive (see conn.h). */
#include <errno.h>
#include <string.h>

#include "core/conn.h"

bool tl_conn_push_state(struct tl_conn *c, uint8_t state, uint64_t enter_ns)
{
	struct tl_lifeline *l = &c->l;
	bool first_truncation = false;

	if (l->nstates == TL_LIFELINE_MAX_STATES) {
		/* keep the newest: how a connection ended matters most */
		memmove(&l->states[0], &l->states[1], sizeof(l->states[0]) * (l->nstates - 1));
		l->nstates--;
		first_truncation = !l->states_truncated;
		l->states_truncated = true;
	}
	l->states[l->nstates] = tl_dwell_make(state, TL_DWELL_UNKNOWN);
	l->nstates++;
	c->state = state;
	c->enter_ns = enter_ns;
	if (state == TL_TCP_ESTABLISHED)
		c->established = true;
	return first_truncation;
}

void tl_conn_close_state(struct tl_conn *c, uint64_t dwell_ns, uint64_t now_ns)
{
	struct tl_dwell *d;

	if (!c->l.nstates)
		return;
	d = &c->l.states[c->l.nstates - 1];
	if (dwell_ns != TL_DWELL_UNKNOWN)
		*d = tl_dwell_make(tl_dwell_state(d), dwell_ns);
	else if (c->enter_ns && now_ns >= c->enter_ns)
		*d = tl_dwell_make(tl_dwell_state(d), now_ns - c->enter_ns);
}

bool tl_conn_leave_state(struct tl_conn *c, uint8_t old, uint64_t dwell_ns, uint64_t now_ns)
{
	bool first_truncation = false;

	if (c->l.nstates && c->state != old)
		first_truncation = tl_conn_push_state(c, old, 0);
	tl_conn_close_state(c, dwell_ns, now_ns);
	return first_truncation;
}

void tl_conn_set_tuple(struct tl_conn *c, const struct tl_event *ev)
{
	struct tl_lifeline *l = &c->l;

	l->netns = ev->netns;
	l->family = ev->family;
	if (ev->lport)
		l->lport = ev->lport;
	if (ev->rport)
		l->rport = ev->rport;
	if (ev->lport || !l->lport)
		memcpy(l->laddr, ev->laddr, 16);
	if (ev->rport || !l->rport)
		memcpy(l->raddr, ev->raddr, 16);
}

void tl_conn_take_owner(struct tl_conn *c, const struct tl_event *ev)
{
	if (ev->owner_conf == TL_OWNER_UNKNOWN || c->l.owner_conf == TL_OWNER_EXACT)
		return;
	if (ev->owner_conf == TL_OWNER_LISTENER && c->l.owner_conf == TL_OWNER_LISTENER)
		return;
	c->l.owner_conf = ev->owner_conf;
	c->l.pid = ev->pid;
	memcpy(c->l.comm, ev->comm, TL_COMM_LEN);
}

void tl_conn_take_accept(struct tl_conn *c, const struct tl_event *ev)
{
	uint64_t at = c->enter_ns; /* when the state at index i + 1 was entered */

	if (c->l.accept_wait_1 || !at || !c->l.nstates)
		return;
	/* back from the current state to ESTABLISHED, through the dwells since */
	for (int i = c->l.nstates - 1; i >= 0; i--) {
		uint8_t st = tl_dwell_state(&c->l.states[i]);
		uint64_t d;

		if (st == TL_TCP_ESTABLISHED && i == c->l.nstates - 1) {
			if (ev->ts_ns >= at)
				c->l.accept_wait_1 = 1 + ev->ts_ns - at;
			return;
		}
		if (i == c->l.nstates - 1)
			continue;
		d = tl_dwell_ns(&c->l.states[i]);
		if (d == TL_DWELL_UNKNOWN || d > at)
			return;
		at -= d;
		if (st == TL_TCP_ESTABLISHED) {
			if (ev->ts_ns >= at)
				c->l.accept_wait_1 = 1 + ev->ts_ns - at;
			return;
		}
	}
}

void tl_conn_take_stats(struct tl_conn *c, const struct tl_event *ev)
{
	if (!(ev->flags & TL_F_STATS))
		return;
	c->l.stats_known = true;
	c->l.bytes_acked = ev->bytes_acked;
	c->l.bytes_received = ev->bytes_received;
	c->l.srtt_us = ev->srtt_us;
	c->l.retransmits = ev->total_retrans;
}

void tl_conn_take_timeout(struct tl_conn *c, const struct tl_event *ev)
{
	c->l.timeout = 0;
	if (ev->reason != ETIMEDOUT || !tl_timeout_name(ev->kind))
		return;
	c->l.timeout = ev->kind;
	c->l.timeout_attempts = ev->segs > UINT16_MAX ? UINT16_MAX : (uint16_t)ev->segs;
	c->l.timeout_ms = ev->detail;
}

/* Keepalive settings are whole seconds (socket options and sysctls alike). */
static uint16_t ka_seconds(uint32_t ms)
{
	if (ms == TL_DETAIL_NONE)
		return TL_KA_S_NONE;
	return ms / 1000 >= TL_KA_S_NONE ? TL_KA_S_NONE - 1 : (uint16_t)(ms / 1000);
}

/* Milliseconds from the lifeline's start to @ts_ns (0 if before). */
static uint32_t ms_since_start(const struct tl_conn *c, uint64_t ts_ns)
{
	uint64_t ms = ts_ns > c->l.start_ns ? (ts_ns - c->l.start_ns) / 1000000 : 0;

	return ms >= UINT32_MAX - 1 ? UINT32_MAX - 2 : (uint32_t)ms;
}

void tl_conn_stall_end(struct tl_conn *c, uint64_t now_ns)
{
	uint32_t now = ms_since_start(c, now_ns), since;

	if (!c->l.zw_since_1)
		return;
	since = c->l.zw_since_1 - 1;
	if (now > since)
		c->l.zw_stalled_ms = now - since > UINT32_MAX - c->l.zw_stalled_ms ?
					     UINT32_MAX :
					     c->l.zw_stalled_ms + (now - since);
	c->l.zw_since_1 = 0;
}

void tl_conn_take_zwin(struct tl_conn *c, const struct tl_event *ev)
{
	switch (ev->kind) {
	case TL_ZW_START:
		tl_conn_stall_end(c, ev->ts_ns); /* an end not seen: the stall ends here */
		if (c->l.zw_stalls < UINT16_MAX)
			c->l.zw_stalls++;
		c->l.zw_since_1 = ms_since_start(c, ev->ts_ns) + 1;
		break;
	case TL_ZW_PROBE:
		if (c->l.zw_probes < UINT16_MAX)
			c->l.zw_probes++;
		break;
	case TL_ZW_END:
		tl_conn_stall_end(c, ev->ts_ns);
		break;
	}
}

void tl_conn_take_keepalive(struct tl_conn *c, const struct tl_event *ev)
{
	c->l.ka_on = true;
	c->l.ka_idle_s = ka_seconds(ev->detail);
	c->l.ka_intvl_s = ka_seconds(ev->reason);
	c->l.ka_cnt = ev->total_retrans > UINT8_MAX ? UINT8_MAX : (uint8_t)ev->total_retrans;
	if (ev->type == TL_EV_KA_PROBE) {
		c->l.ka_probes_known = true;
		if (c->l.ka_probes < UINT16_MAX)
			c->l.ka_probes++;
	} else if (ev->flags & TL_F_KA_PROBES) {
		c->l.ka_probes_known = true;
	}
}

enum tl_close tl_conn_close_kind(const struct tl_conn *c, enum tl_end end)
{
	if (!c->established)
		return TL_CLOSE_NONE;
	if (end == TL_END_RESET_BY_PEER || end == TL_END_RESET_LOCAL)
		return TL_CLOSE_ABORTIVE;
	return end == TL_END_CLOSED ? TL_CLOSE_GRACEFUL : TL_CLOSE_NONE;
}

enum tl_end tl_conn_end(const struct tl_conn *c)
{
	switch (c->l.err) {
	case ECONNREFUSED:
		return TL_END_REFUSED;
	case ETIMEDOUT:
		return c->l.timeout == TL_TO_KEEPALIVE ? TL_END_KEEPALIVE_TIMEOUT :
							 TL_END_TIMED_OUT;
	case ECONNRESET:
	case EPIPE:
		if (c->reset_recv)
			return TL_END_RESET_BY_PEER;
		break;
	}
	if (c->reset_recv)
		return TL_END_RESET_BY_PEER;
	if (c->reset_sent)
		return TL_END_RESET_LOCAL;
	if (c->l.err)
		return TL_END_ERROR;
	if (!c->established && c->l.nstates && tl_dwell_state(&c->l.states[0]) != TL_TCP_LISTEN)
		return TL_END_ABORTED;
	return TL_END_CLOSED;
}

bool tl_state_implies_established(uint8_t state)
{
	return state == TL_TCP_ESTABLISHED || state == TL_TCP_CLOSE_WAIT ||
	       state == TL_TCP_FIN_WAIT1 || state == TL_TCP_FIN_WAIT2 || state == TL_TCP_CLOSING ||
	       state == TL_TCP_LAST_ACK || state == TL_TCP_TIME_WAIT;
}

/* How much an owner is worth: exact, then inherited, then unknown. */
static int owner_rank(uint8_t conf)
{
	return conf == TL_OWNER_EXACT ? 2 : conf == TL_OWNER_LISTENER ? 1 : 0;
}

const struct tl_event *tl_conn_shown_event(const struct tl_conn *c, const struct tl_event *ev,
					   struct tl_event *copy)
{
	if (!c || owner_rank(ev->owner_conf) > owner_rank(c->l.owner_conf) ||
	    (ev->owner_conf == c->l.owner_conf && ev->pid == c->l.pid &&
	     !memcmp(ev->comm, c->l.comm, TL_COMM_LEN)))
		return ev;
	*copy = *ev;
	copy->owner_conf = c->l.owner_conf;
	copy->pid = c->l.pid;
	memcpy(copy->comm, c->l.comm, TL_COMM_LEN);
	return copy;
}
