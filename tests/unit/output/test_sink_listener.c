// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_sink_listener.c - how both sinks print a listener record. */
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/json_check.h"
#include "output/sink.h"
#include "output/sink_json.h"
#include "output/sink_text.h"
#include "tests/unit/unit.h"

static struct tl_listener_rec listener(void)
{
	struct tl_listener_rec r = {
		.ts_ns = 1000000000ULL,
		.cookie = 319,
		.drops = 24,
		.ack_overflows = 3,
		.rx_discards = 4,
		.synack_rtx = 5,
		.synq_peak = 9,
		.netns = 4026532246u,
		.pid = 42,
		.acceptq = 2,
		.acceptq_limit = 1,
		.synq = 0,
		.acceptq_peak = 2,
		.lport = 7000,
		.family = AF_INET,
		.type = TL_EV_LISTENER,
		.state = 10,
		.owner_conf = TL_OWNER_EXACT,
		.flags = TL_LF_CLOSED,
		.drops_delta = 8,
		.comm = "nginx",
	};

	r.laddr[0] = 127, r.laddr[3] = 1;
	return r;
}

static char *render_names(bool json, const struct tl_listener_rec *r, bool overflow_reason)
{
	struct tl_clock clock = { .boot_to_real_ns = 1700000000000000000LL };
	struct tl_names names;
	struct tl_sink *s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tl_names_init(&names);
	tl_names_set(&names, TL_NAMES_STATE, 10, "LISTEN");
	if (overflow_reason)
		tl_names_set(&names, TL_NAMES_DROP, 77, "TCP_LISTEN_OVERFLOW");
	s = json ? tl_sink_json_new(f, &names, &clock) : tl_sink_text_new(f, &names, &clock);
	tl_sink_event(s, (const struct tl_event *)r);
	tl_sink_destroy(s);
	fclose(f);
	tl_names_free(&names);
	return buf;
}

static char *render(bool json, const struct tl_listener_rec *r)
{
	return render_names(json, r, true);
}

UNIT_TEST(sink_listener_json)
{
	struct tl_listener_rec r = listener();
	char *out = render(true, &r);

	CHECK_STR(out, "{\"type\":\"listener\",\"time\":\"2023-11-14T22:13:21.000000000Z\","
		       "\"netns\":4026532246,\"family\":\"ipv4\",\"laddr\":\"127.0.0.1\","
		       "\"lport\":7000,\"raddr\":\"0.0.0.0\",\"rport\":0,\"cookie\":319,"
		       "\"pid\":42,\"comm\":\"nginx\",\"closed\":true,\"accept_queue\":2,"
		       "\"accept_queue_peak\":2,\"accept_queue_limit\":1,\"syn_queue\":0,"
		       "\"syn_queue_peak\":9,\"drops\":8,\"drops_total\":24,"
		       "\"ack_overflows_total\":3,\"discarded_total\":4,\"drops_exact\":true,"
		       "\"synack_retransmits_total\":5}\n");
	CHECK_INT(json_check_lines(out, strlen(out)), 1);
	free(out);
}

/* What the kernel cannot count (no TCP_LISTEN_OVERFLOW reason, no rx_sk) is null. */
UNIT_TEST(sink_listener_json_unknown_is_null)
{
	struct tl_listener_rec r = listener();
	char *out;

	r.flags |= TL_LF_RAW_DROPS;
	out = render_names(true, &r, false);
	CHECK(strstr(out, "\"ack_overflows_total\":null,\"discarded_total\":null,"
			  "\"drops_exact\":false,") != NULL);
	CHECK_INT(json_check_lines(out, strlen(out)), 1);
	free(out);
}

UNIT_TEST(sink_listener_text)
{
	struct tl_listener_rec r = listener();
	char *out = render(false, &r);

	CHECK(strstr(out, " listener ") != NULL);
	CHECK(strstr(out, "127.0.0.1:7000") != NULL);
	CHECK(strstr(out, "acceptq 2/1 (peak 2) synq 0 (peak 9) drops +8 (total 24) closed\n") !=
	      NULL);
	free(out);
}
