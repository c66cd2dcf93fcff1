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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "output/digits.h"
#include "output/format.h"
#include "kernel/hooks.h"
#include "output/name_cache.h"
#include "output/outbuf.h"
#include "output/sink_text.h"

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
	[TL_EV_KA_PROBE] = "keepalive",
	[TL_EV_ZWIN] = "zero-window",
};

/* DETAIL is cut at this many bytes, wherever the cut falls. */
#define DETAIL_MAX 1023
/* Room for a row before DETAIL: the cells, their padding and separators. */
#define CELLS_ROOM 512
/* Room for DETAIL uncut: names, durations and numbers of the longest line. */
#define NAME_MAX_TEXT TL_NAME_CACHE_MAX(4, 24)
#define DETAIL_ROOM ((TL_LIFELINE_MAX_STATES + 2) * (NAME_MAX_TEXT + 32) + 512)
#define ROW_ROOM (CELLS_ROOM + DETAIL_ROOM)
_Static_assert(ROW_ROOM <= TL_OUTBUF_CAP, "a text row must fit the output buffer");

/* A string literal appended at @p; the end of it. */
#define LIT(p, s) ((char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

struct sink_text {
	struct tl_sink base;
	struct tl_outbuf ob;
	struct tl_name_cache *names;
	struct tl_clock_cache time;
};

static char *text_name(char *dst, const char *name, size_t len)
{
	return tl_put_safe(dst, name, len);
}

/* A value without a name in the kernel's tables prints as its number. */
static char *text_number(char *dst, uint32_t value)
{
	return tl_put_u64(dst, value);
}

static const struct tl_name_style text_style = {
	.per_byte = 4,
	.extra = 24,
	.name = text_name,
	.number = text_number,
};

static char *put_name(struct sink_text *st, char *p, enum tl_name_kind kind, uint32_t value)
{
	size_t len;
	const char *s = tl_name_cache_get(st->names, kind, value, &len);

	memcpy(p, s, len);
	return p + len;
}

static char *put_str(char *p, const char *s)
{
	size_t len = strlen(s);

	memcpy(p, s, len);
	return p + len;
}

/* @p past a cell that began at @start, padded with spaces to @width. */
static char *pad(char *p, const char *start, int width)
{
	if (p - start < width) {
		memset(p, ' ', (size_t)(width - (p - start)));
		p = (char *)start + width;
	}
	return p;
}

static char *put_endpoint(char *p, uint8_t family, const uint8_t *addr, uint16_t port)
{
	if (family == AF_INET6)
		*p++ = '[';
	p = tl_put_addr(family, addr, p);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	return tl_put_u64(p, port);
}

/*
 * Every cell but DETAIL, each followed by its separator; the caller writes
 * DETAIL and ends the row with end_row().
 */
static char *start_row(struct sink_text *st, const char *event, uint64_t ts, uint8_t family,
		       const uint8_t *laddr, uint16_t lport, const uint8_t *raddr, uint16_t rport,
		       uint8_t owner_conf, uint32_t pid, const char *comm)
{
	char *p = tl_outbuf_room(&st->ob, ROW_ROOM), *cell = p;
	char num[TL_INT_MAX_LEN];
	size_t n;

	p = pad(tl_clock_put_hms(st->base.clock, &st->time, ts, p), cell, columns[COL_TIME].width);
	*p++ = ' ';
	cell = p;
	p = pad(put_str(p, event), cell, columns[COL_EVENT].width);
	*p++ = ' ';
	/* a value from an untrusted recording that we do not know is unknown */
	if (owner_conf == TL_OWNER_UNKNOWN || owner_conf > TL_OWNER_LISTENER) {
		p = LIT(p, "      - -               ");
	} else {
		n = (size_t)(tl_put_u64(num, pid) - num);
		if (n < (size_t)columns[COL_PID].width) {
			memset(p, ' ', columns[COL_PID].width - n);
			p += columns[COL_PID].width - n;
		}
		memcpy(p, num, n);
		p += n;
		*p++ = ' ';
		cell = p;
		p = tl_put_safe(p, comm, TL_COMM_LEN);
		if (owner_conf == TL_OWNER_LISTENER)
			*p++ = '*';
		p = pad(p, cell, columns[COL_COMM].width);
	}
	*p++ = ' ';
	cell = p;
	p = pad(put_endpoint(p, family, laddr, lport), cell, columns[COL_LOCAL].width);
	*p++ = ' ';
	cell = p;
	p = pad(put_endpoint(p, family, raddr, rport), cell, columns[COL_REMOTE].width);
	*p++ = ' ';
	return p;
}

