/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* report_summary_text.h - `tcpline report` (--summary): the summary for people. */
#ifndef TL_REPORT_SUMMARY_TEXT_H
#define TL_REPORT_SUMMARY_TEXT_H

#include <stdio.h>

#include "report/report_summary.h"

/** tl_summary_print() - the summary, for people, about 40 lines. */
void tl_summary_print(const struct tl_summary *s, const struct tl_summary_info *info, FILE *out);

#endif
