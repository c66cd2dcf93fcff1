// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_sink_text.c - the columns people read: exact lines for every event kind. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "tests/unit/unit.h"
#include "user/output/sink.h"
#include "user/output/sink_json.h"
#include "user/output/sink_text.h"

#define NS 1000000000ULL
#define T_2026 1795224514LL /* 2026-11-21T01:28:34Z */

static const char *const state_names[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT",	[3] = "SYN_RECV", [4] = "FIN_WAIT1",
	[5] = "FIN_WAIT2",   [6] = "TIME_WAIT", [7] = "CLOSE",	  [8] = "CLOSE_WAIT",
	[9] = "LAST_ACK",    [10] = "LISTEN",	[11] = "CLOSING", [12] = "NEW_SYN_RECV",
};

/* Text output in UTC, whatever the machine's zone, on a known clock. */
struct fixture {
	struct tl_names names;
	struct tl_clock clock;
	char *buf;
	size_t len;
	FILE *f;
	struct tl_sink *sink;
	char *old_tz;
};

static void setup(struct fixture *fx)
{
	tl_names_init(&fx->names);
	for (uint32_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (state_names[i])
			CHECK_INT(tl_names_set(&fx->names, TL_NAMES_STATE, i, state_names[i]), 0);
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_DROP, 3, "NO_SOCKET"), 0);
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_DROP, 7, "TCP_\x1b[31mEVIL"), 0);
	CHECK_INT(tl_names_set(&fx->names, TL_NAMES_RESET, 1, "NO_SOCKET"), 0);
	fx->clock.boot_to_real_ns = T_2026 * (int64_t)NS;
	fx->old_tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	setenv("TZ", "UTC0", 1);
	tzset();
	fx->f = open_memstream(&fx->buf, &fx->len);
	fx->sink = tl_sink_text_new(fx->f, &fx->names, &fx->clock);
	CHECK(fx->sink != NULL);
}

/* Everything written since the last call (the header on the first). */
static char *take(struct fixture *fx)
{
	char *out;

	/* the size is the stream position after a flush: what came since the rewind */
	tl_sink_flush(fx->sink);
	fflush(fx->f);
	out = strndup(fx->buf, fx->len);
	rewind(fx->f);
	return out;
}

