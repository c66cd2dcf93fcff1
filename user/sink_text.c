// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_text.c - aligned columns for people, a header line first, then one
 * line per event or lifeline (LOCAL, REMOTE elided here):
 *
 * TIME            EVENT          PID COMM             ... DETAIL
 * 01:28:34.123456 state         4242 curl             ... SYN_SENT -> CLOSE (in SYN_SENT 1.00s)
 * 01:28:34.200000 retrans          - -                ... ESTABLISHED segs=3
 * 01:28:34.300000 rst-sent         - -                ... - reason=NO_SOCKET
 * 01:28:34.400000 drop             - -                ... NO_SOCKET (no socket)
 * 01:28:39.323456 lifeline      4242 curl             ... SYN_SENT 1.20ms > ESTABLISHED 5.10s >
 *                         FIN_WAIT1 | 5.20s closed rx=100B tx=200B rtx=0 srtt=45.0us
 *
 * DETAIL by event: state "OLD -> NEW (in OLD dwell)", the dwell left out when
 * unknown; retrans "STATE segs=N"; synack-rtx "STATE"; rst-sent/rst-recv
 * "STATE reason=R", STATE "-" without a socket, reason left out when the
 * kernel gives none; drop "REASON (in STATE)" or "REASON (no socket)";
 * lifeline the states with their dwells ("... >" first when the early ones
 * were not kept), then "| duration end", " err=ENAME" when it failed, the
 * socket's counters when known, " (pre-existing)" when it predates tracing.
 * Values without a name in the kernel's tables print as numbers.
 *
 * PID and COMM are "-" when the owner is unknown (the event ran in softirq
 * and no syscall of the owner was seen). A COMM ending in '*' is inherited
 * from the listening socket the connection was accepted on: the process that
 * called listen(), which may not be the one that called accept().
 * Bytes that are not printable ASCII are shown as \xNN (and '\' as \\), so a
 * process name or a name table from a recording cannot drive the terminal.
 * A value wider than its column pushes the rest of the line right, as in ss.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "sink.h"

enum col_id {
	COL_TIME,
	COL_EVENT,
	COL_PID,
	COL_COMM,
	COL_LOCAL,
	COL_REMOTE,
	COL_DETAIL,
	COL_MAX,
};

static const struct column {
	const char *header;
	int width; /* minimum; the last column is not padded */
	bool right;
} columns[COL_MAX] = {
	[COL_TIME] = { .header = "TIME", .width = 15 },
	[COL_EVENT] = { .header = "EVENT", .width = 10 },
	[COL_PID] = { .header = "PID", .width = 7, .right = true },
	[COL_COMM] = { .header = "COMM", .width = 16 },
	[COL_LOCAL] = { .header = "LOCAL", .width = 22 },
	[COL_REMOTE] = { .header = "REMOTE", .width = 22 },
	[COL_DETAIL] = { .header = "DETAIL" },
};

static const char *const event_names[TL_EV_TYPE_MAX] = {
	[TL_EV_STATE] = "state",
	[TL_EV_RETRANS] = "retrans",
	[TL_EV_SYNACK_RETRANS] = "synack-rtx",
	[TL_EV_RESET_SENT] = "rst-sent",
	[TL_EV_RESET_RECV] = "rst-recv",
	[TL_EV_DROP] = "drop",
	[TL_EV_LISTENER] = "listener",
};

/* A bounded string builder: output past the end is cut, never overflows. */
#define LINE_MAX_LEN 1024
struct text {
	char buf[LINE_MAX_LEN];
	size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->buf) - t->len ? (size_t)n :
								sizeof(t->buf) - 1 - t->len;
}

/* @s up to @len bytes or its NUL, made safe for a terminal. */
static void add_safe(struct text *t, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && t->len < sizeof(t->buf) - 1) {
			t->buf[t->len++] = (char)c;
			t->buf[t->len] = '\0';
		} else if (c == '\\') {
			add(t, "\\\\");
		} else {
			add(t, "\\x%02x", c);
		}
	}
}

/* A name from the table, or the value as a number when the kernel had none. */
static void add_name(struct text *t, const struct tl_names *names, enum tl_name_kind kind,
		     uint32_t value)
{
	const char *name = tl_names_get(names, kind, value);

	if (name)
		add_safe(t, name, strlen(name));
	else
		add(t, "%u", value);
}

