// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report_summary_text.c - the summary for people (see report_summary_text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "kernel/names.h"
#include "output/format.h"
#include "report/latency_print.h"
#include "report/report_summary_text.h"

static const char *state_name(const struct tl_rec_meta *m, int st, char *buf, size_t len)
{
	const char *n = tl_names_get(&m->names, TL_NAMES_STATE, (uint32_t)st);

	if (n)
		return n;
	snprintf(buf, len, "%d", st);
	return buf;
}

static void print_outcomes(const struct tl_summary *s, FILE *out)
{
	fprintf(out, "Connections by outcome (%llu):", (unsigned long long)s->lifelines);
	for (int e = 0; e <= TL_END_MAX; e++)
		if (s->ends[e])
			fprintf(out, "  %s %llu", e < TL_END_MAX ? tl_end_name(e) : "unknown",
				(unsigned long long)s->ends[e]);
	fputc('\n', out);
}

static void print_dwell(const struct tl_summary *s, const struct tl_rec_meta *m, FILE *out)
{
	char a[TL_DURATION_LEN], b[TL_DURATION_LEN], c[TL_DURATION_LEN], d[TL_DURATION_LEN];
	char num[16];

	fprintf(out, "Time in state:     %10s %10s %10s %10s %8s\n", "p50", "p90", "p99", "max",
		"n");
	for (int st = 0; st < TL_SUMMARY_NSTATES; st++) {
		const struct tl_hist *h = &s->dwell[st];

		if (!h->n)
			continue;
		fprintf(out, "  %-16s %10s %10s %10s %10s %8llu\n",
			state_name(m, st, num, sizeof(num)),
			tl_fmt_duration(tl_hist_pct(h, 0.50), a, sizeof(a)),
			tl_fmt_duration(tl_hist_pct(h, 0.90), b, sizeof(b)),
			tl_fmt_duration(tl_hist_pct(h, 0.99), c, sizeof(c)),
			tl_fmt_duration(h->max, d, sizeof(d)), (unsigned long long)h->n);
	}
}

static void print_slow(const struct tl_slow *top, const char *what, FILE *out)
{
	char dur[TL_DURATION_LEN], l[TL_ENDPOINT_LEN], r[TL_ENDPOINT_LEN];

	if (!top[0].dwell)
		return;
	fprintf(out, "Slowest handshakes (%s):\n", what);
	for (int i = 0; i < TL_TOP_SLOW && top[i].dwell; i++) {
		const struct tl_lifeline *x = &top[i].l;

		fprintf(out, "  %10s  %s -> %s  %s  netns %u\n",
			tl_fmt_duration(top[i].dwell, dur, sizeof(dur)),
			tl_fmt_endpoint(x->family, x->laddr, x->lport, l, sizeof(l)),
			tl_fmt_endpoint(x->family, x->raddr, x->rport, r, sizeof(r)),
			tl_end_name(x->end < TL_END_MAX ? x->end : TL_END_OPEN), x->netns);
	}
}

static void print_heavy(const struct tl_heavy *t, enum tl_key_kind kind, const char *title,
			const char *unit, FILE *out)
{
	struct tl_heavy_entry e[TL_HEAVY];
	char buf[TL_ENDPOINT_LEN];
	int n;

	if (!t->n)
		return;
	n = tl_heavy_top(t, e);
	fprintf(out, "%s:", title);
	for (int i = 0; i < n; i++) {
		if (kind == TL_KEY_PORT)
			snprintf(buf, sizeof(buf), "%u", tl_key_port_of(&e[i]));
		else if (kind == TL_KEY_PEER)
			tl_fmt_addr(e[i].key[0], e[i].key + 1, buf, sizeof(buf));
		else
			tl_fmt_endpoint(e[i].key[0], e[i].key + 1, tl_key_lport_of(&e[i]), buf,
					sizeof(buf));
		/* a space-saving count may include up to err of others' */
		fprintf(out, "  %s %s%llu%s", buf, e[i].err ? "~" : "",
			(unsigned long long)e[i].count, unit);
	}
	fputc('\n', out);
}

static void print_lost(const struct tl_stats *k, FILE *out)
{
	fprintf(out,
		"Lost events: ring buffer full %llu, socket storage failures %llu, "
		"recursion misses %llu, listeners untracked %llu (of %llu events)\n",
		(unsigned long long)k->rb_lost, (unsigned long long)k->storage_fail,
		(unsigned long long)k->recursion_misses, (unsigned long long)k->listeners_untracked,
		(unsigned long long)k->events);
	if (k->rb_lost || k->storage_fail || k->recursion_misses || k->listeners_untracked)
		fprintf(out, "WARNING: events were lost while recording: "
			     "counts and lifelines above are incomplete\n");
}

