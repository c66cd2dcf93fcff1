/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json_writer.h - a small streaming JSON writer for documents whose shape
 * varies (nested objects, arrays of any length): the summaries of report,
 * sockets and backlog, and features. Commas and nesting are tracked by the
 * writer; strings are escaped by json_fmt.h (control bytes as \u00XX, '"'
 * and '\\', bytes that are not valid UTF-8 as \u00XX with the byte's
 * value), so nothing invalid reaches the stream.
 *
 * The JSON layers, and who uses which:
 *  - json_fmt.h: byte-level primitives (string escaping); everyone;
 *  - json_writer.h (this): streaming documents, onto a FILE;
 *  - sink_json.c: the per-event lines of trace --json, record --live --json
 *    and report --json, fixed in shape and written straight into outbuf.h on
 *    json_fmt.h and digits.h, one write per batch: it is the hot path
 *    (docs/performance.md: 1.5 -> 0.37 us of tracer CPU per event came from
 *    formatting by hand and batching writes), so it does not go through this
 *    writer's per-call state and stdio: the same state line, byte for byte,
 *    took 240 ns through sink_json and 1080 ns through this writer (medians
 *    of 5 runs of 2M lines to a file, this machine).
 */
#ifndef TL_JSON_WRITER_H
#define TL_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

/** jw_new() - a writer onto @f (not owned). Return: NULL on ENOMEM. */
struct json_writer *jw_new(FILE *f);
void jw_destroy(struct json_writer *jw);

void jw_start_object(struct json_writer *jw);
void jw_end_object(struct json_writer *jw);
void jw_start_array(struct json_writer *jw);
void jw_end_array(struct json_writer *jw);
/** jw_name() - the next member's name (inside an object). */
void jw_name(struct json_writer *jw, const char *name);
void jw_string(struct json_writer *jw, const char *s); /* NULL writes null */
void jw_string_len(struct json_writer *jw, const char *s, size_t len);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);
/** jw_end_line() - after a top-level value: write '\n' (JSON Lines). */
void jw_end_line(struct json_writer *jw);

/* name + value shorthands */
void jw_string_field(struct json_writer *jw, const char *name, const char *s);
void jw_uint_field(struct json_writer *jw, const char *name, uint64_t v);
void jw_int_field(struct json_writer *jw, const char *name, int64_t v);
void jw_bool_field(struct json_writer *jw, const char *name, bool v);
void jw_null_field(struct json_writer *jw, const char *name);

#endif