/* DETAIL began at @detail: cut to DETAIL_MAX, end the line, hand it over. */
static void end_row(struct sink_text *st, char *detail, char *p)
{
	if (p - detail > DETAIL_MAX)
		p = detail + DETAIL_MAX;
	*p++ = '\n';
	st->ob.p = p;
	tl_outbuf_end_line(&st->ob);
}

static char *put_state(struct sink_text *st, char *p, const struct tl_event *ev)
{
	if (ev->flags & TL_F_NO_SOCKET) {
		*p++ = '-';
		return p;
	}
	return put_name(st, p, TL_NAMES_STATE, ev->old_state);
}

static char *put_listener(char *p, const struct tl_listener_rec *r)
{
	p = tl_put_u64(LIT(p, "acceptq "), r->acceptq);
	p = tl_put_u64(LIT(p, "/"), r->acceptq_limit);
	p = tl_put_u64(LIT(p, " (peak "), r->acceptq_peak);
	p = tl_put_u64(LIT(p, ") synq "), r->synq);
	p = tl_put_u64(LIT(p, " (peak "), r->synq_peak);
	p = tl_put_u64(LIT(p, ") drops +"), r->drops_delta);
	p = tl_put_u64(LIT(p, " (total "), r->drops);
	*p++ = ')';
	if (r->flags & TL_LF_CLOSED)
		p = LIT(p, " closed");
	return p;
}

/* " kind=rto", " kind=-" when not known. */
static char *put_kind(char *p, const struct tl_event *ev)
{
	const char *name = tl_retrans_kind_name(ev->kind);

	return put_str(LIT(p, " kind="), name ? name : "-");
}

/* " timeout=retransmit attempts=15 after=924.1s": the timer that gave up. */
static char *put_timeout(char *p, const struct tl_lifeline *l)
{
	const char *name = tl_timeout_name(l->timeout);

	if (!name)
		return p;
	p = put_str(LIT(p, " timeout="), name);
	p = tl_put_u64(LIT(p, " attempts="), l->timeout_attempts);
	if (l->timeout_ms == TL_DETAIL_NONE)
		return LIT(p, " after=-");
	return tl_put_duration(LIT(p, " after="), (uint64_t)l->timeout_ms * 1000000);
}

static char *put_s(char *p, uint16_t s)
{
	if (s == TL_KA_S_NONE) {
		*p++ = '-';
		return p;
	}
	return tl_put_duration(p, (uint64_t)s * 1000000000);
}

/* " zwin=1/2.50s probes=3": zero-window stalls, their time, the window probes. */
static char *put_zero_window(char *p, const struct tl_lifeline *l)
{
	if (!l->zw_stalls)
		return p;
	p = tl_put_u64(LIT(p, " zwin="), l->zw_stalls);
	p = tl_put_duration(LIT(p, "/"), (uint64_t)l->zw_stalled_ms * 1000000);
	return tl_put_u64(LIT(p, " probes="), l->zw_probes);
}

/* " keepalive=2h00m/1m15s/9 probes=2": idle/interval/count in effect, probes seen. */
static char *put_keepalive(char *p, const struct tl_lifeline *l)
{
	if (!l->ka_on)
		return p;
	p = put_s(LIT(p, " keepalive="), l->ka_idle_s);
	p = put_s(LIT(p, "/"), l->ka_intvl_s);
	p = tl_put_u64(LIT(p, "/"), l->ka_cnt);
	if (!l->ka_probes_known)
		return LIT(p, " probes=-");
	return tl_put_u64(LIT(p, " probes="), l->ka_probes);
}

