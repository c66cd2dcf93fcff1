// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_json.c - JSON Lines; the contract, field by field, is docs/json.md.
 * Everything goes through json_writer, which keeps every line valid JSON
 * whatever bytes a process name or a recording's name table holds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "json_writer.h"
#include "sink.h"

struct sink_json {
	struct tl_sink base;
	struct json_writer *jw;
};

static const char *const event_types[TL_EV_TYPE_MAX] = {
	[TL_EV_STATE] = "state",
	[TL_EV_RETRANS] = "retransmit",
	[TL_EV_SYNACK_RETRANS] = "synack_retransmit",
	[TL_EV_RESET_SENT] = "reset",
	[TL_EV_RESET_RECV] = "reset",
	[TL_EV_LISTENER] = "listener",
	[TL_EV_DROP] = "drop",
};

static const char *const confidences[] = {
	[TL_OWNER_UNKNOWN] = "unknown",
	[TL_OWNER_EXACT] = "exact",
	[TL_OWNER_LISTENER] = "listener",
};

static struct json_writer *jw_of(struct tl_sink *s)
{
	return ((struct sink_json *)s)->jw;
}

/*
 * An unnamed value is written as its decimal number in a string, so that a
 * field always has one JSON type (string) and null keeps meaning "none".
 */
static void number_string(struct json_writer *jw, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	jw_string(jw, num);
}

static void name_field(struct json_writer *jw, const char *field, const struct tl_names *names,
		       enum tl_name_kind kind, uint32_t value)
{
	const char *name = tl_names_get(names, kind, value);

	jw_name(jw, field);
	if (name)
		jw_string(jw, name);
	else
		number_string(jw, value);
}

static void dwell_field(struct json_writer *jw, uint64_t dwell_ns)
{
	if (dwell_ns == TL_DWELL_UNKNOWN)
		jw_null_field(jw, "dwell_ns");
	else
		jw_uint_field(jw, "dwell_ns", dwell_ns);
}

static void time_field(struct json_writer *jw, const char *field, const struct tl_clock *clock,
		       uint64_t ts)
{
	char buf[TL_RFC3339_LEN];

	jw_string_field(jw, field, tl_clock_rfc3339(clock, ts, buf));
}

/* The connection and owner fields every event and lifeline starts with. */
struct common {
	const char *type;
	uint64_t ts;
	uint64_t cookie;
	uint32_t netns;
	uint32_t pid;
	uint16_t lport, rport;
	uint8_t family;
	uint8_t owner_conf;
	const uint8_t *laddr, *raddr;
	const char *comm;
};

static void common_fields(struct tl_sink *s, const struct common *c)
{
	struct json_writer *jw = jw_of(s);
	char addr[TL_ADDR_LEN];

	jw_start_object(jw);
	jw_string_field(jw, "type", c->type);
	time_field(jw, "time", s->clock, c->ts);
	jw_uint_field(jw, "netns", c->netns);
	jw_name(jw, "family");
	if (c->family == AF_INET)
		jw_string(jw, "ipv4");
	else if (c->family == AF_INET6)
		jw_string(jw, "ipv6");
	else
		number_string(jw, c->family);
	jw_string_field(jw, "laddr", tl_fmt_addr(c->family, c->laddr, addr, sizeof(addr)));
	jw_uint_field(jw, "lport", c->lport);
	jw_string_field(jw, "raddr", tl_fmt_addr(c->family, c->raddr, addr, sizeof(addr)));
	jw_uint_field(jw, "rport", c->rport);
	jw_uint_field(jw, "cookie", c->cookie);
	/* a value from an untrusted recording that we do not know is "unknown" */
	if (c->owner_conf == TL_OWNER_UNKNOWN || c->owner_conf > TL_OWNER_LISTENER) {
		jw_null_field(jw, "pid");
		jw_null_field(jw, "comm");
	} else {
		jw_uint_field(jw, "pid", c->pid);
		jw_name(jw, "comm");
		jw_string_len(jw, c->comm, strnlen(c->comm, TL_COMM_LEN));
	}
}

