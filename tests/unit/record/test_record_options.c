// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_record_options.c - `record` and `report` command lines. */
#include "record/record_options.h"
#include "report/report_options.h"
#include "tests/unit/unit.h"

#define SEC 1000000000ULL

static int record_parse(struct tl_record_opts *r, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	tl_record_opts_defaults(r);
	return tl_record_parse(r, argc, argv);
}

UNIT_TEST(record_options_record_takes_trace_filters)
{
	struct tl_record_opts r;

	CHECK_INT(record_parse(&r, (char *[]){ "record", "--port", "80", "-w", "out", "--live",
					       "--rotate-size", "1M", "--max-files", "4", "--json",
					       "--rotate-time=30s", NULL }),
		  0);
	CHECK_STR(r.path, "out");
	CHECK(r.live && !r.force && r.trace.show.json);
	CHECK_INT(r.rotate_size, 1 << 20);
	CHECK_INT(r.rotate_time_ns, 30 * SEC);
	CHECK_INT(r.max_files, 4);
	CHECK_INT(r.trace.show.filter.nports, 1);
	CHECK_INT(r.trace.show.filter.ports[0], 80);
	CHECK_INT(r.trace.max_conns, 65536); /* trace's defaults */
	/* every trace option, from trace's own tables; the ring as it will be made */
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "--ringbuf-mb", "12", "--nice",
					       "-5", "--accept-owner", "-p", "7", "--duration", "3",
					       NULL }),
		  0);
	CHECK_INT(r.trace.ringbuf_mb, 16);
	CHECK_INT(r.trace.nice, -5);
	CHECK(r.trace.accept_owner && r.trace.duration == 3);
	CHECK_INT(r.trace.show.filter.pid, 7);
}

UNIT_TEST(record_options_record_usage_errors)
{
	struct tl_record_opts r;

	CHECK_INT(record_parse(&r, (char *[]){ "record", "--live", NULL }), -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "--max-files", "3", NULL }),
		  -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", NULL }), -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "--max-files", "0",
					       "--rotate-size", "1M", NULL }),
		  -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "extra", NULL }), -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "--rotate-size", "0", NULL }),
		  -1);
	CHECK_INT(record_parse(&r, (char *[]){ "record", "-w", "x", "--interval", "1", NULL }), -1);
}

static int report_parse(struct tl_report_opts *r, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return tl_report_parse(r, argc, argv);
}

UNIT_TEST(record_options_report_files_and_values)
{
	struct tl_report_opts r;

	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--port", "443", "b", "--since", "30",
					       "--lifelines", "--until=2026-11-21T01:00:00Z", "--",
					       "-c", NULL }),
		  0);
	CHECK_INT(r.nfiles, 3);
	CHECK_STR(r.files[0], "a");
	CHECK_STR(r.files[1], "b");
	CHECK_STR(r.files[2], "-c");
	CHECK_STR(r.since, "30");
	CHECK_STR(r.until, "2026-11-21T01:00:00Z");
	CHECK(!r.summary && r.show.lifelines && !r.show.events);
	CHECK_INT(r.show.filter.ports[0], 443);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--duration", "3", NULL }), -1);
	CHECK_INT(report_parse(&r, (char *[]){ "report", NULL }), -1);
	/* trace command lines run as they are, -v included */
	CHECK_INT(report_parse(&r, (char *[]){ "report", "-v", "a", "-4", "--comm", "curl", NULL }),
		  0);
	CHECK_INT(r.nfiles, 1);
	CHECK(r.show.filter.has_comm);
}

UNIT_TEST(record_options_report_summary_modes)
{
	struct tl_report_opts r;

	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", NULL }), 0);
	CHECK(r.summary && !r.summary_json);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--json", NULL }), 0);
	CHECK(!r.summary && !r.summary_json && r.show.json);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "--summary", "a", NULL }), 0);
	CHECK(r.summary && !r.summary_json);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--json", "--summary", NULL }), 0);
	CHECK(r.summary && r.summary_json);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--summary", "--events", NULL }), -1);
	/* options of the live side are refused, their value not taken for a FILE */
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--nice", "3", NULL }), -1);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--accept-owner", NULL }), -1);
	CHECK_INT(report_parse(&r, (char *[]){ "report", "a", "--ringbuf-mb=4", NULL }), -1);
}
