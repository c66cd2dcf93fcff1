/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json_why.h - the members of a JSON lifeline that say why and how a
 * connection ended (docs/json.md): the timer that gave up, keepalive, how
 * it closed, zero-window stalls. Each writes ",\"name\":value" at @p, which
 * must have room for TL_JSON_WHY_ROOM bytes for all of them together, and
 * returns the end. Values not known are null, never 0.
 */
#ifndef TL_JSON_WHY_H
#define TL_JSON_WHY_H

#include "core/model.h"

#define TL_JSON_WHY_ROOM 512

/** tl_json_timeout() - "timeout", "timeout_attempts", "timeout_after_ns". */
char *tl_json_timeout(char *p, const struct tl_lifeline *l);

/** tl_json_keepalive() - "keepalive": the settings in effect and the probes, or null. */
char *tl_json_keepalive(char *p, const struct tl_lifeline *l);

/** tl_json_close() - "close": "graceful", "abortive" or null. */
char *tl_json_close(char *p, const struct tl_lifeline *l);

/** tl_json_zero_window() - "zero_window": stalls, their time and probes, or null. */
char *tl_json_zero_window(char *p, const struct tl_lifeline *l);

#endif