static void end_record(struct tl_sink *s)
{
	jw_end_object(jw_of(s));
	jw_end_line(jw_of(s));
}

/* Socket state of a non-STATE event; there is none without a socket. */
static void state_field(struct tl_sink *s, const struct tl_event *ev)
{
	if (ev->flags & TL_F_NO_SOCKET)
		jw_null_field(jw_of(s), "state");
	else
		name_field(jw_of(s), "state", s->names, TL_NAMES_STATE, ev->old_state);
}

static void reason_field(struct tl_sink *s, enum tl_name_kind kind, uint32_t reason)
{
	if (reason == TL_REASON_NONE)
		jw_null_field(jw_of(s), "reason");
	else
		name_field(jw_of(s), "reason", s->names, kind, reason);
}

static void listener_fields(struct json_writer *jw, const struct tl_listener_rec *r)
{
	jw_bool_field(jw, "closed", r->flags & TL_LF_CLOSED);
	jw_uint_field(jw, "accept_queue", r->acceptq);
	jw_uint_field(jw, "accept_queue_peak", r->acceptq_peak);
	jw_uint_field(jw, "accept_queue_limit", r->acceptq_limit);
	jw_uint_field(jw, "syn_queue", r->synq);
	jw_uint_field(jw, "syn_queue_peak", r->synq_peak);
	jw_uint_field(jw, "drops", r->drops_delta);
	jw_uint_field(jw, "drops_total", r->drops);
	jw_uint_field(jw, "ack_overflows_total", r->ack_overflows);
	jw_uint_field(jw, "discarded_total", r->rx_discards);
	jw_bool_field(jw, "drops_exact", !(r->flags & TL_LF_RAW_DROPS));
	jw_uint_field(jw, "synack_retransmits_total", r->synack_rtx);
}

static void json_event(struct tl_sink *s, const struct tl_event *ev)
{
	struct json_writer *jw = jw_of(s);
	struct common c = {
		.ts = ev->ts_ns,
		.cookie = ev->cookie,
		.netns = ev->netns,
		.pid = ev->pid,
		.lport = ev->lport,
		.rport = ev->rport,
		.family = ev->family,
		.owner_conf = ev->owner_conf,
		.laddr = ev->laddr,
		.raddr = ev->raddr,
		.comm = ev->comm,
	};

	if (ev->type >= TL_EV_TYPE_MAX || !event_types[ev->type])
		return; /* OWNER, TW_END, SOCK are the timeline's, not ours */
	c.type = event_types[ev->type];
	common_fields(s, &c);
	switch (ev->type) {
	case TL_EV_STATE:
		name_field(jw, "old", s->names, TL_NAMES_STATE, ev->old_state);
		name_field(jw, "new", s->names, TL_NAMES_STATE, ev->new_state);
		dwell_field(jw, ev->dwell_ns);
		break;
	case TL_EV_RETRANS:
		state_field(s, ev);
		jw_uint_field(jw, "segs", ev->segs);
		break;
	case TL_EV_SYNACK_RETRANS:
		state_field(s, ev);
		break;
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
		jw_string_field(jw, "dir", ev->type == TL_EV_RESET_SENT ? "sent" : "received");
		state_field(s, ev);
		reason_field(s, TL_NAMES_RESET, ev->reason);
		break;
	case TL_EV_DROP:
		reason_field(s, TL_NAMES_DROP, ev->reason);
		state_field(s, ev);
		break;
	case TL_EV_LISTENER:
		listener_fields(jw, (const struct tl_listener_rec *)ev);
		break;
	}
	end_record(s);
}

static void lifeline_stats(struct json_writer *jw, const struct tl_lifeline *l)
{
	if (!l->stats_known) {
		jw_null_field(jw, "bytes_acked");
		jw_null_field(jw, "bytes_received");
		jw_null_field(jw, "retransmits");
		jw_null_field(jw, "srtt_us");
		return;
	}
	jw_uint_field(jw, "bytes_acked", l->bytes_acked);
	jw_uint_field(jw, "bytes_received", l->bytes_received);
	jw_uint_field(jw, "retransmits", l->retransmits);
	jw_uint_field(jw, "srtt_us", l->srtt_us);
}

