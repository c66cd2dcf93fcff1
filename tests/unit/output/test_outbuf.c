// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_outbuf.c - the sinks' output buffer: nothing lost, order kept, flushed
 * when full (output/outbuf.h).
 */
#include <stdlib.h>
#include <string.h>

#include "output/outbuf.h"
#include "tests/unit/unit.h"

static void put(struct tl_outbuf *o, const char *s, size_t n)
{
	char *p = tl_outbuf_room(o, n);

	memcpy(p, s, n);
	o->p = p + n;
}

static const size_t chunk_sizes[] = { 1, 7, 100, 4096, TL_OUTBUF_CAP - 1, TL_OUTBUF_CAP };

UNIT_TEST(outbuf_keeps_every_byte_in_order)
{
	for (size_t k = 0; k < sizeof(chunk_sizes) / sizeof(chunk_sizes[0]); k++) {
		size_t chunk = chunk_sizes[k], total = 3 * TL_OUTBUF_CAP + 123, len = 0, done = 0;
		char *mem = NULL, *src = malloc(chunk);
		FILE *f = open_memstream(&mem, &len);
		struct tl_outbuf o;

		CHECK_INT(tl_outbuf_init(&o, f), 0);
		CHECK(!o.line_flush); /* not a terminal */
		while (done < total) {
			size_t n = total - done < chunk ? total - done : chunk;

			for (size_t i = 0; i < n; i++)
				src[i] = (char)('a' + (done + i) % 26);
			put(&o, src, n);
			done += n;
		}
		tl_outbuf_free(&o);
		fclose(f);
		CHECK_INT(len, total);
		for (size_t i = 0; i < len; i++)
			if (mem[i] != (char)('a' + i % 26)) {
				unit_fail(__FILE__, __LINE__, "chunk %zu: byte %zu differs", chunk,
					  i);
				break;
			}
		free(mem);
		free(src);
	}
}

UNIT_TEST(outbuf_writes_only_when_full_or_flushed)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct tl_outbuf o;

	CHECK_INT(tl_outbuf_init(&o, f), 0);
	put(&o, "line\n", 5);
	tl_outbuf_end_line(&o); /* not a terminal: stays buffered */
	fflush(f);
	CHECK_INT(len, 0);
	/* asking for more room than is left hands the buffer over first */
	tl_outbuf_room(&o, TL_OUTBUF_CAP);
	fflush(f);
	CHECK_INT(len, 5);
	put(&o, "x", 1);
	tl_outbuf_flush(&o);
	fflush(f);
	CHECK_INT(len, 6);
	tl_outbuf_flush(&o); /* nothing buffered: nothing written */
	fflush(f);
	CHECK_INT(len, 6);
	/* a terminal-like buffer writes each complete line */
	o.line_flush = 1;
	put(&o, "y\n", 2);
	tl_outbuf_end_line(&o);
	fflush(f);
	CHECK_INT(len, 8);
	tl_outbuf_free(&o);
	tl_outbuf_free(&o); /* twice is harmless */
	fclose(f);
	CHECK(!memcmp(mem, "line\nxy\n", 8));
	free(mem);
}