static void add_duration(struct text *t, uint64_t ns)
{
	char d[TL_DURATION_LEN];

	add(t, "%s", tl_fmt_duration(ns, d, sizeof(d)));
}

/* Columns are padded to their width, the last one not at all. */
static void print_row(FILE *out, const char *const cells[COL_MAX])
{
	for (int i = 0; i < COL_MAX; i++) {
		const struct column *c = &columns[i];
		size_t len = strlen(cells[i]);
		int pad = i < COL_MAX - 1 && (size_t)c->width > len ? c->width - (int)len : 0;

		if (i)
			putc(' ', out);
		for (int j = 0; c->right && j < pad; j++)
			putc(' ', out);
		fwrite(cells[i], 1, len, out);
		for (int j = 0; !c->right && j < pad; j++)
			putc(' ', out);
	}
	putc('\n', out);
}

/* What every line has; the caller fills DETAIL. */
struct row {
	char time[TL_HMS_LEN];
	char pid[12];
	struct text comm;
	char local[TL_ENDPOINT_LEN];
	char remote[TL_ENDPOINT_LEN];
	struct text detail;
};

static void fill_row(struct row *r, const struct tl_sink *s, uint64_t ts, uint8_t family,
		     const uint8_t *laddr, uint16_t lport, const uint8_t *raddr, uint16_t rport,
		     uint8_t owner_conf, uint32_t pid, const char *comm)
{
	tl_clock_hms(s->clock, ts, r->time);
	tl_fmt_endpoint(family, laddr, lport, r->local, sizeof(r->local));
	tl_fmt_endpoint(family, raddr, rport, r->remote, sizeof(r->remote));
	r->comm.len = 0;
	r->comm.buf[0] = '\0';
	r->detail.len = 0;
	r->detail.buf[0] = '\0';
	/* a value from an untrusted recording that we do not know is unknown */
	if (owner_conf == TL_OWNER_UNKNOWN || owner_conf > TL_OWNER_LISTENER) {
		strcpy(r->pid, "-");
		add(&r->comm, "-");
		return;
	}
	snprintf(r->pid, sizeof(r->pid), "%u", pid);
	add_safe(&r->comm, comm, TL_COMM_LEN);
	if (owner_conf == TL_OWNER_LISTENER)
		add(&r->comm, "*");
}

static void print(const struct tl_sink *s, const char *event, struct row *r)
{
	const char *cells[COL_MAX] = {
		[COL_TIME] = r->time,	      [COL_EVENT] = event,    [COL_PID] = r->pid,
		[COL_COMM] = r->comm.buf,     [COL_LOCAL] = r->local, [COL_REMOTE] = r->remote,
		[COL_DETAIL] = r->detail.buf,
	};

	print_row(s->out, cells);
}

static void add_state(struct text *t, const struct tl_sink *s, const struct tl_event *ev)
{
	if (ev->flags & TL_F_NO_SOCKET)
		add(t, "-");
	else
		add_name(t, s->names, TL_NAMES_STATE, ev->old_state);
}

static void add_listener(struct text *d, const struct tl_listener_rec *r)
{
	add(d, "acceptq %u/%u (peak %u) synq %u (peak %u) drops +%u (total %llu)", r->acceptq,
	    r->acceptq_limit, r->acceptq_peak, r->synq, r->synq_peak, r->drops_delta,
	    (unsigned long long)r->drops);
	if (r->flags & TL_LF_CLOSED)
		add(d, " closed");
}

