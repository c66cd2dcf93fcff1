// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* options.c - `tcpline trace` command line -> struct tl_trace_opts. */
#include <stddef.h>
#include <string.h>

#include "cli/filter_opts.h"
#include "cli/log.h"
#include "core/live.h"
#include "core/view.h"
#include "trace/options.h"

const struct tl_opt tl_show_output_opts[] = {
	TL_OPT("json", 0, TL_OPT_FLAG, offsetof(struct tl_show_opts, json), NULL,
	       "JSON Lines on stdout (docs/json.md)"),
	TL_OPT("events", 0, TL_OPT_FLAG, offsetof(struct tl_show_opts, events), NULL,
	       "show events only"),
	TL_OPT("lifelines", 0, TL_OPT_FLAG, offsetof(struct tl_show_opts, lifelines), NULL,
	       "show lifelines only"),
	{ 0 },
};

const struct tl_opt tl_trace_owner_opts[] = {
	TL_OPT("accept-owner", 0, TL_OPT_FLAG, offsetof(struct tl_trace_opts, accept_owner), NULL,
	       "an accepted connection's owner from accept() (else its\n"
	       "listener's until its close()); slows every system call\n"
	       "of the host while tracing; implied by -p, --comm, --cgroup"),
	{ 0 },
};

const struct tl_opt tl_trace_exit_opts[] = {
	TL_OPT("latency", 0, TL_OPT_FLAG, offsetof(struct tl_trace_opts, latency), NULL,
	       "at exit, latency by port: connect, handshake, accept wait\n"
	       "(with the accept hook), CLOSE_WAIT; on stderr, or one\n"
	       "\"latency\" line on stdout with --json"),
	{ 0 },
};

const struct tl_opt tl_trace_priv_opts[] = {
	TL_OPT("user", 0, TL_OPT_STRING, offsetof(struct tl_trace_opts, user), "USER",
	       "once set up, become USER (its uid, gid and groups);\n"
	       "capabilities are dropped in any case (docs/privileges.md)"),
	{ 0 },
};

const struct tl_opt tl_trace_limit_opts[] = {
	TL_OPT("duration", 0, TL_OPT_SECONDS, offsetof(struct tl_trace_opts, duration), "S",
	       "stop after S seconds (default: at SIGINT/SIGTERM)", .max = 1e9),
	TL_OPT("max-conns", 0, TL_OPT_UINT, offsetof(struct tl_trace_opts, max_conns), "N",
	       "live connections tracked at once (default 65536;\n"
	       "TIME_WAIT ones as many as tcp_max_tw_buckets allows)",
	       .min = 16, .max = 1u << 24),
	TL_OPT("ringbuf-mb", 0, TL_OPT_UINT, offsetof(struct tl_trace_opts, ringbuf_mb), "N",
	       "kernel ring buffer size in MiB, rounded up to a power\n"
	       "of two (default 8)",
	       .min = 1, .max = 1024),
	TL_OPT("nice", 0, TL_OPT_INT, offsetof(struct tl_trace_opts, nice), "N",
	       "the reader's priority, -20 to 19 (default -10, so that\n"
	       "it keeps up with the ring buffer on a saturated host)",
	       .min = -20, .max = 19),
	TL_OPT("verbose", 'v', TL_OPT_FLAG, offsetof(struct tl_trace_opts, verbose), NULL,
	       "libbpf diagnostics"),
	{ 0 },
};

void tl_trace_groups(struct tl_trace_opts *o, struct tl_opt_group g[TL_TRACE_GROUPS])
{
	g[0] = (struct tl_opt_group){ "Output:", tl_show_output_opts, &o->show };
	g[1] = (struct tl_opt_group){ "Filters (in the kernel where possible):",
				      tl_filter_owner_opts, &o->show.filter };
	g[2] = (struct tl_opt_group){ NULL, tl_filter_socket_opts, &o->show.filter };
	g[3] = (struct tl_opt_group){ NULL, tl_filter_addr_opts, &o->show.filter };
	g[4] = (struct tl_opt_group){ "Owners:", tl_trace_owner_opts, o };
	g[5] = (struct tl_opt_group){ "Privileges:", tl_trace_priv_opts, o };
	g[6] = (struct tl_opt_group){ "Limits:", tl_trace_limit_opts, o };
}

void tl_trace_opts_defaults(struct tl_trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_conns = 65536;
	o->ringbuf_mb = TL_RING_MB_DEFAULT;
	o->nice = TL_READER_NICE;
}

void tl_trace_opts_settle(struct tl_trace_opts *o)
{
	uint32_t mb = tl_ring_mb(o->ringbuf_mb);

	if (mb != o->ringbuf_mb)
		tl_info("--ringbuf-mb %u: the ring buffer holds %u MiB (its size is a power of two)",
			o->ringbuf_mb, mb);
	o->ringbuf_mb = mb;
}

int tl_trace_opts_parse(struct tl_trace_opts *o, int argc, char **argv)
{
	struct tl_opt_group groups[TL_TRACE_GROUPS + 1];
	const struct tl_opt_cmd cmd = {
		.name = "tcpline",
		.synopsis =
			"Usage: tcpline [trace] [OPTIONS]\n"
			"Trace TCP connections live: state changes, retransmits, resets, drops,\n"
			"and one lifeline per connection when it ends.\n"
			"\n",
		.epilogue = TL_EXIT_STATUS_HELP,
		.groups = groups,
		.ngroups = TL_TRACE_GROUPS + 1,
	};
	int r;

	tl_trace_groups(o, groups);
	groups[TL_TRACE_GROUPS] = (struct tl_opt_group){ "At exit:", tl_trace_exit_opts, o };
	r = tl_opts_parse(&cmd, argc, argv);
	if (!r)
		tl_trace_opts_settle(o);
	return r;
}

void tl_trace_live(const struct tl_trace_opts *o, struct tl_live_config *c)
{
	memset(c, 0, sizeof(*c));
	c->load.filter = o->show.filter;
	c->load.ringbuf_mb = o->ringbuf_mb;
	c->load.verbose = o->verbose;
	c->load.accept_owner = o->accept_owner;
	c->duration = o->duration;
	c->interval = 1.0;
	c->nice = o->nice;
	c->user = o->user;
}

void tl_show_view(const struct tl_show_opts *s, struct tl_view_opts *vo)
{
	vo->filter = &s->filter;
	vo->json = s->json;
	vo->show_events = s->events || !s->lifelines;
	vo->show_lifelines = s->lifelines || !s->events;
}
