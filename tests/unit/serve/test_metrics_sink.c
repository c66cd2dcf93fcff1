// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_metrics_sink.c - what the metrics sink counts for each kind of event and lifeline. */
#include <stdlib.h>

#include "tests/unit/unit.h"
#include "user/serve/exposition.h"
#include "user/serve/metrics_sink.h"
#include "user/cli/version.h"

struct fixture {
	struct tl_names names;
	struct tl_registry *reg;
	struct tl_serve_families fam;
	struct tl_sink *sink;
};

static void setup(struct fixture *f, uint32_t max_series)
{
	static const uint16_t ports[] = { 8080 };

	tl_names_init(&f->names);
	tl_names_set(&f->names, TL_NAMES_STATE, TL_TCP_ESTABLISHED, "ESTABLISHED");
	tl_names_set(&f->names, TL_NAMES_STATE, TL_TCP_SYN_SENT, "SYN_SENT");
	tl_names_set(&f->names, TL_NAMES_STATE, TL_TCP_SYN_RECV, "SYN_RECV");
	tl_names_set(&f->names, TL_NAMES_STATE, TL_TCP_CLOSE, "CLOSE");
	tl_names_set(&f->names, TL_NAMES_DROP, 3, "NO_SOCKET");
	tl_names_set(&f->names, TL_NAMES_RESET, 2, "TCP_STATE");
	f->reg = tl_registry_new(max_series);
	CHECK_INT(tl_serve_families_add(f->reg, &f->fam), 0);
	f->sink = tl_sink_metrics_new(&f->fam, &f->names, ports, 1);
	CHECK(f->sink != NULL);
}

static void teardown(struct fixture *f)
{
	tl_sink_destroy(f->sink);
	tl_registry_free(f->reg);
	tl_names_free(&f->names);
}

static struct tl_event ev(uint8_t type, uint8_t old_state, uint8_t new_state)
{
	return (struct tl_event){ .type = type,
				  .old_state = old_state,
				  .new_state = new_state,
				  .dwell_ns = TL_DWELL_UNKNOWN,
				  .reason = TL_REASON_NONE };
}

static void check_line(const char *page, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(page, want))
		unit_fail(__FILE__, __LINE__, "missing line: %s", line);
}

UNIT_TEST(sink_counts_each_event_kind)
{
	struct fixture f;
	struct tl_event e;
	struct tl_lifeline l = { .end = TL_END_REFUSED }, open = { .end = TL_END_OPEN };
	struct tl_stats st = { .events = 42, .rb_lost = 3, .table_evictions = 1 };
	size_t len;
	char *page;

	setup(&f, 100);
	e = ev(TL_EV_STATE, TL_TCP_CLOSE, TL_TCP_SYN_SENT);
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_STATE, TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED);
	e.dwell_ns = 2000000; /* 2 ms, to port 8080: labelled */
	e.rport = 8080;
	tl_sink_event(f.sink, &e);
	e.rport = 9999; /* not in --metrics-port: other */
	e.dwell_ns = 40000000000ULL;
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_STATE, TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED);
	e.dwell_ns = 100000;
	e.lport = 443;
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_RETRANS, TL_TCP_ESTABLISHED, 0);
	e.segs = 3; /* one event, three segments */
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_RETRANS, TL_TCP_SYN_SENT, 0);
	e.segs = 1;
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_SYNACK_RETRANS, TL_TCP_SYN_RECV, 0);
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_RESET_SENT, TL_TCP_CLOSE, 0);
	e.reason = 2;
	tl_sink_event(f.sink, &e);
	e.reason = TL_REASON_NONE;
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_RESET_RECV, TL_TCP_SYN_SENT, 0);
	tl_sink_event(f.sink, &e);
	e = ev(TL_EV_DROP, 0, 0);
	e.reason = 3;
	tl_sink_event(f.sink, &e);
	e.reason = 77; /* a value without a name: its number */
	tl_sink_event(f.sink, &e);
	tl_sink_lifeline(f.sink, &l);
	tl_sink_lifeline(f.sink, &open); /* still open at exit: not counted */
	tl_sink_stats(f.sink, &st, false);
	page = tl_expo_render(f.reg, &len);
	check_line(page, "tcpline_state_transitions_total{from=\"CLOSE\",to=\"SYN_SENT\"} 1");
	check_line(page, "tcpline_state_transitions_total{from=\"SYN_SENT\",to=\"ESTABLISHED\"} 2");
	check_line(page, "tcpline_connections_closed_total{outcome=\"refused\"} 1");
	CHECK(!strstr(page, "outcome=\"open\""));
	check_line(page, "tcpline_retransmits_total{kind=\"data\"} 3");
	check_line(page, "tcpline_retransmits_total{kind=\"syn\"} 1");
	check_line(page, "tcpline_retransmits_total{kind=\"synack\"} 1");
	check_line(page, "tcpline_resets_total{direction=\"sent\",reason=\"TCP_STATE\"} 1");
	check_line(page, "tcpline_resets_total{direction=\"sent\",reason=\"unknown\"} 1");
	check_line(page, "tcpline_resets_total{direction=\"received\",reason=\"unknown\"} 1");
	check_line(page, "tcpline_drops_total{reason=\"NO_SOCKET\"} 1");
	check_line(page, "tcpline_drops_total{reason=\"77\"} 1");
	check_line(page, "tcpline_connect_duration_seconds_bucket{port=\"8080\",le=\"0.001\"} 0");
	check_line(page, "tcpline_connect_duration_seconds_bucket{port=\"8080\",le=\"0.0025\"} 1");
	check_line(page, "tcpline_connect_duration_seconds_count{port=\"8080\"} 1");
	check_line(page, "tcpline_connect_duration_seconds_bucket{port=\"other\",le=\"30\"} 0");
	check_line(page, "tcpline_connect_duration_seconds_bucket{port=\"other\",le=\"60\"} 1");
	check_line(page, "tcpline_connect_duration_seconds_sum{port=\"other\"} 40");
	check_line(page, "tcpline_handshake_duration_seconds_count{listener=\"443\"} 1");
	check_line(page, "tcpline_events_total 42");
	check_line(page, "tcpline_events_lost_total{stage=\"ring_buffer\"} 3");
	check_line(page, "tcpline_events_lost_total{stage=\"connection_table\"} 1");
	check_line(page, "tcpline_events_lost_total{stage=\"recursion\"} 0");
	check_line(page, "tcpline_build_info{version=\"" TL_VERSION "\"} 1");
	free(page);
	teardown(&f);
}

UNIT_TEST(sink_folds_beyond_the_cap)
{
	struct fixture f;
	struct tl_event e = ev(TL_EV_DROP, 0, 0);
	size_t len;
	char *page;

	setup(&f, 2);
	for (uint32_t r = 10; r < 15; r++) {
		e.reason = r;
		tl_sink_event(f.sink, &e);
		tl_sink_event(f.sink, &e);
	}
	page = tl_expo_render(f.reg, &len);
	check_line(page, "tcpline_drops_total{reason=\"10\"} 2");
	check_line(page, "tcpline_drops_total{reason=\"11\"} 2");
	check_line(page, "tcpline_drops_total{reason=\"other\"} 6");
	CHECK(!strstr(page, "reason=\"12\""));
	/* every update of the three reasons that did not fit */
	check_line(page, "tcpline_metrics_series_folded_total{family=\"tcpline_drops_total\"} 6");
	free(page);
	teardown(&f);
}