static void text_event(struct tl_sink *s, const struct tl_event *ev)
{
	struct row r;
	struct text *d = &r.detail;

	if (ev->type >= TL_EV_TYPE_MAX || !event_names[ev->type])
		return; /* OWNER, TW_END, SOCK are the timeline's, not ours */
	fill_row(&r, s, ev->ts_ns, ev->family, ev->laddr, ev->lport, ev->raddr, ev->rport,
		 ev->owner_conf, ev->pid, ev->comm);
	switch (ev->type) {
	case TL_EV_STATE:
		add_name(d, s->names, TL_NAMES_STATE, ev->old_state);
		add(d, " -> ");
		add_name(d, s->names, TL_NAMES_STATE, ev->new_state);
		if (ev->dwell_ns != TL_DWELL_UNKNOWN) {
			add(d, " (in ");
			add_name(d, s->names, TL_NAMES_STATE, ev->old_state);
			add(d, " ");
			add_duration(d, ev->dwell_ns);
			add(d, ")");
		}
		break;
	case TL_EV_RETRANS:
		add_state(d, s, ev);
		add(d, " segs=%u", ev->segs);
		break;
	case TL_EV_SYNACK_RETRANS:
		add_state(d, s, ev);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		add_state(d, s, ev);
		if (ev->reason != TL_REASON_NONE) {
			add(d, " reason=");
			add_name(d, s->names, TL_NAMES_RESET, ev->reason);
		}
		break;
	case TL_EV_LISTENER:
		add_listener(d, (const struct tl_listener_rec *)ev);
		break;
	case TL_EV_DROP:
		add_name(d, s->names, TL_NAMES_DROP, ev->reason);
		if (ev->flags & TL_F_NO_SOCKET) {
			add(d, " (no socket)");
		} else {
			add(d, " (in ");
			add_state(d, s, ev);
			add(d, ")");
		}
		break;
	}
	print(s, event_names[ev->type], &r);
}

static void text_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	unsigned int n = l->nstates < TL_LIFELINE_MAX_STATES ? l->nstates : TL_LIFELINE_MAX_STATES;
	struct row r;
	struct text *d = &r.detail;
	int err = l->err;

	fill_row(&r, s, l->end_ns, l->family, l->laddr, l->lport, l->raddr, l->rport, l->owner_conf,
		 l->pid, l->comm);
	if (l->states_truncated)
		add(d, "... > ");
	if (!n)
		add(d, "-");
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			add(d, " > ");
		add_name(d, s->names, TL_NAMES_STATE, l->states[i].state);
		if (l->states[i].dwell_ns != TL_DWELL_UNKNOWN) {
			add(d, " ");
			add_duration(d, l->states[i].dwell_ns);
		}
	}
	add(d, " | ");
	add_duration(d, l->end_ns > l->start_ns ? l->end_ns - l->start_ns : 0);
	add(d, " %s", tl_end_name(l->end));
	if (err && tl_err_name(err))
		add(d, " err=%s", tl_err_name(err));
	else if (err)
		add(d, " err=%d", err);
	if (l->stats_known) {
		add(d, " rx=%lluB tx=%lluB rtx=%u srtt=", (unsigned long long)l->bytes_received,
		    (unsigned long long)l->bytes_acked, l->retransmits);
		add_duration(d, (uint64_t)l->srtt_us * 1000);
	}
	if (l->preexisting)
		add(d, " (pre-existing)");
	print(s, "lifeline", &r);
}

/* Counters go to stderr through tl_stats_fprint(), not into the table. */
static void text_stats(struct tl_sink *s, const struct tl_stats *st, bool at_exit)
{
	(void)s;
	(void)st;
	(void)at_exit;
}

static void text_destroy(struct tl_sink *s)
{
	free(s);
}

static const struct tl_sink_ops text_ops = {
	.event = text_event,
	.lifeline = text_lifeline,
	.stats = text_stats,
	.destroy = text_destroy,
};

struct tl_sink *tl_sink_text_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock)
{
	const char *cells[COL_MAX];
	struct tl_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->ops = &text_ops;
	s->out = out;
	s->names = names;
	s->clock = clock;
	for (int i = 0; i < COL_MAX; i++)
		cells[i] = columns[i].header;
	print_row(out, cells);
	return s;
}

void tl_stats_fprint(FILE *f, const char *prefix, const struct tl_stats *st)
{
	fprintf(f,
		"tcpline: %s%sevents %llu, lost %llu (ring buffer full), storage failures %llu, "
		"recursion misses %llu, table evictions %llu, truncated lifelines %llu, "
		"lifelines %llu, untracked listeners %llu\n",
		prefix ? prefix : "", prefix ? ": " : "", (unsigned long long)st->events,
		(unsigned long long)st->rb_lost, (unsigned long long)st->storage_fail,
		(unsigned long long)st->recursion_misses, (unsigned long long)st->table_evictions,
		(unsigned long long)st->states_truncated, (unsigned long long)st->lifelines,
		(unsigned long long)st->listeners_untracked);
}