static void teardown(struct fixture *fx)
{
	tl_sink_destroy(fx->sink);
	fclose(fx->f);
	free(fx->buf);
	tl_names_free(&fx->names);
	if (fx->old_tz)
		setenv("TZ", fx->old_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(fx->old_tz);
}

#define V4(a, b, c, d)     \
	{                  \
		a, b, c, d \
	}
#define TS (123456789ULL)

static const struct {
	const char *what;
	struct tl_event ev;
	const char *want; /* "" when the sink must print nothing */
} event_cases[] = {
	{ "state, exact owner, dwell",
	  { .ts_ns = TS,
	    .type = TL_EV_STATE,
	    .family = AF_INET,
	    .laddr = V4(10, 0, 0, 1),
	    .lport = 40000,
	    .raddr = V4(10, 0, 0, 2),
	    .rport = 80,
	    .old_state = 2,
	    .new_state = 1,
	    .dwell_ns = 1234567,
	    .owner_conf = TL_OWNER_EXACT,
	    .pid = 4242,
	    .comm = "curl" },
	  "01:28:34.123456 state         4242 curl             10.0.0.1:40000         "
	  "10.0.0.2:80            SYN_SENT -> ESTABLISHED (in SYN_SENT 1.23ms)\n" },
	{ "state, unknown owner and dwell, IPv6, unnamed state",
	  { .ts_ns = TS + 1000,
	    .type = TL_EV_STATE,
	    .family = AF_INET6,
	    .laddr = { [15] = 1 },
	    .lport = 443,
	    .raddr = { [10] = 0xff, [11] = 0xff, 1, 2, 3, 4 },
	    .rport = 5555,
	    .old_state = 1,
	    .new_state = 99,
	    .dwell_ns = TL_DWELL_UNKNOWN,
	    .pid = 77,
	    .comm = "ignored" },
	  "01:28:34.123457 state            - -                [::1]:443              "
	  "[::ffff:1.2.3.4]:5555  ESTABLISHED -> 99\n" },
	{ "retransmit, owner inherited from the listener, comm with control bytes",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = AF_INET,
	    .lport = 1,
	    .rport = 2,
	    .old_state = 1,
	    .segs = 3,
	    .owner_conf = TL_OWNER_LISTENER,
	    .pid = 1,
	    .comm = "a\tb\x1b[2J\\\xff" },
	  "01:28:34.123456 retrans          1 a\\x09b\\x1b[2J\\\\\\xff* 0.0.0.0:1              "
	  "0.0.0.0:2              ESTABLISHED segs=3 kind=-\n" },
	{ "retransmit after a timeout",
	  { .ts_ns = TS,
	    .type = TL_EV_RETRANS,
	    .family = AF_INET,
	    .old_state = 1,
	    .segs = 1,
	    .kind = TL_RK_RTO },
	  "01:28:34.123456 retrans          - -                0.0.0.0:0              "
	  "0.0.0.0:0              ESTABLISHED segs=1 kind=rto\n" },
	{ "comm of 16 bytes without a NUL",
	  { .ts_ns = TS,
	    .type = TL_EV_SYNACK_RETRANS,
	    .family = AF_INET,
	    .old_state = 12,
	    .owner_conf = TL_OWNER_EXACT,
	    .pid = 4000000000u,
	    .comm = "0123456789abcdef" },
	  "01:28:34.123456 synack-rtx 4000000000 0123456789abcdef 0.0.0.0:0              "
	  "0.0.0.0:0              NEW_SYN_RECV kind=-\n" },
	{ "reset sent without a socket, named reason",
	  { .ts_ns = TS,
	    .type = TL_EV_RESET_SENT,
	    .family = AF_INET,
	    .flags = TL_F_NO_SOCKET,
	    .reason = 1 },
	  "01:28:34.123456 rst-sent         - -                0.0.0.0:0              "
	  "0.0.0.0:0              - reason=NO_SOCKET\n" },
	{ "reset sent, unnamed reason",
	  { .ts_ns = TS, .type = TL_EV_RESET_SENT, .family = AF_INET, .old_state = 1, .reason = 42 },
	  "01:28:34.123456 rst-sent         - -                0.0.0.0:0              "
	  "0.0.0.0:0              ESTABLISHED reason=42\n" },
	{ "reset received, no reason",
	  { .ts_ns = TS,
	    .type = TL_EV_RESET_RECV,
	    .family = AF_INET,
	    .old_state = 2,
	    .reason = TL_REASON_NONE },
	  "01:28:34.123456 rst-recv         - -                0.0.0.0:0              "
	  "0.0.0.0:0              SYN_SENT\n" },
	{ "drop without a socket",
	  { .ts_ns = TS,
	    .type = TL_EV_DROP,
	    .family = AF_INET,
	    .flags = TL_F_NO_SOCKET,
	    .reason = 3 },
	  "01:28:34.123456 drop             - -                0.0.0.0:0              "
	  "0.0.0.0:0              NO_SOCKET (no socket)\n" },
	{ "drop on a socket, reason name with an escape sequence",
	  { .ts_ns = TS, .type = TL_EV_DROP, .family = AF_INET, .old_state = 10, .reason = 7 },
	  "01:28:34.123456 drop             - -                0.0.0.0:0              "
	  "0.0.0.0:0              TCP_\\x1b[31mEVIL (in LISTEN)\n" },
	{ "drop, unnamed reason",
	  { .ts_ns = TS, .type = TL_EV_DROP, .family = AF_INET, .old_state = 1, .reason = 500 },
	  "01:28:34.123456 drop             - -                0.0.0.0:0              "
	  "0.0.0.0:0              500 (in ESTABLISHED)\n" },
	{ "internal types are not printed", { .type = TL_EV_OWNER }, "" },
	{ "internal types are not printed", { .type = TL_EV_TW_END }, "" },
	{ "internal types are not printed", { .type = TL_EV_SOCK }, "" },
	{ "unknown types are not printed", { .type = 200 }, "" },
	{ "unknown types are not printed", { .type = 0 }, "" },
};

