// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* states.c - see states.h. */
#include <string.h>

#include "core/states.h"

int tl_states_expand(const void *data, size_t size,
		     void (*fn)(void *ctx, const struct tl_event *ev), void *ctx)
{
	struct tl_states_rec r;
	struct tl_event ev;

	if (size < sizeof(r))
		return -1;
	memcpy(&r, data, sizeof(r));
	if (r.last.type != TL_EV_STATES || r.nsteps > TL_STEPS_MAX)
		return -1;
	for (unsigned int i = 0; i < r.nsteps; i++) {
		const struct tl_state_step *st = &r.steps[i];

		ev = r.last;
		ev.type = TL_EV_STATE;
		ev.ts_ns = st->ts_ns;
		ev.dwell_ns = st->dwell_ns;
		ev.old_state = st->old_state;
		ev.new_state = st->new_state;
		ev.reason = TL_REASON_NONE;
		ev.flags = 0;
		ev.bytes_acked = ev.bytes_received = 0;
		ev.srtt_us = ev.total_retrans = 0;
		ev.segs = 0;
		ev.kind = 0;
		ev.detail = 0;
		fn(ctx, &ev);
	}
	r.last.type = TL_EV_STATE;
	fn(ctx, &r.last);
	return r.nsteps + 1;
}
