// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_sockets_fixture.c - see test_sockets_fixture.h. */
#include <string.h>
#include <sys/socket.h>

#include "tests/unit/sockets/test_sockets_fixture.h"
#include "user/core/model.h"

struct tl_event sk_ev(uint32_t netns, uint8_t st, uint16_t lport, uint16_t rport)
{
	struct tl_event ev = {
		.type = TL_EV_SOCK,
		.netns = netns,
		.old_state = st,
		.family = AF_INET,
		.lport = lport,
		.rport = rport,
		.laddr = { 10, 0, 0, 1 },
		.raddr = { 10, 0, 0, 2 },
		.segs = 1,
		.flags = TL_F_PREEXISTING | TL_F_STATS,
		.dwell_ns = SK_NS,
		.reason = TL_REASON_NONE,
	};

	if (st == TL_TCP_LISTEN)
		memset(ev.raddr, 0, sizeof(ev.raddr));
	return ev;
}

void sk_own(struct tl_event *ev, uint32_t pid, const char *comm)
{
	ev->pid = pid;
	ev->owner_conf = TL_OWNER_EXACT;
	memset(ev->comm, 0, sizeof(ev->comm));
	strncpy(ev->comm, comm, sizeof(ev->comm) - 1);
}

/* Timewait and request sockets have no file, no stats, no idle time. */
static struct tl_event no_sock(struct tl_event ev)
{
	bool tw = ev.old_state == TL_TCP_TIME_WAIT || ev.old_state == TL_TCP_FIN_WAIT2;

	ev.segs = 0;
	ev.flags = TL_F_PREEXISTING | (tw ? TL_F_TIMEWAIT : 0);
	ev.dwell_ns = TL_DWELL_UNKNOWN;
	return ev;
}

static struct tl_event to(struct tl_event ev, uint8_t last_octet)
{
	ev.raddr[3] = last_octet;
	return ev;
}

void sk_populate(struct tl_census *c)
{
	const struct tl_netns_sysctls sys = { true, 32768, 60999, 2, 60 };
	const uint32_t a = SK_NS_A, b = SK_NS_B;
	struct tl_event v[14];
	int n = 0;

	tl_census_set_sysctls(c, a, &sys);
	v[n++] = sk_ev(a, TL_TCP_LISTEN, 8080, 0);
	v[n++] = sk_ev(a, TL_TCP_ESTABLISHED, 8080, 40000);
	v[n++] = sk_ev(a, TL_TCP_ESTABLISHED, 8080, 40001);
	v[n++] = no_sock(sk_ev(a, TL_TCP_NEW_SYN_RECV, 8080, 40002));
	v[n++] = no_sock(sk_ev(a, TL_TCP_NEW_SYN_RECV, 8080, 40003));
	v[n] = sk_ev(a, TL_TCP_CLOSE_WAIT, 8080, 40004);
	v[n++].dwell_ns = 90 * SK_NS;
	v[n] = sk_ev(a, TL_TCP_CLOSE_WAIT, 8080, 40005);
	v[n++].dwell_ns = 5 * SK_NS;
	v[n++] = to(no_sock(sk_ev(a, TL_TCP_TIME_WAIT, 50000, 443)), 3);
	v[n++] = to(no_sock(sk_ev(a, TL_TCP_TIME_WAIT, 50001, 443)), 3);
	v[n++] = no_sock(sk_ev(a, TL_TCP_TIME_WAIT, 8080, 40006));
	v[n++] = to(no_sock(sk_ev(a, TL_TCP_FIN_WAIT2, 50002, 443)), 3);
	v[n] = to(sk_ev(a, TL_TCP_FIN_WAIT2, 50003, 80), 4);
	v[n++].segs = 0;
	v[n++] = to(sk_ev(b, TL_TCP_ESTABLISHED, 50004, 80), 4);
	v[n++] = to(no_sock(sk_ev(b, TL_TCP_TIME_WAIT, 1234, 80)), 4);
	for (int i = 0; i < n; i++)
		tl_census_add(c, &v[i]);
}

void sk_names(struct tl_names *n)
{
	static const char *const states[] = {
		NULL,	     "ESTABLISHED", "SYN_SENT",	    "SYN_RECV",	  "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT",   "CLOSE",	    "CLOSE_WAIT", "LAST_ACK",
		"LISTEN",    "CLOSING",	    "NEW_SYN_RECV",
	};

	tl_names_init(n);
	for (uint32_t i = 1; i < sizeof(states) / sizeof(states[0]); i++)
		tl_names_set(n, TL_NAMES_STATE, i, states[i]);
}
