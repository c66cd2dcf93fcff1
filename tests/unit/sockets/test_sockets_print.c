// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_sockets_print.c - the census printers: exact text tables and the
 * exact JSON document (docs/sockets.md), strictly valid, for one population;
 * an empty census; the command line.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/socket.h>

#include "tests/unit/json_check.h"
#include "tests/unit/sockets/test_sockets_fixture.h"
#include "tests/unit/unit.h"
#include "user/sockets/sockets_options.h"
#include "user/sockets/sockets_json.h"
#include "user/sockets/sockets_text.h"

/* sk_populate() (or nothing) with the old CLOSE_WAIT owned by pid 4242, printed. */
static char *print(bool populate, bool json, uint32_t top)
{
	struct tl_census *c = tl_census_new(60 * SK_NS, NULL);
	struct tl_names names;
	struct tl_event *cw;
	char *buf = NULL;
	size_t n, len = 0;
	FILE *f = open_memstream(&buf, &len);

	sk_names(&names);
	if (populate)
		sk_populate(c);
	cw = tl_census_close_wait(c, &n);
	if (n)
		sk_own(&cw[0], 4242, "leaker");
	CHECK_INT(tl_census_finish(c), 0);
	if (json)
		CHECK_INT(tl_sockets_print_json(f, c, &names, top), 0);
	else
		tl_sockets_print_text(f, c, &names, top);
	fclose(f);
	tl_census_free(c);
	tl_names_free(&names);
	return buf;
}

UNIT_TEST(sockets_print_text_tables)
{
	char *out = print(true, false, 3);

	CHECK_STR(
		out,
		"TCP sockets: 14 in 2 network namespaces\n"
		"  ESTABLISHED              3   FIN_WAIT1                0   CLOSE_WAIT               2\n"
		"  SYN_SENT                 0   FIN_WAIT2                2   LAST_ACK                 0\n"
		"  SYN_RECV                 0   TIME_WAIT                4   LISTEN                   1\n"
		"  SYN_RECV half-open       2   CLOSE                    0   CLOSING                  0\n"
		"\n"
		"Per network namespace:\n"
		"  NETNS        TOTAL ESTABLISHED   FIN_WAIT2   TIME_WAIT  CLOSE_WAIT      LISTEN   HALF_OPEN    EPHEMERAL TW_REUSE FIN_TIMEOUT\n"
		"  4026531840      12           2           2           3           2           1           2  32768-60999        2         60s\n"
		"  4026532001       2           1           0           1           0           0           0            ?        ?           ?\n"
		"\n"
		"Top local ports (top 3 of 7):\n"
		"  NETNS       PORT  SOCKETS ESTABLISHED TIME_WAIT CLOSE_WAIT HALF_OPEN LISTEN\n"
		"  4026531840  8080        7           2         1          2         2    yes\n"
		"  4026531840 50000        1           0         1          0         0      -\n"
		"  4026531840 50001        1           0         1          0         0      -\n"
		"\n"
		"Top remote addresses (top 3 of 4):\n"
		"  NETNS      REMOTE    SOCKETS ESTABLISHED TIME_WAIT CLOSE_WAIT\n"
		"  4026531840 10.0.0.2        7           2         1          2\n"
		"  4026531840 10.0.0.3        3           0         2          0\n"
		"  4026532001 10.0.0.4        2           1         1          0\n"
		"\n"
		"TIME_WAIT per destination, against the ephemeral port range:\n"
		"  NETNS      LOCAL    DESTINATION  TIME_WAIT   EPHEMERAL    USED\n"
		"  4026531840 10.0.0.1 10.0.0.3:443         2 32768-60999  <0.01%\n"
		"  4026532001 10.0.0.1 10.0.0.4:80          1           ?       ?\n"
		"\n"
		"CLOSE_WAIT idle >= 60s, by owner: 1 socket\n"
		"  PID     COMM            NETNS      SOCKETS   OLDEST  OLDEST SOCKET\n"
		"  4242    leaker          4026531840       1    1m30s  10.0.0.1:8080 <- 10.0.0.2:40004\n"
		"\n"
		"Orphaned FIN_WAIT2 (no process; the peer has not closed):\n"
		"  NETNS          FULL TIMEWAIT TCP_FIN_TIMEOUT\n"
		"  4026531840        1        1             60s\n"
		"\n"
		"Half-open SYN_RECV (request sockets) per listener port:\n"
		"  NETNS       PORT HALF_OPEN LISTEN\n"
		"  4026531840  8080         2    yes\n");
	free(out);
}

