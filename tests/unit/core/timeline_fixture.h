/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * timeline_fixture.h - the timeline tests' harness: a timeline whose outputs
 * are captured, and events made by hand (one connection 10.0.0.1:40000 ->
 * 10.0.0.2:80 in one namespace, unless a test changes them).
 */
#ifndef TL_TIMELINE_FIXTURE_H
#define TL_TIMELINE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/timeline.h"

#define MS 1000000ULL
#define MAXOUT 64

struct capture {
	struct tl_event events[MAXOUT];
	struct tl_lifeline lifelines[MAXOUT];
	int nevents, nlifelines;
};

void cap_event(void *ctx, const struct tl_event *ev);
void cap_lifeline(void *ctx, const struct tl_lifeline *l);

/**
 * new_tl() - a timeline of @max live connections and as many in TIME_WAIT,
 * capturing into @c (zeroed).
 */
struct tl_timeline *new_tl(struct capture *c, uint32_t max, bool tw);

/** new_tl_tw() - the same with @max_tw connections in TIME_WAIT. */
struct tl_timeline *new_tl_tw(struct capture *c, uint32_t max, uint32_t max_tw, bool tw);

/** ev_of() - an event of @type for @cookie at @ts, dwell unknown, no reason. */
struct tl_event ev_of(uint8_t type, uint64_t cookie, uint64_t ts);

/** state() - feed a state change. */
void state(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, uint8_t new,
	   uint64_t dwell);

/** close_ev() - feed a move to CLOSE from @old, with error @err, @flags, the final counters. */
void close_ev(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, int err,
	      uint8_t flags, uint64_t dwell);

/** simple() - feed an event of @type on an established connection. */
void simple(struct tl_timeline *t, uint8_t type, uint64_t cookie, uint64_t ts);

/** owned_state() - feed a state change with its owner, as process context carries it. */
void owned_state(struct tl_timeline *t, uint64_t cookie, uint64_t ts, uint8_t old, uint8_t new,
		 uint32_t pid, const char *comm);

#endif
