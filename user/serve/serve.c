// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* serve.c - see serve.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <bpf/btf.h>

#include "cli/log.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "kernel/tw_cap.h"
#include "core/live.h"
#include "core/view.h"
#include "kernel/names.h"
#include "kernel/privdrop.h"
#include "kernel/privs.h"
#include "record/recorder.h"
#include "serve/exposition.h"
#include "serve/families.h"
#include "serve/http.h"
#include "serve/metrics_sink.h"
#include "serve/serve.h"
#include "serve/serve_listeners.h"
#include "serve/serve_options.h"
#include "serve/textfile.h"

struct serve {
	struct tl_serve_opts so;
	struct tl_live_config live; /* the session so asks for */
	struct tl_names names;
	struct tl_clock clock;
	struct tl_registry *reg;
	struct tl_serve_families fam;
	struct tl_sink *sink; /* the metrics sink */
	bool sink_given; /* to the view, which owns it from then on */
	struct tl_view *view;
	struct tl_serve_listeners *ls;
	struct tl_http *http;
	struct tl_live *lv;
	struct tl_recorder *rec; /* --record */
	char rec_path[4096];
	bool rec_failed; /* the recording stopped on a write error (said): metrics go on */
	bool overflow_reason;
	int textfile_err; /* the last error said, so that each new one is said once */
	int census_err;
};

static volatile sig_atomic_t hup;

static void on_hup(int sig)
{
	(void)sig;
	hup = 1;
}

/* The page now: over HTTP and into the textfile. */
static void publish(struct serve *s)
{
	size_t len;
	char *page = tl_expo_render(s->reg, &len);
	int err;

	if (!page) {
		tl_warn("rendering the metrics: out of memory; the previous page stays");
		return;
	}
	if (s->so.textfile_dir) {
		err = tl_textfile_write(s->so.textfile_dir, page, len);
		if (err && err != s->textfile_err)
			tl_warn("writing %s/%s: %s (retried every interval)", s->so.textfile_dir,
				TL_TEXTFILE_NAME, strerror(-err));
		else if (!err && s->textfile_err)
			tl_info("writing %s/%s works again", s->so.textfile_dir, TL_TEXTFILE_NAME);
		s->textfile_err = err;
	}
	if (s->http)
		tl_http_publish(s->http, page, len);
	else
		free(page);
}

static bool has_overflow_reason(const struct tl_names *names)
{
	for (uint32_t i = 0; i < TL_NAMES_MAX; i++) {
		const char *n = tl_names_get(names, TL_NAMES_DROP, i);

		if (n && !strcmp(n, "TCP_LISTEN_OVERFLOW"))
			return true;
	}
	return false;
}

static int started(void *ctx, struct tl_live *lv)
{
	struct serve *s = ctx;
	const struct tl_hook_report *h = tl_live_report(lv);
	struct tl_view_opts vo = {
		.filter = &s->so.filter,
		.show_events = true,
		.show_lifelines = true,
		.max_conns = s->so.max_conns,
		.names = &s->names,
		.clock = &s->clock,
		.tw_observable = tl_live_tw_observable(lv),
		.sink = s->sink,
	};
	char caps[256];

	s->lv = lv;
	s->sink_given = true;
	if (tl_timewait_capacity(s->so.filter.netns, &vo.max_timewait)) {
		tl_err("cannot return to tcpline's own network namespace");
		return TL_EXIT_ERROR;
	}
	s->view = tl_view_new(&vo);
	s->ls = tl_serve_listeners_new(&s->fam, s->so.filter.netns,
				       s->overflow_reason && tl_hook_has(h->active, TL_HOOK_DROP));
	if (!s->view || !s->ls) {
		tl_err("out of memory for %u connections", s->so.max_conns);
		return TL_EXIT_ERROR;
	}
	tl_serve_listeners_start(s->ls);
	/* setns(CLONE_NEWNET) needs it: the kernel's namespaces are then skipped, not entered */
	if (!strstr(tl_caps_format(caps, sizeof(caps)), "CAP_SYS_ADMIN"))
		tl_warn("without CAP_SYS_ADMIN no network namespace can be entered: no listen drop "
			"causes (unsplit), no TIME_WAIT/CLOSE_WAIT gauges%s",
			s->rec ? ", no sockets alive at start in the recording" : "");
	return s->rec ? tl_recorder_start(s->rec, lv) : 0;
}

