// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report_summary.c - see report_summary.h. */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "output/format.h"
#include "kernel/names.h"
#include "report/report_summary.h"
#include "report/report_summary_impl.h"

struct tl_summary *tl_summary_new(void)
{
	return calloc(1, sizeof(struct tl_summary));
}

void tl_summary_free(struct tl_summary *s)
{
	free(s);
}

static int bucket_of(uint64_t v)
{
	int lg;

	if (v < (1u << SUB_BITS))
		return (int)v;
	lg = 63 - __builtin_clzll(v);
	return (lg << SUB_BITS) | (int)((v >> (lg - SUB_BITS)) & ((1u << SUB_BITS) - 1));
}

/* The largest value of a bucket: percentiles are never understated. */
static uint64_t bucket_top(int b)
{
	int lg = b >> SUB_BITS;
	uint64_t sub = (uint64_t)(b & ((1 << SUB_BITS) - 1));

	if (b < (1 << SUB_BITS))
		return (uint64_t)b;
	if (lg == 63 && sub == (1 << SUB_BITS) - 1)
		return UINT64_MAX;
	return (((((uint64_t)1 << SUB_BITS) | sub) + 1) << (lg - SUB_BITS)) - 1;
}

static void hist_add(struct hist *h, uint64_t v)
{
	h->n++;
	h->b[bucket_of(v)]++;
	if (v > h->max)
		h->max = v;
}

uint64_t tl_summary_pct(const struct hist *h, double p)
{
	uint64_t want = (uint64_t)(p * (double)h->n + 0.999999), seen = 0;

	for (int b = 0; b < NBUCKETS; b++) {
		seen += h->b[b];
		if (seen >= want && seen)
			return bucket_top(b) < h->max ? bucket_top(b) : h->max;
	}
	return h->max;
}

/* Space-saving: a full table gives its smallest entry to the newcomer. */
static void heavy_add(struct heavy *t, const uint8_t key[20], uint64_t by)
{
	int min = 0;

	for (int i = 0; i < t->n; i++) {
		if (!memcmp(t->e[i].key, key, 20)) {
			t->e[i].count += by;
			return;
		}
		if (t->e[i].count < t->e[min].count)
			min = i;
	}
	if (t->n < HEAVY) {
		memcpy(t->e[t->n].key, key, 20);
		t->e[t->n].count = by;
		t->e[t->n++].err = 0;
		return;
	}
	memcpy(t->e[min].key, key, 20);
	t->e[min].err = t->e[min].count;
	t->e[min].count += by;
}

static void peer_key(uint8_t key[20], uint8_t family, const uint8_t addr[16])
{
	memset(key, 0, 20);
	key[0] = family;
	memcpy(key + 1, addr, 16);
}

/* The service port: servers listen on low ports, clients on ephemeral ones. */
static void port_key(uint8_t key[20], uint16_t lport, uint16_t rport)
{
	uint16_t p = !lport ? rport : !rport ? lport : lport < rport ? lport : rport;

	memset(key, 0, 20);
	key[0] = (uint8_t)p;
	key[1] = (uint8_t)(p >> 8);
}

static void listener_key(uint8_t key[20], const struct tl_event *ev)
{
	peer_key(key, ev->family, ev->laddr);
	key[17] = (uint8_t)ev->lport;
	key[18] = (uint8_t)(ev->lport >> 8);
}

static void pressure_move(struct pressure *p, bool enter, bool leave)
{
	if (enter && ++p->now > p->peak)
		p->peak = p->now;
	if (leave && p->now)
		p->now--;
}

