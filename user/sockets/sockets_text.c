// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockets_text.c - the census as tables for people; see sockets_text.h. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "output/format.h"
#include "core/model.h"
#include "sockets/sockets_text.h"

#define LABEL_LEN 32

const uint8_t tl_sockets_state_order[12] = {
	TL_TCP_ESTABLISHED, TL_TCP_SYN_SENT,  TL_TCP_SYN_RECV,	TL_TCP_NEW_SYN_RECV,
	TL_TCP_FIN_WAIT1,   TL_TCP_FIN_WAIT2, TL_TCP_TIME_WAIT, TL_TCP_CLOSE,
	TL_TCP_CLOSE_WAIT,  TL_TCP_LAST_ACK,  TL_TCP_LISTEN,	TL_TCP_CLOSING,
};

const char *tl_sockets_state_name(const struct tl_names *names, unsigned int st, char *buf,
				  size_t len)
{
	const char *n = names ? tl_names_get(names, TL_NAMES_STATE, st) : NULL;

	if (n)
		return n;
	snprintf(buf, len, "STATE_%u", st);
	return buf;
}

/* Request sockets are the half-open connections ss lists as SYN-RECV. */
static const char *label(const struct tl_names *names, unsigned int st, bool column, char *buf)
{
	if (st == TL_TCP_NEW_SYN_RECV)
		return column ? "HALF_OPEN" : "SYN_RECV half-open";
	return tl_sockets_state_name(names, st, buf, LABEL_LEN);
}

static void print_states(FILE *f, const struct tl_census *c, const struct tl_names *names)
{
	uint64_t states[TL_CENSUS_STATES];
	char buf[LABEL_LEN];
	size_t nns;
	uint64_t total = tl_census_total(c, states);
	bool other = false;

	tl_census_view(c, TL_CV_NETNS, &nns);
	fprintf(f, "TCP sockets: %llu in %zu network namespace%s\n", (unsigned long long)total, nns,
		nns == 1 ? "" : "s");
	/* 12 states in 3 columns of 4, read down */
	for (int row = 0; row < 4; row++) {
		for (int col = 0; col < 3; col++) {
			unsigned int st = tl_sockets_state_order[col * 4 + row];

			fprintf(f, "%s%-18s %7llu", col ? "   " : "  ",
				label(names, st, false, buf), (unsigned long long)states[st]);
		}
		fputc('\n', f);
	}
	for (unsigned int st = 0; st < TL_CENSUS_STATES; st++) {
		if (!states[st] ||
		    memchr(tl_sockets_state_order, st, sizeof(tl_sockets_state_order)))
			continue;
		fprintf(f, "%s %s %llu", other ? "," : "  other:", label(names, st, false, buf),
			(unsigned long long)states[st]);
		other = true;
	}
	if (other)
		fputc('\n', f);
}

static void print_sysctls(FILE *f, const struct tl_netns_sysctls *s)
{
	char range[24];

	if (!s->valid) {
		fprintf(f, "  %11s %8s %11s", "?", "?", "?");
		return;
	}
	snprintf(range, sizeof(range), "%u-%u", s->port_lo, s->port_hi);
	fprintf(f, "  %11s %8d %10ds", range, s->tw_reuse, s->fin_timeout);
}

static void print_netns(FILE *f, const struct tl_census *c, const struct tl_names *names)
{
	uint64_t states[TL_CENSUS_STATES];
	char buf[LABEL_LEN];
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_NETNS, &n);

	tl_census_total(c, states);
	fprintf(f, "\nPer network namespace:\n  %-10s %7s", "NETNS", "TOTAL");
	for (unsigned int st = 0; st < TL_CENSUS_STATES; st++)
		if (states[st])
			fprintf(f, " %11s", label(names, st, true, buf));
	fprintf(f, "  %11s %8s %11s\n", "EPHEMERAL", "TW_REUSE", "FIN_TIMEOUT");
	for (size_t i = 0; i < n; i++) {
		const struct tl_census_row *r = rows[i];
		uint64_t sum = 0;

		for (unsigned int st = 0; st < TL_CENSUS_STATES; st++)
			sum += r->states[st];
		fprintf(f, "  %-10u %7llu", r->key.netns, (unsigned long long)sum);
		for (unsigned int st = 0; st < TL_CENSUS_STATES; st++)
			if (states[st])
				fprintf(f, " %11u", r->states[st]);
		print_sysctls(f, &r->sys);
		fputc('\n', f);
	}
}

static int max_width(int w, const char *s)
{
	int len = (int)strlen(s);

	return len > w ? len : w;
}

/* "of N" when the ranking is cut. */
static void heading(FILE *f, const char *title, size_t n, uint32_t top)
{
	if (n > top)
		fprintf(f, "\n%s (top %u of %zu):\n", title, top, n);
	else
		fprintf(f, "\n%s:\n", title);
}

