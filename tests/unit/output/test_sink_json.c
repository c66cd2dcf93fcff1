// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_sink_json.c - the docs/json.md contract: exact lines for every record
 * type, null handling, hostile process names, and every line strictly valid.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/json_check.h"
#include "kernel/hooks.h"
#include "tests/unit/unit.h"
#include "user/output/sink.h"
#include "user/output/sink_json.h"
#include "user/output/sink_text.h"

#define NS 1000000000ULL
#define T_2026 1795224514LL /* 2026-11-21T01:28:34Z */
#define TS (123456789ULL)
#define V4(a, b, c, d)     \
	{                  \
		a, b, c, d \
	}

struct fixture {
	struct tl_names names;
	struct tl_clock clock;
	char *buf;
	size_t len;
	FILE *f;
	struct tl_sink *sink;
};

static void setup(struct fixture *fx)
{
	static const char *const states[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT", [4] = "FIN_WAIT1", [10] = "LISTEN", [12] = "NEW_SYN_RECV"
	};

	tl_names_init(&fx->names);
	for (uint32_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (states[i])
			CHECK_INT(tl_names_set(&fx->names, TL_NAMES_STATE, i, states[i]), 0);
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_DROP, 3, "NO_SOCKET"), 0);
	/* a name table from a hostile recording */
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_DROP, 7, "A\"B\\\x01\xff"), 0);
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_RESET, 1, "NO_SOCKET"), 0);
	fx->clock.boot_to_real_ns = T_2026 * (int64_t)NS;
	fx->f = open_memstream(&fx->buf, &fx->len);
	fx->sink = tl_sink_json_new(fx->f, &fx->names, &fx->clock);
	CHECK(fx->sink != NULL);
}

/* Everything written since the last call; each line must be valid JSON. */
static char *take(struct fixture *fx)
{
	char *out;

	tl_sink_flush(fx->sink);
	fflush(fx->f);
	out = strndup(fx->buf, fx->len);
	rewind(fx->f);
	if (*out && json_check_lines(out, strlen(out)) < 0)
		unit_fail(__FILE__, __LINE__, "invalid JSON Lines: %s", out);
	return out;
}

static void teardown(struct fixture *fx)
{
	tl_sink_destroy(fx->sink);
	fclose(fx->f);
	free(fx->buf);
	tl_names_free(&fx->names);
}

/* The common fields of an anonymous IPv4 event at TS with no socket. */
#define ANON_V4(type)                                                                     \
	"{\"type\":\"" type "\",\"time\":\"2026-11-21T01:28:34.123456789Z\",\"netns\":0," \
	"\"family\":\"ipv4\",\"laddr\":\"0.0.0.0\",\"lport\":0,\"raddr\":\"0.0.0.0\","    \
	"\"rport\":0,\"cookie\":0,\"pid\":null,\"comm\":null"