UNIT_TEST(sink_text_header)
{
	struct fixture fx;
	char *out;

	setup(&fx);
	out = take(&fx);
	CHECK_STR(out, "TIME            EVENT          PID COMM             LOCAL                  "
		       "REMOTE                 DETAIL\n");
	free(out);
	teardown(&fx);
}

UNIT_TEST(sink_text_events)
{
	struct fixture fx;

	setup(&fx);
	free(take(&fx));
	for (size_t i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		char *out;

		tl_sink_event(fx.sink, &event_cases[i].ev);
		out = take(&fx);
		if (strcmp(out, event_cases[i].want))
			unit_fail(__FILE__, __LINE__, "%s:\n  got:  \"%s\"\n  want: \"%s\"",
				  event_cases[i].what, out, event_cases[i].want);
		free(out);
	}
	teardown(&fx);
}

/* A connection that lived: connect, 5.1 s established, an orderly close. */
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

#define LL_PREFIX                                                                     \
	"01:28:39.323456 lifeline      4242 curl             10.0.0.1:40000         " \
	"10.0.0.2:80            "

UNIT_TEST(sink_text_lifelines)
{
	struct tl_lifeline l;
	struct fixture fx;
	char *out;

	setup(&fx);
	free(take(&fx));

	l = client_lifeline();
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out, LL_PREFIX "SYN_SENT 1.20ms > ESTABLISHED 5.10s > FIN_WAIT1 | 5.20s closed "
				 "rx=100B tx=200B rtx=0 srtt=45.0us\n");
	free(out);

	/* refused before it was established: named errno, no stats, pre-existing */
	l = client_lifeline();
	l.nstates = 1;
	l.end = TL_END_REFUSED;
	l.err = 111;
	l.stats_known = false;
	l.preexisting = true;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out,
		  LL_PREFIX "SYN_SENT 1.20ms | 5.20s refused err=ECONNREFUSED (pre-existing)\n");
	free(out);

	/* the timer that gave up, its attempts, the time since the first loss */
	l = client_lifeline();
	l.nstates = 1;
	l.end = TL_END_TIMED_OUT;
	l.err = 110;
	l.timeout = TL_TO_SYN;
	l.timeout_attempts = 2;
	l.timeout_ms = 7000;
	l.stats_known = false;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out, LL_PREFIX "SYN_SENT 1.20ms | 5.20s timed_out err=ETIMEDOUT timeout=syn "
				 "attempts=2 after=7.00s\n");
	free(out);
	l.end = TL_END_KEEPALIVE_TIMEOUT;
	l.timeout = TL_TO_KEEPALIVE;
	l.timeout_ms = TL_DETAIL_NONE;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out, LL_PREFIX "SYN_SENT 1.20ms | 5.20s keepalive_timeout err=ETIMEDOUT "
				 "timeout=keepalive attempts=2 after=-\n");
	free(out);
	l.ka_on = true;
	l.ka_idle_s = 7200;
	l.ka_intvl_s = 75;
	l.ka_cnt = 9;
	l.ka_probes = 2;
	l.ka_probes_known = true;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, " after=- keepalive=2h00m/1m15s/9 probes=2\n"));
	free(out);
	l.ka_probes_known = false;
	l.ka_intvl_s = TL_KA_S_NONE;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, " keepalive=2h00m/-/9 probes=-\n"));
	free(out);

	/* how it closed, the reason of the reset sent */
	l = client_lifeline();
	l.end = TL_END_RESET_LOCAL;
	l.close = TL_CLOSE_ABORTIVE;
	l.rst_reason_1 = 1 + 1;
	l.stats_known = false;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, "| 5.20s reset_local close=abortive rst_reason=NO_SOCKET\n"));
	free(out);
	l.zw_stalls = 2;
	l.zw_stalled_ms = 2500;
	l.zw_probes = 4;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK(strstr(out, " rst_reason=NO_SOCKET zwin=2/2.50s probes=4\n"));
	free(out);

	/* truncated; an errno outside the table; a corrupt end and state count */
	l = client_lifeline();
	l.states_truncated = true;
	l.nstates = 200;
	for (int i = 0; i < TL_LIFELINE_MAX_STATES; i++)
		l.states[i] = tl_dwell_make((uint8_t)(i % 2 + 1), 1000);
	l.states[TL_LIFELINE_MAX_STATES - 1] = tl_dwell_make(250, 1000);
	l.err = -9999;
	l.end = 99;
	l.owner_conf = TL_OWNER_LISTENER;
	l.stats_known = false;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out,
		  "01:28:39.323456 lifeline      4242 curl*            10.0.0.1:40000         "
		  "10.0.0.2:80            ... > ESTABLISHED 1.00us > SYN_SENT 1.00us > "
		  "ESTABLISHED 1.00us > SYN_SENT 1.00us > ESTABLISHED 1.00us > SYN_SENT 1.00us > "
		  "ESTABLISHED 1.00us > SYN_SENT 1.00us > ESTABLISHED 1.00us > SYN_SENT 1.00us > "
		  "ESTABLISHED 1.00us > SYN_SENT 1.00us > ESTABLISHED 1.00us > SYN_SENT 1.00us > "
		  "ESTABLISHED 1.00us > 250 1.00us | 5.20s unknown err=-9999\n");
	free(out);

	/* no states at all, end before start (corrupt), owner unknown */
	l = client_lifeline();
	l.nstates = 0;
	l.end_ns = TS;
	l.start_ns = TS + 1;
	l.owner_conf = TL_OWNER_UNKNOWN;
	l.end = TL_END_OPEN;
	tl_sink_lifeline(fx.sink, &l);
	out = take(&fx);
	CHECK_STR(out, "01:28:34.123456 lifeline         - -                10.0.0.1:40000         "
		       "10.0.0.2:80            - | 0ns open rx=100B tx=200B rtx=0 srtt=45.0us\n");
	free(out);
	teardown(&fx);
}

