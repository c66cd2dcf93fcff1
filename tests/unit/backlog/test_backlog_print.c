// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_backlog_print.c - one interval as a table and as JSON Lines. */
#include <stdlib.h>
#include <sys/socket.h>

#include "backlog/backlog_print.h"
#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"

static struct bl_row row(void)
{
	struct bl_row r = {
		.ts_ns = 1000000000ULL,
		.cookie = 319,
		.drops = 8,
		.drops_total = 24,
		.drops_since_created = 40,
		.discarded = 8,
		.at_ack = 8,
		.cookies_sent = 0,
		.netns = 4026532246u,
		.pid = 42,
		.acceptq = 2,
		.acceptq_peak = 2,
		.acceptq_limit = 1,
		.synq = 0,
		.synq_peak = 10,
		.synq_limit = 1,
		.synack_rtx = 10,
		.lport = 7000,
		.family = AF_INET,
		.owner_conf = TL_OWNER_EXACT,
		.has_at_ack = true,
		.synack_known = true,
		.mib_known = true,
		.split = BL_SPLIT_OK,
		.comm = "nginx",
		.sys = { 4096, 2048, 1, 0, 5 },
		.interval_ns = 1000000000ULL,
	};

	r.laddr[0] = 127, r.laddr[3] = 1;
	return r;
}

static char *render(bool json, const struct bl_row *rows, size_t n)
{
	struct tl_clock clock = { .boot_to_real_ns = 1700000000000000000LL };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct bl_print p = { .out = f, .clock = &clock, .json = json };

	CHECK_INT(bl_print_interval(&p, rows, n, 1000000000ULL, 1000000000ULL), 0);
	fclose(f);
	return buf;
}

UNIT_TEST(backlog_print_json)
{
	struct bl_row r[2] = { row(), row() };
	char *out;

	r[1].split = BL_NOSPLIT_SHARED;
	r[1].mib_known = false;
	r[1].owner_conf = TL_OWNER_UNKNOWN;
	r[1].family = AF_INET6;
	memset(r[1].laddr, 0, 16);
	r[1].laddr[15] = 1;
	r[1].closed = true;
	r[1].sys.somaxconn = -1;
	out = render(true, r, 2);
	CHECK_INT(json_check_lines(out, strlen(out)), 2);
	CHECK(!strncmp(
		out,
		"{\"type\":\"listener\",\"time\":\"2023-11-14T22:13:21.000000000Z\","
		"\"netns\":4026532246,\"family\":\"ipv4\",\"laddr\":\"127.0.0.1\",\"lport\":7000,"
		"\"raddr\":\"0.0.0.0\",\"rport\":0,\"cookie\":319,\"pid\":42,\"comm\":\"nginx\","
		"\"accept_queue\":2,\"accept_queue_peak\":2,\"accept_queue_limit\":1,"
		"\"syn_queue\":0,\"syn_queue_peak\":10,\"syn_queue_limit\":1,\"drops\":8,"
		"\"drops_total\":24,\"causes\":{\"accept_queue_full_at_syn\":0,"
		"\"accept_queue_full_at_ack\":8,\"syn_queue_full\":0,\"other\":0},"
		"\"causes_split\":true,\"causes_source\":\"netns\",\"causes_unsplit_reason\":null,"
		"\"synack_retransmits\":10,"
		"\"syncookies_sent_netns\":0,\"closed\":false,\"diagnosis\":\"accept queue of "
		"127.0.0.1:7000 (nginx, pid 42) was full: 8 connection attempts dropped in 1 s (0 "
		"SYNs, 8 third ACKs), limit 1 (the listen() backlog; net.core.somaxconn=4096): ",
		strlen("{\"type\":\"listener\",\"time\":\"2023-11-14T22:13:21.000000000Z\","
		       "\"netns\":4026532246,\"family\":\"ipv4\",\"laddr\":\"127.0.0.1\",\"lport\":"
		       "7000,\"raddr\":\"0.0.0.0\",\"rport\":0,\"cookie\":319,\"pid\":42,\"comm\":"
		       "\"nginx\",\"accept_queue\":2,\"accept_queue_peak\":2,\"accept_queue_limit\":"
		       "1,\"syn_queue\":0,\"syn_queue_peak\":10,\"syn_queue_limit\":1,\"drops\":8,"
		       "\"drops_total\":24,\"causes\":{\"accept_queue_full_at_syn\":0,"
		       "\"accept_queue_full_at_ack\":8,\"syn_queue_full\":0,\"other\":0},"
		       "\"causes_split\":true,\"causes_source\":\"netns\",\"causes_unsplit_reason\":"
		       "null,\"synack_retransmits\":10,\"syncookies_sent_netns\":0,\"closed\":false,\"diagnosis\":\"accept "
		       "queue of 127.0.0.1:7000 (nginx, pid 42) was full: 8 connection attempts "
		       "dropped in 1 s (0 SYNs, 8 third ACKs), limit 1 (the listen() backlog; "
		       "net.core.somaxconn=4096): ")));
	CHECK(strstr(out,
		     "accept faster - a longer queue adds latency\",\"discarded_segments\":8,"
		     "\"drops_since_created\":40,\"interval_ns\":1000000000,\"sysctls\":{\"somaxconn\":"
		     "4096,\"tcp_max_syn_backlog\":2048,\"tcp_syncookies\":1,"
		     "\"tcp_abort_on_overflow\":0,\"tcp_synack_retries\":5}}\n") != NULL);
	CHECK(strstr(out, "\"family\":\"ipv6\",\"laddr\":\"::1\",\"lport\":7000,\"raddr\":\"::\","
			  "\"rport\":0,\"cookie\":319,\"pid\":null,\"comm\":null,") != NULL);
	CHECK(strstr(out,
		     "\"causes\":{\"accept_queue_full_at_syn\":null,"
		     "\"accept_queue_full_at_ack\":8,\"syn_queue_full\":null,\"other\":null},"
		     "\"causes_split\":false,\"causes_source\":null,\"causes_unsplit_reason\":"
		     "\"shared\","
		     "\"synack_retransmits\":10,\"syncookies_sent_netns\":null,\"closed\":true,") !=
	      NULL);
	/* the causes are shared, the listener's own discards are still known */
	CHECK(strstr(out, "\"discarded_segments\":8,\"drops_since_created\":40,\"interval_ns\":"
			  "1000000000,\"sysctls\":{\"somaxconn\":null,") != NULL);
	free(out);

	/* without kfree_skb rx_sk: drops are raw, discards unknown */
	r[1].raw_drops = true;
	r[1].split = BL_NOSPLIT_RAW_DROPS;
	out = render(true, r, 2);
	CHECK_INT(json_check_lines(out, strlen(out)), 2);
	CHECK(strstr(out, "\"causes_split\":false,\"causes_source\":null,"
			  "\"causes_unsplit_reason\":\"raw_drops\",") != NULL);
	CHECK(strstr(out, "\"discarded_segments\":null,\"drops_since_created\":40,") != NULL);
	CHECK(strstr(out, "dropped 8 segments in 1 s; their causes cannot be split") != NULL);
	free(out);

	/* the precise tier: split in the kernel, said so */
	r[1].raw_drops = false;
	r[1].precise = true;
	r[1].split = BL_SPLIT_OK;
	r[1].synq_full = 8;
	out = render(true, r, 2);
	CHECK(strstr(out, "\"syn_queue_full\":8,\"other\":0},\"causes_split\":true,"
			  "\"causes_source\":\"precise\",\"causes_unsplit_reason\":null,") != NULL);
	free(out);
}