static const struct {
	const char *what;
	struct tl_event ev;
	const char *want; /* "" when the sink must write nothing */
} event_cases[] = {
	{ "state, exact owner",
	  { .ts_ns = TS,
	    .type = TL_EV_STATE,
	    .family = AF_INET,
	    .laddr = V4(10, 0, 0, 1),
	    .lport = 40000,
	    .raddr = V4(10, 0, 0, 2),
	    .rport = 80,
	    .cookie = 12345,
	    .netns = 4026531840u,
	    .old_state = 2,
	    .new_state = 1,
	    .dwell_ns = 1234567,
	    .owner_conf = TL_OWNER_EXACT,
	    .pid = 4242,
	    .comm = "curl" },
	  "{\"type\":\"state\",\"time\":\"2026-11-21T01:28:34.123456789Z\",\"netns\":4026531840,"
	  "\"family\":\"ipv4\",\"laddr\":\"10.0.0.1\",\"lport\":40000,\"raddr\":\"10.0.0.2\","
	  "\"rport\":80,\"cookie\":12345,\"pid\":4242,\"comm\":\"curl\",\"old\":\"SYN_SENT\","
	  "\"new\":\"ESTABLISHED\",\"dwell_ns\":1234567}\n" },
	{ "state, IPv6, unknown owner and dwell, unnamed state",
	  { .ts_ns = TS,
	    .type = TL_EV_STATE,
	    .family = AF_INET6,
	    .laddr = { [15] = 1 },
	    .lport = 443,
	    .raddr = { [10] = 0xff, [11] = 0xff, 1, 2, 3, 4 },
	    .rport = 5555,
	    .cookie = UINT64_MAX,
	    .old_state = 1,
	    .new_state = 99,
	    .dwell_ns = TL_DWELL_UNKNOWN,
	    .pid = 77,
	    .comm = "ignored" },
	  "{\"type\":\"state\",\"time\":\"2026-11-21T01:28:34.123456789Z\",\"netns\":0,"
	  "\"family\":\"ipv6\",\"laddr\":\"::1\",\"lport\":443,\"raddr\":\"::ffff:1.2.3.4\","
	  "\"rport\":5555,\"cookie\":18446744073709551615,\"pid\":null,\"comm\":null,"
	  "\"old\":\"ESTABLISHED\",\"new\":\"99\",\"dwell_ns\":null}\n" },
	{ "retransmit, listener owner, comm with quotes, backslash, control and invalid UTF-8",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = AF_INET,
	    .old_state = 1,
	    .segs = 3,
	    .owner_conf = TL_OWNER_LISTENER,
	    .pid = 1,
	    .comm = "a\"b\\c\n\x1b\xc3\xa9\xff\xc3" },
	  "{\"type\":\"retransmit\",\"time\":\"2026-11-21T01:28:34.123456789Z\",\"netns\":0,"
	  "\"family\":\"ipv4\",\"laddr\":\"0.0.0.0\",\"lport\":0,\"raddr\":\"0.0.0.0\","
	  "\"rport\":0,\"cookie\":0,\"pid\":1,"
	  "\"comm\":\"a\\\"b\\\\c\\u000a\\u001b\xc3\xa9\\u00ff\\u00c3\","
	  "\"state\":\"ESTABLISHED\",\"segs\":3,\"kind\":null}\n" },
	{ "retransmit of a tail-loss probe",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = AF_INET,
	    .old_state = 1,
	    .segs = 1,
	    .kind = TL_RK_TLP },
	  ANON_V4("retransmit") ",\"state\":\"ESTABLISHED\",\"segs\":1,\"kind\":\"tlp\"}\n" },
	{ "retransmit of a kind from a newer version: null",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = AF_INET,
	    .old_state = 2,
	    .segs = 1,
	    .kind = 200 },
	  ANON_V4("retransmit") ",\"state\":\"SYN_SENT\",\"segs\":1,\"kind\":null}\n" },
	{ "synack retransmit, 16-byte comm without a NUL",
	  { .ts_ns = TS,
	    .type = TL_EV_SYNACK_RETRANS,
	    .family = AF_INET,
	    .old_state = 12,
	    .owner_conf = TL_OWNER_EXACT,
	    .pid = 9,
	    .comm = "0123456789abcdef" },
	  "{\"type\":\"synack_retransmit\",\"time\":\"2026-11-21T01:28:34.123456789Z\","
	  "\"netns\":0,\"family\":\"ipv4\",\"laddr\":\"0.0.0.0\",\"lport\":0,"
	  "\"raddr\":\"0.0.0.0\",\"rport\":0,\"cookie\":0,\"pid\":9,"
	  "\"comm\":\"0123456789abcdef\",\"state\":\"NEW_SYN_RECV\",\"kind\":null}\n" },
	{ "synack retransmit with its kind",
	  { .ts_ns = TS,
	    .type = TL_EV_SYNACK_RETRANS,
	    .family = AF_INET,
	    .old_state = 12,
	    .kind = TL_RK_SYNACK },
	  ANON_V4("synack_retransmit") ",\"state\":\"NEW_SYN_RECV\",\"kind\":\"synack\"}\n" },
	{ "reset sent without a socket",
	  { .ts_ns = TS,
	    .type = TL_EV_RESET_SENT,
	    .family = AF_INET,
	    .flags = TL_F_NO_SOCKET,
	    .reason = 1 },
	  ANON_V4("reset") ",\"dir\":\"sent\",\"state\":null,\"reason\":\"NO_SOCKET\"}\n" },
	{ "reset sent, unnamed reason",
	  { .ts_ns = TS, .type = TL_EV_RESET_SENT, .family = AF_INET, .old_state = 1, .reason = 42 },
	  ANON_V4("reset") ",\"dir\":\"sent\",\"state\":\"ESTABLISHED\",\"reason\":\"42\"}\n" },
	{ "reset received, no reason",
	  { .ts_ns = TS,
	    .type = TL_EV_RESET_RECV,
	    .family = AF_INET,
	    .old_state = 2,
	    .reason = TL_REASON_NONE },
	  ANON_V4("reset") ",\"dir\":\"received\",\"state\":\"SYN_SENT\",\"reason\":null}\n" },
	{ "drop without a socket",
	  { .ts_ns = TS,
	    .type = TL_EV_DROP,
	    .family = AF_INET,
	    .flags = TL_F_NO_SOCKET,
	    .reason = 3 },
	  ANON_V4("drop") ",\"reason\":\"NO_SOCKET\",\"state\":null}\n" },
	{ "drop, hostile reason name",
	  { .ts_ns = TS, .type = TL_EV_DROP, .family = AF_INET, .old_state = 10, .reason = 7 },
	  ANON_V4("drop") ",\"reason\":\"A\\\"B\\\\\\u0001\\u00ff\",\"state\":\"LISTEN\"}\n" },
	{ "drop, unnamed reason and state",
	  { .ts_ns = TS, .type = TL_EV_DROP, .family = AF_INET, .old_state = 200, .reason = 4000 },
	  ANON_V4("drop") ",\"reason\":\"4000\",\"state\":\"200\"}\n" },
	{ "unknown family and owner confidence",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = 7,
	    .old_state = 1,
	    .segs = 1,
	    .owner_conf = 9,
	    .pid = 5,
	    .comm = "x" },
	  "{\"type\":\"retransmit\",\"time\":\"2026-11-21T01:28:34.123456789Z\",\"netns\":0,"
	  "\"family\":\"7\",\"laddr\":\"?\",\"lport\":0,\"raddr\":\"?\",\"rport\":0,"
	  "\"cookie\":0,\"pid\":null,\"comm\":null,\"state\":\"ESTABLISHED\",\"segs\":1,"
	  "\"kind\":null}\n" },
	{ "keepalive probe",
	  { .ts_ns = TS, .type = TL_EV_KA_PROBE, .family = AF_INET, .old_state = 1, .segs = 2 },
	  ANON_V4("keepalive") ",\"state\":\"ESTABLISHED\",\"probes_out\":2}\n" },
	{ "internal types are not written", { .type = TL_EV_KA_INFO }, "" },
	{ "zero-window stall starts",
	  { .ts_ns = TS, .type = TL_EV_ZWIN, .family = AF_INET, .old_state = 1, .kind = TL_ZW_START },
	  ANON_V4("zero_window") ",\"state\":\"ESTABLISHED\",\"phase\":\"start\",\"probes_out\":0}\n" },
	{ "zero-window phase from a newer version",
	  { .ts_ns = TS,
	    .type = TL_EV_ZWIN,
	    .family = AF_INET,
	    .old_state = 1,
	    .kind = 9,
	    .segs = 1 },
	  ANON_V4("zero_window") ",\"state\":\"ESTABLISHED\",\"phase\":null,\"probes_out\":1}\n" },
	{ "internal types are not written", { .type = TL_EV_OWNER }, "" },
	{ "internal types are not written", { .type = TL_EV_TW_END }, "" },
	{ "internal types are not written", { .type = TL_EV_SOCK }, "" },
	{ "unknown types are not written", { .type = 0 }, "" },
	{ "unknown types are not written", { .type = 255 }, "" },
};

