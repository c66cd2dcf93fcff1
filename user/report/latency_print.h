/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * latency_print.h - the latency tables (latency.h) for people and for
 * scripts: in `report --summary` (text, and a "latency" member of the JSON
 * summary) and at the exit of `trace --latency` (text on stderr, or one
 * {"type":"latency"} line on stdout with --json: docs/json.md).
 * An accept wait never measured is "-" / null, never 0; @accept_hook says
 * whether the accept hook ran at all (without it there is none to measure).
 */
#ifndef TL_LATENCY_PRINT_H
#define TL_LATENCY_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "output/json_writer.h"
#include "report/latency.h"

/** tl_lat_print_text() - the tables, one line per port and measure seen. */
void tl_lat_print_text(const struct tl_latency *t, bool accept_hook, FILE *out);

/** tl_lat_json_members() - "accept_hook", "listeners", "clients" into an open object. */
void tl_lat_json_members(struct json_writer *jw, const struct tl_latency *t, bool accept_hook);

/** tl_lat_print_json() - one {"type":"latency",...} line. Return: 0, -1 on ENOMEM. */
int tl_lat_print_json(const struct tl_latency *t, bool accept_hook, FILE *out);

#endif
