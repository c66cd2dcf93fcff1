// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * report_summary_json.c - `report --summary --json`: the summary as one JSON
 * object, the same tables as the text (docs/json.md, "type": "summary").
 */
#include <stdio.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "output/format.h"
#include "output/json_writer.h"
#include "kernel/names.h"
#include "report/latency_print.h"
#include "report/report_summary_json.h"

void tl_summary_json_hist(struct json_writer *jw, const struct tl_hist *h)
{
	jw_uint_field(jw, "n", h->n);
	jw_uint_field(jw, "p50_ns", tl_hist_pct(h, 0.50));
	jw_uint_field(jw, "p90_ns", tl_hist_pct(h, 0.90));
	jw_uint_field(jw, "p99_ns", tl_hist_pct(h, 0.99));
	jw_uint_field(jw, "max_ns", h->max);
}

static void addr_field(struct json_writer *jw, const char *name, uint8_t family,
		       const uint8_t a[16])
{
	char buf[TL_ADDR_LEN];

	jw_string_field(jw, name, tl_fmt_addr(family, a, buf, sizeof(buf)));
}

static void state_field(struct json_writer *jw, const struct tl_rec_meta *m, int st)
{
	const char *n = tl_names_get(&m->names, TL_NAMES_STATE, (uint32_t)st);
	char num[16];

	if (!n) {
		snprintf(num, sizeof(num), "%d", st);
		n = num;
	}
	jw_string_field(jw, "state", n);
}

static void recording(struct json_writer *jw, const struct tl_summary_info *info)
{
	const struct tl_rec_meta *m = info->meta;
	char t[TL_RFC3339_LEN];

	jw_string_field(jw, "host", m->host);
	jw_string_field(jw, "kernel", m->kernel);
	jw_string_field(jw, "machine", m->machine[0] ? m->machine : NULL);
	jw_string_field(jw, "tool_version", m->tool_version);
	jw_string_field(jw, "command", m->cmdline);
	jw_uint_field(jw, "files", (uint64_t)info->nfiles);
	jw_bool_field(jw, "damaged", info->damaged);
	jw_string_field(jw, "start", tl_clock_rfc3339(&m->clock, info->first_ts, t));
	jw_string_field(jw, "end", tl_clock_rfc3339(&m->clock, info->last_ts, t));
	jw_uint_field(jw, "duration_ns",
		      info->last_ts > info->first_ts ? info->last_ts - info->first_ts : 0);
}

static void outcomes(struct json_writer *jw, const struct tl_summary *s)
{
	jw_name(jw, "outcomes");
	jw_start_object(jw);
	for (int e = 0; e <= TL_END_MAX; e++)
		if (s->ends[e])
			jw_uint_field(jw, e < TL_END_MAX ? tl_end_name(e) : "unknown", s->ends[e]);
	jw_end_object(jw);
}

