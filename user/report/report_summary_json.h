/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_summary_json.h - `tcpline report --summary --json`: the summary as
 * one JSON object (docs/json.md, "type": "summary"), through json_writer.h.
 */
#ifndef TL_REPORT_SUMMARY_JSON_H
#define TL_REPORT_SUMMARY_JSON_H

#include <stdio.h>

#include "report/report_summary.h"
#include "report/summary_tables.h"

struct json_writer;

/** tl_summary_print_json() - the summary as one JSON line. Return: 0, -1 on ENOMEM. */
int tl_summary_print_json(const struct tl_summary *s, const struct tl_summary_info *info,
			  FILE *out);

/** tl_summary_json_hist() - @h's members "n", "p50_ns", "p90_ns", "p99_ns", "max_ns" into the open object. */
void tl_summary_json_hist(struct json_writer *jw, const struct tl_hist *h);

#endif
