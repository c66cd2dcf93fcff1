// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * report.c - `tcpline report FILE...`: recordings, in the order they were
 * made, through the same view as `trace` (replay.c), or into the summary.
 * Needs no privileges: nothing here touches the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/log.h"
#include "report/report.h"
#include "report/report_options.h"
#include "record/record_reader.h"
#include "report/replay.h"
#include "report/report_summary.h"
#include "report/report_summary_json.h"
#include "report/report_summary_text.h"
#include "core/view.h"
#include "kernel/tw_cap.h"

struct file {
	const char *path;
	int64_t start_real; /* wall-clock ns of its start */
	uint32_t seq;
	uint64_t set_id;
};

struct report {
	struct tl_report_opts ro;
	struct file *files;
	int nfiles;
	bool refused, damaged;
};

static int by_start(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	if (x->start_real != y->start_real)
		return x->start_real < y->start_real ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void note_open_error(struct report *rp, int err)
{
	if (tl_read_status_of(err) == TL_READ_REFUSED)
		rp->refused = true;
	else
		rp->damaged = true;
}

/* Every file's META, so the set can be read in the order it was written. */
static int scan_files(struct report *rp)
{
	rp->files = calloc((size_t)rp->ro.nfiles, sizeof(*rp->files));
	if (!rp->files)
		return -ENOMEM;
	for (int i = 0; i < rp->ro.nfiles; i++) {
		struct tl_reader_opts ro = { .name = rp->ro.files[i] };
		struct tl_reader *r;
		const struct tl_rec_meta *m;
		int err = tl_reader_open_file(&r, rp->ro.files[i], &ro);

		if (err) {
			note_open_error(rp, err);
			continue;
		}
		m = tl_reader_meta(r);
		rp->files[rp->nfiles++] = (struct file){
			.path = rp->ro.files[i],
			.start_real = (int64_t)m->start_ns + m->clock.boot_to_real_ns,
			.seq = m->seq,
			.set_id = m->set_id,
		};
		tl_reader_close(r);
	}
	qsort(rp->files, (size_t)rp->nfiles, sizeof(*rp->files), by_start);
	return 0;
}

/* "2026-11-21T01:28:34.5Z", "...+02:00", or seconds from the start ("30", "1.5"). */
static int parse_time(const char *s, const struct tl_rec_meta *m, uint64_t *boot_ns)
{
	struct tm tm = { 0 };
	int n = 0, oh = 0, om = 0;
	double frac = 0, rel;
	char *end;
	int64_t wall;
	const char *p;

	errno = 0;
	rel = strtod(s, &end);
	if (!errno && end != s && !*end && rel >= 0 && rel < 1e9) {
		*boot_ns = m->start_ns + (uint64_t)(rel * 1e9 + 0.5);
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	p = s + n;
	if (*p == '.') {
		frac = strtod(p, &end);
		p = end;
	}
	if (*p == '+' || *p == '-') {
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || strlen(p) != 6)
			return -1;
		if (*p == '-')
			oh = -oh, om = -om;
	} else if (strcmp(p, "Z") && strcmp(p, "z")) {
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	wall = ((int64_t)timegm(&tm) - oh * 3600 - om * 60) * 1000000000LL +
	       (int64_t)(frac * 1e9 + 0.5);
	*boot_ns = wall > m->clock.boot_to_real_ns ? (uint64_t)(wall - m->clock.boot_to_real_ns) :
						     0;
	return 0;
}

static int resolve_range(struct report *rp, const struct tl_rec_meta *m, uint64_t *since,
			 uint64_t *until)
{
	*since = *until = 0;
	if (rp->ro.since && parse_time(rp->ro.since, m, since)) {
		tl_err("invalid --since: '%s' (RFC 3339 or seconds from the recording's start)",
		       rp->ro.since);
		return -1;
	}
	if (rp->ro.until && parse_time(rp->ro.until, m, until)) {
		tl_err("invalid --until: '%s' (RFC 3339 or seconds from the recording's start)",
		       rp->ro.until);
		return -1;
	}
	if (rp->ro.until && !*until)
		*until = 1; /* before the recording: nothing */
	return 0;
}

static void replay_files(struct report *rp, struct tl_replay *re)
{
	for (int i = 0; i < rp->nfiles && !re->past_until; i++) {
		struct tl_reader_opts ro = { .name = rp->files[i].path };
		struct tl_reader *r;
		int err = tl_reader_open_file(&r, rp->files[i].path, &ro);

		if (err) {
			note_open_error(rp, err);
			continue;
		}
		if (rp->files[i].set_id != rp->files[0].set_id)
			tl_warn("%s: from another recording than %s: read as one timeline anyway",
				rp->files[i].path, rp->files[0].path);
		re->feed_snapshots = i == 0;
		tl_replay_file(re, r);
		if (tl_reader_status(r) != TL_READ_OK && !re->past_until)
			rp->damaged = true;
		tl_reader_close(r);
	}
}

static int run(struct report *rp, const struct tl_rec_meta *m)
{
	struct tl_summary *sum = rp->ro.summary ? tl_summary_new() : NULL;
	struct tl_view_opts vo = {
		.names = &m->names,
		.clock = &m->clock,
		.tw_observable = m->tw_observable,
		.out = rp->ro.summary ? NULL : stdout,
	};
	struct tl_replay re = { .hooks_missing = tl_meta_hooks_missing(m) };
	int rc = TL_EXIT_OK;

	if (rp->ro.summary && !sum)
		return TL_EXIT_ERROR;
	if (resolve_range(rp, m, &vo.since_ns, &re.until_ns)) {
		tl_summary_free(sum);
		return TL_EXIT_USAGE;
	}
	/* the recording's table size, so evictions happen as they did live */
	vo.max_conns = m->max_conns < 16 ? 16 : m->max_conns > (1u << 24) ? 1u << 24 : m->max_conns;
	/* its TIME_WAIT table: older recordings did not say, the kernel's default then */
	vo.max_timewait = !m->max_timewait		  ? TL_TW_CAP_DEFAULT :
			  m->max_timewait > TL_TW_CAP_MAX ? TL_TW_CAP_MAX :
							    m->max_timewait;
	tl_show_view(&rp->ro.show, &vo);
	if (sum) {
		vo.tap = (struct tl_timeline_out){ sum, tl_summary_event, tl_summary_lifeline };
		re.item = tl_summary_item;
		re.ctx = sum;
	}
	re.view = tl_view_new(&vo);
	if (!re.view) {
		tl_err("out of memory for %u connections", vo.max_conns);
		tl_summary_free(sum);
		return TL_EXIT_ERROR;
	}
	replay_files(rp, &re);
	tl_replay_finish(&re);
	if (sum) {
		struct tl_summary_info info = {
			.meta = m,
			.nfiles = rp->nfiles,
			.first_ts = re.first_ts,
			.last_ts = re.last_ts,
			.kernel = re.kernel,
			.damaged = rp->damaged,
		};

		if (!rp->ro.summary_json)
			tl_summary_print(sum, &info, stdout);
		else if (tl_summary_print_json(sum, &info, stdout))
			rc = TL_EXIT_ERROR;
	}
	if (tl_view_flush_out(re.view) < 0 || fflush(stdout))
		rc = TL_EXIT_ERROR;
	tl_view_free(re.view);
	tl_summary_free(sum);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report *rp = calloc(1, sizeof(*rp));
	struct tl_reader *first = NULL;
	int rc;

	if (!rp)
		return TL_EXIT_ERROR;
	rc = tl_report_parse(&rp->ro, argc, argv);
	if (rc) {
		free(rp);
		return tl_opts_exit(rc);
	}
	if (scan_files(rp)) {
		rc = TL_EXIT_ERROR;
		goto out;
	}
	if (!rp->nfiles) {
		rc = rp->refused ? TL_EXIT_ERROR : TL_EXIT_DATA;
		goto out;
	}
	/* names and clock of the first file speak for the set */
	if (tl_reader_open_file(&first, rp->files[0].path,
				&(struct tl_reader_opts){ .quiet = true })) {
		rc = TL_EXIT_ERROR;
		goto out;
	}
	rc = run(rp, tl_reader_meta(first));
	if (!rc && rp->refused)
		rc = TL_EXIT_ERROR;
	else if (!rc && rp->damaged)
		rc = TL_EXIT_DATA;
out:
	tl_reader_close(first);
	free(rp->files);
	free(rp);
	return rc;
}
