/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json_fmt.h - the byte-level JSON primitives: strings written straight into
 * a caller's buffer (numbers: digits.h). The streaming writer (json_writer.h)
 * and the fixed-shape line formatter of sink_json.c share them, so a string
 * is escaped the same way whoever writes it: control bytes as \u00XX, '"' and
 * '\\' with a backslash, and bytes that are not valid UTF-8 as \u00XX with
 * the byte's value.
 */
#ifndef TL_JSON_FMT_H
#define TL_JSON_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Room jt_quote() may need for @len input bytes: all escaped, and the quotes. */
#define JT_QUOTED_MAX(len) (6 * (size_t)(len) + 2)

/**
 * jt_clean_len() - how many leading bytes of @s need no escaping: printable
 * ASCII other than '"' and '\\', and well-formed UTF-8 sequences.
 */
size_t jt_clean_len(const char *s, size_t len);

/**
 * jt_escape_byte() - the escape of one byte that jt_clean_len() stopped at
 * (at most 6 bytes). Return: the end of what was written.
 */
char *jt_escape_byte(char *dst, unsigned char c);

/**
 * jt_quote() - @s as a JSON string, quotes included, into @dst, which holds
 * JT_QUOTED_MAX(@len) bytes. Return: the end of what was written (no NUL).
 */
char *jt_quote(char *dst, const char *s, size_t len);

#endif