static void record(void *ctx, const struct tl_event *ev)
{
	struct serve *s = ctx;

	tl_view_feed(s->view, ev);
	tl_serve_listeners_feed(s->ls, ev);
	if (s->rec)
		tl_recorder_record(s->rec, ev);
}

static void reopen(struct serve *s, uint64_t now_ns)
{
	s->textfile_err = 0;
	publish(s);
	if (!s->rec || s->rec_failed)
		tl_info("SIGHUP: outputs reopened");
	else if (tl_recorder_rotate_now(s->rec, now_ns))
		tl_info("SIGHUP: outputs reopened; recording into %s", tl_recorder_path(s->rec));
	else
		tl_info("SIGHUP: outputs reopened; the recording goes on in %s (no rotation "
			"configured)",
			tl_recorder_path(s->rec));
}

static int batch(void *ctx, uint64_t now_ns)
{
	struct serve *s = ctx;

	tl_view_tick(s->view, now_ns);
	/* a recording that cannot be written stops (said); the metrics go on */
	if (s->rec && !s->rec_failed && !tl_recorder_batch(s->rec, now_ns))
		s->rec_failed = true;
	if (hup) {
		hup = 0;
		reopen(s, now_ns);
	}
	return 0;
}

/* TIME_WAIT and CLOSE_WAIT per namespace, from a dump of the sockets alive. */
static void census(struct serve *s)
{
	int n;

	tl_serve_census_begin(s->ls);
	n = tl_live_dump(s->lv, tl_serve_census_sock, s->ls);
	if (n < 0) {
		if (n != s->census_err)
			tl_warn("socket dump failed (%s): TIME_WAIT and CLOSE_WAIT gauges keep "
				"their last values",
				strerror(-n));
		s->census_err = n;
		return;
	}
	s->census_err = 0;
	tl_serve_census_end(s->ls);
}

static void counters(void *ctx, const struct tl_stats *kernel, bool final)
{
	struct serve *s = ctx;
	uint64_t now = tl_clock_now_boot();
	struct tl_stats st;

	/* the same time for both: a replay of the recording flushes where the view did */
	if (s->rec)
		tl_recorder_counters(s->rec, kernel, final, now);
	tl_view_counters(s->view, kernel, final, now);
	st = tl_view_stats(s->view, kernel);
	tl_sink_stats(s->sink, &st, final);
	tl_serve_listeners_interval(s->ls, kernel);
	census(s);
	publish(s);
}

/* "127.0.0.1:9464" / "[::1]:9464" with the port actually bound. */
static void addr_string(const struct sockaddr_storage *ss, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, port);
	}
}

/*
 * DIR/tcpline-<UTC start>.rec (.N when rotating): a restart begins a new
 * recording beside the previous one, which may hold what led to the restart.
 */
