/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json_writer.h - a small streaming JSON writer, used by every JSON emitter so
 * the output is always valid: strings are escaped (control bytes as \u00XX,
 * '"' and '\\'), and bytes that are not valid UTF-8 are written as \u00XX
 * with the byte's value, so nothing invalid reaches the stream.
 * Commas and nesting are tracked by the writer.
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