UNIT_TEST(sockets_print_text_empty)
{
	char *out = print(false, false, 10);

	CHECK_STR(
		out,
		"TCP sockets: 0 in 0 network namespaces\n"
		"  ESTABLISHED              0   FIN_WAIT1                0   CLOSE_WAIT               0\n"
		"  SYN_SENT                 0   FIN_WAIT2                0   LAST_ACK                 0\n"
		"  SYN_RECV                 0   TIME_WAIT                0   LISTEN                   0\n"
		"  SYN_RECV half-open       0   CLOSE                    0   CLOSING                  0\n"
		"\n"
		"Per network namespace:\n"
		"  NETNS        TOTAL    EPHEMERAL TW_REUSE FIN_TIMEOUT\n"
		"\n"
		"Top local ports:\n"
		"  none\n"
		"\n"
		"Top remote addresses:\n"
		"  none\n"
		"\n"
		"TIME_WAIT per destination, against the ephemeral port range:\n"
		"  none\n"
		"\n"
		"CLOSE_WAIT idle >= 60s, by owner: 0 sockets\n"
		"\n"
		"Orphaned FIN_WAIT2 (no process; the peer has not closed): none\n"
		"\n"
		"Half-open SYN_RECV (request sockets) per listener port:\n"
		"  none\n");
	free(out);
}

UNIT_TEST(sockets_print_json_document)
{
	char *out = print(true, true, 1);

	CHECK(json_check(out, strlen(out), NULL));
	CHECK_INT(json_check_lines(out, strlen(out)), 1);
	CHECK_STR(
		out,
		"{\"type\":\"sockets\",\"sockets\":14,\"states\":{\"ESTABLISHED\":3,\"SYN_SENT\":"
		"0,\"SYN_RECV\":0,\"NEW_SYN_RECV\":2,\"FIN_WAIT1\":0,\"FIN_WAIT2\":2,\"TIME_WAIT\""
		":4,\"CLOSE\":0,\"CLOSE_WAIT\":2,\"LAST_ACK\":0,\"LISTEN\":1,\"CLOSING\":0},\"net"
		"ns\":[{\"netns\":4026531840,\"sockets\":12,\"states\":{\"ESTABLISHED\":2,\"SYN_S"
		"ENT\":0,\"SYN_RECV\":0,\"NEW_SYN_RECV\":2,\"FIN_WAIT1\":0,\"FIN_WAIT2\":2,\"TIME"
		"_WAIT\":3,\"CLOSE\":0,\"CLOSE_WAIT\":2,\"LAST_ACK\":0,\"LISTEN\":1,\"CLOSING\":0"
		"},\"ephemeral_ports\":[32768,60999],\"tcp_tw_reuse\":2,\"tcp_fin_timeout\":60,\""
		"close_wait_idle\":1,\"orphaned_fin_wait2\":{\"full\":1,\"timewait\":1}},{\"netns"
		"\":4026532001,\"sockets\":2,\"states\":{\"ESTABLISHED\":1,\"SYN_SENT\":0,\"SYN_R"
		"ECV\":0,\"NEW_SYN_RECV\":0,\"FIN_WAIT1\":0,\"FIN_WAIT2\":0,\"TIME_WAIT\":1,\"CLO"
		"SE\":0,\"CLOSE_WAIT\":0,\"LAST_ACK\":0,\"LISTEN\":0,\"CLOSING\":0},\"ephemeral_p"
		"orts\":null,\"tcp_tw_reuse\":null,\"tcp_fin_timeout\":null,\"close_wait_idle\":0"
		",\"orphaned_fin_wait2\":{\"full\":0,\"timewait\":0}}],\"local_ports\":{\"total\""
		":7,\"rows\":[{\"netns\":4026531840,\"port\":8080,\"listening\":true,\"sockets\":"
		"7,\"established\":2,\"time_wait\":1,\"close_wait\":2,\"half_open\":2}]},\"remote"
		"_addrs\":{\"total\":4,\"rows\":[{\"netns\":4026531840,\"family\":\"ipv4\",\"radd"
		"r\":\"10.0.0.2\",\"sockets\":7,\"established\":2,\"time_wait\":1,\"close_wait\":"
		"2,\"half_open\":2}]},\"time_wait_destinations\":{\"total\":2,\"rows\":[{\"netns\""
		":4026531840,\"family\":\"ipv4\",\"laddr\":\"10.0.0.1\",\"raddr\":\"10.0.0.3\",\""
		"rport\":443,\"time_wait\":2}]},\"close_wait\":{\"min_idle_ns\":60000000000,\"soc"
		"kets\":1,\"looked_up\":1,\"total\":1,\"rows\":[{\"owner\":\"process\",\"pid\":42"
		"42,\"comm\":\"leaker\",\"netns\":4026531840,\"sockets\":1,\"oldest_idle_ns\":900"
		"00000000,\"oldest\":{\"family\":\"ipv4\",\"laddr\":\"10.0.0.1\",\"lport\":8080,\""
		"raddr\":\"10.0.0.2\",\"rport\":40004,\"cookie\":0}}]},\"half_open\":{\"total\":1"
		",\"rows\":[{\"netns\":4026531840,\"port\":8080,\"listening\":true,\"sockets\":7,"
		"\"established\":2,\"time_wait\":1,\"close_wait\":2,\"half_open\":2}]},\"limits\""
		":{\"netns\":{\"rows_max\":4096,\"uncounted\":0},\"local_ports\":{\"rows_max\":65"
		"536,\"uncounted\":0},\"remote_addrs\":{\"rows_max\":65536,\"uncounted\":0},\"tim"
		"e_wait_destinations\":{\"rows_max\":65536,\"uncounted\":0}}}\n");
	free(out);
}

