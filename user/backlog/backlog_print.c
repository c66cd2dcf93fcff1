// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backlog_print.c - one interval of `tcpline backlog`, for people or as JSON
 * Lines (docs/backlog.md). For people (LOCAL elided):
 *
 * tcpline backlog 01:28:34  interval 1.00 s  listeners 2, troubled 1
 *      NETNS LOCAL  PID COMM   ACCEPTQ    SYNQ  DROPS  TOTAL AT_SYN AT_ACK SYNQ_FULL OTHER ...
 * 4026532246 ...     42 nginx    2/2/1   0/0/1      8      8      0      8         0     0 ...
 *   ! accept queue of 127.0.0.1:7000 (nginx, pid 42) was full: ...
 *
 * ACCEPTQ and SYNQ are now/peak/limit; a cause the kernel cannot split for
 * this listener is "-"; DISCARDS are segments discarded that are not drops
 * ("-" without kfree_skb rx_sk); COOKIES is the namespace's syncookies sent.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "backlog/backlog_diag.h"
#include "backlog/backlog_print.h"
#include "output/format.h"
#include "output/json_writer.h"

#define DIAG_LEN 1024

enum col_id {
	COL_NETNS,
	COL_LOCAL,
	COL_PID,
	COL_COMM,
	COL_ACCEPTQ,
	COL_SYNQ,
	COL_DROPS,
	COL_TOTAL,
	COL_AT_SYN,
	COL_AT_ACK,
	COL_SYNQ_FULL,
	COL_OTHER,
	COL_DISCARDS,
	COL_SYNACK,
	COL_COOKIES,
	COL_MAX,
};

static const struct column {
	const char *header;
	int width;
	bool left;
} columns[COL_MAX] = {
	[COL_NETNS] = { .header = "NETNS", .width = 10 },
	[COL_LOCAL] = { .header = "LOCAL", .width = 22, .left = true },
	[COL_PID] = { .header = "PID", .width = 7 },
	[COL_COMM] = { .header = "COMM", .width = 15, .left = true },
	[COL_ACCEPTQ] = { .header = "ACCEPTQ", .width = 11 },
	[COL_SYNQ] = { .header = "SYNQ", .width = 11 },
	[COL_DROPS] = { .header = "DROPS", .width = 6 },
	[COL_TOTAL] = { .header = "TOTAL", .width = 7 },
	[COL_AT_SYN] = { .header = "AT_SYN", .width = 6 },
	[COL_AT_ACK] = { .header = "AT_ACK", .width = 6 },
	[COL_SYNQ_FULL] = { .header = "SYNQ_FULL", .width = 9 },
	[COL_OTHER] = { .header = "OTHER", .width = 5 },
	[COL_DISCARDS] = { .header = "DISCARDS", .width = 8 },
	[COL_SYNACK] = { .header = "SYNACK_RTX", .width = 10 },
	[COL_COOKIES] = { .header = "COOKIES", .width = 7 },
};

static void cell(FILE *f, enum col_id c, const char *text)
{
	const struct column *col = &columns[c];

	if (c)
		fputc(' ', f);
	if (c == COL_MAX - 1)
		fprintf(f, "%*s\n", col->width, text);
	else
		fprintf(f, col->left ? "%-*s" : "%*s", col->width, text);
}

static void cell_u(FILE *f, enum col_id c, bool known, unsigned long long v)
{
	char buf[24];

	if (known)
		snprintf(buf, sizeof(buf), "%llu", v);
	else
		snprintf(buf, sizeof(buf), "-");
	cell(f, c, buf);
}

static void queue_cell(FILE *f, enum col_id c, uint32_t now, uint32_t peak, uint32_t limit)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%u/%u/%u", now, peak, limit);
	cell(f, c, buf);
}

static void safe_comm(const struct bl_row *r, char *buf)
{
	if (r->owner_conf == TL_OWNER_UNKNOWN || r->owner_conf > TL_OWNER_LISTENER) {
		strcpy(buf, "-");
		return;
	}
	tl_fmt_safe(r->comm, TL_COMM_LEN, buf, TL_SAFE_LEN(TL_COMM_LEN));
}

