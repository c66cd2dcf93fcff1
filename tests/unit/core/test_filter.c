// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_filter.c - option parsing and the user-space filters. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/filter.h"
#include "cli/filter_opts.h"
#include "core/live.h"
#include "core/view.h"
#include "trace/options.h"
#include "tests/unit/unit.h"

static const struct cidr_case {
	const char *in;
	int ok;
	uint8_t family, plen;
} cidr_cases[] = {
	{ "10.0.0.0/8", 0, AF_INET, 8 },  { "1.2.3.4", 0, AF_INET, 32 },
	{ "fd00::/64", 0, AF_INET6, 64 }, { "::1", 0, AF_INET6, 128 },
	{ "10.0.0.0/33", -1, 0, 0 },	  { "10.0.0.0/", -1, 0, 0 },
	{ "10.0.0.0/8x", -1, 0, 0 },	  { "bogus", -1, 0, 0 },
	{ "fd00::/129", -1, 0, 0 },	  { "", -1, 0, 0 },
};

UNIT_TEST(options_cidr_table)
{
	for (size_t i = 0; i < sizeof(cidr_cases) / sizeof(cidr_cases[0]); i++) {
		const struct cidr_case *k = &cidr_cases[i];
		uint8_t fam = 0, addr[16], plen = 0;
		int r = tl_parse_cidr(k->in, &fam, addr, &plen);

		if (r != k->ok)
			unit_fail(__FILE__, __LINE__, "'%s': got %d want %d", k->in, r, k->ok);
		if (!r && (fam != k->family || plen != k->plen))
			unit_fail(__FILE__, __LINE__, "'%s': family %u/%u plen %u/%u", k->in, fam,
				  k->family, plen, k->plen);
	}
}

UNIT_TEST(options_ports)
{
	uint16_t p[TL_MAX_PORTS];

	CHECK_INT(tl_parse_ports("80", p, TL_MAX_PORTS), 1);
	CHECK_INT(tl_parse_ports("80,443,8080", p, TL_MAX_PORTS), 3);
	CHECK_INT(p[2], 8080);
	CHECK_INT(tl_parse_ports("0", p, TL_MAX_PORTS), -1);
	CHECK_INT(tl_parse_ports("65536", p, TL_MAX_PORTS), -1);
	CHECK_INT(tl_parse_ports("80,", p, TL_MAX_PORTS), -1);
	CHECK_INT(tl_parse_ports(",80", p, TL_MAX_PORTS), -1);
	CHECK_INT(tl_parse_ports("-1", p, TL_MAX_PORTS), -1);
	CHECK_INT(tl_parse_ports("1,2,3", p, 2), -1);
}

static int parse(struct tl_trace_opts *o, const char *a, const char *b, const char *c)
{
	char *argv[] = { "trace", (char *)a, (char *)b, (char *)c, NULL };
	int argc = 1 + !!a + !!b + !!c;

	tl_trace_opts_defaults(o);
	return tl_trace_opts_parse(o, argc, argv);
}

UNIT_TEST(options_parse_and_reject)
{
	struct tl_trace_opts o;

	CHECK_INT(parse(&o, "--json", "--lifelines", NULL), 0);
	CHECK(o.show.json && o.show.lifelines && !o.show.events);
	CHECK_INT(parse(&o, "-4", "--port", "80,443"), 0);
	CHECK_INT(o.show.filter.family, AF_INET);
	CHECK_INT(o.show.filter.nports, 2);
	CHECK_INT(parse(&o, "--duration", "1.5", NULL), 0);
	CHECK(o.duration == 1.5);
	CHECK_INT(parse(&o, "--netns", "4026531840", NULL), 0);
	CHECK_INT(o.show.filter.netns, 4026531840u);
	CHECK_INT(parse(&o, "-p", "123", "--comm=nginx"), 0);
	CHECK_INT(o.show.filter.pid, 123);
	CHECK_STR(o.show.filter.comm, "nginx");
	CHECK(!o.accept_owner);
	CHECK_INT(parse(&o, "--accept-owner", NULL, NULL), 0);
	CHECK(o.accept_owner);
	CHECK_INT(parse(&o, "--accept-owner=1", NULL, NULL), -1);
	CHECK_INT(o.nice, TL_READER_NICE);
	CHECK_INT(parse(&o, "--nice", "-20", NULL), 0);
	CHECK_INT(o.nice, -20);
	CHECK_INT(parse(&o, "--nice", "19", NULL), 0);
	CHECK_INT(o.nice, 19);
	CHECK_INT(parse(&o, "--nice", "0", NULL), 0);
	CHECK_INT(o.nice, 0);
	CHECK_INT(parse(&o, "--nice", "20", NULL), -1);
	CHECK_INT(parse(&o, "--nice", "-21", NULL), -1);
	CHECK_INT(parse(&o, "--nice", "--5", NULL), -1);
	/* errors print one line on stderr and return -1 */
	CHECK_INT(parse(&o, "--bogus", NULL, NULL), -1);
	CHECK_INT(parse(&o, "-4", "-6", NULL), -1);
	CHECK_INT(parse(&o, "--duration", "0", NULL), -1);
	CHECK_INT(parse(&o, "--duration", NULL, NULL), -1);
	CHECK_INT(parse(&o, "--port", "http", NULL), -1);
	CHECK_INT(parse(&o, "--comm", "a-name-longer-than-15", NULL), -1);
	CHECK_INT(parse(&o, "--netns", "/nonexistent/ns", NULL), -1);
	CHECK_INT(parse(&o, "--cgroup", "/proc", NULL), -1);
	CHECK_INT(parse(&o, "extra", NULL, NULL), -1);
	CHECK_INT(parse(&o, "--max-conns", "0", NULL), -1);
	CHECK_INT(parse(&o, "--ringbuf-mb", "0", NULL), -1);
	CHECK_INT(parse(&o, "--ringbuf-mb", "1025", NULL), -1);
}

