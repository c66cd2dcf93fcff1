// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* json_why.c - see json_why.h. */
#include <string.h>

#include "output/digits.h"
#include "output/json_fmt.h"
#include "output/json_why.h"

#define LIT(p, s) ((char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

/* A constant name quoted, or null. */
static char *name_or_null(char *p, const char *name)
{
	return name ? jt_quote(p, name, strlen(name)) : LIT(p, "null");
}

static char *u64_or_null(char *p, bool known, uint64_t v)
{
	return known ? tl_put_u64(p, v) : LIT(p, "null");
}

char *tl_json_timeout(char *p, const struct tl_lifeline *l)
{
	const char *name = tl_timeout_name(l->timeout);

	p = name_or_null(LIT(p, ",\"timeout\":"), name);
	p = u64_or_null(LIT(p, ",\"timeout_attempts\":"), name, l->timeout_attempts);
	return u64_or_null(LIT(p, ",\"timeout_after_ns\":"),
			   name && l->timeout_ms != TL_DETAIL_NONE,
			   (uint64_t)l->timeout_ms * 1000000);
}

static char *seconds_as_ns(char *p, uint16_t s)
{
	return u64_or_null(p, s != TL_KA_S_NONE, (uint64_t)s * 1000000000);
}

char *tl_json_keepalive(char *p, const struct tl_lifeline *l)
{
	p = LIT(p, ",\"keepalive\":");
	if (!l->ka_on)
		return LIT(p, "null");
	p = seconds_as_ns(LIT(p, "{\"idle_ns\":"), l->ka_idle_s);
	p = seconds_as_ns(LIT(p, ",\"interval_ns\":"), l->ka_intvl_s);
	p = tl_put_u64(LIT(p, ",\"count\":"), l->ka_cnt);
	p = u64_or_null(LIT(p, ",\"probes\":"), l->ka_probes_known, l->ka_probes);
	*p++ = '}';
	return p;
}

char *tl_json_close(char *p, const struct tl_lifeline *l)
{
	return name_or_null(LIT(p, ",\"close\":"), tl_close_name(l->close));
}

char *tl_json_zero_window(char *p, const struct tl_lifeline *l)
{
	p = LIT(p, ",\"zero_window\":");
	if (!l->zw_stalls)
		return LIT(p, "null");
	p = tl_put_u64(LIT(p, "{\"stalls\":"), l->zw_stalls);
	p = tl_put_u64(LIT(p, ",\"stalled_ns\":"), (uint64_t)l->zw_stalled_ms * 1000000);
	p = tl_put_u64(LIT(p, ",\"probes\":"), l->zw_probes);
	*p++ = '}';
	return p;
}
