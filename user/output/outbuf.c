// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* outbuf.c - see outbuf.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fwrite_unlocked */
#endif
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "output/outbuf.h"

int tl_outbuf_init(struct tl_outbuf *o, FILE *f)
{
	o->buf = malloc(TL_OUTBUF_CAP);
	if (!o->buf)
		return -ENOMEM;
	o->f = f;
	o->line_flush = fileno(f) >= 0 && isatty(fileno(f));
	o->p = o->buf;
	o->end = o->buf + TL_OUTBUF_CAP;
	return 0;
}

/* A sink has its stream to itself: no other thread writes it, no lock needed. */
void tl_outbuf_flush(struct tl_outbuf *o)
{
	if (o->p > o->buf)
		fwrite_unlocked(o->buf, 1, (size_t)(o->p - o->buf), o->f);
	o->p = o->buf;
}

void tl_outbuf_free(struct tl_outbuf *o)
{
	if (!o->buf)
		return;
	tl_outbuf_flush(o);
	free(o->buf);
	o->buf = o->p = o->end = NULL;
}
