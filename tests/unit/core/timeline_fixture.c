// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* timeline_fixture.c - hand-made event sequences for the timeline tests (timeline_fixture.h). */
#include <string.h>

#include "tests/unit/core/timeline_fixture.h"

void cap_event(void *ctx, const struct tl_event *ev)
{
	struct capture *c = ctx;

	if (c->nevents < MAXOUT)
		c->events[c->nevents++] = *ev;
}

void cap_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct capture *c = ctx;

	if (c->nlifelines < MAXOUT)
		c->lifelines[c->nlifelines++] = *l;
}

struct tl_timeline *new_tl_tw(struct capture *c, uint32_t max, uint32_t max_tw, bool tw)
{
	struct tl_timeline_opts o = { .max_conns = max,
				      .max_timewait = max_tw,
				      .tw_end_observable = tw };
	struct tl_timeline_out out = { c, cap_event, cap_lifeline };

	memset(c, 0, sizeof(*c));
	return tl_timeline_new(&o, &out);
}

struct tl_timeline *new_tl(struct capture *c, uint32_t max, bool tw)
{
	return new_tl_tw(c, max, max, tw);
}

struct tl_event ev_of(uint8_t type, uint64_t cookie, uint64_t ts)
{
	struct tl_event e = { .type = type, .cookie = cookie, .ts_ns = ts };

	e.dwell_ns = TL_DWELL_UNKNOWN;
	e.reason = TL_REASON_NONE;
	e.family = 2;
	e.netns = 4026531840u;
	e.laddr[0] = 10, e.laddr[3] = 1;
	e.raddr[0] = 10, e.raddr[3] = 2;
	e.lport = 40000;
	e.rport = 80;
	return e;
}

void state(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, uint8_t new,
	   uint64_t dwell)
{
	struct tl_event e = ev_of(TL_EV_STATE, cookie, ts);

	e.old_state = old;
	e.new_state = new;
	e.dwell_ns = dwell;
	tl_timeline_feed(t, &e);
}

void close_ev(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, int err,
	      uint8_t flags, uint64_t dwell)
{
	struct tl_event e = ev_of(TL_EV_STATE, cookie, ts);

	e.old_state = old;
	e.new_state = TL_TCP_CLOSE;
	e.reason = err;
	e.flags = flags | TL_F_STATS;
	e.dwell_ns = dwell;
	e.bytes_acked = 101;
	e.bytes_received = 202;
	e.srtt_us = 33;
	e.total_retrans = 2;
	tl_timeline_feed(t, &e);
}

void simple(struct tl_timeline *t, uint8_t type, uint64_t cookie, uint64_t ts)
{
	struct tl_event e = ev_of(type, cookie, ts);

	e.old_state = TL_TCP_ESTABLISHED;
	tl_timeline_feed(t, &e);
}

/* An event with its owner, as one of process context carries it. */
void owned_state(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, uint8_t new,
		 uint32_t pid, const char *comm)
{
	struct tl_event e = ev_of(TL_EV_STATE, cookie, ts);

	e.old_state = old;
	e.new_state = new;
	e.pid = pid;
	e.owner_conf = TL_OWNER_EXACT;
	strncpy(e.comm, comm, TL_COMM_LEN - 1);
	tl_timeline_feed(t, &e);
}