UNIT_TEST(sink_json_events)
{
	struct fixture fx;

	setup(&fx);
	for (size_t i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		char *out;

		tl_sink_event(fx.sink, &event_cases[i].ev);
		out = take(&fx);
		if (strcmp(out, event_cases[i].want))
			unit_fail(__FILE__, __LINE__, "%s:\n  got:  %s\n  want: %s",
				  event_cases[i].what, out, event_cases[i].want);
		free(out);
	}
	teardown(&fx);
}

static struct tl_lifeline client_lifeline(void)
{
	struct tl_lifeline l = {
		.cookie = 77,
		.start_ns = TS,
		.end_ns = TS + 5200000000ULL,
		.bytes_acked = 200,
		.bytes_received = 100,
		.netns = 4026531840u,
		.pid = 4242,
		.retransmits = 2,
		.srtt_us = 45,
		.lport = 40000,
		.rport = 80,
		.laddr = V4(10, 0, 0, 1),
		.raddr = V4(10, 0, 0, 2),
		.family = AF_INET,
		.owner_conf = TL_OWNER_EXACT,
		.end = TL_END_CLOSED,
		.stats_known = true,
		.nstates = 3,
		.comm = "curl",
		.states = { tl_dwell_make(2, 1200000), tl_dwell_make(1, 5100000000ULL),
			    tl_dwell_make(4, TL_DWELL_UNKNOWN) },
	};

