// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockets_json.c - the census as one JSON document; see sockets_json.h, docs/sockets.md. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "output/format.h"
#include "output/json_writer.h"
#include "core/model.h"
#include "sockets/sockets_json.h"
#include "sockets/sockets_text.h"

#define NAME_LEN 32

static void addr_field(struct json_writer *jw, const char *name, uint8_t family,
		       const uint8_t a[16])
{
	char buf[TL_ADDR_LEN];

	jw_string_field(jw, name, tl_fmt_addr(family, a, buf, sizeof(buf)));
}

/* Every state of the order, zero or not, then any other state seen. */
static void states_object(struct json_writer *jw, const struct tl_names *names,
			  const uint64_t states[TL_CENSUS_STATES])
{
	char buf[NAME_LEN];

	jw_name(jw, "states");
	jw_start_object(jw);
	for (size_t i = 0; i < sizeof(tl_sockets_state_order); i++) {
		unsigned int st = tl_sockets_state_order[i];

		jw_uint_field(jw, tl_sockets_state_name(names, st, buf, sizeof(buf)), states[st]);
	}
	for (unsigned int st = 0; st < TL_CENSUS_STATES; st++)
		if (states[st] &&
		    !memchr(tl_sockets_state_order, st, sizeof(tl_sockets_state_order)))
			jw_uint_field(jw, tl_sockets_state_name(names, st, buf, sizeof(buf)),
				      states[st]);
	jw_end_object(jw);
}

static void sysctls_fields(struct json_writer *jw, const struct tl_netns_sysctls *s)
{
	if (!s->valid) {
		jw_null_field(jw, "ephemeral_ports");
		jw_null_field(jw, "tcp_tw_reuse");
		jw_null_field(jw, "tcp_fin_timeout");
		return;
	}
	jw_name(jw, "ephemeral_ports");
	jw_start_array(jw);
	jw_uint(jw, s->port_lo);
	jw_uint(jw, s->port_hi);
	jw_end_array(jw);
	jw_int_field(jw, "tcp_tw_reuse", s->tw_reuse);
	jw_int_field(jw, "tcp_fin_timeout", s->fin_timeout);
}

static void netns_array(struct json_writer *jw, const struct tl_census *c,
			const struct tl_names *names)
{
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_NETNS, &n);

	jw_name(jw, "netns");
	jw_start_array(jw);
	for (size_t i = 0; i < n; i++) {
		const struct tl_census_row *r = rows[i];
		uint64_t states[TL_CENSUS_STATES], sum = 0;

		for (unsigned int st = 0; st < TL_CENSUS_STATES; st++)
			sum += states[st] = r->states[st];
		jw_start_object(jw);
		jw_uint_field(jw, "netns", r->key.netns);
		jw_uint_field(jw, "sockets", sum);
		states_object(jw, names, states);
		sysctls_fields(jw, &r->sys);
		jw_uint_field(jw, "close_wait_idle", r->close_wait_old);
		jw_name(jw, "orphaned_fin_wait2");
		jw_start_object(jw);
		jw_uint_field(jw, "full", r->fw2_orphan_full);
		jw_uint_field(jw, "timewait", r->fw2_orphan_tw);
		jw_end_object(jw);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

static void counts(struct json_writer *jw, const struct tl_census_row *r)
{
	jw_uint_field(jw, "sockets", r->n[TL_CC_SOCKETS]);
	jw_uint_field(jw, "established", r->n[TL_CC_ESTABLISHED]);
	jw_uint_field(jw, "time_wait", r->n[TL_CC_TIME_WAIT]);
	jw_uint_field(jw, "close_wait", r->n[TL_CC_CLOSE_WAIT]);
	jw_uint_field(jw, "half_open", r->n[TL_CC_HALF_OPEN]);
}

/* A ranking: {"total": rows, "rows": [the first @top]}. */
static void ranking(struct json_writer *jw, const struct tl_census *c, const char *name,
		    enum tl_census_view v, uint32_t top)
{
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, v, &n);

	jw_name(jw, name);
	jw_start_object(jw);
	jw_uint_field(jw, "total", n);
	jw_name(jw, "rows");
	jw_start_array(jw);
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_census_row *r = rows[i];

		jw_start_object(jw);
		jw_uint_field(jw, "netns", r->key.netns);
		switch (v) {
		case TL_CV_PORTS:
		case TL_CV_HALF_OPEN:
			jw_uint_field(jw, "port", r->key.lport);
			jw_bool_field(jw, "listening", r->n[TL_CC_LISTEN] != 0);
			counts(jw, r);
			break;
		case TL_CV_REMOTES:
			jw_string_field(jw, "family", tl_family_name(r->key.family));
			addr_field(jw, "raddr", r->key.family, r->key.raddr);
			counts(jw, r);
			break;
		default:
			jw_string_field(jw, "family", tl_family_name(r->key.family));
			addr_field(jw, "laddr", r->key.family, r->key.laddr);
			addr_field(jw, "raddr", r->key.family, r->key.raddr);
			jw_uint_field(jw, "rport", r->key.rport);
			jw_uint_field(jw, "time_wait", r->n[TL_CC_TIME_WAIT]);
			break;
		}
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
}

