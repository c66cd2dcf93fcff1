/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink.h - where decoded output goes. One interface, one implementation per
 * format (sink_text.c, sink_json.c); the decode/timeline path never formats.
 */
#ifndef TL_SINK_H
#define TL_SINK_H

#include <stdbool.h>
#include <stdio.h>

#include "../bpf/tcpline.h"
#include "core/clock.h"
#include "core/model.h"
#include "kernel/names.h"

struct tl_sink;

struct tl_sink_ops {
	/* one event: STATE, RETRANS, SYNACK_RETRANS, RESET_SENT, RESET_RECV, DROP */
	void (*event)(struct tl_sink *s, const struct tl_event *ev);
	void (*lifeline)(struct tl_sink *s, const struct tl_lifeline *l);
	/* counters: @final at exit, else because they moved */
	void (*stats)(struct tl_sink *s, const struct tl_stats *st, bool final);
	/* hand every complete line to the stream (sinks gather lines in a buffer) */
	void (*flush)(struct tl_sink *s);
	void (*destroy)(struct tl_sink *s); /* flushes first */
};

struct tl_sink {
	const struct tl_sink_ops *ops;
	FILE *out;
	const struct tl_names *names;
	const struct tl_clock *clock;
};

/**
 * tl_sink_text_new() - aligned columns for people, a header line first.
 * Stats are not printed by this sink (the caller writes them to stderr with
 * tl_stats_fprint()). Return: NULL on ENOMEM.
 */
struct tl_sink *tl_sink_text_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock);

/**
 * tl_sink_json_new() - JSON Lines per docs/json.md, stats as type "stats".
 * Return: NULL on ENOMEM.
 */
struct tl_sink *tl_sink_json_new(FILE *out, const struct tl_names *names,
				 const struct tl_clock *clock);

/**
 * tl_stats_fprint() - one line "tcpline: <prefix>: events N, lost N (ring buffer
 * full), ..." naming every counter.
 */
void tl_stats_fprint(FILE *f, const char *prefix, const struct tl_stats *st);

static inline void tl_sink_event(struct tl_sink *s, const struct tl_event *ev)
{
	s->ops->event(s, ev);
}

static inline void tl_sink_lifeline(struct tl_sink *s, const struct tl_lifeline *l)
{
	s->ops->lifeline(s, l);
}

static inline void tl_sink_stats(struct tl_sink *s, const struct tl_stats *st, bool final)
{
	s->ops->stats(s, st, final);
}

static inline void tl_sink_flush(struct tl_sink *s)
{
	s->ops->flush(s);
}

static inline void tl_sink_destroy(struct tl_sink *s)
{
	if (s)
		s->ops->destroy(s);
}

#endif