static int setup_record(struct serve *s, int argc, char **argv)
{
	struct tl_recorder_opts ro = {
		.path = s->rec_path,
		.rotate_size = s->so.rotate_size,
		.rotate_time_ns = s->so.rotate_time_ns,
		.max_files = s->so.max_files,
	};
	char stamp[32];
	time_t now = time(NULL);
	struct stat st;
	struct tm tm;

	if (stat(s->so.record_dir, &st) || !S_ISDIR(st.st_mode)) {
		tl_err("--record %s: %s", s->so.record_dir,
		       errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		return TL_EXIT_ERROR;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	if (snprintf(s->rec_path, sizeof(s->rec_path), "%s/tcpline-%s.rec", s->so.record_dir,
		     stamp) >= (int)sizeof(s->rec_path)) {
		tl_err("--record %s: %s", s->so.record_dir, strerror(ENAMETOOLONG));
		return TL_EXIT_ERROR;
	}
	return tl_recorder_new(&s->rec, &ro, &s->live, s->so.max_conns, argc, argv);
}

/* Everything that can fail before the kernel is touched: a bad setup loads nothing. */
static int setup(struct serve *s, int argc, char **argv)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct stat st;
	char addr[INET6_ADDRSTRLEN + 16];

	tl_names_init(&s->names);
	if (btf) {
		tl_names_load_btf(&s->names, btf);
		btf__free(btf);
	}
	s->overflow_reason = has_overflow_reason(&s->names);
	if (tl_clock_init(&s->clock)) {
		tl_err("cannot read the clocks: %s", strerror(errno));
		return TL_EXIT_ERROR;
	}
	if (s->so.textfile_dir && (stat(s->so.textfile_dir, &st) || !S_ISDIR(st.st_mode))) {
		tl_err("--textfile %s: %s", s->so.textfile_dir,
		       errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		return TL_EXIT_ERROR;
	}
	if (s->so.record_dir && setup_record(s, argc, argv))
		return TL_EXIT_ERROR;
	s->reg = tl_registry_new(s->so.max_series);
	if (!s->reg || tl_serve_families_add(s->reg, &s->fam)) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	s->sink = tl_sink_metrics_new(&s->fam, &s->names, s->so.metrics_ports.ports,
				      s->so.metrics_ports.n);
	if (!s->sink) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	if (s->so.metrics.text) {
		s->http = tl_http_start(&s->so.metrics.addr);
		if (!s->http) {
			tl_err("cannot serve metrics on %s: %s", s->so.metrics.text,
			       strerror(errno));
			return TL_EXIT_ERROR;
		}
		addr_string(&s->so.metrics.addr, tl_http_port(s->http), addr, sizeof(addr));
		tl_info("serve: metrics on http://%s/metrics", addr);
	}
	if (s->rec)
		tl_info("serve: recording into %s%s", s->rec_path,
			s->so.rotate_size || s->so.rotate_time_ns ? ".N" : "");
	if (s->so.textfile_dir)
		tl_info("serve: metrics into %s/%s every %g s", s->so.textfile_dir,
			TL_TEXTFILE_NAME, s->so.interval);
	publish(s);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct serve s = { 0 };
	struct tl_live_ops ops = { &s, started, record, batch, counters, 0 };
	struct sigaction sa = { .sa_handler = on_hup };
	int rc;

	/* from the start: a SIGHUP while loading must not end the daemon */
	sigaction(SIGHUP, &sa, NULL);
	tl_serve_opts_defaults(&s.so);
	rc = tl_serve_opts_parse(&s.so, argc, argv);
	if (rc)
		return tl_opts_exit(rc);
	tl_serve_live(&s.so, &s.live);
	/* every interval: each namespace's counters and its sockets' census; with --record a
	 * new file (rotation, SIGHUP) dumps the sockets again with owners from /proc */
	ops.later = TL_LATER_NETNS | (s.so.record_dir ? TL_LATER_OWNERS : 0);
	rc = setup(&s, argc, argv);
	if (!rc)
		rc = tl_live_run(&s.live, &ops);
	if (tl_recorder_close(s.rec, rc != 0) && !rc)
		rc = TL_EXIT_ERROR;
	tl_http_stop(s.http);
	tl_view_free(s.view);
	if (!s.sink_given)
		tl_sink_destroy(s.sink);
	tl_serve_listeners_free(s.ls);
	tl_registry_free(s.reg);
	tl_names_free(&s.names);
	return rc;
}