static void lifeline_owner(struct json_writer *jw, const struct tl_lifeline *l)
{
	uint8_t conf = l->owner_conf <= TL_OWNER_LISTENER ? l->owner_conf : TL_OWNER_UNKNOWN;

	jw_name(jw, "owner");
	jw_start_object(jw);
	if (conf == TL_OWNER_UNKNOWN) {
		jw_null_field(jw, "pid");
		jw_null_field(jw, "comm");
	} else {
		jw_uint_field(jw, "pid", l->pid);
		jw_name(jw, "comm");
		jw_string_len(jw, l->comm, strnlen(l->comm, TL_COMM_LEN));
	}
	jw_string_field(jw, "confidence", confidences[conf]);
	jw_end_object(jw);
}

static void json_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	struct json_writer *jw = jw_of(s);
	unsigned int n = l->nstates < TL_LIFELINE_MAX_STATES ? l->nstates : TL_LIFELINE_MAX_STATES;
	struct common c = {
		.type = "lifeline",
		.ts = l->end_ns,
		.cookie = l->cookie,
		.netns = l->netns,
		.pid = l->pid,
		.lport = l->lport,
		.rport = l->rport,
		.family = l->family,
		.owner_conf = l->owner_conf,
		.laddr = l->laddr,
		.raddr = l->raddr,
		.comm = l->comm,
	};

	common_fields(s, &c);
	jw_name(jw, "states");
	jw_start_array(jw);
	for (unsigned int i = 0; i < n; i++) {
		jw_start_object(jw);
		name_field(jw, "state", s->names, TL_NAMES_STATE, l->states[i].state);
		dwell_field(jw, l->states[i].dwell_ns);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	time_field(jw, "start", s->clock, l->start_ns);
	jw_uint_field(jw, "duration_ns", l->end_ns > l->start_ns ? l->end_ns - l->start_ns : 0);
	lifeline_stats(jw, l);
	jw_string_field(jw, "end", tl_end_name(l->end));
	jw_name(jw, "error");
	if (!l->err)
		jw_null(jw);
	else if (tl_err_name(l->err))
		jw_string(jw, tl_err_name(l->err));
	else
		number_string(jw, l->err);
	lifeline_owner(jw, l);
	jw_bool_field(jw, "preexisting", l->preexisting);
	jw_bool_field(jw, "states_truncated", l->states_truncated);
	end_record(s);
}

static void json_stats(struct tl_sink *s, const struct tl_stats *st, bool final)
{
	struct json_writer *jw = jw_of(s);

	jw_start_object(jw);
	jw_string_field(jw, "type", "stats");
	time_field(jw, "time", s->clock, tl_clock_now_boot());
	jw_bool_field(jw, "final", final);
	jw_uint_field(jw, "events", st->events);
	jw_uint_field(jw, "rb_lost", st->rb_lost);
	jw_uint_field(jw, "storage_fail", st->storage_fail);
	jw_uint_field(jw, "recursion_misses", st->recursion_misses);
	jw_uint_field(jw, "table_evictions", st->table_evictions);
	jw_uint_field(jw, "states_truncated", st->states_truncated);
	jw_uint_field(jw, "lifelines", st->lifelines);
	jw_uint_field(jw, "listeners_untracked", st->listeners_untracked);
	end_record(s);
}

static void json_destroy(struct tl_sink *s)
{
	jw_destroy(jw_of(s));
	free(s);
}

static const struct tl_sink_ops json_ops = {
	.event = json_event,
	.lifeline = json_lifeline,
	.stats = json_stats,
	.destroy = json_destroy,
};

struct tl_sink *tl_sink_json_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock)
{
	struct sink_json *js = calloc(1, sizeof(*js));

	if (!js)
		return NULL;
	js->jw = jw_new(out);
	if (!js->jw) {
		free(js);
		return NULL;
	}
	js->base.ops = &json_ops;
	js->base.out = out;
	js->base.names = names;
	js->base.clock = clock;
	return &js->base;
}
