// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record_options.c - `record` and `report` options. Their own options are
 * taken out of argv; the rest goes to tl_options_parse(), which knows the
 * trace options. To tell a trace option's value from a FILE operand, the
 * trace options that take a value are listed here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/log.h"
#include "record/record_options.h"

#define MAX_ARGS 512

static const char record_usage[] =
	"Usage: tcpline record -w FILE [OPTIONS]\n"
	"Record TCP lifecycle events into a compressed, crash-safe file\n"
	"(docs/recording.md); `tcpline report FILE` reads it on any machine.\n"
	"\n"
	"  -w, --write FILE      the recording (created 0600; never through a symlink)\n"
	"      --force           replace an existing regular file\n"
	"      --live            also print what `trace` prints (with --json, --events, ...)\n"
	"      --duration S      stop after S seconds (default: at SIGINT/SIGTERM)\n"
	"      --rotate-size SIZE  start a new file at SIZE bytes (k, M, G suffixes)\n"
	"      --rotate-time T   start a new file every T (s, m, h suffixes)\n"
	"      --max-files N     with rotation: keep at most N files, FILE.0 ... FILE.(N-1)\n"
	"Every filter and limit of `tcpline trace --help` applies. With --user, rotated\n"
	"files are created as that user: FILE's directory must be writable by it.\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error (a write error stops recording cleanly),\n"
	"2 usage error, 3 missing privileges, 4 kernel unsupported.\n";

static const char report_usage[] =
	"Usage: tcpline report FILE... [OPTIONS]\n"
	"Analyse recordings (a rotated set reads as one timeline); no privileges needed.\n"
	"\n"
	"  (default)             a one-screen summary\n"
	"  --summary [--json]    the summary; with --json as one JSON object\n"
	"  --lifelines, --events, --json   print what `trace` printed live\n"
	"  --since T, --until T  a time range: RFC 3339 (2026-11-21T01:28:34Z) or\n"
	"                        seconds from the recording's start (30, 1.5)\n"
	"Filters as in `tcpline trace --help` (--netns takes an inode number here).\n"
	"\n"
	"Exit status: 0 ok, 1 error (unreadable, not a recording, unknown version),\n"
	"2 usage error, 5 a recording damaged or cut: everything readable was reported.\n";

/* trace options that take a value: their next argument is not an operand */
static const char *const valued[] = { "-p",	     "--pid",	     "--comm",
				      "--port",	     "--laddr",	     "--raddr",
				      "--netns",     "--cgroup",     "--duration",
				      "--max-conns", "--ringbuf-mb", "--interval",
				      "--nice",	     "--user",	     NULL };

static bool is_valued(const char *a)
{
	for (const char *const *v = valued; *v; v++)
		if (!strcmp(a, *v))
			return true;
	return false;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value, or NULL if not @name. */
static const char *own(int argc, char **argv, int *i, const char *name, const char *alias,
		       bool *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (!strncmp(a, name, n) && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, name) && (!alias || strcmp(a, alias)))
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int tl_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift)
		end++;
	if (*end || !v || v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

int tl_parse_span(const char *s, uint64_t *ns)
{
	char *end;
	double v, unit = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (*end == 's')
		end++;
	else if (*end == 'm')
		unit = 60, end++;
	else if (*end == 'h')
		unit = 3600, end++;
	if (*end || v * unit > 1e9)
		return -1;
	*ns = (uint64_t)(v * unit * 1e9);
	return *ns ? 0 : -1;
}

static int bad(const char *what, const char *arg)
{
	tl_err("invalid %s: '%s' (see --help)", what, arg);
	return -1;
}

static int record_opt(struct tl_record_opts *r, int argc, char **argv, int *i, bool *used)
{
	bool missing = false;
	const char *v;

	*used = true;
	if (!strcmp(argv[*i], "--live"))
		r->live = true;
	else if (!strcmp(argv[*i], "--force"))
		r->force = true;
	else if ((v = own(argc, argv, i, "--write", "-w", &missing)))
		r->path = v;
	else if ((v = own(argc, argv, i, "--rotate-size", NULL, &missing)))
		return tl_parse_size(v, &r->rotate_size) ? bad("--rotate-size", v) : 0;
	else if ((v = own(argc, argv, i, "--rotate-time", NULL, &missing)))
		return tl_parse_span(v, &r->rotate_time_ns) ? bad("--rotate-time", v) : 0;
	else if ((v = own(argc, argv, i, "--max-files", NULL, &missing))) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);

		if (*v < '1' || *v > '9' || *end || n > 100000)
			return bad("--max-files (1 to 100000)", v);
		r->max_files = (uint32_t)n;
	} else
		*used = false;
	if (missing) {
		tl_err("option '%s' needs a value", argv[*i]);
		return -1;
	}
	return 0;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

