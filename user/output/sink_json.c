// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sink_json.c - JSON Lines; the contract, field by field, is docs/json.md.
 *
 * Records have a fixed shape, so each line is written straight into the
 * output buffer: keys and punctuation as literals, numbers and times by hand
 * (digits.h, clock.h), names from a cache of their quoted forms. The strings
 * that vary (a process name, a name table from a recording) go through the
 * same escaping as json_writer (json_fmt.h), which keeps every line valid
 * JSON whatever bytes they hold.
 *
 * Room: every step below asks the buffer for what it may write before the
 * next ask. common_fields() and put_name() leave FIELD_ROOM free, which the
 * fixed text that follows them (at most a key, a number or null, and the
 * line's end) never exceeds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "output/digits.h"
#include "output/format.h"
#include "kernel/hooks.h"
#include "output/json_fmt.h"
#include "output/json_why.h"
#include "output/name_cache.h"
#include "output/outbuf.h"
#include "output/sink_json.h"

#define FIELD_ROOM 128
#define COMMON_ROOM (512 + FIELD_ROOM)
#define LISTENER_ROOM 768
#define LIFELINE_TAIL_ROOM 1024
#define STATS_ROOM 896 /* with every hook unavailable */

/* A string literal appended at @p; the end of it. */
#define LIT(p, s) ((char *)memcpy((p), (s), sizeof(s) - 1) + sizeof(s) - 1)

struct sink_json {
	struct tl_sink base;
	struct tl_outbuf ob;
	struct tl_name_cache *names;
	const struct tl_names *table;
	struct tl_clock_cache time;
};

struct quoted {
	const char *s;
	size_t len;
};

#define Q(s)                     \
	{                        \
		s, sizeof(s) - 1 \
	}

static const struct quoted event_types[TL_EV_TYPE_MAX] = {
	[TL_EV_STATE] = Q("\"state\""),
	[TL_EV_RETRANS] = Q("\"retransmit\""),
	[TL_EV_SYNACK_RETRANS] = Q("\"synack_retransmit\""),
	[TL_EV_RESET_SENT] = Q("\"reset\""),
	[TL_EV_RESET_RECV] = Q("\"reset\""),
	[TL_EV_LISTENER] = Q("\"listener\""),
	[TL_EV_DROP] = Q("\"drop\""),
	[TL_EV_KA_PROBE] = Q("\"keepalive\""),
	[TL_EV_ZWIN] = Q("\"zero_window\""),
};

static const struct quoted confidences[] = {
	[TL_OWNER_UNKNOWN] = Q("\"unknown\""),
	[TL_OWNER_EXACT] = Q("\"exact\""),
	[TL_OWNER_LISTENER] = Q("\"listener\""),
};

static const struct quoted lifeline_type = Q("\"lifeline\"");

/*
 * An unnamed value is written as its decimal number in a string, so that a
 * field always has one JSON type (string) and null keeps meaning "none".
 */
static char *json_number(char *dst, uint32_t value)
{
	*dst++ = '"';
	dst = tl_put_u64(dst, value);
	*dst++ = '"';
	return dst;
}

static char *json_name(char *dst, const char *name, size_t len)
{
	return jt_quote(dst, name, len);
}

static const struct tl_name_style json_style = {
	.per_byte = 6,
	.extra = 24,
	.name = json_name,
	.number = json_number,
};

/* The cursor @p with @n bytes of room after it. */
static char *room(struct sink_json *js, char *p, size_t n)
{
	js->ob.p = p;
	return tl_outbuf_room(&js->ob, n);
}

static void end_line(struct sink_json *js, char *p)
{
	js->ob.p = p;
	tl_outbuf_end_line(&js->ob);
}

static char *put_name(struct sink_json *js, char *p, enum tl_name_kind kind, uint32_t value)
{
	size_t len;
	const char *s = tl_name_cache_get(js->names, kind, value, &len);

	p = room(js, p, len + FIELD_ROOM);
	memcpy(p, s, len);
	return p + len;
}

/* A constant name (no escaping needed, but escaped all the same). */
static char *put_str(struct sink_json *js, char *p, const char *s)
{
	size_t len = strlen(s);

	p = room(js, p, JT_QUOTED_MAX(len) + FIELD_ROOM);
	return jt_quote(p, s, len);
}

static char *put_bool(char *p, bool v)
{
	return v ? LIT(p, "true") : LIT(p, "false");
}

static char *put_time(struct sink_json *js, char *p, uint64_t ts)
{
	*p++ = '"';
	p = tl_clock_put_rfc3339(js->base.clock, &js->time, ts, p);
	*p++ = '"';
	return p;
}

static char *put_dwell(char *p, uint64_t dwell_ns)
{
	p = LIT(p, ",\"dwell_ns\":");
	return dwell_ns == TL_DWELL_UNKNOWN ? LIT(p, "null") : tl_put_u64(p, dwell_ns);
}

/* "pid" and "comm" of an owner, both null when it is not known. */
static char *put_owner(char *p, uint8_t conf, uint32_t pid, const char *comm)
{
	if (conf == TL_OWNER_UNKNOWN)
		return LIT(p, "\"pid\":null,\"comm\":null");
	p = LIT(p, "\"pid\":");
	p = tl_put_u64(p, pid);
	p = LIT(p, ",\"comm\":");
	return jt_quote(p, comm, strnlen(comm, TL_COMM_LEN));
}

/* The connection and owner fields every event and lifeline starts with. */
struct common {
	const struct quoted *type;
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

static char *common_fields(struct sink_json *js, const struct common *c)
{
	char *p = room(js, js->ob.p, COMMON_ROOM);
	uint8_t conf = c->owner_conf;

	p = LIT(p, "{\"type\":");
	memcpy(p, c->type->s, c->type->len);
	p += c->type->len;
	p = LIT(p, ",\"time\":");
	p = put_time(js, p, c->ts);
	p = LIT(p, ",\"netns\":");
	p = tl_put_u64(p, c->netns);
	if (c->family == AF_INET)
		p = LIT(p, ",\"family\":\"ipv4\"");
	else if (c->family == AF_INET6)
		p = LIT(p, ",\"family\":\"ipv6\"");
	else
		p = json_number(LIT(p, ",\"family\":"), c->family);
	/* address text is digits, hex, dots and colons: nothing to escape */
	p = LIT(p, ",\"laddr\":\"");
	p = tl_put_addr(c->family, c->laddr, p);
	p = LIT(p, "\",\"lport\":");
	p = tl_put_u64(p, c->lport);
	p = LIT(p, ",\"raddr\":\"");
	p = tl_put_addr(c->family, c->raddr, p);
	p = LIT(p, "\",\"rport\":");
	p = tl_put_u64(p, c->rport);
	p = LIT(p, ",\"cookie\":");
	p = tl_put_u64(p, c->cookie);
	*p++ = ',';
	/* a value from an untrusted recording that we do not know is "unknown" */
	if (conf > TL_OWNER_LISTENER)
		conf = TL_OWNER_UNKNOWN;
	return put_owner(p, conf, c->pid, c->comm);
}

/* Socket state of a non-STATE event; there is none without a socket. */
static char *state_field(struct sink_json *js, char *p, const struct tl_event *ev)
{
	p = LIT(p, ",\"state\":");
	if (ev->flags & TL_F_NO_SOCKET)
		return LIT(p, "null");
	return put_name(js, p, TL_NAMES_STATE, ev->old_state);
}

static char *reason_field(struct sink_json *js, char *p, enum tl_name_kind kind, uint32_t reason)
{
	p = LIT(p, ",\"reason\":");
	if (reason == TL_REASON_NONE)
		return LIT(p, "null");
	return put_name(js, p, kind, reason);
}

static char *uint_field(char *p, const char *key, size_t key_len, uint64_t v)
{
	memcpy(p, key, key_len);
	return tl_put_u64(p + key_len, v);
}

#define UINT_FIELD(p, key, v) uint_field((p), ",\"" key "\":", sizeof(",\"" key "\":") - 1, (v))

/* Ack overflows are counted from this drop reason; kernels before 6.15 have none. */
static bool has_overflow_reason(const struct tl_names *n)
{
	for (uint32_t i = 0; i < TL_NAMES_MAX; i++) {
		const char *name = tl_names_get(n, TL_NAMES_DROP, i);

		if (name && !strcmp(name, "TCP_LISTEN_OVERFLOW"))
			return true;
	}
	return false;
}

/* A count the kernel cannot give is null, not 0 (measured on 6.1 and 6.12 guests). */
static char *maybe_uint_field(char *p, const char *key, size_t key_len, bool known, uint64_t v)
{
	if (known)
		return uint_field(p, key, key_len, v);
	memcpy(p, key, key_len);
	return LIT(p + key_len, "null");
}

#define MAYBE_UINT_FIELD(p, key, known, v) \
	maybe_uint_field((p), ",\"" key "\":", sizeof(",\"" key "\":") - 1, (known), (v))

/* ,"key":"name" or ,"key":null when @name is NULL (not known). */
static char *maybe_name(struct sink_json *js, char *p, const char *key, size_t key_len,
			const char *name)
{
	memcpy(p, key, key_len);
	p += key_len;
	return name ? put_str(js, p, name) : LIT(p, "null");
}

#define MAYBE_NAME(js, p, key, name) \
	maybe_name((js), (p), ",\"" key "\":", sizeof(",\"" key "\":") - 1, (name))

static char *listener_fields(struct sink_json *js, char *p, const struct tl_listener_rec *r)
{
	p = room(js, p, LISTENER_ROOM);
	p = put_bool(LIT(p, ",\"closed\":"), r->flags & TL_LF_CLOSED);
	p = UINT_FIELD(p, "accept_queue", r->acceptq);
	p = UINT_FIELD(p, "accept_queue_peak", r->acceptq_peak);
	p = UINT_FIELD(p, "accept_queue_limit", r->acceptq_limit);
	p = UINT_FIELD(p, "syn_queue", r->synq);
	p = UINT_FIELD(p, "syn_queue_peak", r->synq_peak);
	p = UINT_FIELD(p, "drops", r->drops_delta);
	p = UINT_FIELD(p, "drops_total", r->drops);
	p = MAYBE_UINT_FIELD(p, "ack_overflows_total", has_overflow_reason(js->table),
			     r->ack_overflows);
	/* without kfree_skb's rx_sk (< 6.11) discarded segments are not told apart */
	p = MAYBE_UINT_FIELD(p, "discarded_total", !(r->flags & TL_LF_RAW_DROPS), r->rx_discards);
	p = put_bool(LIT(p, ",\"drops_exact\":"), !(r->flags & TL_LF_RAW_DROPS));
	return UINT_FIELD(p, "synack_retransmits_total", r->synack_rtx);
}

static void json_event(struct tl_sink *s, const struct tl_event *ev)
{
	struct sink_json *js = (struct sink_json *)s;
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
	char *p;

	if (ev->type >= TL_EV_TYPE_MAX || !event_types[ev->type].s)
		return; /* OWNER, TW_END, SOCK are the timeline's, not ours */
	c.type = &event_types[ev->type];
	p = common_fields(js, &c);
	switch (ev->type) {
	case TL_EV_STATE:
		p = put_name(js, LIT(p, ",\"old\":"), TL_NAMES_STATE, ev->old_state);
		p = put_name(js, LIT(p, ",\"new\":"), TL_NAMES_STATE, ev->new_state);
		p = put_dwell(p, ev->dwell_ns);
		break;
	case TL_EV_RETRANS:
		p = state_field(js, p, ev);
		p = UINT_FIELD(p, "segs", ev->segs);
		p = MAYBE_NAME(js, p, "kind", tl_retrans_kind_name(ev->kind));
		break;
	case TL_EV_SYNACK_RETRANS:
		p = state_field(js, p, ev);
		p = MAYBE_NAME(js, p, "kind", tl_retrans_kind_name(ev->kind));
		break;
	case TL_EV_RESET_SENT:
		p = state_field(js, LIT(p, ",\"dir\":\"sent\""), ev);
		p = reason_field(js, p, TL_NAMES_RESET, ev->reason);
		break;
	case TL_EV_RESET_RECV:
		p = state_field(js, LIT(p, ",\"dir\":\"received\""), ev);
		p = reason_field(js, p, TL_NAMES_RESET, ev->reason);
		break;
	case TL_EV_DROP:
		p = reason_field(js, p, TL_NAMES_DROP, ev->reason);
		p = state_field(js, p, ev);
		break;
	case TL_EV_LISTENER:
		p = listener_fields(js, p, (const struct tl_listener_rec *)ev);
		break;
	case TL_EV_KA_PROBE:
		p = state_field(js, p, ev);
		p = UINT_FIELD(p, "probes_out", ev->segs);
		break;
	case TL_EV_ZWIN:
		p = state_field(js, p, ev);
		p = MAYBE_NAME(js, p, "phase", tl_zwin_name(ev->kind));
		p = UINT_FIELD(p, "probes_out", ev->segs);
		break;
	}
	end_line(js, LIT(p, "}\n"));
}

static char *lifeline_stats(char *p, const struct tl_lifeline *l)
{
	if (!l->stats_known)
		return LIT(p, ",\"bytes_acked\":null,\"bytes_received\":null,\"retransmits\":null,"
			      "\"srtt_us\":null");
	p = UINT_FIELD(p, "bytes_acked", l->bytes_acked);
	p = UINT_FIELD(p, "bytes_received", l->bytes_received);
	p = UINT_FIELD(p, "retransmits", l->retransmits);
	return UINT_FIELD(p, "srtt_us", l->srtt_us);
}

static char *lifeline_error(struct sink_json *js, char *p, int32_t err)
{
	const char *name = err ? tl_err_name(err) : NULL;

	p = LIT(p, ",\"error\":");
	if (!err)
		return LIT(p, "null");
	if (name)
		return put_str(js, p, name);
	*p++ = '"';
	p = tl_put_i64(p, err);
	*p++ = '"';
	return p;
}

static char *lifeline_owner(char *p, const struct tl_lifeline *l)
{
	uint8_t conf = l->owner_conf <= TL_OWNER_LISTENER ? l->owner_conf : TL_OWNER_UNKNOWN;

	p = put_owner(LIT(p, ",\"owner\":{"), conf, l->pid, l->comm);
	p = LIT(p, ",\"confidence\":");
	memcpy(p, confidences[conf].s, confidences[conf].len);
	p += confidences[conf].len;
	*p++ = '}';
	return p;
}

static void json_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	struct sink_json *js = (struct sink_json *)s;
	unsigned int n = l->nstates < TL_LIFELINE_MAX_STATES ? l->nstates : TL_LIFELINE_MAX_STATES;
	struct common c = {
		.type = &lifeline_type,
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
	char *p = common_fields(js, &c);

	p = LIT(p, ",\"states\":[");
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		p = put_name(js, LIT(p, "{\"state\":"), TL_NAMES_STATE,
			     tl_dwell_state(&l->states[i]));
		p = put_dwell(p, tl_dwell_ns(&l->states[i]));
		*p++ = '}';
	}
	p = room(js, p, LIFELINE_TAIL_ROOM);
	p = LIT(p, "],\"start\":");
	p = put_time(js, p, l->start_ns);
	p = UINT_FIELD(p, "duration_ns", l->end_ns > l->start_ns ? l->end_ns - l->start_ns : 0);
	p = lifeline_stats(p, l);
	p = put_str(js, LIT(p, ",\"end\":"), tl_end_name(l->end));
	p = lifeline_error(js, p, l->err);
	p = room(js, p, LIFELINE_TAIL_ROOM);
	p = lifeline_owner(p, l);
	p = put_bool(LIT(p, ",\"preexisting\":"), l->preexisting);
	p = put_bool(LIT(p, ",\"states_truncated\":"), l->states_truncated);
	p = room(js, p, TL_JSON_WHY_ROOM);
	p = tl_json_timeout(p, l);
	p = tl_json_keepalive(p, l);
	p = tl_json_close(p, l);
	p = LIT(p, ",\"reset_reason\":");
	p = l->rst_reason_1 ? put_name(js, p, TL_NAMES_RESET, l->rst_reason_1 - 1u) :
			      LIT(p, "null");
	p = tl_json_zero_window(p, l);
	end_line(js, LIT(p, "}\n"));
}

static void json_stats(struct tl_sink *s, const struct tl_stats *st, bool final)
{
	struct sink_json *js = (struct sink_json *)s;
	char *p = room(js, js->ob.p, STATS_ROOM);

	p = LIT(p, "{\"type\":\"stats\",\"time\":");
	p = put_time(js, p, tl_clock_now_boot());
	p = put_bool(LIT(p, ",\"final\":"), final);
	p = UINT_FIELD(p, "events", st->events);
	p = UINT_FIELD(p, "rb_lost", st->rb_lost);
	p = UINT_FIELD(p, "storage_fail", st->storage_fail);
	p = UINT_FIELD(p, "recursion_misses", st->recursion_misses);
	p = UINT_FIELD(p, "table_evictions", st->table_evictions);
	p = UINT_FIELD(p, "states_truncated", st->states_truncated);
	p = UINT_FIELD(p, "lifelines", st->lifelines);
	p = UINT_FIELD(p, "listeners_untracked", st->listeners_untracked);
	p = LIT(p, ",\"unavailable\":[");
	for (int h = 0, n = 0; h < TL_HOOK_MAX; h++)
		if (tl_hook_has(st->hooks_missing, h)) {
			const char *name = tl_hook_name(h);

			p = jt_quote(n++ ? LIT(p, ",") : p, name, strlen(name));
		}
	end_line(js, LIT(p, "]}\n"));
}

static void json_flush(struct tl_sink *s)
{
	tl_outbuf_flush(&((struct sink_json *)s)->ob);
}

static void json_destroy(struct tl_sink *s)
{
	struct sink_json *js = (struct sink_json *)s;

	tl_outbuf_free(&js->ob);
	tl_name_cache_free(js->names);
	free(js);
}

static const struct tl_sink_ops json_ops = {
	.event = json_event,
	.lifeline = json_lifeline,
	.stats = json_stats,
	.flush = json_flush,
	.destroy = json_destroy,
};

struct tl_sink *tl_sink_json_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock)
{
	struct sink_json *js = calloc(1, sizeof(*js));

	if (!js)
		return NULL;
	js->names = tl_name_cache_new(names, &json_style);
	js->table = names;
	if (!js->names || tl_outbuf_init(&js->ob, out)) {
		tl_name_cache_free(js->names);
		free(js);
		return NULL;
	}
	tl_clock_cache_init(&js->time);
	js->base.ops = &json_ops;
	js->base.out = out;
	js->base.names = names;
	js->base.clock = clock;
	return &js->base;
}
