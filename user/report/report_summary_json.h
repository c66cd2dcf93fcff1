/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report_summary_json.h - `tcpline report --summary --json`: the summary as
 * one JSON object (docs/json.md, "type": "summary"), through json_writer.h.
 */
#ifndef TL_REPORT_SUMMARY_JSON_H
#define TL_REPORT_SUMMARY_JSON_H

#include <stdio.h>

#include "report/report_summary.h"

/** tl_summary_print_json() - the summary as one JSON line. Return: 0, -1 on ENOMEM. */
int tl_summary_print_json(const struct tl_summary *s, const struct tl_summary_info *info,
			  FILE *out);

#endif