static void text_row(FILE *f, const struct bl_row *r)
{
	char ep[TL_ENDPOINT_LEN], comm[TL_SAFE_LEN(TL_COMM_LEN)], buf[24];
	bool split = r->split == BL_SPLIT_OK;
	bool owner = r->owner_conf != TL_OWNER_UNKNOWN && r->owner_conf <= TL_OWNER_LISTENER;

	safe_comm(r, comm);
	snprintf(buf, sizeof(buf), "%u", r->netns);
	cell(f, COL_NETNS, buf);
	cell(f, COL_LOCAL, tl_fmt_endpoint(r->family, r->laddr, r->lport, ep, sizeof(ep)));
	cell_u(f, COL_PID, owner, r->pid);
	cell(f, COL_COMM, comm);
	queue_cell(f, COL_ACCEPTQ, r->acceptq, r->acceptq_peak, r->acceptq_limit);
	queue_cell(f, COL_SYNQ, r->synq, r->synq_peak, r->synq_limit);
	cell_u(f, COL_DROPS, true, r->drops);
	cell_u(f, COL_TOTAL, true, r->drops_total);
	cell_u(f, COL_AT_SYN, split, r->at_syn);
	cell_u(f, COL_AT_ACK, r->has_at_ack, r->at_ack);
	cell_u(f, COL_SYNQ_FULL, split, r->synq_full);
	cell_u(f, COL_OTHER, split, r->other);
	cell_u(f, COL_DISCARDS, !r->raw_drops, r->discarded);
	cell_u(f, COL_SYNACK, r->synack_known, r->synack_rtx);
	cell_u(f, COL_COOKIES, r->mib_known, r->cookies_sent);
}

static int print_text(const struct bl_print *p, const struct bl_row *rows, size_t n,
		      uint64_t now_ns, uint64_t interval_ns)
{
	FILE *f = p->out;
	char hms[TL_HMS_LEN], diag[DIAG_LEN];
	size_t troubled = 0;

	for (size_t i = 0; i < n; i++)
		troubled += bl_troubled(&rows[i]);
	if (p->clear)
		fputs("\033[H\033[2J", f);
	/* HH:MM:SS, the microseconds are noise at this scale */
	tl_clock_hms(p->clock, now_ns, hms);
	hms[8] = '\0';
	fprintf(f, "tcpline backlog %s  interval %.2f s  listeners %zu, troubled %zu", hms,
		(double)interval_ns / 1e9, n, troubled);
	if (p->evictions)
		fprintf(f, "  forgotten %llu (table full)", (unsigned long long)p->evictions);
	if (p->untracked)
		fprintf(f, "  untracked %llu (listener map full)",
			(unsigned long long)p->untracked);
	fputs(p->precise ? "  causes: precise\n" : "  causes: netns\n", f);
	for (int c = 0; c < COL_MAX; c++)
		cell(f, c, columns[c].header);
	for (size_t i = 0; i < n; i++)
		text_row(f, &rows[i]);
	for (size_t i = 0; i < n; i++)
		if (bl_diagnose(&rows[i], diag, sizeof(diag)))
			fprintf(f, "  ! %s\n", diag);
	if (!p->clear)
		fputc('\n', f);
	return fflush(f) || ferror(f) ? -1 : 0;
}

static void cause(struct json_writer *jw, const char *name, bool known, uint64_t v)
{
	if (known)
		jw_uint_field(jw, name, v);
	else
		jw_null_field(jw, name);
}

static void sysctl_field(struct json_writer *jw, const char *name, int v)
{
	if (v >= 0)
		jw_uint_field(jw, name, v);
	else
		jw_null_field(jw, name);
}