UNIT_TEST(sockets_print_json_empty_is_valid)
{
	char *out = print(false, true, 10);

	CHECK(json_check(out, strlen(out), NULL));
	CHECK(strstr(out, "\"netns\":[]") != NULL);
	CHECK(strstr(out, "\"close_wait\":{\"min_idle_ns\":60000000000,\"sockets\":0,") != NULL);
	free(out);
}

UNIT_TEST(sockets_print_state_names_fall_back)
{
	char buf[32];

	CHECK_STR(tl_sockets_state_name(NULL, 13, buf, sizeof(buf)), "STATE_13");
}

static int parse(struct tl_sockets_opts *o, const char *const *args)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = (char *)"sockets";
	while (*args && argc < 15)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	tl_sockets_opts_defaults(o);
	return tl_sockets_opts_parse(o, argc, argv);
}

UNIT_TEST(sockets_options_parse)
{
	static const struct {
		const char *args[6];
		int ret;
	} cases[] = {
		{ { NULL }, 0 },
		{ { "--json", "-6", "--port", "80,443", "--top", "3" }, 0 },
		{ { "--close-wait-age", "0", "--netns", "4026531840" }, 0 },
		{ { "-4", "-6" }, -1 },
		{ { "--top", "0" }, -1 },
		{ { "--close-wait-age", "-1" }, -1 },
		{ { "--port", "0" }, -1 },
		{ { "--bogus" }, -1 },
		{ { "extra" }, -1 },
		{ { "--top" }, -1 },
	};
	struct tl_sockets_opts o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(parse(&o, cases[i].args), cases[i].ret);
	parse(&o, (const char *const[]){ NULL });
	CHECK_INT(o.close_wait_age_s, 60);
	CHECK_INT(o.top, 10);
	CHECK(!o.json);
	parse(&o, cases[1].args);
	CHECK(o.json);
	CHECK_INT(o.filter.family, AF_INET6);
	CHECK_INT(o.filter.nports, 2);
	CHECK_INT(o.filter.ports[1], 443);
	CHECK_INT(o.top, 3);
	parse(&o, cases[2].args);
	CHECK_INT(o.close_wait_age_s, 0);
	CHECK_INT(o.filter.netns, 4026531840u);
}