UNIT_TEST(backlog_print_text)
{
	struct bl_row r[2] = { row(), row() };
	static const char want_diag[] =
		"  ! accept queue of 127.0.0.1:7000 (nginx, pid 42) was full";
	char *out, *diag;

	r[1].drops = r[1].discarded = r[1].at_ack = r[1].synack_rtx = 0;
	r[1].raw_drops = true;
	r[1].synack_known = false; /* no synack hook: "-", never 0 */
	r[1].acceptq = r[1].acceptq_peak = r[1].synq_peak = 0;
	r[1].acceptq_limit = r[1].synq_limit = 128;
	r[1].lport = 80;
	r[1].split = BL_NOSPLIT_NO_MIB;
	r[1].mib_known = false;
	r[1].owner_conf = TL_OWNER_UNKNOWN;
	out = render(false, r, 2);
	diag = strstr(out, "  ! ");
	CHECK(!strncmp(out, "tcpline backlog ", 16));
	CHECK(strstr(out, "  interval 1.00 s  listeners 2, troubled 1  causes: netns\n") != NULL);
	CHECK(strstr(out,
		     "\n     NETNS LOCAL                      PID COMM                ACCEPTQ        "
		     "SYNQ  DROPS   TOTAL AT_SYN AT_ACK SYNQ_FULL OTHER DISCARDS SYNACK_RTX "
		     "COOKIES\n"
		     "4026532246 127.0.0.1:7000              42 nginx                 2/2/1      "
		     "0/10/1      8      24      0      8         0     0        8         10       "
		     "0\n"
		     "4026532246 127.0.0.1:80                 - -                   0/0/128     "
		     "0/0/128      0      24      -      0         -     -        -          -       "
		     "-\n") != NULL);
	CHECK(diag && !strncmp(diag, want_diag, strlen(want_diag)));
	/* one diagnosis: the quiet listener has none */
	CHECK(diag && !strstr(diag + 4, "  ! "));
	CHECK(out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] == '\n');
	free(out);
}