	return l;
}

#define LL_COMMON(pid, comm)                                                               \
	"{\"type\":\"lifeline\",\"time\":\"2026-11-21T01:28:39.323456789Z\","              \
	"\"netns\":4026531840,\"family\":\"ipv4\",\"laddr\":\"10.0.0.1\",\"lport\":40000," \
	"\"raddr\":\"10.0.0.2\",\"rport\":80,\"cookie\":77,\"pid\":" pid ",\"comm\":" comm

#define NO_CLOSE ",\"close\":null,\"reset_reason\":null,\"zero_window\":null"
#define NO_KA ",\"keepalive\":null" NO_CLOSE
#define NO_TIMEOUT ",\"timeout\":null,\"timeout_attempts\":null,\"timeout_after_ns\":null"

UNIT_TEST(sink_json_lifeline_timeouts)
{
	struct tl_lifeline l;
	struct fixture fx;
	char *out;

	setup(&fx);
	l = client_lifeline();
	l.end = TL_END_TIMED_OUT;
	l.err = 110;
	l.timeout = TL_TO_RETRANSMIT;
	l.timeout_attempts = 15;
	l.timeout_ms = 924000;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"end\":\"timed_out\",\"error\":\"ETIMEDOUT\","));
	CHECK(strstr(out, ",\"states_truncated\":false,\"timeout\":\"retransmit\","
			  "\"timeout_attempts\":15,\"timeout_after_ns\":924000000000" NO_KA "}\n"));
	free(out);

	/* keepalive: probes counted, no time since a loss */
	l.end = TL_END_KEEPALIVE_TIMEOUT;
	l.timeout = TL_TO_KEEPALIVE;
	l.timeout_attempts = 2;
	l.timeout_ms = TL_DETAIL_NONE;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"end\":\"keepalive_timeout\","));
	CHECK(strstr(out, ",\"timeout\":\"keepalive\",\"timeout_attempts\":2,"
			  "\"timeout_after_ns\":null" NO_KA "}\n"));
	free(out);

	/* a timer from a newer recording: all three null */
	l.timeout = 99;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, NO_TIMEOUT NO_KA "}\n"));
	free(out);

	/* keepalive on: the settings in effect, the probes seen, null where unknown */
	l.ka_on = true;
	l.ka_idle_s = 1;
	l.ka_intvl_s = TL_KA_S_NONE;
	l.ka_cnt = 2;
	l.ka_probes = 2;
	l.ka_probes_known = true;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"keepalive\":{\"idle_ns\":1000000000,\"interval_ns\":null,"
			  "\"count\":2,\"probes\":2}" NO_CLOSE "}\n"));
	free(out);
	l.ka_probes_known = false;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, "\"count\":2,\"probes\":null}" NO_CLOSE "}\n"));
	free(out);

	/* zero-window stalls */
	l.zw_stalls = 1;
	l.zw_probes = 4;
	l.zw_stalled_ms = 2500;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out,
		     ",\"zero_window\":{\"stalls\":1,\"stalled_ns\":2500000000,\"probes\":4}}\n"));
	free(out);
	l.zw_stalls = 0;

	/* how it closed, and the reason of the reset this host sent (names from BTF) */
	l.close = TL_CLOSE_ABORTIVE;
	l.rst_reason_1 = 1 + 1; /* reason 1: "NO_SOCKET" in the fixture's names */
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"close\":\"abortive\",\"reset_reason\":\"NO_SOCKET\","
			  "\"zero_window\":null}\n"));
	free(out);
	l.close = TL_CLOSE_GRACEFUL;
	l.rst_reason_1 = 0;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"close\":\"graceful\",\"reset_reason\":null,\"zero_window\":null}\n"));
	free(out);
	l.close = 7; /* from a newer version */
	l.rst_reason_1 = 4001; /* a reason the kernel has no name for */
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, ",\"close\":null,\"reset_reason\":\"4000\",\"zero_window\":null}\n"));
	free(out);
	teardown(&fx);
}

