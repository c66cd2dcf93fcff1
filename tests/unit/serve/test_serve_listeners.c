// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_serve_listeners.c - serve_listeners: TIME_WAIT and CLOSE_WAIT gauges per namespace from a socket dump. */
#include <stdlib.h>

#include "tests/unit/unit.h"
#include "user/serve/exposition.h"
#include "user/serve/serve_listeners.h"

static struct tl_event sock(uint32_t netns, uint8_t state, bool timewait)
{
	return (struct tl_event){ .type = TL_EV_SOCK,
				  .netns = netns,
				  .old_state = state,
				  .flags = timewait ? TL_F_TIMEWAIT : 0 };
}

static void check_line(const char *page, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(page, want))
		unit_fail(__FILE__, __LINE__, "missing line: %s", line);
}

UNIT_TEST(census_counts_per_namespace)
{
	struct tl_registry *r = tl_registry_new(100);
	struct tl_serve_families fam;
	struct tl_serve_listeners *l;
	struct tl_event evs[] = {
		sock(7, TL_TCP_TIME_WAIT, true),   sock(7, TL_TCP_TIME_WAIT, true),
		sock(7, TL_TCP_FIN_WAIT2, true), /* a timewait socket still in FIN_WAIT2 */
		sock(7, TL_TCP_CLOSE_WAIT, false), sock(7, TL_TCP_ESTABLISHED, false),
		sock(9, TL_TCP_LISTEN, false), /* no TIME_WAIT or CLOSE_WAIT: 0, not absent */
		sock(9, TL_TCP_TIME_WAIT, false), /* a full socket never reports TIME_WAIT: ignored */
	};
	struct tl_event other = { .type = TL_EV_STATE, .netns = 11, .old_state = TL_TCP_TIME_WAIT };
	size_t len;
	char *page;

	CHECK_INT(tl_serve_families_add(r, &fam), 0);
	l = tl_serve_listeners_new(&fam, 0, false);
	CHECK(l != NULL);
	tl_serve_census_begin(l);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		tl_serve_census_sock(l, &evs[i]);
	tl_serve_census_sock(l, &other); /* not a dump record */
	tl_serve_census_end(l);
	page = tl_expo_render(r, &len);
	check_line(page, "tcpline_time_wait_sockets{netns=\"7\"} 2");
	check_line(page, "tcpline_close_wait_sockets{netns=\"7\"} 1");
	check_line(page, "tcpline_time_wait_sockets{netns=\"9\"} 0");
	check_line(page, "tcpline_close_wait_sockets{netns=\"9\"} 0");
	CHECK(!strstr(page, "netns=\"11\""));
	free(page);
	/* the next dump replaces the gauges: namespace 7 is gone */
	tl_serve_census_begin(l);
	tl_serve_census_sock(l, &evs[5]);
	tl_serve_census_end(l);
	page = tl_expo_render(r, &len);
	CHECK(!strstr(page, "netns=\"7\""));
	check_line(page, "tcpline_time_wait_sockets{netns=\"9\"} 0");
	free(page);
	tl_serve_listeners_free(l);
	tl_registry_free(r);
}