static void text_event(struct tl_sink *s, const struct tl_event *ev)
{
	struct sink_text *st = (struct sink_text *)s;
	char *p, *d;

	if (ev->type >= TL_EV_TYPE_MAX || !event_names[ev->type])
		return; /* OWNER, TW_END, SOCK are the timeline's, not ours */
	p = d = start_row(st, event_names[ev->type], ev->ts_ns, ev->family, ev->laddr, ev->lport,
			  ev->raddr, ev->rport, ev->owner_conf, ev->pid, ev->comm);
	switch (ev->type) {
	case TL_EV_STATE:
		p = put_name(st, p, TL_NAMES_STATE, ev->old_state);
		p = put_name(st, LIT(p, " -> "), TL_NAMES_STATE, ev->new_state);
		if (ev->dwell_ns != TL_DWELL_UNKNOWN) {
			p = put_name(st, LIT(p, " (in "), TL_NAMES_STATE, ev->old_state);
			p = tl_put_duration(LIT(p, " "), ev->dwell_ns);
			*p++ = ')';
		}
		break;
	case TL_EV_RETRANS:
		p = put_state(st, p, ev);
		p = tl_put_u64(LIT(p, " segs="), ev->segs);
		p = put_kind(p, ev);
		break;
	case TL_EV_SYNACK_RETRANS:
		p = put_state(st, p, ev);
		p = put_kind(p, ev);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		p = put_state(st, p, ev);
		if (ev->reason != TL_REASON_NONE)
			p = put_name(st, LIT(p, " reason="), TL_NAMES_RESET, ev->reason);
		break;
	case TL_EV_LISTENER:
		p = put_listener(p, (const struct tl_listener_rec *)ev);
		break;
	case TL_EV_KA_PROBE:
		p = put_state(st, p, ev);
		p = tl_put_u64(LIT(p, " probes_out="), ev->segs);
		break;
	case TL_EV_ZWIN:
		p = put_state(st, p, ev);
		p = put_str(LIT(p, " "), tl_zwin_name(ev->kind) ? tl_zwin_name(ev->kind) : "-");
		p = tl_put_u64(LIT(p, " probes_out="), ev->segs);
		break;
	case TL_EV_DROP:
		p = put_name(st, p, TL_NAMES_DROP, ev->reason);
		if (ev->flags & TL_F_NO_SOCKET) {
			p = LIT(p, " (no socket)");
		} else {
			p = put_state(st, LIT(p, " (in "), ev);
			*p++ = ')';
		}
		break;
	}
	end_row(st, d, p);
}

static void text_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	struct sink_text *st = (struct sink_text *)s;
	unsigned int n = l->nstates < TL_LIFELINE_MAX_STATES ? l->nstates : TL_LIFELINE_MAX_STATES;
	int err = l->err;
	char *p, *d;

	p = d = start_row(st, "lifeline", l->end_ns, l->family, l->laddr, l->lport, l->raddr,
			  l->rport, l->owner_conf, l->pid, l->comm);
	if (l->states_truncated)
		p = LIT(p, "... > ");
	if (!n)
		*p++ = '-';
	for (unsigned int i = 0; i < n; i++) {
		uint64_t ns = tl_dwell_ns(&l->states[i]);

		if (i)
			p = LIT(p, " > ");
		p = put_name(st, p, TL_NAMES_STATE, tl_dwell_state(&l->states[i]));
		if (ns != TL_DWELL_UNKNOWN)
			p = tl_put_duration(LIT(p, " "), ns);
	}
	p = tl_put_duration(LIT(p, " | "), l->end_ns > l->start_ns ? l->end_ns - l->start_ns : 0);
	p = put_str(LIT(p, " "), tl_end_name(l->end));
	if (err && tl_err_name(err))
		p = put_str(LIT(p, " err="), tl_err_name(err));
	else if (err)
		p = tl_put_i64(LIT(p, " err="), err);
	p = put_timeout(p, l);
	p = put_keepalive(p, l);
	if (tl_close_name(l->close))
		p = put_str(LIT(p, " close="), tl_close_name(l->close));
	if (l->rst_reason_1)
		p = put_name(st, LIT(p, " rst_reason="), TL_NAMES_RESET, l->rst_reason_1 - 1u);
	p = put_zero_window(p, l);
	if (l->stats_known) {
		p = tl_put_u64(LIT(p, " rx="), l->bytes_received);
		p = tl_put_u64(LIT(p, "B tx="), l->bytes_acked);
		p = tl_put_u64(LIT(p, "B rtx="), l->retransmits);
		p = tl_put_duration(LIT(p, " srtt="), (uint64_t)l->srtt_us * 1000);
	}
	if (l->preexisting)
		p = LIT(p, " (pre-existing)");
	end_row(st, d, p);
}