static void json_row(struct json_writer *jw, const struct bl_print *p, const struct bl_row *r)
{
	static const uint8_t any[16];
	char addr[TL_ADDR_LEN], ts[TL_RFC3339_LEN], diag[DIAG_LEN];
	bool split = r->split == BL_SPLIT_OK;

	jw_start_object(jw);
	jw_string_field(jw, "type", "listener");
	jw_string_field(jw, "time", tl_clock_rfc3339(p->clock, r->ts_ns, ts));
	jw_uint_field(jw, "netns", r->netns);
	jw_string_field(jw, "family", tl_family_name(r->family));
	jw_string_field(jw, "laddr", tl_fmt_addr(r->family, r->laddr, addr, sizeof(addr)));
	jw_uint_field(jw, "lport", r->lport);
	jw_string_field(jw, "raddr", tl_fmt_addr(r->family, any, addr, sizeof(addr)));
	jw_uint_field(jw, "rport", 0);
	jw_uint_field(jw, "cookie", r->cookie);
	if (r->owner_conf == TL_OWNER_UNKNOWN || r->owner_conf > TL_OWNER_LISTENER) {
		jw_null_field(jw, "pid");
		jw_null_field(jw, "comm");
	} else {
		jw_uint_field(jw, "pid", r->pid);
		jw_name(jw, "comm");
		jw_string_len(jw, r->comm, strnlen(r->comm, TL_COMM_LEN));
	}
	jw_uint_field(jw, "accept_queue", r->acceptq);
	jw_uint_field(jw, "accept_queue_peak", r->acceptq_peak);
	jw_uint_field(jw, "accept_queue_limit", r->acceptq_limit);
	jw_uint_field(jw, "syn_queue", r->synq);
	jw_uint_field(jw, "syn_queue_peak", r->synq_peak);
	jw_uint_field(jw, "syn_queue_limit", r->synq_limit);
	jw_uint_field(jw, "drops", r->drops);
	jw_uint_field(jw, "drops_total", r->drops_total);
	jw_name(jw, "causes");
	jw_start_object(jw);
	cause(jw, "accept_queue_full_at_syn", split, r->at_syn);
	cause(jw, "accept_queue_full_at_ack", r->has_at_ack, r->at_ack);
	cause(jw, "syn_queue_full", split, r->synq_full);
	cause(jw, "other", split, r->other);
	jw_end_object(jw);
	jw_bool_field(jw, "causes_split", split);
	if (split)
		jw_string_field(jw, "causes_source", r->precise ? "precise" : "netns");
	else
		jw_null_field(jw, "causes_source");
	if (split)
		jw_null_field(jw, "causes_unsplit_reason");
	else
		jw_string_field(jw, "causes_unsplit_reason", bl_nosplit_name(r->split));
	if (r->synack_known)
		jw_uint_field(jw, "synack_retransmits", r->synack_rtx);
	else
		jw_null_field(jw, "synack_retransmits");
	cause(jw, "syncookies_sent_netns", r->mib_known, r->cookies_sent);
	jw_bool_field(jw, "closed", r->closed);
	if (bl_diagnose(r, diag, sizeof(diag)))
		jw_string_field(jw, "diagnosis", diag);
	else
		jw_null_field(jw, "diagnosis");
	cause(jw, "discarded_segments", !r->raw_drops, r->discarded);
	jw_uint_field(jw, "drops_since_created", r->drops_since_created);
	jw_uint_field(jw, "interval_ns", r->interval_ns);
	jw_name(jw, "sysctls");
	jw_start_object(jw);
	sysctl_field(jw, "somaxconn", r->sys.somaxconn);
	sysctl_field(jw, "tcp_max_syn_backlog", r->sys.max_syn_backlog);
	sysctl_field(jw, "tcp_syncookies", r->sys.syncookies);
	sysctl_field(jw, "tcp_abort_on_overflow", r->sys.abort_on_overflow);
	sysctl_field(jw, "tcp_synack_retries", r->sys.synack_retries);
	jw_end_object(jw);
	jw_end_object(jw);
	jw_end_line(jw);
}

int bl_print_interval(const struct bl_print *p, const struct bl_row *rows, size_t n,
		      uint64_t now_ns, uint64_t interval_ns)
{
	struct json_writer *jw;

	if (!p->json)
		return print_text(p, rows, n, now_ns, interval_ns);
	jw = jw_new(p->out);
	if (!jw)
		return -1;
	for (size_t i = 0; i < n; i++)
		json_row(jw, p, &rows[i]);
	jw_destroy(jw);
	return fflush(p->out) || ferror(p->out) ? -1 : 0;
}