void tl_summary_event(void *ctx, const struct tl_event *ev)
{
	struct tl_summary *s = ctx;
	uint8_t key[20];

	s->events++;
	switch (ev->type) {
	case TL_EV_STATE:
		pressure_move(&s->tw, ev->new_state == TL_TCP_TIME_WAIT,
			      ev->old_state == TL_TCP_TIME_WAIT);
		pressure_move(&s->cw, ev->new_state == TL_TCP_CLOSE_WAIT,
			      ev->old_state == TL_TCP_CLOSE_WAIT);
		break;
	case TL_EV_RETRANS:
	case TL_EV_SYNACK_RETRANS:
		peer_key(key, ev->family, ev->raddr);
		heavy_add(&s->rtx_peers, key, ev->type == TL_EV_RETRANS ? ev->segs : 1);
		port_key(key, ev->lport, ev->rport);
		heavy_add(&s->rtx_ports, key, ev->type == TL_EV_RETRANS ? ev->segs : 1);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		peer_key(key, ev->family, ev->raddr);
		heavy_add(&s->rst_peers, key, 1);
		port_key(key, ev->lport, ev->rport);
		heavy_add(&s->rst_ports, key, 1);
		break;
	case TL_EV_LISTENER:
		if (!((const struct tl_listener_rec *)ev)->drops_delta)
			break;
		listener_key(key, ev);
		heavy_add(&s->listeners, key, ((const struct tl_listener_rec *)ev)->drops_delta);
		break;
	case TL_EV_DROP:
		/* a segment dropped at a listener (full queue, bad ACK...) names it */
		if (!(ev->flags & TL_F_NO_SOCKET) &&
		    (ev->old_state == TL_TCP_LISTEN || ev->old_state == TL_TCP_NEW_SYN_RECV)) {
			listener_key(key, ev);
			heavy_add(&s->listeners, key, 1);
		}
		break;
	}
}

static void keep_slow(struct slow *top, uint64_t dwell, const struct tl_lifeline *l)
{
	int i = TOP_SLOW - 1;

	if (dwell == TL_DWELL_UNKNOWN || dwell <= top[i].dwell)
		return;
	while (i > 0 && top[i - 1].dwell < dwell) {
		top[i] = top[i - 1];
		i--;
	}
	top[i].dwell = dwell;
	top[i].l = *l;
}

void tl_summary_lifeline(void *ctx, const struct tl_lifeline *l)
{
	struct tl_summary *s = ctx;

	s->lifelines++;
	s->ends[l->end < TL_END_MAX ? l->end : TL_END_MAX]++;
	for (int i = 0; i < l->nstates && i < TL_LIFELINE_MAX_STATES; i++) {
		uint64_t ns = tl_dwell_ns(&l->states[i]);
		uint8_t st = tl_dwell_state(&l->states[i]);

		if (ns == TL_DWELL_UNKNOWN || st >= NSTATES)
			continue;
		hist_add(&s->dwell[st], ns);
		if (st == TL_TCP_SYN_SENT)
			keep_slow(s->slow_sent, ns, l);
		if (st == TL_TCP_SYN_RECV)
			keep_slow(s->slow_recv, ns, l);
	}
}

void tl_summary_item(void *ctx, const struct tl_item *it)
{
	struct tl_summary *s = ctx;

	if (it->kind != TL_ITEM_SNAPSHOT &&
	    !(it->kind == TL_ITEM_EVENT && it->ev.type == TL_EV_SOCK))
		return;
	pressure_move(&s->tw, it->ev.old_state == TL_TCP_TIME_WAIT, false);
	pressure_move(&s->cw, it->ev.old_state == TL_TCP_CLOSE_WAIT, false);
}

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
	for (int st = 0; st < NSTATES; st++) {
		const struct hist *h = &s->dwell[st];

		if (!h->n)
			continue;
		fprintf(out, "  %-16s %10s %10s %10s %10s %8llu\n",
			state_name(m, st, num, sizeof(num)),
			tl_fmt_duration(tl_summary_pct(h, 0.50), a, sizeof(a)),
			tl_fmt_duration(tl_summary_pct(h, 0.90), b, sizeof(b)),
			tl_fmt_duration(tl_summary_pct(h, 0.99), c, sizeof(c)),
			tl_fmt_duration(h->max, d, sizeof(d)), (unsigned long long)h->n);
	}
}