static void time_in_state(struct json_writer *jw, const struct tl_summary *s,
			  const struct tl_rec_meta *m)
{
	jw_name(jw, "time_in_state");
	jw_start_array(jw);
	for (int st = 0; st < TL_SUMMARY_NSTATES; st++) {
		const struct tl_hist *h = &s->dwell[st];

		if (!h->n)
			continue;
		jw_start_object(jw);
		state_field(jw, m, st);
		tl_summary_json_hist(jw, h);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

static void slowest(struct json_writer *jw, const char *name, const struct tl_slow *top)
{
	jw_name(jw, name);
	jw_start_array(jw);
	for (int i = 0; i < TL_TOP_SLOW && top[i].dwell; i++) {
		const struct tl_lifeline *l = &top[i].l;

		jw_start_object(jw);
		jw_uint_field(jw, "dwell_ns", top[i].dwell);
		jw_uint_field(jw, "netns", l->netns);
		jw_string_field(jw, "family", tl_family_name(l->family));
		addr_field(jw, "laddr", l->family, l->laddr);
		jw_uint_field(jw, "lport", l->lport);
		addr_field(jw, "raddr", l->family, l->raddr);
		jw_uint_field(jw, "rport", l->rport);
		jw_uint_field(jw, "cookie", l->cookie);
		jw_string_field(jw, "end", tl_end_name(l->end < TL_END_MAX ? l->end : TL_END_OPEN));
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

/* The heaviest entries; "exact": false when a count may include others' (space-saving). */
static void top(struct json_writer *jw, const char *name, const struct tl_heavy *t,
		enum tl_key_kind kind, const char *unit)
{
	struct tl_heavy_entry e[TL_HEAVY];
	int n = tl_heavy_top(t, e);

	jw_name(jw, name);
	jw_start_array(jw);
	for (int i = 0; i < n; i++) {
		jw_start_object(jw);
		if (kind == TL_KEY_PORT) {
			jw_uint_field(jw, "port", tl_key_port_of(&e[i]));
		} else {
			jw_string_field(jw, "family", tl_family_name(e[i].key[0]));
			addr_field(jw, kind == TL_KEY_PEER ? "raddr" : "laddr", e[i].key[0],
				   e[i].key + 1);
			if (kind == TL_KEY_LISTENER)
				jw_uint_field(jw, "lport", tl_key_lport_of(&e[i]));
		}
		jw_uint_field(jw, unit, e[i].count);
		jw_bool_field(jw, "exact", !e[i].err);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

static void pressure(struct json_writer *jw, const char *name, const struct tl_pressure *p)
{
	jw_name(jw, name);
	jw_start_object(jw);
	jw_uint_field(jw, "peak", p->peak);
	jw_uint_field(jw, "at_end", p->now);
	jw_end_object(jw);
}

static void lost(struct json_writer *jw, const struct tl_stats *k)
{
	jw_name(jw, "lost");
	jw_start_object(jw);
	jw_uint_field(jw, "events_recorded", k->events);
	jw_uint_field(jw, "rb_lost", k->rb_lost);
	jw_uint_field(jw, "storage_fail", k->storage_fail);
	jw_uint_field(jw, "recursion_misses", k->recursion_misses);
	jw_uint_field(jw, "listeners_untracked", k->listeners_untracked);
	jw_bool_field(jw, "complete",
		      !(k->rb_lost || k->storage_fail || k->recursion_misses ||
			k->listeners_untracked));
	jw_end_object(jw);
}

/* A table the recorder could not fill (every hook of @need missing) is null, not empty. */
static void top_or_null(struct json_writer *jw, tl_hook_mask missing, tl_hook_mask need,
			const char *name, const struct tl_heavy *t, enum tl_key_kind kind,
			const char *unit)
{
	if ((missing & need) == need)
		jw_null_field(jw, name);
	else
		top(jw, name, t, kind, unit);
}

static void unavailable_hooks(struct json_writer *jw, tl_hook_mask missing)
{
	jw_name(jw, "unavailable");
	jw_start_array(jw);
	for (int h = 0; h < TL_HOOK_MAX; h++)
		if (tl_hook_has(missing, h))
			jw_string(jw, tl_hook_name(h));
	jw_end_array(jw);
}

int tl_summary_print_json(const struct tl_summary *s, const struct tl_summary_info *info, FILE *out)
{
	struct json_writer *jw = jw_new(out);
	tl_hook_mask missing = tl_meta_hooks_missing(info->meta);
	const tl_hook_mask rtx = TL_HOOK_BIT(TL_HOOK_RETRANSMIT);
	const tl_hook_mask rst = TL_HOOK_BIT(TL_HOOK_RESET_SENT) |
				 TL_HOOK_BIT(TL_HOOK_RESET_RECEIVED);

	if (!jw)
		return -1;
	jw_start_object(jw);
	jw_string_field(jw, "type", "summary");
	recording(jw, info);
	jw_uint_field(jw, "events", s->events);
	jw_uint_field(jw, "lifelines", s->lifelines);
	outcomes(jw, s);
	time_in_state(jw, s, info->meta);
	slowest(jw, "slowest_syn_sent", s->slow_sent);
	slowest(jw, "slowest_syn_recv", s->slow_recv);
	top_or_null(jw, missing, rtx, "top_retransmit_peers", &s->rtx_peers, TL_KEY_PEER,
		    "segments");
	top_or_null(jw, missing, rtx, "top_retransmit_ports", &s->rtx_ports, TL_KEY_PORT,
		    "segments");
	top_or_null(jw, missing, rst, "top_reset_peers", &s->rst_peers, TL_KEY_PEER, "resets");
	top_or_null(jw, missing, rst, "top_reset_ports", &s->rst_ports, TL_KEY_PORT, "resets");
	top_or_null(jw, missing, TL_HOOK_BIT(TL_HOOK_SAMPLER), "listeners_with_drops",
		    &s->listeners, TL_KEY_LISTENER, "drops");
	unavailable_hooks(jw, missing);
	pressure(jw, "time_wait", &s->tw);
	pressure(jw, "close_wait", &s->cw);
	lost(jw, &info->kernel);
	jw_name(jw, "latency");
	jw_start_object(jw);
	tl_lat_json_members(jw, &s->lat, tl_summary_accept_hook(s, info));
	jw_end_object(jw);
	jw_end_object(jw);
	jw_end_line(jw);
	jw_destroy(jw);
	return 0;
}
