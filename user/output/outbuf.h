/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * outbuf.h - the sinks' output buffer: a line is formatted straight into it
 * (the caller asks for room, writes, and moves the cursor), and lines go to
 * stdio together when the buffer fills or is flushed, so a sink pays neither
 * stdio's per-call cost per field or line nor a bounds check per byte. On a
 * terminal each line goes out when it is complete, as stdio would do it.
 */
#ifndef TL_OUTBUF_H
#define TL_OUTBUF_H

#include <stddef.h>
#include <stdio.h>

#define TL_OUTBUF_CAP 65536

struct tl_outbuf {
	FILE *f;
	char *p; /* where the next byte goes */
	char *end;
	char *buf;
	int line_flush; /* a terminal: every line as soon as it is complete */
};

/** tl_outbuf_init() - a buffer onto @f (not owned). Return: 0 or -ENOMEM. */
int tl_outbuf_init(struct tl_outbuf *o, FILE *f);

/** tl_outbuf_flush() - hand everything buffered to the stream. */
void tl_outbuf_flush(struct tl_outbuf *o);

/** tl_outbuf_end_line() - a line is complete (its '\n' written). */
static inline void tl_outbuf_end_line(struct tl_outbuf *o)
{
	if (o->line_flush)
		tl_outbuf_flush(o);
}

/** tl_outbuf_free() - flush, then release the buffer. */
void tl_outbuf_free(struct tl_outbuf *o);

/**
 * tl_outbuf_room() - the cursor, with at least @n (<= TL_OUTBUF_CAP) bytes
 * free after it: what is buffered goes to the stream first if needed. The
 * caller writes there and sets o->p to the end of what it wrote.
 */
static inline char *tl_outbuf_room(struct tl_outbuf *o, size_t n)
{
	if ((size_t)(o->end - o->p) < n)
		tl_outbuf_flush(o);
	return o->p;
}

#endif
