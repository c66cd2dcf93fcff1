// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_json_why.c - the lifeline members saying why and how a connection ended. */
#include <string.h>

#include "tests/unit/unit.h"
#include "user/output/json_why.h"

static char buf[TL_JSON_WHY_ROOM + 1];

static const char *why(const struct tl_lifeline *l)
{
	char *p = buf;

	p = tl_json_timeout(p, l);
	p = tl_json_keepalive(p, l);
	p = tl_json_close(p, l);
	p = tl_json_zero_window(p, l);
	*p = '\0';
	CHECK((size_t)(p - buf) <= TL_JSON_WHY_ROOM);
	return buf;
}

UNIT_TEST(json_why_nothing_known_is_null)
{
	struct tl_lifeline l = { 0 };

	CHECK_STR(why(&l), ",\"timeout\":null,\"timeout_attempts\":null,\"timeout_after_ns\":null,"
			   "\"keepalive\":null,\"close\":null,\"zero_window\":null");
}

UNIT_TEST(json_why_all_known)
{
	struct tl_lifeline l = { 0 };

	l.timeout = TL_TO_USER;
	l.timeout_attempts = 5;
	l.timeout_ms = 1500;
	l.ka_on = true;
	l.ka_idle_s = 1;
	l.ka_intvl_s = 2;
	l.ka_cnt = 3;
	l.ka_probes = 4;
	l.ka_probes_known = true;
	l.close = TL_CLOSE_GRACEFUL;
	l.zw_stalls = 1;
	l.zw_stalled_ms = 2500;
	l.zw_probes = 4;
	CHECK_STR(why(&l),
		  ",\"timeout\":\"user_timeout\",\"timeout_attempts\":5,"
		  "\"timeout_after_ns\":1500000000,\"keepalive\":{\"idle_ns\":1000000000,"
		  "\"interval_ns\":2000000000,\"count\":3,\"probes\":4},\"close\":\"graceful\","
		  "\"zero_window\":{\"stalls\":1,\"stalled_ns\":2500000000,\"probes\":4}");
}

UNIT_TEST(json_why_the_largest_values_fit)
{
	struct tl_lifeline l;

	memset(&l, 0xff, sizeof(l));
	l.timeout = TL_TO_RETRANSMIT;
	l.timeout_ms = TL_DETAIL_NONE - 1;
	l.ka_on = l.ka_probes_known = true;
	l.ka_idle_s = l.ka_intvl_s = TL_KA_S_NONE - 1;
	l.close = TL_CLOSE_ABORTIVE;
	CHECK(strstr(why(&l), "\"timeout_after_ns\":4294967294000000,"));
	CHECK(strstr(buf, "\"zero_window\":{\"stalls\":65535,\"stalled_ns\":4294967295000000,"));
}
