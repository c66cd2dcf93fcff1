// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_latency.c - latency by port (report/latency.h, latency_print.h) and
 * the accept wait a lifeline gets from accept() (core/conn.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/conn.h"
#include "report/latency_print.h"
#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"

#define MS 1000000ULL
#define NONE TL_DWELL_UNKNOWN

/* A lifeline of @n states (state, dwell) on local port @lport, remote @rport. */
static struct tl_lifeline life(uint16_t lport, uint16_t rport, const uint8_t *st,
			       const uint64_t *dw, int n, uint64_t accept_wait_1)
{
	struct tl_lifeline l = { .lport = lport, .rport = rport, .accept_wait_1 = accept_wait_1 };

	for (int i = 0; i < n; i++)
		l.states[i] = tl_dwell_make(st[i], dw[i]);
	l.nstates = (uint8_t)n;
	return l;
}

static const uint8_t SERVER[] = { TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT,
				  TL_TCP_LAST_ACK };
static const uint8_t CLIENT[] = { TL_TCP_SYN_SENT, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT,
				  TL_TCP_LAST_ACK };
static const uint8_t LISTENER[] = { TL_TCP_LISTEN };

UNIT_TEST(latency_sides_and_what_is_measured)
{
	static const struct {
		const uint8_t *st;
		int n;
		uint16_t lport, rport;
		bool preexisting;
		int side; /* TL_LAT_SIDES: in no table */
	} cases[] = {
		{ SERVER, 4, 8080, 40000, false, TL_LAT_LISTEN },
		{ CLIENT, 4, 40000, 80, false, TL_LAT_CLIENT },
		{ LISTENER, 1, 8080, 0, false, TL_LAT_SIDES },
		{ SERVER + 1, 3, 22, 51000, true, TL_LAT_LISTEN }, /* opening unseen: lower port */
		{ SERVER + 1, 3, 51000, 443, true, TL_LAT_CLIENT },
		{ SERVER + 1, 1, 51000, 443, false,
		  TL_LAT_SIDES }, /* never seen opening, not old */
	};
	uint64_t dw[4] = { 1 * MS, 2 * MS, 3 * MS, 4 * MS };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_latency *t = calloc(1, sizeof(*t));
		struct tl_lifeline l =
			life(cases[i].lport, cases[i].rport, cases[i].st, dw, cases[i].n, 0);

		l.preexisting = cases[i].preexisting;
		CHECK_INT(tl_lat_side_of(&l), cases[i].side);
		tl_lat_add(t, &l);
		for (int s = 0; s < TL_LAT_SIDES; s++)
			CHECK_INT(t->side[s].n, s == cases[i].side);
		if (cases[i].side != TL_LAT_SIDES) {
			const struct tl_lat_row *r = &t->side[cases[i].side].rows[0];

			CHECK_INT(r->port,
				  cases[i].side == TL_LAT_LISTEN ? cases[i].lport : cases[i].rport);
			CHECK_INT(r->lifelines, 1);
			/* each measure only on its side, CLOSE_WAIT on both */
			for (int w = 0; w < TL_LAT_WHATS; w++)
				CHECK_INT(r->h[w].n,
					  tl_lat_applies(cases[i].side, w) && w != TL_LAT_ACCEPT &&
						  (cases[i].n == 4 || w == TL_LAT_CLOSE_WAIT));
		}
		free(t);
	}
}

UNIT_TEST(latency_percentiles_per_port)
{
	/* 100 handshakes of 1..100 ms on 8080: p50 in the bucket of 50 ms, max exact */
	static const struct {
		double p;
		uint64_t exact;
	} want[] = { { 0.50, 50 * MS }, { 0.90, 90 * MS }, { 0.99, 99 * MS } };
	struct tl_latency *t = calloc(1, sizeof(*t));
	const struct tl_hist *h;

	for (uint64_t i = 1; i <= 100; i++) {
		uint64_t dw[4] = { i * MS, 1, NONE, 1 };
		struct tl_lifeline l = life(8080, 40000 + (uint16_t)i, SERVER, dw, 4, 0);

		tl_lat_add(t, &l);
	}
	CHECK_INT(t->side[TL_LAT_LISTEN].n, 1);
	h = &t->side[TL_LAT_LISTEN].rows[0].h[TL_LAT_HANDSHAKE];
	CHECK_INT(h->n, 100);
	CHECK_INT(h->max, 100 * MS);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t p = tl_hist_pct(h, want[i].p);

		CHECK(p >= want[i].exact && (double)p <= (double)want[i].exact * 1.19);
	}
	/* an unknown CLOSE_WAIT dwell is not a 0 */
	CHECK_INT(t->side[TL_LAT_LISTEN].rows[0].h[TL_LAT_CLOSE_WAIT].n, 0);
	free(t);
}

