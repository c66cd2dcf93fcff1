/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * features_print.h - what `tcpline features` found (features_report.h), for
 * people or as one JSON object.
 */
#ifndef TL_FEATURES_PRINT_H
#define TL_FEATURES_PRINT_H

#include <stdio.h>

#include "features/features_report.h"

/** tl_features_print_text() - for people: aligned sections. */
void tl_features_print_text(const struct tl_features *f, FILE *out);

/** tl_features_print_json() - one JSON object (docs/json.md type "features"). */
int tl_features_print_json(const struct tl_features *f, FILE *out);

#endif