static void print_ports(FILE *f, const struct tl_census *c, uint32_t top)
{
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_PORTS, &n);

	heading(f, "Top local ports", n, top);
	if (!n) {
		fprintf(f, "  none\n");
		return;
	}
	fprintf(f, "  %-10s %5s %8s %11s %9s %10s %9s %6s\n", "NETNS", "PORT", "SOCKETS",
		"ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT", "HALF_OPEN", "LISTEN");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_census_row *r = rows[i];

		fprintf(f, "  %-10u %5u %8u %11u %9u %10u %9u %6s\n", r->key.netns, r->key.lport,
			r->n[TL_CC_SOCKETS], r->n[TL_CC_ESTABLISHED], r->n[TL_CC_TIME_WAIT],
			r->n[TL_CC_CLOSE_WAIT], r->n[TL_CC_HALF_OPEN],
			r->n[TL_CC_LISTEN] ? "yes" : "-");
	}
}

static void print_remotes(FILE *f, const struct tl_census *c, uint32_t top)
{
	char addr[TL_ADDR_LEN];
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_REMOTES, &n);

	int w = 6;

	heading(f, "Top remote addresses", n, top);
	if (!n) {
		fprintf(f, "  none\n");
		return;
	}
	for (size_t i = 0; i < n && i < top; i++)
		w = max_width(w, tl_fmt_addr(rows[i]->key.family, rows[i]->key.raddr, addr,
					     sizeof(addr)));
	fprintf(f, "  %-10s %-*s %8s %11s %9s %10s\n", "NETNS", w, "REMOTE", "SOCKETS",
		"ESTABLISHED", "TIME_WAIT", "CLOSE_WAIT");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_census_row *r = rows[i];

		fprintf(f, "  %-10u %-*s %8u %11u %9u %10u\n", r->key.netns, w,
			tl_fmt_addr(r->key.family, r->key.raddr, addr, sizeof(addr)),
			r->n[TL_CC_SOCKETS], r->n[TL_CC_ESTABLISHED], r->n[TL_CC_TIME_WAIT],
			r->n[TL_CC_CLOSE_WAIT]);
	}
}

/* The namespace row of @netns, for its port range. */
static const struct tl_netns_sysctls *sysctls_of(const struct tl_census *c, uint32_t netns)
{
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_NETNS, &n);

	for (size_t i = 0; i < n; i++)
		if (rows[i]->key.netns == netns)
			return &rows[i]->sys;
	return NULL;
}

static void print_dests(FILE *f, const struct tl_census *c, uint32_t top)
{
	char laddr[TL_ADDR_LEN], dest[TL_ENDPOINT_LEN], range[24], used[32];
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_DESTS, &n);

	int wl = 5, wd = 11;

	heading(f, "TIME_WAIT per destination, against the ephemeral port range", n, top);
	if (!n) {
		fprintf(f, "  none\n");
		return;
	}
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_census_key *k = &rows[i]->key;

		wl = max_width(wl, tl_fmt_addr(k->family, k->laddr, laddr, sizeof(laddr)));
		wd = max_width(wd,
			       tl_fmt_endpoint(k->family, k->raddr, k->rport, dest, sizeof(dest)));
	}
	fprintf(f, "  %-10s %-*s %-*s %9s %11s %7s\n", "NETNS", wl, "LOCAL", wd, "DESTINATION",
		"TIME_WAIT", "EPHEMERAL", "USED");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_census_row *r = rows[i];
		const struct tl_netns_sysctls *s = sysctls_of(c, r->key.netns);

		snprintf(range, sizeof(range), "?");
		snprintf(used, sizeof(used), "?");
		if (s && s->valid && s->port_hi >= s->port_lo) {
			uint64_t size = (uint64_t)s->port_hi - s->port_lo + 1;
			uint64_t bp = (uint64_t)r->n[TL_CC_TIME_WAIT] * 10000 / size;

			snprintf(range, sizeof(range), "%u-%u", s->port_lo, s->port_hi);
			if (!bp)
				snprintf(used, sizeof(used), "<0.01%%");
			else
				snprintf(used, sizeof(used), "%llu.%02llu%%",
					 (unsigned long long)(bp / 100),
					 (unsigned long long)(bp % 100));
		}
		fprintf(f, "  %-10u %-*s %-*s %9u %11s %7s\n", r->key.netns, wl,
			tl_fmt_addr(r->key.family, r->key.laddr, laddr, sizeof(laddr)), wd,
			tl_fmt_endpoint(r->key.family, r->key.raddr, r->key.rport, dest,
					sizeof(dest)),
			r->n[TL_CC_TIME_WAIT], range, used);
	}
}

static const char *owner_text(const struct tl_cw_group *g, char *buf, size_t size)
{
	if (g->owner == TL_CW_NOT_ACCEPTED)
		return "(not accepted)";
	if (g->owner == TL_CW_NO_PROCESS)
		return "(no process)";
	return tl_fmt_safe(g->comm, sizeof(g->comm), buf, size);
}

