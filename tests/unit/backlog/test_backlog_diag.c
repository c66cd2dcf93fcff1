// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_backlog_diag.c - cause attribution, diagnosis and /proc/net/netstat parsing. */
#include <sys/socket.h>

#include "backlog/backlog_diag.h"
#include "tests/unit/unit.h"

static struct bl_row row(uint64_t cookie, uint64_t drops, uint64_t at_ack)
{
	struct bl_row r = {
		.cookie = cookie,
		.drops = drops,
		.at_ack = at_ack,
		.has_at_ack = true,
		.netns = 4026532246u,
		.pid = 1234,
		.owner_conf = TL_OWNER_EXACT,
		.comm = "nginx",
		.lport = 8080,
		.family = AF_INET,
		.acceptq_limit = 128,
		.synq_limit = 128,
		.interval_ns = 10000000000ULL,
		.sys = { .somaxconn = 4096,
			 .max_syn_backlog = 2048,
			 .syncookies = 1,
			 .abort_on_overflow = 0,
			 .synack_retries = 5 },
	};

	r.laddr[0] = 127, r.laddr[3] = 1;
	return r;
}

static struct bl_mib mib(uint64_t overflows, uint64_t drops, uint64_t qfull, uint64_t cookies)
{
	struct bl_mib m = { { 0 } };

	m.v[BL_LISTEN_OVERFLOWS] = overflows;
	m.v[BL_LISTEN_DROPS] = drops;
	m.v[BL_REQQ_FULL_DROP] = qfull;
	m.v[BL_COOKIES_SENT] = cookies;
	return m;
}