/* The ring is a power of two: the options say the size it will have. */
UNIT_TEST(options_ring_size_as_made)
{
	static const struct {
		const char *arg;
		uint32_t mb;
	} cases[] = { { NULL, 8 },  { "1", 1 },	      { "3", 4 },      { "12", 16 },
		      { "16", 16 }, { "1000", 1024 }, { "1024", 1024 } };
	struct tl_trace_opts o;
	struct tl_live_config c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&o, cases[i].arg ? "--ringbuf-mb" : NULL, cases[i].arg, NULL), 0);
		CHECK_INT(o.ringbuf_mb, cases[i].mb);
		tl_trace_live(&o, &c);
		CHECK_INT(c.load.ringbuf_mb, cases[i].mb);
		CHECK_INT(tl_ring_mb(c.load.ringbuf_mb), cases[i].mb);
	}
	CHECK_INT(tl_ring_mb(0), 1);
}

UNIT_TEST(options_live_and_view_built_from_trace)
{
	struct tl_trace_opts o;
	struct tl_live_config c;
	struct tl_view_opts vo = { 0 };

	CHECK_INT(parse(&o, "--port", "80", "--accept-owner"), 0);
	tl_trace_live(&o, &c);
	CHECK(c.load.accept_owner && !c.load.dump_only && !c.load.batch_states);
	CHECK_INT(c.load.filter.ports[0], 80);
	CHECK(c.interval == 1.0 && c.duration == 0);
	CHECK_INT(c.nice, TL_READER_NICE);
	tl_show_view(&o.show, &vo);
	CHECK(!vo.json && vo.show_events && vo.show_lifelines);
	CHECK(vo.filter == &o.show.filter);
	CHECK_INT(parse(&o, "--events", "--lifelines", "--json"), 0);
	tl_show_view(&o.show, &vo);
	CHECK(vo.json && vo.show_events && vo.show_lifelines);
	CHECK_INT(parse(&o, "--lifelines", "--duration", "2.5"), 0);
	tl_show_view(&o.show, &vo);
	CHECK(!vo.show_events && vo.show_lifelines);
	tl_trace_live(&o, &c);
	CHECK(c.duration == 2.5);
}

UNIT_TEST(filter_tuple_and_owner)
{
	struct tl_trace_opts o;
	struct tl_event e = { .family = AF_INET, .lport = 5000, .rport = 40000 };

	inet_pton(AF_INET, "10.1.2.3", e.laddr);
	inet_pton(AF_INET, "192.168.1.1", e.raddr);
	CHECK_INT(parse(&o, "--laddr", "10.0.0.0/8", NULL), 0);
	CHECK(tl_filter_event(&o.show.filter, &e));
	CHECK_INT(parse(&o, "--laddr", "10.1.2.4/31", NULL), 0);
	CHECK(!tl_filter_event(&o.show.filter, &e));
	CHECK_INT(parse(&o, "--raddr", "192.168.1.1", NULL), 0);
	CHECK(tl_filter_event(&o.show.filter, &e));
	CHECK_INT(parse(&o, "--raddr", "fd00::/8", NULL), 0);
	CHECK(!tl_filter_event(&o.show.filter, &e)); /* another family never matches */
	CHECK_INT(parse(&o, "--port", "40000", NULL), 0);
	CHECK(tl_filter_event(&o.show.filter, &e)); /* remote port */
	CHECK_INT(parse(&o, "--port", "5001", NULL), 0);
	CHECK(!tl_filter_event(&o.show.filter, &e));
	CHECK_INT(parse(&o, "-6", NULL, NULL), 0);
	CHECK(!tl_filter_event(&o.show.filter, &e));

	/* owner filters need a known owner */
	CHECK_INT(parse(&o, "-p", "77", NULL), 0);
	CHECK(!tl_filter_event(&o.show.filter, &e));
	e.owner_conf = TL_OWNER_LISTENER;
	e.pid = 77;
	CHECK(tl_filter_event(&o.show.filter, &e));
	e.pid = 78;
	CHECK(!tl_filter_event(&o.show.filter, &e));
	CHECK_INT(parse(&o, "--comm", "curl", NULL), 0);
	strcpy(e.comm, "curl");
	CHECK(tl_filter_event(&o.show.filter, &e));
	strcpy(e.comm, "curl2");
	CHECK(!tl_filter_event(&o.show.filter, &e));
}
