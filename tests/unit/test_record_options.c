// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_record_options.c - `record` and `report` command lines. */
#include "record/record_options.h"
#include "unit.h"

#define SEC 1000000000ULL

UNIT_TEST(record_options_record_takes_trace_filters)
{
	char *argv[] = { "record",
			 "--port",
			 "80",
			 "-w",
			 "out",
			 "--live",
			 "--rotate-size",
			 "1M",
			 "--max-files",
			 "4",
			 "--json",
			 "--rotate-time=30s",
			 NULL };
	struct tl_record_opts r;
	struct tl_options o;

	tl_options_defaults(&o);
	CHECK_INT(tl_record_parse(&o, &r, 12, argv), 0);
	CHECK_STR(r.path, "out");
	CHECK(r.live && !r.force && o.json);
	CHECK_INT(r.rotate_size, 1 << 20);
	CHECK_INT(r.rotate_time_ns, 30 * SEC);
	CHECK_INT(r.max_files, 4);
	CHECK_INT(o.filter.nports, 1);
	CHECK_INT(o.filter.ports[0], 80);
}

UNIT_TEST(record_options_record_usage_errors)
{
	char *no_file[] = { "record", "--live", NULL };
	char *ring_only[] = { "record", "-w", "x", "--max-files", "3", NULL };
	char *no_value[] = { "record", "-w", NULL };
	struct tl_record_opts r;
	struct tl_options o;

	tl_options_defaults(&o);
	CHECK_INT(tl_record_parse(&o, &r, 2, no_file), -1);
	CHECK_INT(tl_record_parse(&o, &r, 5, ring_only), -1);
	CHECK_INT(tl_record_parse(&o, &r, 2, no_value), -1);
}

UNIT_TEST(record_options_report_files_and_values)
{
	char *argv[] = { "report", "a",		  "--port",
			 "443",	   "b",		  "--since",
			 "30",	   "--lifelines", "--until=2026-11-21T01:00:00Z",
			 "--",	   "-c",	  NULL };
	char *trace_only[] = { "report", "a", "--duration", "3", NULL };
	struct tl_report_opts r;
	struct tl_options o;

	tl_options_defaults(&o);
	CHECK_INT(tl_report_parse(&o, &r, 11, argv), 0);
	CHECK_INT(r.nfiles, 3);
	CHECK_STR(r.files[0], "a");
	CHECK_STR(r.files[1], "b");
	CHECK_STR(r.files[2], "-c");
	CHECK_STR(r.since, "30");
	CHECK_STR(r.until, "2026-11-21T01:00:00Z");
	CHECK(!r.summary && o.show_lifelines && !o.show_events);
	CHECK_INT(o.filter.ports[0], 443);
	tl_options_defaults(&o);
	CHECK_INT(tl_report_parse(&o, &r, 4, trace_only), -1);
}

static int report_parse(struct tl_options *o, struct tl_report_opts *r, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	tl_options_defaults(o);
	return tl_report_parse(o, r, argc, argv);
}

UNIT_TEST(record_options_report_summary_modes)
{
	struct tl_report_opts r;
	struct tl_options o;

	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", NULL }), 0);
	CHECK(r.summary && !r.summary_json);
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", "--json", NULL }), 0);
	CHECK(!r.summary && !r.summary_json && o.json);
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "--summary", "a", NULL }), 0);
	CHECK(r.summary && !r.summary_json);
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", "--json", "--summary", NULL }),
		  0);
	CHECK(r.summary && r.summary_json);
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", "--summary", "--events", NULL }),
		  -1);
	/* options of the live side are refused, their value not taken for a FILE */
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", "--nice", "3", NULL }), -1);
	CHECK_INT(report_parse(&o, &r, (char *[]){ "report", "a", "--accept-owner", NULL }), -1);
}