int tl_record_parse(struct tl_options *o, struct tl_record_opts *r, int argc, char **argv)
{
	char *rest[MAX_ARGS];
	int n = 0;

	memset(r, 0, sizeof(*r));
	if (wants_help(argc, argv)) {
		fputs(record_usage, stdout);
		return 1;
	}
	if (argc >= MAX_ARGS)
		return bad("command line", "too many arguments");
	rest[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		bool used;

		if (record_opt(r, argc, argv, &i, &used))
			return -1;
		if (used)
			continue;
		rest[n++] = argv[i];
		if (is_valued(argv[i]) && i + 1 < argc)
			rest[n++] = argv[++i];
	}
	if (tl_options_parse(o, n, rest))
		return -1;
	if (!r->path) {
		tl_err("record needs -w FILE (see tcpline record --help)");
		return -1;
	}
	if (r->max_files && !r->rotate_size && !r->rotate_time_ns) {
		tl_err("--max-files needs --rotate-size or --rotate-time");
		return -1;
	}
	return 0;
}

static const char *const not_for_report[] = { "--duration",	"--ringbuf-mb",
					      "--interval",	"--max-conns",
					      "--accept-owner", "--nice",
					      "--user",		NULL };

int tl_report_parse(struct tl_options *o, struct tl_report_opts *r, int argc, char **argv)
{
	char *rest[MAX_ARGS];
	bool operands = false, summary = false, shown = false;
	int n = 0;

	memset(r, 0, sizeof(*r));
	if (wants_help(argc, argv)) {
		fputs(report_usage, stdout);
		return 1;
	}
	if (argc >= MAX_ARGS)
		return bad("command line", "too many arguments");
	rest[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *a = argv[i], *v;

		if (operands || a[0] != '-' || !a[1]) {
			if (r->nfiles == TL_REPORT_MAX_FILES)
				return bad("number of files", a);
			r->files[r->nfiles++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			operands = true;
			continue;
		}
		if ((v = own(argc, argv, &i, "--since", NULL, &missing))) {
			r->since = v;
			continue;
		}
		if ((v = own(argc, argv, &i, "--until", NULL, &missing))) {
			r->until = v;
			continue;
		}
		if (missing) {
			tl_err("option '%s' needs a value", a);
			return -1;
		}
		for (const char *const *x = not_for_report; *x; x++)
			if (!strncmp(a, *x, strlen(*x))) {
				tl_err("'%s' is an option of trace and record, not of report", a);
				return -1;
			}
		if (!strcmp(a, "--summary")) {
			summary = true;
			continue;
		}
		if (!strcmp(a, "--events") || !strcmp(a, "--lifelines"))
			shown = true;
		if (!strcmp(a, "--json"))
			r->summary_json = true;
		rest[n++] = argv[i];
		if (is_valued(a) && i + 1 < argc)
			rest[n++] = argv[++i];
	}
	if (tl_options_parse(o, n, rest))
		return -1;
	if (!r->nfiles) {
		tl_err("report needs at least one FILE (see tcpline report --help)");
		return -1;
	}
	if (summary && shown) {
		tl_err("--summary and --events/--lifelines exclude each other");
		return -1;
	}
	/* --json alone prints what trace printed; with --summary, the summary */
	r->summary_json = summary && r->summary_json;
	r->summary = summary || (!shown && !o->json);
	return 0;
}