UNIT_TEST(latency_ports_beyond_the_table_fold_into_other)
{
	struct tl_latency *t = calloc(1, sizeof(*t));
	uint64_t dw[4] = { 1 * MS, 1, 5 * MS, 1 };
	const struct tl_lat_side_tab *c = &t->side[TL_LAT_CLIENT];

	/* ports 1..TL_LAT_PORTS+4, port 1 seen twice more after the table is full */
	for (int p = 1; p <= TL_LAT_PORTS + 4; p++) {
		struct tl_lifeline l = life(50000, (uint16_t)p, CLIENT, dw, 4, 0);

		tl_lat_add(t, &l);
	}
	for (int i = 0; i < 2; i++) {
		struct tl_lifeline l = life(50000, 1, CLIENT, dw, 4, 0);

		tl_lat_add(t, &l);
	}
	CHECK_INT(c->n, TL_LAT_PORTS);
	CHECK_INT(c->rows[0].port, 1);
	CHECK_INT(c->rows[0].lifelines, 3);
	CHECK_INT(c->rows[TL_LAT_PORTS - 1].port, TL_LAT_PORTS);
	CHECK_INT(c->other.lifelines, 4);
	CHECK_INT(c->other.h[TL_LAT_CONNECT].n, 4);
	CHECK_INT(c->other.h[TL_LAT_CLOSE_WAIT].n, 4);
	free(t);
}

static char *print(const struct tl_latency *t, bool json, bool accept_hook)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (json)
		CHECK_INT(tl_lat_print_json(t, accept_hook, out), 0);
	else
		tl_lat_print_text(t, accept_hook, out);
	fclose(out);
	if (json)
		CHECK_INT(json_check_lines(buf, len), 1);
	return buf;
}

UNIT_TEST(latency_accept_wait_unavailable_is_never_zero)
{
	static const struct {
		uint64_t accept_wait_1; /* 0: accept() not seen */
		bool hook;
		const char *json, *text;
	} cases[] = {
		{ 0, false, "\"accept_wait\":null",
		  "  listen 8080   accept_wait          -          -          -          -        -\n" },
		{ 0, true, "\"accept_wait\":null",
		  "  listen 8080   accept_wait          -          -          -          -        -\n" },
		{ 1, true, "\"accept_wait\":{\"n\":1,\"p50_ns\":0,", "accept_wait        0ns" },
		{ 1 + 200 * MS, true, "\"accept_wait\":{\"n\":1,\"p50_ns\":200000000,",
		  "accept_wait      200ms      200ms" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_latency *t = calloc(1, sizeof(*t));
		uint64_t dw[4] = { 1 * MS, 1, NONE, 1 };
		struct tl_lifeline l = life(8080, 40000, SERVER, dw, 4, cases[i].accept_wait_1);
		char *j, *x;

		tl_lat_add(t, &l);
		j = print(t, true, cases[i].hook);
		x = print(t, false, cases[i].hook);
		if (!strstr(j, cases[i].json))
			unit_fail(__FILE__, __LINE__, "case %zu: %s not in %s", i, cases[i].json,
				  j);
		if (!strstr(x, cases[i].text))
			unit_fail(__FILE__, __LINE__, "case %zu: '%s' not in\n%s", i, cases[i].text,
				  x);
		CHECK(strstr(j, cases[i].hook ? "\"accept_hook\":true" : "\"accept_hook\":false"));
		CHECK(!strstr(x, "did not run") == cases[i].hook);
		free(j);
		free(x);
		free(t);
	}
}

UNIT_TEST(conn_accept_wait_from_established)
{
	static const struct {
		uint8_t states[3];
		int n;
		uint64_t dwells[2]; /* of all but the current state */
		uint64_t enter, accept_ts, want_1; /* want_1: 1 + wait, 0 none */
	} cases[] = {
		/* accept() while ESTABLISHED */
		{ { TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED }, 2, { 1000 }, 5000, 205000, 1 + 200000 },
		/* the peer's FIN came first: back through ESTABLISHED's dwell */
		{ { TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT },
		  3,
		  { 1000, 7000 },
		  12000,
		  15000,
		  1 + 10000 },
		/* ESTABLISHED's dwell unknown: no wait, rather than a wrong one */
		{ { TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED, TL_TCP_CLOSE_WAIT },
		  3,
		  { 1000, NONE },
		  12000,
		  15000,
		  0 },
		/* its entry not seen */
		{ { TL_TCP_SYN_RECV, TL_TCP_ESTABLISHED }, 2, { 1000 }, 0, 15000, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_conn c = { 0 };
		struct tl_event ev = { .type = TL_EV_OWNER, .owner_conf = TL_OWNER_EXACT };

		for (int s = 0; s < cases[i].n; s++) {
			tl_conn_push_state(&c, cases[i].states[s], 1);
			if (s < cases[i].n - 1)
				tl_conn_close_state(&c, cases[i].dwells[s], 0);
		}
		c.enter_ns = cases[i].enter;
		ev.ts_ns = cases[i].accept_ts;
		tl_conn_take_accept(&c, &ev);
		if (c.l.accept_wait_1 != cases[i].want_1)
			unit_fail(__FILE__, __LINE__, "case %zu: accept_wait_1 %llu, want %llu", i,
				  (unsigned long long)c.l.accept_wait_1,
				  (unsigned long long)cases[i].want_1);
		/* only the first accept() counts */
		ev.ts_ns += 1000000;
		tl_conn_take_accept(&c, &ev);
		CHECK_INT(c.l.accept_wait_1, cases[i].want_1);
	}
}