UNIT_TEST(sink_json_lifelines)
{
	struct tl_lifeline l;
	struct fixture fx;
	char *out;

	setup(&fx);
	l = client_lifeline();
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(
		out,
		LL_COMMON(
			"4242",
			"\"curl\"") ",\"states\":["
				    "{\"state\":\"SYN_SENT\",\"dwell_ns\":1200000},"
				    "{\"state\":\"ESTABLISHED\",\"dwell_ns\":5100000000},"
				    "{\"state\":\"FIN_WAIT1\",\"dwell_ns\":null}],"
				    "\"start\":\"2026-11-21T01:28:34.123456789Z\",\"duration_ns\":5200000000,"
				    "\"bytes_acked\":200,\"bytes_received\":100,\"retransmits\":2,"
				    "\"srtt_us\":45,\"end\":\"closed\",\"error\":null,"
				    "\"owner\":{\"pid\":4242,\"comm\":\"curl\",\"confidence\":\"exact\"},"
				    "\"preexisting\":false,\"states_truncated\":false" NO_TIMEOUT
					    NO_KA "}\n");
	free(out);

	/* refused: named errno, stats unknown, owner unknown, pre-existing */
	l = client_lifeline();
	l.nstates = 1;
	l.end = TL_END_REFUSED;
	l.err = 111;
	l.stats_known = false;
	l.owner_conf = TL_OWNER_UNKNOWN;
	l.preexisting = true;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(
		out,
		LL_COMMON(
			"null",
			"null") ",\"states\":["
				"{\"state\":\"SYN_SENT\",\"dwell_ns\":1200000}],"
				"\"start\":\"2026-11-21T01:28:34.123456789Z\",\"duration_ns\":5200000000,"
				"\"bytes_acked\":null,\"bytes_received\":null,\"retransmits\":null,"
				"\"srtt_us\":null,\"end\":\"refused\",\"error\":\"ECONNREFUSED\","
				"\"owner\":{\"pid\":null,\"comm\":null,\"confidence\":\"unknown\"},"
				"\"preexisting\":true,\"states_truncated\":false" NO_TIMEOUT NO_KA
				"}\n");
	free(out);

	/* corrupt counts from a recording: clamped; unnamed errno and state; no states */
	l = client_lifeline();
	l.nstates = 0;
	l.err = 9999;
	l.end = 77;
	l.start_ns = l.end_ns + 1;
	l.owner_conf = TL_OWNER_LISTENER;
	memcpy(l.comm, "\xff\"\\\x7f", 5);
	l.states_truncated = true;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(
		out,
		LL_COMMON(
			"4242",
			"\"\\u00ff\\\"\\\\\x7f\"") ",\"states\":[],"
						   "\"start\":\"2026-11-21T01:28:39.323456790Z\",\"duration_ns\":0,"
						   "\"bytes_acked\":200,\"bytes_received\":100,\"retransmits\":2,"
						   "\"srtt_us\":45,\"end\":\"unknown\",\"error\":\"9999\","
						   "\"owner\":{\"pid\":4242,\"comm\":\"\\u00ff\\\"\\\\\x7f\","
						   "\"confidence\":\"listener\"},"
						   "\"preexisting\":false,\"states_truncated\":true" NO_TIMEOUT
							   NO_KA "}\n");
	free(out);

	/* nstates past the array: exactly TL_LIFELINE_MAX_STATES entries, unnamed state */
	l = client_lifeline();
	l.nstates = 255;
	for (int i = 0; i < TL_LIFELINE_MAX_STATES; i++)
		l.states[i] = tl_dwell_make(100, (uint64_t)i);
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, "{\"state\":\"100\",\"dwell_ns\":15}],\"start\"") != NULL);
	CHECK(strstr(out, "{\"state\":\"100\",\"dwell_ns\":16}") == NULL);
	free(out);
	teardown(&fx);
}

