// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* latency_print.c - the latency tables, text and JSON (see latency_print.h). */
#include <stdio.h>

#include "output/format.h"
#include "report/latency_print.h"
#include "report/report_summary_json.h"

static const char *const side_name[TL_LAT_SIDES] = { "listen", "client" };

static void text_line(const char *side, const char *port, enum tl_lat_what w,
		      const struct tl_hist *h, FILE *out)
{
	char a[TL_DURATION_LEN], b[TL_DURATION_LEN], c[TL_DURATION_LEN], d[TL_DURATION_LEN];

	if (!h->n) {
		fprintf(out, "  %-6s %-6s %-11s %10s %10s %10s %10s %8s\n", side, port,
			tl_lat_what_name(w), "-", "-", "-", "-", "-");
		return;
	}
	fprintf(out, "  %-6s %-6s %-11s %10s %10s %10s %10s %8llu\n", side, port,
		tl_lat_what_name(w), tl_fmt_duration(tl_hist_pct(h, 0.50), a, sizeof(a)),
		tl_fmt_duration(tl_hist_pct(h, 0.90), b, sizeof(b)),
		tl_fmt_duration(tl_hist_pct(h, 0.99), c, sizeof(c)),
		tl_fmt_duration(h->max, d, sizeof(d)), (unsigned long long)h->n);
}

/* Measures seen; an accept wait also when not (it is the one "-" worth saying). */
static void text_row(enum tl_lat_side s, const struct tl_lat_row *r, const char *port, FILE *out)
{
	for (int w = 0; w < TL_LAT_WHATS; w++)
		if (tl_lat_applies(s, w) && (r->h[w].n || w == TL_LAT_ACCEPT))
			text_line(side_name[s], port, w, &r->h[w], out);
}

void tl_lat_print_text(const struct tl_latency *t, bool accept_hook, FILE *out)
{
	char port[8];

	fprintf(out, "Latency by port (listen: local port, client: remote port):\n");
	fprintf(out, "  %-6s %-6s %-11s %10s %10s %10s %10s %8s\n", "side", "port", "measure",
		"p50", "p90", "p99", "max", "n");
	for (int s = 0; s < TL_LAT_SIDES; s++) {
		const struct tl_lat_side_tab *tab = &t->side[s];

		for (int i = 0; i < tab->n; i++) {
			snprintf(port, sizeof(port), "%u", tab->rows[i].port);
			text_row(s, &tab->rows[i], port, out);
		}
		if (tab->other.lifelines) {
			fprintf(out,
				"  %-6s other: %llu connections of ports beyond the first %d\n",
				side_name[s], (unsigned long long)tab->other.lifelines,
				TL_LAT_PORTS);
			text_row(s, &tab->other, "other", out);
		}
	}
	if (!accept_hook)
		fprintf(out, "  accept_wait: - (the accept hook did not run: --accept-owner "
			     "or an owner filter runs it)\n");
}

static void hist_member(struct json_writer *jw, const char *name, const struct tl_hist *h)
{
	if (!h->n) {
		jw_null_field(jw, name);
		return;
	}
	jw_name(jw, name);
	jw_start_object(jw);
	tl_summary_json_hist(jw, h);
	jw_end_object(jw);
}

static void json_row(struct json_writer *jw, enum tl_lat_side s, const struct tl_lat_row *r,
		     bool other)
{
	jw_start_object(jw);
	if (other)
		jw_null_field(jw, "port");
	else
		jw_uint_field(jw, "port", r->port);
	jw_uint_field(jw, "connections", r->lifelines);
	for (int w = 0; w < TL_LAT_WHATS; w++)
		if (tl_lat_applies(s, w))
			hist_member(jw, tl_lat_what_name(w), &r->h[w]);
	jw_end_object(jw);
}

void tl_lat_json_members(struct json_writer *jw, const struct tl_latency *t, bool accept_hook)
{
	static const char *const member[TL_LAT_SIDES] = { "listeners", "clients" };

	jw_bool_field(jw, "accept_hook", accept_hook);
	for (int s = 0; s < TL_LAT_SIDES; s++) {
		const struct tl_lat_side_tab *tab = &t->side[s];

		jw_name(jw, member[s]);
		jw_start_array(jw);
		for (int i = 0; i < tab->n; i++)
			json_row(jw, s, &tab->rows[i], false);
		if (tab->other.lifelines)
			json_row(jw, s, &tab->other, true);
		jw_end_array(jw);
	}
}

int tl_lat_print_json(const struct tl_latency *t, bool accept_hook, FILE *out)
{
	struct json_writer *jw = jw_new(out);

	if (!jw)
		return -1;
	jw_start_object(jw);
	jw_string_field(jw, "type", "latency");
	tl_lat_json_members(jw, t, accept_hook);
	jw_end_object(jw);
	jw_end_line(jw);
	jw_destroy(jw);
	return 0;
}
