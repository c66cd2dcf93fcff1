// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_summary.c - what the summary collects from each event,
 * lifeline and item (report/report_summary.h); printing is
 * test_report_summary_print.c.
 */
#include <stdlib.h>
#include <sys/socket.h>

#include "report/report_summary.h"
#include "tests/unit/unit.h"

/* Which table an event lands in, and by how much. */
enum table { NONE, RTX, RST, LISTENERS };

static const struct event_case {
	const char *name;
	uint8_t type, old_state, flags;
	uint32_t segs;
	enum table table;
	uint64_t count;
} event_cases[] = {
	{ "data retransmit counts its segments", TL_EV_RETRANS, TL_TCP_ESTABLISHED, 0, 3, RTX, 3 },
	{ "SYN-ACK retransmit counts one", TL_EV_SYNACK_RETRANS, TL_TCP_SYN_RECV, 0, 9, RTX, 1 },
	{ "reset sent", TL_EV_RESET_SENT, TL_TCP_ESTABLISHED, 0, 0, RST, 1 },
	{ "reset received", TL_EV_RESET_RECV, TL_TCP_ESTABLISHED, 0, 0, RST, 1 },
	{ "drop at a listener", TL_EV_DROP, TL_TCP_LISTEN, 0, 0, LISTENERS, 1 },
	{ "drop at a request socket", TL_EV_DROP, TL_TCP_NEW_SYN_RECV, 0, 0, LISTENERS, 1 },
	{ "drop of an established one", TL_EV_DROP, TL_TCP_ESTABLISHED, 0, 0, NONE, 0 },
	{ "drop with no socket", TL_EV_DROP, TL_TCP_LISTEN, TL_F_NO_SOCKET, 0, NONE, 0 },
	{ "a state change", TL_EV_STATE, TL_TCP_ESTABLISHED, 0, 0, NONE, 0 },
};

UNIT_TEST(summary_event_table)
{
	for (size_t i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		const struct event_case *k = &event_cases[i];
		struct tl_summary *s = tl_summary_new();
		struct tl_event ev = { .type = k->type,
				       .old_state = k->old_state,
				       .flags = k->flags,
				       .segs = k->segs,
				       .family = AF_INET,
				       .lport = 40000,
				       .rport = 443 };
		const struct tl_heavy *peers = k->table == RTX ? &s->rtx_peers : &s->rst_peers;
		const struct tl_heavy *ports = k->table == RTX ? &s->rtx_ports : &s->rst_ports;

		ev.raddr[0] = 10;
		tl_summary_event(s, &ev);
		CHECK_INT(s->events, 1);
		if (k->table == RTX || k->table == RST) {
			if (peers->n != 1 || peers->e[0].count != k->count || ports->n != 1 ||
			    tl_key_port_of(&ports->e[0]) != 443)
				unit_fail(__FILE__, __LINE__, "%s: peers %d ports %d", k->name,
					  peers->n, ports->n);
		}
		if (k->table == LISTENERS) {
			CHECK_INT(s->listeners.n, 1);
			CHECK_INT(s->listeners.e[0].count, k->count);
			CHECK_INT(tl_key_lport_of(&s->listeners.e[0]), 40000);
		}
		/* nothing anywhere else */
		int others = (k->table != RTX) * (s->rtx_peers.n + s->rtx_ports.n) +
			     (k->table != RST) * (s->rst_peers.n + s->rst_ports.n) +
			     (k->table != LISTENERS) * s->listeners.n;

		if (others)
			unit_fail(__FILE__, __LINE__, "%s: %d entries in other tables", k->name,
				  others);
		tl_summary_free(s);
	}
}

UNIT_TEST(summary_listener_records_count_their_drops)
{
	struct tl_summary *s = tl_summary_new();
	struct tl_listener_rec lr = { .type = TL_EV_LISTENER, .family = AF_INET, .lport = 7000 };

	tl_summary_event(s, (const struct tl_event *)&lr); /* no drops: nothing */
	CHECK_INT(s->listeners.n, 0);
	lr.drops_delta = 8;
	tl_summary_event(s, (const struct tl_event *)&lr);
	lr.drops_delta = 2;
	tl_summary_event(s, (const struct tl_event *)&lr);
	CHECK_INT(s->listeners.n, 1);
	CHECK_INT(s->listeners.e[0].count, 10);
	CHECK_INT(tl_key_lport_of(&s->listeners.e[0]), 7000);
	tl_summary_free(s);
}

UNIT_TEST(summary_pressure_from_states_and_snapshot)
{
	struct tl_summary *s = tl_summary_new();
	struct tl_item sock = { .kind = TL_ITEM_SNAPSHOT,
				.ev = { .type = TL_EV_SOCK, .old_state = TL_TCP_TIME_WAIT } };
	struct tl_item other = { .kind = TL_ITEM_STATS };
	struct tl_event to_tw = { .type = TL_EV_STATE,
				  .old_state = TL_TCP_FIN_WAIT2,
				  .new_state = TL_TCP_TIME_WAIT };
	struct tl_event tw_end = { .type = TL_EV_STATE,
				   .old_state = TL_TCP_TIME_WAIT,
				   .new_state = TL_TCP_CLOSE };
	struct tl_event to_cw = { .type = TL_EV_STATE,
				  .old_state = TL_TCP_ESTABLISHED,
				  .new_state = TL_TCP_CLOSE_WAIT };

	tl_summary_item(s, &sock); /* one TIME_WAIT alive at the start */
	tl_summary_item(s, &other);
	tl_summary_event(s, &to_tw);
	tl_summary_event(s, &to_tw);
	tl_summary_event(s, &tw_end);
	tl_summary_event(s, &to_cw);
	CHECK_INT(s->tw.now, 2);
	CHECK_INT(s->tw.peak, 3);
	CHECK_INT(s->cw.now, 1);
	CHECK_INT(s->cw.peak, 1);
	tl_summary_free(s);
}

UNIT_TEST(summary_lifelines_ends_dwell_and_slowest)
{
	struct tl_summary *s = tl_summary_new();
	struct tl_lifeline l = { .nstates = 3, .end = TL_END_CLOSED };

	l.states[0] = tl_dwell_make(TL_TCP_SYN_SENT, 5000);
	l.states[1] = tl_dwell_make(TL_TCP_ESTABLISHED, 7000);
	l.states[2] = tl_dwell_make(TL_TCP_FIN_WAIT1, TL_DWELL_UNKNOWN); /* not counted */
	tl_summary_lifeline(s, &l);
	l.end = TL_END_MAX + 3; /* a value from a newer version: counted as unknown */
	l.states[0] = tl_dwell_make(TL_TCP_SYN_RECV, 9000);
	tl_summary_lifeline(s, &l);
	CHECK_INT(s->lifelines, 2);
	CHECK_INT(s->ends[TL_END_CLOSED], 1);
	CHECK_INT(s->ends[TL_END_MAX], 1);
	CHECK_INT(s->dwell[TL_TCP_SYN_SENT].n, 1);
	CHECK_INT(s->dwell[TL_TCP_ESTABLISHED].n, 2);
	CHECK_INT(s->dwell[TL_TCP_FIN_WAIT1].n, 0);
	CHECK_INT(s->slow_sent[0].dwell, 5000);
	CHECK_INT(s->slow_recv[0].dwell, 9000);
	CHECK_INT(s->slow_sent[1].dwell, 0);
	tl_summary_free(s);
}