/* Counters go to stderr through tl_stats_fprint(), not into the table. */
static void text_stats(struct tl_sink *s, const struct tl_stats *st, bool at_exit)
{
	(void)s;
	(void)st;
	(void)at_exit;
}

static void text_flush(struct tl_sink *s)
{
	tl_outbuf_flush(&((struct sink_text *)s)->ob);
}

static void text_destroy(struct tl_sink *s)
{
	struct sink_text *st = (struct sink_text *)s;

	tl_outbuf_free(&st->ob);
	tl_name_cache_free(st->names);
	free(st);
}

static const struct tl_sink_ops text_ops = {
	.event = text_event,
	.lifeline = text_lifeline,
	.stats = text_stats,
	.flush = text_flush,
	.destroy = text_destroy,
};

static void print_header(struct sink_text *st)
{
	char *p = tl_outbuf_room(&st->ob, CELLS_ROOM);

	for (int i = 0; i < COL_MAX; i++) {
		char *cell;

		if (i)
			*p++ = ' ';
		cell = p;
		if (columns[i].right) {
			size_t len = strlen(columns[i].header);

			if ((int)len < columns[i].width) {
				memset(p, ' ', (size_t)columns[i].width - len);
				p += (size_t)columns[i].width - len;
			}
			p = put_str(p, columns[i].header);
		} else {
			p = put_str(p, columns[i].header);
			if (i < COL_MAX - 1)
				p = pad(p, cell, columns[i].width);
		}
	}
	*p++ = '\n';
	st->ob.p = p;
	tl_outbuf_flush(&st->ob);
}

struct tl_sink *tl_sink_text_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock)
{
	struct sink_text *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->names = tl_name_cache_new(names, &text_style);
	if (!st->names || tl_outbuf_init(&st->ob, out)) {
		tl_name_cache_free(st->names);
		free(st);
		return NULL;
	}
	tl_clock_cache_init(&st->time);
	st->base.ops = &text_ops;
	st->base.out = out;
	st->base.names = names;
	st->base.clock = clock;
	print_header(st);
	return &st->base;
}

void tl_stats_fprint(FILE *f, const char *prefix, const struct tl_stats *st)
{
	char missing[128];

	fprintf(f,
		"tcpline: %s%sevents %llu, lost %llu (ring buffer full), storage failures %llu, "
		"recursion misses %llu, table evictions %llu, truncated lifelines %llu, "
		"lifelines %llu, untracked listeners %llu%s%s\n",
		prefix ? prefix : "", prefix ? ": " : "", (unsigned long long)st->events,
		(unsigned long long)st->rb_lost, (unsigned long long)st->storage_fail,
		(unsigned long long)st->recursion_misses, (unsigned long long)st->table_evictions,
		(unsigned long long)st->states_truncated, (unsigned long long)st->lifelines,
		(unsigned long long)st->listeners_untracked,
		st->hooks_missing ? ", unavailable: " : "",
		tl_hook_mask_format(st->hooks_missing, missing, sizeof(missing)));
}