static void print_close_wait(FILE *f, const struct tl_census *c, uint32_t top)
{
	char idle[TL_DURATION_LEN], pid[16], l[TL_ENDPOINT_LEN], r[TL_ENDPOINT_LEN];
	char comm[TL_SAFE_LEN(TL_COMM_LEN)];
	uint64_t seen, kept;
	size_t n;
	const struct tl_cw_group *g = tl_census_cw_groups(c, &n, &seen, &kept);

	fprintf(f, "\nCLOSE_WAIT idle >= %llus, by owner: %llu socket%s",
		(unsigned long long)(tl_census_close_wait_age(c) / 1000000000ULL),
		(unsigned long long)seen, seen == 1 ? "" : "s");
	if (kept < seen)
		fprintf(f, " (owners of %llu looked up)", (unsigned long long)kept);
	fprintf(f, "%s\n", n > top ? " (top groups)" : "");
	if (!n)
		return;
	fprintf(f, "  %-7s %-15s %-10s %7s %8s  %s\n", "PID", "COMM", "NETNS", "SOCKETS", "OLDEST",
		"OLDEST SOCKET");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct tl_event *ev = &g[i].oldest;

		snprintf(pid, sizeof(pid), g[i].owner == TL_CW_PROCESS ? "%u" : "-", g[i].pid);
		fprintf(f, "  %-7s %-15s %-10u %7u %8s  %s <- %s\n", pid,
			owner_text(&g[i], comm, sizeof(comm)), g[i].netns, g[i].sockets,
			tl_fmt_duration(g[i].oldest_idle_ns, idle, sizeof(idle)),
			tl_fmt_endpoint(ev->family, ev->laddr, ev->lport, l, sizeof(l)),
			tl_fmt_endpoint(ev->family, ev->raddr, ev->rport, r, sizeof(r)));
	}
}

static void print_fin_wait2(FILE *f, const struct tl_census *c)
{
	size_t n, shown = 0;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_NETNS, &n);

	fprintf(f, "\nOrphaned FIN_WAIT2 (no process; the peer has not closed):");
	for (size_t i = 0; i < n; i++) {
		const struct tl_census_row *r = rows[i];

		if (!r->fw2_orphan_full && !r->fw2_orphan_tw)
			continue;
		if (!shown++)
			fprintf(f, "\n  %-10s %8s %8s %15s\n", "NETNS", "FULL", "TIMEWAIT",
				"TCP_FIN_TIMEOUT");
		if (r->sys.valid)
			fprintf(f, "  %-10u %8u %8u %14ds\n", r->key.netns, r->fw2_orphan_full,
				r->fw2_orphan_tw, r->sys.fin_timeout);
		else
			fprintf(f, "  %-10u %8u %8u %15s\n", r->key.netns, r->fw2_orphan_full,
				r->fw2_orphan_tw, "?");
	}
	if (!shown)
		fprintf(f, " none\n");
}

static void print_half_open(FILE *f, const struct tl_census *c, uint32_t top)
{
	size_t n;
	const struct tl_census_row *const *rows = tl_census_view(c, TL_CV_HALF_OPEN, &n);

	heading(f, "Half-open SYN_RECV (request sockets) per listener port", n, top);
	if (!n) {
		fprintf(f, "  none\n");
		return;
	}
	fprintf(f, "  %-10s %5s %9s %6s\n", "NETNS", "PORT", "HALF_OPEN", "LISTEN");
	for (size_t i = 0; i < n && i < top; i++)
		fprintf(f, "  %-10u %5u %9u %6s\n", rows[i]->key.netns, rows[i]->key.lport,
			rows[i]->n[TL_CC_HALF_OPEN], rows[i]->n[TL_CC_LISTEN] ? "yes" : "-");
}

static void print_limits(FILE *f, const struct tl_census *c)
{
	static const char *const what[TL_CT_MAX] = {
		[TL_CT_NETNS] = "namespaces",
		[TL_CT_PORT] = "local ports",
		[TL_CT_REMOTE] = "remote addresses",
		[TL_CT_DEST] = "TIME_WAIT destinations",
	};

	for (int t = 0; t < TL_CT_MAX; t++) {
		uint64_t u = tl_census_uncounted(c, t);

		if (u)
			fprintf(f,
				"\nnote: the table of %s is full (%u rows): %llu sockets not in it\n",
				what[t], tl_census_rows_max(c, t), (unsigned long long)u);
	}
}

void tl_sockets_print_text(FILE *f, const struct tl_census *c, const struct tl_names *names,
			   uint32_t top)
{
	print_states(f, c, names);
	print_netns(f, c, names);
	print_ports(f, c, top);
	print_remotes(f, c, top);
	print_dests(f, c, top);
	print_close_wait(f, c, top);
	print_fin_wait2(f, c);
	print_half_open(f, c, top);
	print_limits(f, c);
}
