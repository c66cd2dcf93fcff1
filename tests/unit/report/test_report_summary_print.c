// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_summary_print.c - the report summary printed, as text and as
 * JSON (report_summary_text.h, report_summary_json.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/json_check.h"
#include "report/report_summary.h"
#include "report/report_summary_json.h"
#include "report/report_summary_text.h"
#include "tests/unit/unit.h"

#define MS 1000000ULL

struct fixture {
	struct tl_rec_meta meta;
	struct tl_summary *s;
	struct tl_summary_info info;
	char *buf;
	size_t len;
};

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	tl_meta_init(&f->meta);
	strcpy(f->meta.host, "db-1");
	strcpy(f->meta.kernel, "6.18.0");
	strcpy(f->meta.tool_version, "0.1.0");
	/* a command line a JSON printer must escape: quote, newline, a byte that is not UTF-8 */
	strcpy(f->meta.cmdline, "record -w \"a\nb\xff\"");
	tl_names_set(&f->meta.names, TL_NAMES_STATE, TL_TCP_ESTABLISHED, "ESTABLISHED");
	tl_names_set(&f->meta.names, TL_NAMES_STATE, TL_TCP_SYN_SENT, "SYN_SENT");
	f->s = tl_summary_new();
	f->info = (struct tl_summary_info){
		.meta = &f->meta, .nfiles = 2, .first_ts = 1 * MS, .last_ts = 2001 * MS
	};
}

static void teardown(struct fixture *f)
{
	tl_summary_free(f->s);
	tl_meta_free(&f->meta);
	free(f->buf);
}

static void print(struct fixture *f, bool json)
{
	FILE *out;

	free(f->buf);
	f->buf = NULL;
	out = open_memstream(&f->buf, &f->len);
	if (json)
		CHECK_INT(tl_summary_print_json(f->s, &f->info, out), 0);
	else
		tl_summary_print(f->s, &f->info, out);
	fclose(out);
}

static struct tl_lifeline client(uint16_t lport, uint64_t syn_ms, uint64_t est_ms, enum tl_end end)
{
	struct tl_lifeline l = { .cookie = lport,
				 .netns = 7,
				 .family = AF_INET,
				 .lport = lport,
				 .rport = 443,
				 .end = (uint8_t)end,
				 .nstates = 2 };

	inet_pton(AF_INET, "10.0.0.1", l.laddr);
	inet_pton(AF_INET, "10.0.0.2", l.raddr);
	l.states[0] = tl_dwell_make(TL_TCP_SYN_SENT, syn_ms * MS);
	l.states[1] = tl_dwell_make(TL_TCP_ESTABLISHED, est_ms * MS);
	return l;
}

static struct tl_event retrans(const char *peer, uint32_t segs)
{
	struct tl_event e = {
		.type = TL_EV_RETRANS, .family = AF_INET, .lport = 40000, .rport = 443, .segs = segs
	};

	inet_pton(AF_INET, peer, e.raddr);
	return e;
}

static void feed(struct fixture *f)
{
	struct tl_event tw = { .type = TL_EV_STATE,
			       .old_state = TL_TCP_FIN_WAIT2,
			       .new_state = TL_TCP_TIME_WAIT };
	struct tl_listener_rec lr = {
		.type = TL_EV_LISTENER, .family = AF_INET, .lport = 7000, .drops_delta = 8
	};
	struct tl_lifeline l;

	/* ESTABLISHED dwells of 1..100 ms; SYN_SENT of 1..100 ms, the slowest 100 */
	for (uint64_t i = 1; i <= 100; i++) {
		l = client((uint16_t)(30000 + i), i, i,
			   i % 10 ? TL_END_CLOSED : TL_END_RESET_BY_PEER);
		tl_summary_lifeline(f->s, &l);
	}
	tl_summary_event(f->s, &(struct tl_event){ 0 });
	{
		struct tl_event e = retrans("10.0.0.2", 5);

		tl_summary_event(f->s, &e);
		e = retrans("10.0.0.2", 2);
		tl_summary_event(f->s, &e);
	}
	tl_summary_event(f->s, &tw);
	tl_summary_event(f->s, &tw);
	inet_pton(AF_INET, "127.0.0.1", lr.laddr);
	tl_summary_event(f->s, (const struct tl_event *)&lr);
	f->info.kernel.events = 1234;
	f->info.kernel.rb_lost = 3;
}

UNIT_TEST(summary_text_tables)
{
	struct fixture f;

	setup(&f);
	feed(&f);
	print(&f, false);
	CHECK(strstr(f.buf, "Recording: host db-1, kernel 6.18.0 (?), tcpline 0.1.0, 2 files"));
	CHECK(strstr(f.buf, "Connections by outcome (100):  closed 90  reset_by_peer 10"));
	/* p50 of 1..100 ms is 50 ms, shown as its bucket's top (within 19 %); max exact */
	CHECK(strstr(f.buf, "  ESTABLISHED          50.3ms"));
	CHECK(strstr(f.buf, "100ms      100\n"));
	CHECK(strstr(f.buf,
		     "Slowest handshakes (SYN_SENT, as client):\n       100ms  10.0.0.1:30100"));
	CHECK(strstr(f.buf, "Top peers by retransmits:  10.0.0.2 7 segs"));
	CHECK(strstr(f.buf, "Top ports by retransmits:  443 7 segs"));
	CHECK(strstr(f.buf, "Listeners with drops:  127.0.0.1:7000 8 dropped"));
	CHECK(strstr(f.buf, "TIME_WAIT: peak 2, at end 2"));
	CHECK(strstr(f.buf, "WARNING: events were lost"));
	teardown(&f);
}