static const char *owner_name(enum tl_cw_owner o)
{
	return o == TL_CW_PROCESS      ? "process" :
	       o == TL_CW_NOT_ACCEPTED ? "not_accepted" :
					 "no_process";
}

static void endpoint(struct json_writer *jw, const struct tl_event *ev)
{
	jw_name(jw, "oldest");
	jw_start_object(jw);
	jw_string_field(jw, "family", tl_family_name(ev->family));
	addr_field(jw, "laddr", ev->family, ev->laddr);
	jw_uint_field(jw, "lport", ev->lport);
	addr_field(jw, "raddr", ev->family, ev->raddr);
	jw_uint_field(jw, "rport", ev->rport);
	jw_uint_field(jw, "cookie", ev->cookie);
	jw_end_object(jw);
}

static void close_wait(struct json_writer *jw, const struct tl_census *c, uint32_t top)
{
	uint64_t seen, kept;
	size_t n;
	const struct tl_cw_group *g = tl_census_cw_groups(c, &n, &seen, &kept);

	jw_name(jw, "close_wait");
	jw_start_object(jw);
	jw_uint_field(jw, "min_idle_ns", tl_census_close_wait_age(c));
	jw_uint_field(jw, "sockets", seen);
	jw_uint_field(jw, "looked_up", kept);
	jw_uint_field(jw, "total", n);
	jw_name(jw, "rows");
	jw_start_array(jw);
	for (size_t i = 0; i < n && i < top; i++) {
		jw_start_object(jw);
		jw_string_field(jw, "owner", owner_name(g[i].owner));
		if (g[i].owner == TL_CW_PROCESS) {
			jw_uint_field(jw, "pid", g[i].pid);
			jw_name(jw, "comm");
			jw_string_len(jw, g[i].comm, strnlen(g[i].comm, TL_COMM_LEN));
		} else {
			jw_null_field(jw, "pid");
			jw_null_field(jw, "comm");
		}
		jw_uint_field(jw, "netns", g[i].netns);
		jw_uint_field(jw, "sockets", g[i].sockets);
		jw_uint_field(jw, "oldest_idle_ns", g[i].oldest_idle_ns);
		endpoint(jw, &g[i].oldest);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
}

static void limits(struct json_writer *jw, const struct tl_census *c)
{
	static const char *const what[TL_CT_MAX] = {
		[TL_CT_NETNS] = "netns",
		[TL_CT_PORT] = "local_ports",
		[TL_CT_REMOTE] = "remote_addrs",
		[TL_CT_DEST] = "time_wait_destinations",
	};

	jw_name(jw, "limits");
	jw_start_object(jw);
	for (int t = 0; t < TL_CT_MAX; t++) {
		jw_name(jw, what[t]);
		jw_start_object(jw);
		jw_uint_field(jw, "rows_max", tl_census_rows_max(c, t));
		jw_uint_field(jw, "uncounted", tl_census_uncounted(c, t));
		jw_end_object(jw);
	}
	jw_end_object(jw);
}

int tl_sockets_print_json(FILE *f, const struct tl_census *c, const struct tl_names *names,
			  uint32_t top)
{
	struct json_writer *jw = jw_new(f);
	uint64_t states[TL_CENSUS_STATES];

	if (!jw)
		return -ENOMEM;
	jw_start_object(jw);
	jw_string_field(jw, "type", "sockets");
	jw_uint_field(jw, "sockets", tl_census_total(c, states));
	states_object(jw, names, states);
	netns_array(jw, c, names);
	ranking(jw, c, "local_ports", TL_CV_PORTS, top);
	ranking(jw, c, "remote_addrs", TL_CV_REMOTES, top);
	ranking(jw, c, "time_wait_destinations", TL_CV_DESTS, top);
	close_wait(jw, c, top);
	ranking(jw, c, "half_open", TL_CV_HALF_OPEN, top);
	limits(jw, c);
	jw_end_object(jw);
	jw_end_line(jw);
	jw_destroy(jw);
	return 0;
}