static void print_slow(const struct slow *top, const char *what, FILE *out)
{
	char dur[TL_DURATION_LEN], l[TL_ENDPOINT_LEN], r[TL_ENDPOINT_LEN];

	if (!top[0].dwell)
		return;
	fprintf(out, "Slowest handshakes (%s):\n", what);
	for (int i = 0; i < TOP_SLOW && top[i].dwell; i++) {
		const struct tl_lifeline *x = &top[i].l;

		fprintf(out, "  %10s  %s -> %s  %s  netns %u\n",
			tl_fmt_duration(top[i].dwell, dur, sizeof(dur)),
			tl_fmt_endpoint(x->family, x->laddr, x->lport, l, sizeof(l)),
			tl_fmt_endpoint(x->family, x->raddr, x->rport, r, sizeof(r)),
			tl_end_name(x->end < TL_END_MAX ? x->end : TL_END_OPEN), x->netns);
	}
}

static int by_count(const void *a, const void *b)
{
	const struct heavy_entry *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

int tl_summary_top(const struct heavy *t, struct heavy_entry out[HEAVY])
{
	int n = 0;

	memcpy(out, t->e, sizeof(out[0]) * (size_t)t->n);
	qsort(out, (size_t)t->n, sizeof(out[0]), by_count);
	while (n < t->n && n < TOP_SHOWN && out[n].count)
		n++;
	return n;
}

uint16_t tl_summary_key_port(const struct heavy_entry *e)
{
	return (uint16_t)(e->key[0] | e->key[1] << 8);
}

uint16_t tl_summary_key_lport(const struct heavy_entry *e)
{
	return (uint16_t)(e->key[17] | e->key[18] << 8);
}

static void print_heavy(const struct heavy *t, enum key_kind kind, const char *title,
			const char *unit, FILE *out)
{
	struct heavy_entry e[HEAVY];
	char buf[TL_ENDPOINT_LEN];
	int n;

	if (!t->n)
		return;
	n = tl_summary_top(t, e);
	fprintf(out, "%s:", title);
	for (int i = 0; i < n; i++) {
		if (kind == KEY_PORT)
			snprintf(buf, sizeof(buf), "%u", tl_summary_key_port(&e[i]));
		else if (kind == KEY_PEER)
			tl_fmt_addr(e[i].key[0], e[i].key + 1, buf, sizeof(buf));
		else
			tl_fmt_endpoint(e[i].key[0], e[i].key + 1, tl_summary_key_lport(&e[i]), buf,
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
	if (!unavailable(missing, rtx, "Top peers by retransmits", out)) {
		print_heavy(&s->rtx_peers, KEY_PEER, "Top peers by retransmits", " segs", out);
		print_heavy(&s->rtx_ports, KEY_PORT, "Top ports by retransmits", " segs", out);
	}
	if (!unavailable(missing, rst, "Top peers by resets", out)) {
		print_heavy(&s->rst_peers, KEY_PEER, "Top peers by resets", "", out);
		print_heavy(&s->rst_ports, KEY_PORT, "Top ports by resets", "", out);
	}
	if (unavailable(missing, TL_HOOK_BIT(TL_HOOK_SAMPLER), "Listeners with drops", out))
		;
	else if (s->listeners.n)
		print_heavy(&s->listeners, KEY_LISTENER, "Listeners with drops", " dropped", out);
	else
		fprintf(out, "Listeners with drops: none seen\n");
	fprintf(out, "TIME_WAIT: peak %llu, at end %llu;  CLOSE_WAIT: peak %llu, at end %llu\n",
		(unsigned long long)s->tw.peak, (unsigned long long)s->tw.now,
		(unsigned long long)s->cw.peak, (unsigned long long)s->cw.now);
	print_lost(&info->kernel, out);
}