UNIT_TEST(summary_json_is_one_valid_object_with_the_tables)
{
	struct fixture f;
	size_t at = 0;

	setup(&f);
	feed(&f);
	print(&f, true);
	CHECK(f.len > 0 && f.buf[f.len - 1] == '\n' && !memchr(f.buf, '\n', f.len - 1));
	CHECK(json_check(f.buf, f.len, &at));
	CHECK(strstr(f.buf, "{\"type\":\"summary\",\"host\":\"db-1\""));
	CHECK(strstr(f.buf, "\"command\":\"record -w \\\"a\\u000ab\\u00ff\\\"\""));
	CHECK(strstr(f.buf, "\"files\":2,\"damaged\":false"));
	CHECK(strstr(f.buf, "\"duration_ns\":2000000000"));
	CHECK(strstr(f.buf, "\"lifelines\":100,\"outcomes\":{\"closed\":90,\"reset_by_peer\":10}"));
	CHECK(strstr(f.buf, "{\"state\":\"ESTABLISHED\",\"n\":100,\"p50_ns\":50331647"));
	CHECK(strstr(f.buf, "\"max_ns\":100000000}"));
	CHECK(strstr(f.buf, "\"slowest_syn_sent\":[{\"dwell_ns\":100000000,\"netns\":7,"
			    "\"family\":\"ipv4\",\"laddr\":\"10.0.0.1\",\"lport\":30100"));
	CHECK(strstr(f.buf, "\"slowest_syn_recv\":[]"));
	CHECK(strstr(f.buf, "\"top_retransmit_peers\":[{\"family\":\"ipv4\",\"raddr\":\"10.0.0.2\","
			    "\"segments\":7,\"exact\":true}]"));
	CHECK(strstr(f.buf,
		     "\"top_retransmit_ports\":[{\"port\":443,\"segments\":7,\"exact\":true}]"));
	CHECK(strstr(f.buf,
		     "\"listeners_with_drops\":[{\"family\":\"ipv4\",\"laddr\":\"127.0.0.1\","
		     "\"lport\":7000,\"drops\":8,\"exact\":true}]"));
	CHECK(strstr(f.buf, "\"time_wait\":{\"peak\":2,\"at_end\":2}"));
	CHECK(strstr(f.buf, "\"rb_lost\":3"));
	CHECK(strstr(f.buf, "\"complete\":false"));
	teardown(&f);
}

UNIT_TEST(summary_heavy_tables_say_when_a_count_is_not_exact)
{
	struct fixture f;
	char peer[32];

	setup(&f);
	/* more peers than the space-saving table holds: a newcomer inherits a count */
	for (int i = 0; i < 80; i++) {
		struct tl_event e;

		snprintf(peer, sizeof(peer), "10.1.0.%d", i + 1);
		e = retrans(peer, (uint32_t)(i < 70 ? 1 : 100));
		tl_summary_event(f.s, &e);
	}
	print(&f, true);
	CHECK(json_check(f.buf, f.len, NULL));
	CHECK(strstr(f.buf, "\"segments\":101,\"exact\":false"));
	print(&f, false);
	CHECK(strstr(f.buf, " ~101 segs"));
	teardown(&f);
}

UNIT_TEST(summary_of_nothing)
{
	struct fixture f;

	setup(&f);
	print(&f, true);
	CHECK(json_check(f.buf, f.len, NULL));
	CHECK(strstr(f.buf, "\"events\":0,\"lifelines\":0,\"outcomes\":{},\"time_in_state\":[]"));
	CHECK(strstr(f.buf, "\"complete\":true"));
	print(&f, false);
	CHECK(strstr(f.buf, "Listeners with drops: none seen"));
	teardown(&f);
}

/* A recorder without the retransmit hook: its tables are unavailable, not empty. */
UNIT_TEST(summary_says_unavailable_for_what_the_recorder_lacked)
{
	struct fixture f;

	setup(&f);
	f.meta.hooks_known = true;
	f.meta.hooks.wanted = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_RETRANSMIT) |
			      TL_HOOK_BIT(TL_HOOK_RESET_SENT) | TL_HOOK_BIT(TL_HOOK_SAMPLER);
	f.meta.hooks.active = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_RESET_SENT) |
			      TL_HOOK_BIT(TL_HOOK_SAMPLER);
	feed(&f);
	print(&f, false);
	CHECK(strstr(f.buf, "Unavailable when recorded: retransmit (not attached)\n"));
	CHECK(strstr(f.buf, "Top peers by retransmits: - (unavailable: the recorder had no "
			    "retransmit hook)\n"));
	CHECK(!strstr(f.buf, "Top ports by retransmits"));
	CHECK(strstr(f.buf, "Listeners with drops:  127.0.0.1:7000 8 dropped"));
	print(&f, true);
	CHECK(json_check_lines(f.buf, f.len) == 1);
	CHECK(strstr(f.buf, "\"top_retransmit_peers\":null,\"top_retransmit_ports\":null,"));
	CHECK(strstr(f.buf, "\"unavailable\":[\"retransmit\"]"));
	teardown(&f);
}
