/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sink.h - where decoded output goes. One interface, one implementation per
 * format, each with its own constructor (sink_text.h, sink_json.h); the
 * decode/timeline path never formats. A new format is a new sink: a
 * struct tl_sink_ops and a constructor, chosen by the view (view.c).
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