/* A table the recorder could not fill (its hook missing) says so instead of "none". */
static bool unavailable(tl_hook_mask missing, tl_hook_mask need_all, const char *title, FILE *out)
{
	char names[128];

	if ((missing & need_all) != need_all)
		return false;
	fprintf(out, "%s: - (unavailable: the recorder had no %s hook)\n", title,
		tl_hook_mask_format(need_all, names, sizeof(names)));
	return true;
}

/*
 * A recording is untrusted input: its strings (host, command line, the
 * kernel's words) are printed by the one escaping rule (format.h), as names are.
 */
static void put_safe(FILE *out, const char *s)
{
	size_t len = strlen(s);
	char *buf = malloc(TL_SAFE_LEN(len));

	if (!buf) {
		fputs("?", out);
		return;
	}
	fputs(tl_fmt_safe(s, len, buf, TL_SAFE_LEN(len)), out);
	free(buf);
}

static void print_hooks(const struct tl_rec_meta *m, FILE *out)
{
	char buf[1024];

	if (!m->hooks_known)
		return;
	if (tl_meta_hooks_missing(m)) {
		fputs("Unavailable when recorded: ", out);
		put_safe(out, tl_hook_report_missing(&m->hooks, buf, sizeof(buf)));
		fputs("\n", out);
	}
	if (m->hooks.fallback[0]) {
		fputs("Recorder's fallback: ", out);
		put_safe(out, m->hooks.fallback);
		fputs("\n", out);
	}
}

void tl_summary_print(const struct tl_summary *s, const struct tl_summary_info *info, FILE *out)
{
	tl_hook_mask missing = tl_meta_hooks_missing(info->meta);
	const tl_hook_mask rtx = TL_HOOK_BIT(TL_HOOK_RETRANSMIT);
	const tl_hook_mask rst = TL_HOOK_BIT(TL_HOOK_RESET_SENT) |
				 TL_HOOK_BIT(TL_HOOK_RESET_RECEIVED);
	const struct tl_rec_meta *m = info->meta;
	char t0[TL_RFC3339_LEN], t1[TL_RFC3339_LEN], span[TL_DURATION_LEN];
	uint64_t len = info->last_ts > info->first_ts ? info->last_ts - info->first_ts : 0;

	fputs("Recording: host ", out);
	put_safe(out, m->host);
	fputs(", kernel ", out);
	put_safe(out, m->kernel);
	fputs(" (", out);
	put_safe(out, m->machine[0] ? m->machine : "?");
	fputs("), tcpline ", out);
	put_safe(out, m->tool_version);
	fprintf(out, ", %d file%s%s\n", info->nfiles, info->nfiles == 1 ? "" : "s",
		info->damaged ? " (DAMAGED: see warnings)" : "");
	fprintf(out, "Span: %s .. %s (%s)\n", tl_clock_rfc3339(&m->clock, info->first_ts, t0),
		tl_clock_rfc3339(&m->clock, info->last_ts, t1),
		tl_fmt_duration(len, span, sizeof(span)));
	fputs("Command: ", out);
	put_safe(out, m->cmdline);
	fputs("\n", out);
	print_hooks(m, out);
	fprintf(out, "Events shown: %llu\n", (unsigned long long)s->events);
	print_outcomes(s, out);
	print_dwell(s, m, out);
	print_slow(s->slow_sent, "SYN_SENT, as client", out);
	print_slow(s->slow_recv, "SYN_RECV, as server", out);
	tl_lat_print_text(&s->lat, tl_summary_accept_hook(s, info), out);
	if (!unavailable(missing, rtx, "Top peers by retransmits", out)) {
		print_heavy(&s->rtx_peers, TL_KEY_PEER, "Top peers by retransmits", " segs", out);
		print_heavy(&s->rtx_ports, TL_KEY_PORT, "Top ports by retransmits", " segs", out);
	}
	if (!unavailable(missing, rst, "Top peers by resets", out)) {
		print_heavy(&s->rst_peers, TL_KEY_PEER, "Top peers by resets", "", out);
		print_heavy(&s->rst_ports, TL_KEY_PORT, "Top ports by resets", "", out);
	}
	if (unavailable(missing, TL_HOOK_BIT(TL_HOOK_SAMPLER), "Listeners with drops", out))
		;
	else if (s->listeners.n)
		print_heavy(&s->listeners, TL_KEY_LISTENER, "Listeners with drops", " dropped",
			    out);
	else
		fprintf(out, "Listeners with drops: none seen\n");
	fprintf(out, "TIME_WAIT: peak %llu, at end %llu;  CLOSE_WAIT: peak %llu, at end %llu\n",
		(unsigned long long)s->tw.peak, (unsigned long long)s->tw.now,
		(unsigned long long)s->cw.peak, (unsigned long long)s->cw.now);
	print_lost(&info->kernel, out);
}
