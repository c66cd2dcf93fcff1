// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_backlog_netns.c - a namespace's listen-queue counters and sysctls
 * (backlog/backlog_netns.h): the parser on hand-made text, the reader on
 * this process's own namespace (no privileges needed).
 */
#include <stdio.h>

#include "backlog/backlog_netns.h"
#include "tests/unit/unit.h"

UNIT_TEST(backlog_parse_netstat)
{
	struct bl_mib m;
	const char *ok = "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops "
			 "TCPReqQFullDoCookies TCPReqQFullDrop\n"
			 "TcpExt: 21 3 16 27 21 11\n"
			 "IpExt: InNoRoutes\nIpExt: 0\n";

	CHECK_INT(bl_parse_netstat(ok, &m), 0);
	CHECK_INT(m.v[BL_COOKIES_SENT], 21);
	CHECK_INT(m.v[BL_COOKIES_RECV], 3);
	CHECK_INT(m.v[BL_LISTEN_OVERFLOWS], 16);
	CHECK_INT(m.v[BL_LISTEN_DROPS], 27);
	CHECK_INT(m.v[BL_REQQ_FULL_COOKIES], 21);
	CHECK_INT(m.v[BL_REQQ_FULL_DROP], 11);
}

static const char *const bad_netstat[] = {
	"IpExt: A\nIpExt: 1\n", /* no TcpExt */
	"TcpExt: ListenDrops ListenOverflows\nTcpExt: 1\n", /* fewer values than names */
	"TcpExt: ListenDrops\nTcpExt: x1\n", /* not a number */
	"TcpExt: ListenDrops\n", /* names without values */
	"",
};

UNIT_TEST(backlog_parse_netstat_rejects_table)
{
	for (size_t i = 0; i < sizeof(bad_netstat) / sizeof(bad_netstat[0]); i++) {
		struct bl_mib m;

		if (bl_parse_netstat(bad_netstat[i], &m) != -1)
			unit_fail(__FILE__, __LINE__, "accepted: '%s'", bad_netstat[i]);
	}
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f && fscanf(f, "%d", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

UNIT_TEST(backlog_read_netns_here)
{
	struct bl_mib m;
	struct bl_sysctls s;

	CHECK_INT(bl_read_netns(&m, &s), 0);
	CHECK_INT(s.somaxconn, read_int("/proc/sys/net/core/somaxconn"));
	CHECK_INT(s.max_syn_backlog, read_int("/proc/sys/net/ipv4/tcp_max_syn_backlog"));
	CHECK_INT(s.syncookies, read_int("/proc/sys/net/ipv4/tcp_syncookies"));
	CHECK_INT(s.abort_on_overflow, read_int("/proc/sys/net/ipv4/tcp_abort_on_overflow"));
	CHECK_INT(s.synack_retries, read_int("/proc/sys/net/ipv4/tcp_synack_retries"));
	CHECK(s.somaxconn > 0);
}
