/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json_check.h - a strict RFC 8259 validator for the tests: one JSON value,
 * nothing but whitespace around it, strings in valid UTF-8 without raw
 * control bytes, and no duplicate member names in an object.
 */
#ifndef TL_JSON_CHECK_H
#define TL_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/**
 * json_check() - whether @s (@len bytes, NULs included) is exactly one valid
 * JSON text. On failure, *@err_at (if not NULL) is the byte offset of the
 * first problem.
 */
bool json_check(const char *s, size_t len, size_t *err_at);

/**
 * json_check_lines() - every '\n'-terminated line of @s is valid JSON and @s
 * ends with '\n' (JSON Lines). Return: the number of lines, or -1 - the index
 * of the first bad line.
 */
int json_check_lines(const char *s, size_t len);

#endif