/* One listener alone in its namespace: exact causes, drops and discards kept. */
UNIT_TEST(backlog_attribute_sole_mover)
{
	static const struct {
		uint64_t drops, at_ack, discarded; /* the listener's, from its records */
		uint64_t overflows, listen_drops, qfull; /* namespace deltas */
		uint8_t split;
		uint64_t at_syn, synq_full, other;
	} cases[] = {
		/* accept queue full at SYN: 16 SYNs */
		{ 16, 0, 0, 16, 16, 0, BL_SPLIT_OK, 16, 0, 0 },
		/* at the third ACK: each overflow's second sk_drops count is a discard */
		{ 8, 8, 8, 8, 8, 0, BL_SPLIT_OK, 0, 0, 0 },
		/* SYN queue full, syncookies off */
		{ 11, 0, 0, 0, 11, 11, BL_SPLIT_OK, 0, 11, 0 },
		/* the 3/4 rule: ListenDrops only */
		{ 7, 0, 0, 0, 7, 0, BL_SPLIT_OK, 0, 0, 7 },
		/* 18 retransmitted SYNs of pending requests on top of 11 drops */
		{ 11, 0, 18, 0, 11, 11, BL_SPLIT_OK, 0, 11, 0 },
		/* mixed: 3 at SYN, 2 at ACK, 4 SYN queue, 1 other */
		{ 10, 2, 2, 5, 10, 4, BL_SPLIT_OK, 3, 4, 1 },
		/* the namespace saw more than the listener (drops between the readings)
		 * or fewer, all of one cause: the listener's drops had it (a flood) */
		{ 5000, 0, 0, 6000, 6000, 0, BL_SPLIT_OK, 5000, 0, 0 },
		{ 212032, 0, 0, 0, 209514, 209514, BL_SPLIT_OK, 0, 212032, 0 },
		{ 900, 0, 0, 0, 700, 0, BL_SPLIT_OK, 0, 0, 900 },
		/* ... with the namespace's own counters a drop apart (read skew) */
		{ 211443, 0, 0, 0, 209000, 209001, BL_SPLIT_OK, 0, 211443, 0 },
		{ 211443, 0, 0, 0, 209001, 209000, BL_SPLIT_OK, 0, 211443, 0 },
		/* too few to tell a cause from the skew: not split */
		{ 3, 0, 0, 2, 2, 0, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
		{ 1, 0, 0, 0, 0, 0, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
		/* the counters disagree and the namespace had two causes */
		{ 6000, 0, 0, 2000, 5000, 3000, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
		/* ... or a third ACK overflowed */
		{ 6000, 1, 1, 5000, 7000, 0, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
		/* more overflows at the ACK than the namespace counted */
		{ 4, 4, 4, 3, 4, 0, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
		/* causes that do not fit in the drops */
		{ 4, 0, 0, 3, 4, 2, BL_NOSPLIT_INCONSISTENT, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bl_row r[3] = { row(1, cases[i].drops, cases[i].at_ack), row(2, 0, 0),
				       row(3, 0, 0) };
		struct bl_mib d = mib(cases[i].overflows, cases[i].listen_drops, cases[i].qfull, 0);

		r[0].discarded = cases[i].discarded;
		/* a listener that only discarded segments did not drop: not a mover */
		r[2].discarded = 5;
		bl_attribute(r, 3, &d, false);
		if (r[0].split != cases[i].split)
			printf("case %zu\n", i);
		CHECK_INT(r[0].split, cases[i].split);
		CHECK_INT(r[0].drops, cases[i].drops);
		CHECK_INT(r[0].discarded, cases[i].discarded);
		CHECK_INT(r[0].at_syn, cases[i].at_syn);
		CHECK_INT(r[0].synq_full, cases[i].synq_full);
		CHECK_INT(r[0].other, cases[i].other);
		/* the quiet listeners: nothing dropped, exactly */
		for (int k = 1; k < 3; k++) {
			CHECK_INT(r[k].split, BL_SPLIT_OK);
			CHECK_INT(r[k].drops, 0);
			CHECK_INT(r[k].at_syn + r[k].synq_full + r[k].other, 0);
		}
		CHECK_INT(r[2].discarded, 5);
		/* split causes partition the listener's drops (the namespace's when they agree) */
		if (cases[i].split == BL_SPLIT_OK)
			CHECK_INT(r[0].at_syn + r[0].at_ack + r[0].synq_full + r[0].other,
				  cases[i].drops);
	}
}

/* Several listeners of one namespace dropped: exact drops, SYN-time causes shared. */
UNIT_TEST(backlog_attribute_shared)
{
	static const struct {
		uint64_t drops[3], at_ack[3], discarded[3];
		uint64_t overflows, listen_drops, qfull;
	} cases[] = {
		/* two listeners, SYN queue full on both */
		{ { 11, 9, 0 }, { 0, 0, 0 }, { 3, 0, 0 }, 0, 20, 20 },
		/* one overflowing at the third ACK, one at the SYN; a third quiet */
		{ { 3, 6, 0 }, { 1, 0, 0 }, { 1, 0, 4 }, 7, 9, 0 },
		/* three movers */
		{ { 1, 2, 3 }, { 0, 2, 0 }, { 0, 2, 7 }, 2, 6, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bl_mib d = mib(cases[i].overflows, cases[i].listen_drops, cases[i].qfull, 5);
		struct bl_row r[3];
		uint64_t sum = 0;

		for (int k = 0; k < 3; k++) {
			r[k] = row(k + 1, cases[i].drops[k], cases[i].at_ack[k]);
			r[k].discarded = cases[i].discarded[k];
		}
		bl_attribute(r, 3, &d, false);
		for (int k = 0; k < 3; k++) {
			CHECK_INT(r[k].split, cases[i].drops[k] ? BL_NOSPLIT_SHARED : BL_SPLIT_OK);
			CHECK_INT(r[k].drops, cases[i].drops[k]);
			CHECK_INT(r[k].at_ack, cases[i].at_ack[k]);
			CHECK_INT(r[k].discarded, cases[i].discarded[k]);
			CHECK_INT(r[k].at_syn + r[k].synq_full + r[k].other, 0);
			CHECK_INT(r[k].cookies_sent, 5);
			CHECK(r[k].mib_known);
			sum += r[k].drops;
		}
		CHECK_INT(sum, cases[i].listen_drops);
	}
	CHECK_STR(bl_nosplit_name(BL_NOSPLIT_SHARED), "shared");
}

UNIT_TEST(backlog_attribute_not_split)
{
	struct bl_row r[2] = { row(1, 4, 1), row(2, 0, 0) };
	struct bl_mib d = mib(1, 4, 0, 5);

	bl_attribute(r, 1, NULL, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_NO_MIB);
	CHECK(!r[0].mib_known);
	CHECK_INT(r[0].drops, 4);

	bl_attribute(r, 1, &d, true);
	CHECK_INT(r[0].split, BL_NOSPLIT_UNTRACKED);

	r[0] = row(1, 4, 0);
	r[0].has_at_ack = false;
	bl_attribute(r, 1, &d, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_NO_REASON);
	CHECK_INT(r[0].drops, 4);
	CHECK_STR(bl_nosplit_name(BL_NOSPLIT_NO_REASON), "no_reason");
	CHECK_STR(bl_nosplit_name(BL_NOSPLIT_MAX), "unknown");
}

/*
 * TL_LF_RAW_DROPS (no kfree_skb rx_sk): drops are sk_drops, discards
 * included, so the namespace's counters cannot be matched against them.
 */
UNIT_TEST(backlog_attribute_raw_drops)
{
	struct bl_row r[2] = { row(1, 29, 0), row(2, 0, 0) };
	struct bl_mib d = mib(0, 11, 11, 0);

	r[0].raw_drops = r[1].raw_drops = true;
	bl_attribute(r, 2, &d, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_RAW_DROPS);
	CHECK_INT(r[0].drops, 29);
	CHECK_INT(r[0].at_syn + r[0].synq_full + r[0].other, 0);
	CHECK_INT(r[1].split, BL_NOSPLIT_RAW_DROPS);
	CHECK(r[0].mib_known);
	/* raw drops are the reason even where the overflow reason is missing too */
	r[0].has_at_ack = false;
	bl_attribute(r, 2, &d, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_RAW_DROPS);
	bl_attribute(r, 2, NULL, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_NO_MIB);
	CHECK_STR(bl_nosplit_name(BL_NOSPLIT_RAW_DROPS), "raw_drops");
}

/*
 * Rows of the precise tier keep their causes, counted per listener in the
 * kernel, even when several listeners of the namespace dropped; they do not
 * make a netns-split row "shared" either.
 */
UNIT_TEST(backlog_attribute_precise)
{
	struct bl_row r[3] = { row(1, 8, 0), row(2, 11, 0), row(3, 0, 0) };
	struct bl_mib d = mib(8, 19, 11, 0);

	r[0].precise = r[1].precise = r[2].precise = true;
	r[0].at_syn = 8;
	r[1].synq_full = 11;
	r[1].raw_drops = true; /* 6.1: no rx_sk, still split */
	bl_attribute(r, 3, &d, false);
	for (int k = 0; k < 3; k++)
		CHECK_INT(r[k].split, BL_SPLIT_OK);
	CHECK_INT(r[0].at_syn, 8);
	CHECK_INT(r[0].synq_full + r[0].other, 0);
	CHECK_INT(r[1].synq_full, 11);
	CHECK_INT(r[1].at_syn + r[1].other, 0);
	CHECK_INT(r[2].at_syn + r[2].synq_full + r[2].other, 0);
	CHECK(r[0].mib_known);

	/* an interval the tier missed a drop in: back to the namespace's rules */
	r[0] = row(1, 8, 0);
	r[1] = row(2, 11, 0);
	bl_attribute(r, 2, &d, false);
	CHECK_INT(r[0].split, BL_NOSPLIT_SHARED);
	CHECK_INT(r[1].split, BL_NOSPLIT_SHARED);
}

/* The diagnosis names the cause and the numbers. */
UNIT_TEST(backlog_diagnose_table)
{
	static const struct {
		const char *name;
		uint64_t drops, at_syn, at_ack, synq_full, other, cookies;
		uint32_t synack, synq_peak, synq;
		int syncookies, abort, max_syn_backlog;
		uint8_t split;
		const char *want;
	} cases[] = {
		{ "quiet", 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2048, BL_SPLIT_OK, "" },
		{ "accept at syn", 37, 37, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2048, BL_SPLIT_OK,
		  "accept queue of 127.0.0.1:8080 (nginx, pid 1234) was full: 37 connection "
		  "attempts dropped in 10 s (37 SYNs, 0 third ACKs), limit 128 (the listen() "
		  "backlog; net.core.somaxconn=4096): the application accepts too slowly or the "
		  "backlog is too small; raise the listen() backlog (and net.core.somaxconn) or "
		  "accept faster - a longer queue adds latency" },
		{ "abort on overflow", 8, 0, 8, 0, 0, 0, 10, 0, 0, 1, 1, 2048, BL_SPLIT_OK,
		  "accept queue of 127.0.0.1:8080 (nginx, pid 1234) was full: 8 connection "
		  "attempts dropped in 10 s (0 SYNs, 8 third ACKs), limit 128 (the listen() "
		  "backlog; net.core.somaxconn=4096): the application accepts too slowly or the "
		  "backlog is too small; raise the listen() backlog (and net.core.somaxconn) or "
		  "accept faster - a longer queue adds latency; net.ipv4.tcp_abort_on_overflow=1: "
		  "the 8 clients whose third ACK overflowed were sent resets instead of being "
		  "retried" },
		{ "syn queue", 11, 0, 0, 11, 0, 0, 0, 129, 129, 0, 0, 2048, BL_SPLIT_OK,
		  "SYN queue of 127.0.0.1:8080 (nginx, pid 1234) was full: 11 SYNs dropped in 10 "
		  "s, limit 128 (it holds 129) with net.ipv4.tcp_syncookies=0: a SYN flood or a "
		  "burst larger than the backlog; set net.ipv4.tcp_syncookies=1, or raise the "
		  "listen() backlog (and net.core.somaxconn)" },
		{ "3/4 rule", 7, 0, 0, 0, 7, 0, 0, 13, 13, 0, 0, 16, BL_SPLIT_OK,
		  "7 SYNs to 127.0.0.1:8080 (nginx, pid 1234) were dropped in 10 s by the "
		  "net.ipv4.tcp_max_syn_backlog=16 rule: with syncookies off, a SYN queue holding "
		  "more than 12 requests (3/4 of it; peak 13) answers only peers proven alive; "
		  "raise net.ipv4.tcp_max_syn_backlog or set net.ipv4.tcp_syncookies=1" },
		{ "other", 2, 0, 0, 0, 2, 0, 0, 1, 1, 1, 0, 2048, BL_SPLIT_OK,
		  "2 SYNs to 127.0.0.1:8080 (nginx, pid 1234) were dropped in 10 s with no queue "
		  "full: memory, routing or a security hook refused the request" },
		{ "cookies", 0, 0, 0, 0, 0, 21, 0, 129, 129, 1, 0, 2048, BL_SPLIT_OK,
		  "SYN queue of 127.0.0.1:8080 (nginx, pid 1234) overflowed (129, limit 128) and "
		  "its network namespace answered 21 SYNs with syncookies in 10 s: not drops, the "
		  "connections still complete, with fewer TCP options; a SYN flood or a burst "
		  "larger than the backlog - if the traffic is legitimate, raise the listen() "
		  "backlog (and net.core.somaxconn)" },
		{ "half-open", 0, 0, 0, 0, 0, 0, 12, 4, 4, 1, 0, 2048, BL_SPLIT_OK,
		  "12 SYN-ACKs of 127.0.0.1:8080 (nginx, pid 1234) were retransmitted in 10 s, 4 "
		  "handshakes pending (peak 4): clients do not complete the handshake - their ACKs "
		  "are lost or dropped on the way, or the SYNs were spoofed; each pending handshake "
		  "is retried net.ipv4.tcp_synack_retries=5 times" },
		{ "shared", 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2048, BL_NOSPLIT_SHARED,
		  "127.0.0.1:8080 (nginx, pid 1234) dropped 9 connection attempts in 10 s; their "
		  "causes cannot be split (other listeners of the network namespace dropped in the "
		  "same interval and the kernel counts the SYN-time causes per namespace only)" },
		{ "raw", 29, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2048, BL_NOSPLIT_RAW_DROPS,
		  "127.0.0.1:8080 (nginx, pid 1234) dropped 29 segments in 10 s; their causes "
		  "cannot be split (this kernel does not name the socket of a dropped segment, so "
		  "the count includes discarded segments)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bl_row r = row(1, cases[i].drops, cases[i].at_ack);
		char buf[1024];
		size_t n;

		r.drops = cases[i].drops;
		r.at_syn = cases[i].at_syn;
		r.synq_full = cases[i].synq_full;
		r.other = cases[i].other;
		r.cookies_sent = cases[i].cookies;
		r.mib_known = true;
		r.synack_rtx = cases[i].synack;
		r.synq_peak = cases[i].synq_peak;
		r.synq = cases[i].synq;
		r.sys.syncookies = cases[i].syncookies;
		r.sys.abort_on_overflow = cases[i].abort;
		r.sys.max_syn_backlog = cases[i].max_syn_backlog;
		r.split = cases[i].split;
		r.raw_drops = cases[i].split == BL_NOSPLIT_RAW_DROPS;
		n = bl_diagnose(&r, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want))
			printf("case %s\n", cases[i].name);
		CHECK_STR(buf, cases[i].want);
		CHECK_INT(n, strlen(cases[i].want));
	}
}

UNIT_TEST(backlog_diagnose_owner_and_cut)
{
	struct bl_row r = row(1, 5, 0);
	char buf[40];

	r.drops = 5;
	r.other = 5;
	r.owner_conf = TL_OWNER_UNKNOWN;
	r.acceptq_limit = 4096; /* = somaxconn: capped */
	CHECK_INT(bl_diagnose(&r, buf, sizeof(buf)), 39);
	CHECK_STR(buf, "5 SYNs to 127.0.0.1:8080 (owner unknown");
	r.owner_conf = TL_OWNER_EXACT;
	memcpy(r.comm, "a\033[2Jb", 7);
	r.other = 0;
	r.at_syn = 5;
	{
		char big[1024];

		bl_diagnose(&r, big, sizeof(big));
		CHECK(strstr(big, "(a\\x1b[2Jb, pid 1234)") != NULL);
		CHECK(strstr(big, "limit 4096 (the listen() backlog capped by "
				  "net.core.somaxconn=4096)") != NULL);
	}
}