UNIT_TEST(sink_json_stats)
{
	/* unavailable hooks are named, in enum order; none is an empty list */
	struct tl_stats st = {
		1,	    2, 3,
		4,	    5, 6,
		UINT64_MAX, 8, TL_HOOK_BIT(TL_HOOK_DROP) | TL_HOOK_BIT(TL_HOOK_RETRANSMIT)
	};
	static const char want_final[] =
		",\"final\":true,\"events\":1,\"rb_lost\":2,\"storage_fail\":3,"
		"\"recursion_misses\":4,\"table_evictions\":5,\"states_truncated\":6,"
		"\"lifelines\":18446744073709551615,\"listeners_untracked\":8,"
		"\"unavailable\":[\"retransmit\",\"drop\"]}\n"
		"{\"type\":\"stats\",\"time\":\"";
	struct fixture fx;
	char *out;
	const char *rest;

	setup(&fx);
	tl_sink_stats(fx.sink, &st, true);
	tl_sink_stats(fx.sink, &(struct tl_stats){ 0 }, false);
	out = take(&fx);
	/* "time" is now: check its shape, then everything after it exactly */
	CHECK(strncmp(out, "{\"type\":\"stats\",\"time\":\"", 24) == 0);
	CHECK(strlen(out) > 24 + 31 && out[24 + 10] == 'T' && out[24 + 29] == 'Z');
	rest = strlen(out) > 24 + 31 ? out + 24 + 31 : "";
	CHECK(strncmp(rest, want_final, strlen(want_final)) == 0);
	CHECK(strstr(out,
		     "\",\"final\":false,\"events\":0,\"rb_lost\":0,\"storage_fail\":0,"
		     "\"recursion_misses\":0,\"table_evictions\":0,\"states_truncated\":0,"
		     "\"lifelines\":0,\"listeners_untracked\":0,\"unavailable\":[]}\n") != NULL);
	CHECK_INT(json_check_lines(out, strlen(out)), 2);
	free(out);
	teardown(&fx);
}

/* Whatever the bytes (a corrupt recording, every comm), each line stays valid. */
UNIT_TEST(sink_json_random_records_stay_valid)
{
	struct fixture fx;
	unsigned int seed = 12345;
	int lines = 0;

	setup(&fx);
	for (int i = 0; i < 20000; i++) {
		union {
			struct tl_event ev;
			struct tl_lifeline l;
			unsigned char b[sizeof(struct tl_lifeline)];
		} u;
		char *out;
		int n;

		for (size_t j = 0; j < sizeof(u.b); j++)
			u.b[j] = (unsigned char)(rand_r(&seed) >> 7);
		if (i % 2) {
			u.ev.type = (uint8_t)(1 + (i / 2) % TL_EV_TYPE_MAX);
			tl_sink_event(fx.sink, &u.ev);
		} else {
			/* a reader must never let other values into a bool */
			u.l.preexisting = i & 2;
			u.l.stats_known = i & 4;
			u.l.states_truncated = i & 8;
			u.l.ka_on = i & 16;
			u.l.ka_probes_known = i & 32;
			tl_sink_lifeline(fx.sink, &u.l);
		}
		out = take(&fx);
		n = json_check_lines(out, strlen(out));
		if (n < 0)
			unit_fail(__FILE__, __LINE__, "record %d: invalid: %s", i, out);
		lines += n > 0 ? n : 0;
		free(out);
	}
	/* lifelines always print; events only for the public types */
	CHECK(lines > 10000 + 5000);
	teardown(&fx);
}
