/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * backlog_table.h - the listeners `tcpline backlog` knows, by socket cookie,
 * with what their records said in the current interval; and the namespaces
 * they live in, with their counters at the last two interval ends. Both are
 * bounded: a listener that does not fit replaces the stalest one (counted).
 */
#ifndef TL_BACKLOG_TABLE_H
#define TL_BACKLOG_TABLE_H

#include "backlog/backlog_row.h"
#include "kernel/precise.h"

struct bl_listener {
	uint64_t cookie;
	/*
	 * Sum of drops_delta in the interval: listen drops. Below zero when the
	 * BPF sample saw a segment in sk_drops before its discard was counted
	 * (drops_delta then wraps): the debt is carried to the next interval.
	 */
	int64_t drops;
	uint64_t drops_total;
	uint64_t since_created; /* the latest record's drops */
	uint64_t close_ts;
	uint32_t ack_base, ack_now; /* ack_overflows at the interval's start, latest */
	uint32_t disc_base, disc_now; /* rx_discards at the interval's start, latest */
	uint32_t synack_base, synack_now;
	/* the precise tier's counts at the interval's start, latest (precise.h) */
	struct tl_precise_counts precise_base, precise_now;
	bool precise_rebase; /* back from an eviction: count from its next reading */
	bool older_than_tracing; /* its first record said so (TL_LF_FIRST) */
	uint32_t netns, pid;
	uint32_t acceptq, acceptq_peak, acceptq_limit, synq, synq_peak;
	uint32_t last_interval; /* the interval of its latest record */
	uint16_t lport;
	uint8_t laddr[16];
	uint8_t family;
	uint8_t owner_conf;
	bool moved; /* a record in this interval */
	bool closed; /* its last record (TL_LF_CLOSED) or LISTEN -> CLOSE */
	bool raw_drops; /* its latest record had TL_LF_RAW_DROPS */
	char comm[TL_COMM_LEN];
	int32_t next; /* hash chain or free list */
};

struct bl_table;

/** bl_table_new() - room for @cap listeners. Return: NULL on ENOMEM. */
struct bl_table *bl_table_new(uint32_t cap);
void bl_table_free(struct bl_table *t);

/**
 * bl_table_feed() - take one record: TL_EV_LISTENER updates its listener;
 * TL_EV_SOCK of a listener and TL_EV_STATE -> LISTEN add it with its owner;
 * TL_EV_STATE LISTEN -> CLOSE marks it closed. Others are ignored.
 */
void bl_table_feed(struct bl_table *t, const struct tl_event *ev);

/** bl_table_find() - the listener with socket cookie @cookie, or NULL. */
struct bl_listener *bl_table_find(struct bl_table *t, uint64_t cookie);

/** bl_table_count() - listeners known. */
uint32_t bl_table_count(const struct bl_table *t);

/** bl_table_evictions() - listeners forgotten because the table was full. */
uint64_t bl_table_evictions(const struct bl_table *t);

/** bl_table_each() - call @fn for every listener known. */
void bl_table_each(struct bl_table *t, void (*fn)(void *ctx, struct bl_listener *l), void *ctx);

/**
 * bl_listener_row() - @r from what @l's records said in the interval: queues,
 * drops, discarded segments, SYN-ACK retransmits, and the third-ACK overflows
 * when @overflow_reason (the kernel has drop reason TCP_LISTEN_OVERFLOW).
 * The rest of @r (namespace, sysctls, time, causes) is zeroed.
 */
void bl_listener_row(const struct bl_listener *l, bool overflow_reason, struct bl_row *r);

/**
 * bl_table_next_interval() - the interval ended: forget closed listeners,
 * start the others' counts and peaks from zero (a drop debt is kept).
 */
void bl_table_next_interval(struct bl_table *t);

#endif
