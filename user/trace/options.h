/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * options.h - the command line of `tcpline trace`: its option tables
 * (cli/opts.h), parsed into struct tl_trace_opts, and what a run is built
 * from them (the session's configuration, the view's). `record` binds the
 * same tables next to its own; `report` binds the output and filter ones.
 */
#ifndef TL_OPTIONS_H
#define TL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "cli/opts.h"

/* What is shown, and of which connections: trace, record --live and report alike. */
struct tl_show_opts {
	bool json; /* JSON Lines instead of columns */
	bool events, lifelines; /* --events, --lifelines as given: neither shows both */
	struct tl_filter filter; /* applied in the kernel and again in user space */
};

struct tl_trace_opts {
	struct tl_show_opts show;
	bool verbose; /* libbpf debug output */
	bool accept_owner; /* the accept() syscall hook, even when no owner filter needs it */
	double duration; /* seconds; 0: until SIGINT/SIGTERM */
	uint32_t max_conns; /* cap of the user-space connection table */
	uint32_t ringbuf_mb; /* the ring buffer's size once parsed (a power of two) */
	int nice; /* the reader's scheduling priority */
	const char *user; /* --user: become this user once set up (kernel/privdrop.h) */
	bool latency; /* trace only: latency by port at exit (report/latency_print.h) */
};

/* --json, --events, --lifelines: over a struct tl_show_opts */
extern const struct tl_opt tl_show_output_opts[];

/* --accept-owner: over a struct tl_trace_opts */
extern const struct tl_opt tl_trace_owner_opts[];

/* --duration, --max-conns, --ringbuf-mb, --nice, -v: over a struct tl_trace_opts */
extern const struct tl_opt tl_trace_limit_opts[];

/* --latency: over a struct tl_trace_opts; trace's own (record has --summary) */
extern const struct tl_opt tl_trace_exit_opts[];

/* --user USER */
extern const struct tl_opt tl_trace_priv_opts[];

#define TL_TRACE_GROUPS 7

/**
 * tl_trace_groups() - every table of trace bound to @o, with trace's
 * headings, into @g: what trace parses, and record next to its own.
 */
void tl_trace_groups(struct tl_trace_opts *o, struct tl_opt_group g[TL_TRACE_GROUPS]);

/** tl_trace_opts_defaults() - both events and lifelines, text, no filters. */
void tl_trace_opts_defaults(struct tl_trace_opts *o);

/**
 * tl_trace_opts_parse() - parse `trace` arguments (argv[0] is the command
 * name) into @o, which holds the defaults, then settle them
 * (tl_trace_opts_settle()).
 * Return: 0; 1 when --help was printed; -1 after a one-line usage error.
 */
int tl_trace_opts_parse(struct tl_trace_opts *o, int argc, char **argv);

/**
 * tl_trace_opts_settle() - after parsing: the ring size as the kernel will
 * make it (the next power of two), said on stderr when it is not the size
 * asked for, so that every later mention of it is true.
 */
void tl_trace_opts_settle(struct tl_trace_opts *o);

struct tl_live_config;
struct tl_view_opts;

/**
 * tl_trace_live() - the session @o asks for: its kernel filters, ring,
 * accept hook, duration and nice; listener samples and counters once a second.
 */
void tl_trace_live(const struct tl_trace_opts *o, struct tl_live_config *c);

/**
 * tl_show_view() - what @s shows: sink, events and lifelines, filter
 * (@vo's other fields are the caller's).
 */
void tl_show_view(const struct tl_show_opts *s, struct tl_view_opts *vo);

#endif