UNIT_TEST(sink_text_stats)
{
	struct tl_stats st = { 1, 2, 3, 4, 5, 6, 7, 8, 0 };
	struct fixture fx;
	char *out;

	setup(&fx);
	free(take(&fx));
	/* the table stays clean: counters go to stderr via tl_stats_fprint() */
	tl_sink_stats(fx.sink, &st, true);
	out = take(&fx);
	CHECK_STR(out, "");
	free(out);

	tl_stats_fprint(fx.f, "exit", &st);
	out = take(&fx);
	CHECK_STR(out, "tcpline: exit: events 1, lost 2 (ring buffer full), storage failures 3, "
		       "recursion misses 4, table evictions 5, truncated lifelines 6, lifelines 7, "
		       "untracked listeners 8\n");
	free(out);
	tl_stats_fprint(fx.f, NULL, &(struct tl_stats){ .events = UINT64_MAX });
	out = take(&fx);
	CHECK_STR(out, "tcpline: events 18446744073709551615, lost 0 (ring buffer full), storage "
		       "failures 0, recursion misses 0, table evictions 0, truncated lifelines 0, "
		       "lifelines 0, untracked listeners 0\n");
	free(out);
	teardown(&fx);
}

/* Whatever the bytes (a corrupt recording), one line, nothing a terminal obeys. */
UNIT_TEST(sink_text_random_records_are_terminal_safe)
{
	struct fixture fx;
	unsigned int seed = 54321;

	setup(&fx);
	free(take(&fx));
	for (int i = 0; i < 20000; i++) {
		union {
			struct tl_event ev;
			struct tl_lifeline l;
			unsigned char b[sizeof(struct tl_lifeline)];
		} u;
		size_t len, bad = 0;
		char *out;

		for (size_t j = 0; j < sizeof(u.b); j++)
			u.b[j] = (unsigned char)(rand_r(&seed) >> 7);
		if (i % 2) {
			u.ev.type = (uint8_t)(1 + i % 6);
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
		len = strlen(out);
		for (size_t j = 0; j + 1 < len; j++)
			bad += (unsigned char)out[j] < 0x20 || (unsigned char)out[j] >= 0x7f;
		if (bad || len < 2 || out[len - 1] != '\n')
			unit_fail(__FILE__, __LINE__, "record %d: unsafe line: %s", i, out);
		free(out);
	}
	teardown(&fx);
}
