// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_states.c - batched state changes expanded back into state records. */
#include <string.h>

#include "tests/unit/unit.h"
#include "user/core/states.h"

struct got {
	struct tl_event ev[TL_STEPS_MAX + 2];
	int n;
};

static void take(void *ctx, const struct tl_event *ev)
{
	struct got *g = ctx;

	if (g->n < (int)(sizeof(g->ev) / sizeof(g->ev[0])))
		g->ev[g->n] = *ev;
	g->n++;
}

/* A client's close batch: EST -> FIN_WAIT1 -> FIN_WAIT2 kept, -> CLOSE last. */
static struct tl_states_rec close_batch(void)
{
	struct tl_states_rec r;

	memset(&r, 0, sizeof(r));
	r.last.type = TL_EV_STATES;
	r.last.ts_ns = 3000;
	r.last.cookie = 77;
	r.last.dwell_ns = 500;
	r.last.netns = 4026531840u;
	r.last.pid = 42;
	r.last.owner_conf = TL_OWNER_EXACT;
	memcpy(r.last.comm, "curl", 5);
	r.last.family = 2;
	r.last.lport = 40000;
	r.last.rport = 443;
	r.last.laddr[0] = 10;
	r.last.raddr[0] = 192;
	r.last.old_state = 5; /* FIN_WAIT2 */
	r.last.new_state = 7; /* CLOSE */
	r.last.reason = 1; /* TIME_WAIT substate */
	r.last.flags = TL_F_TIMEWAIT | TL_F_STATS;
	r.last.bytes_acked = 100;
	r.last.bytes_received = 200;
	r.last.srtt_us = 30;
	r.last.total_retrans = 2;
	r.nsteps = 2;
	r.steps[0] = (struct tl_state_step){
		.ts_ns = 1000, .dwell_ns = TL_DWELL_UNKNOWN, .old_state = 1, .new_state = 4
	};
	r.steps[1] = (struct tl_state_step){
		.ts_ns = 2500, .dwell_ns = 1500, .old_state = 4, .new_state = 5
	};
	return r;
}

UNIT_TEST(states_expand_in_order)
{
	struct tl_states_rec r = close_batch();
	struct got g = {};

	CHECK_INT(tl_states_expand(&r, sizeof(r), take, &g), 3);
	CHECK_INT(g.n, 3);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(g.ev[i].type, TL_EV_STATE);
		CHECK_INT(g.ev[i].cookie, 77);
		CHECK_INT(g.ev[i].pid, 42);
		CHECK_INT(g.ev[i].owner_conf, TL_OWNER_EXACT);
		CHECK_STR(g.ev[i].comm, "curl");
		CHECK_INT(g.ev[i].lport, 40000);
		CHECK_INT(g.ev[i].rport, 443);
		CHECK_INT(g.ev[i].laddr[0], 10);
		CHECK_INT(g.ev[i].raddr[0], 192);
		CHECK_INT(g.ev[i].netns, 4026531840u);
	}
	/* the kept changes: their own times and states, nothing of the last's */
	CHECK_INT(g.ev[0].ts_ns, 1000);
	CHECK(g.ev[0].dwell_ns == TL_DWELL_UNKNOWN);
	CHECK_INT(g.ev[0].old_state, 1);
	CHECK_INT(g.ev[0].new_state, 4);
	CHECK_INT(g.ev[1].ts_ns, 2500);
	CHECK_INT(g.ev[1].dwell_ns, 1500);
	CHECK_INT(g.ev[1].old_state, 4);
	CHECK_INT(g.ev[1].new_state, 5);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(g.ev[i].flags, 0);
		CHECK(g.ev[i].reason == TL_REASON_NONE);
		CHECK_INT(g.ev[i].bytes_acked, 0);
		CHECK_INT(g.ev[i].bytes_received, 0);
		CHECK_INT(g.ev[i].srtt_us, 0);
		CHECK_INT(g.ev[i].total_retrans, 0);
	}
	/* the last: as sent */
	CHECK_INT(g.ev[2].ts_ns, 3000);
	CHECK_INT(g.ev[2].dwell_ns, 500);
	CHECK_INT(g.ev[2].old_state, 5);
	CHECK_INT(g.ev[2].new_state, 7);
	CHECK_INT(g.ev[2].reason, 1);
	CHECK_INT(g.ev[2].flags, TL_F_TIMEWAIT | TL_F_STATS);
	CHECK_INT(g.ev[2].bytes_acked, 100);
	CHECK_INT(g.ev[2].total_retrans, 2);
}

UNIT_TEST(states_expand_none_kept_and_full)
{
	struct tl_states_rec r = close_batch();
	struct got g = {};

	r.nsteps = 0;
	CHECK_INT(tl_states_expand(&r, sizeof(r), take, &g), 1);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.ev[0].new_state, 7);

	memset(&g, 0, sizeof(g));
	r.nsteps = TL_STEPS_MAX;
	for (int i = 0; i < TL_STEPS_MAX; i++)
		r.steps[i] =
			(struct tl_state_step){ .ts_ns = 100 + i, .old_state = 1, .new_state = 2 };
	CHECK_INT(tl_states_expand(&r, sizeof(r), take, &g), TL_STEPS_MAX + 1);
	CHECK_INT(g.n, TL_STEPS_MAX + 1);
	CHECK_INT(g.ev[TL_STEPS_MAX - 1].ts_ns, 100 + TL_STEPS_MAX - 1);
	CHECK_INT(g.ev[TL_STEPS_MAX].ts_ns, 3000);
}

UNIT_TEST(states_expand_rejects_malformed)
{
	struct tl_states_rec r = close_batch();
	struct got g = {};

	CHECK_INT(tl_states_expand(&r, sizeof(r) - 1, take, &g), -1);
	CHECK_INT(tl_states_expand(&r, sizeof(struct tl_event), take, &g), -1);
	r.nsteps = TL_STEPS_MAX + 1;
	CHECK_INT(tl_states_expand(&r, sizeof(r), take, &g), -1);
	r = close_batch();
	r.last.type = TL_EV_STATE;
	CHECK_INT(tl_states_expand(&r, sizeof(r), take, &g), -1);
	CHECK_INT(g.n, 0);
}
