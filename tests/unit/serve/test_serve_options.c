// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_serve_options.c - `tcpline serve` command lines, accepted and refused. */
#include <netinet/in.h>

#include "tests/unit/unit.h"
#include "user/serve/serve_options.h"

static int parse(struct tl_serve_opts *s, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "serve";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	tl_serve_opts_defaults(s);
	return tl_serve_opts_parse(s, argc, argv);
}

UNIT_TEST(serve_options_defaults_and_values)
{
	static const char *const args[] = { "--metrics",
					    "[::1]:9464",
					    "--textfile",
					    "/t",
					    "--record",
					    "/r",
					    "--rotate-size",
					    "64M",
					    "--rotate-time",
					    "15m",
					    "--max-files",
					    "16",
					    "--metrics-port",
					    "443,5432",
					    "--max-series",
					    "50",
					    "--interval",
					    "2.5",
					    "--duration",
					    "10",
					    NULL };
	static const char *const only_textfile[] = { "--textfile", "/t", NULL };
	struct tl_serve_opts s;

	CHECK_INT(parse(&s, args), 0);
	CHECK_STR(s.metrics.text, "[::1]:9464");
	CHECK_INT(s.metrics.addr.ss_family, AF_INET6);
	CHECK_INT(ntohs(((struct sockaddr_in6 *)&s.metrics.addr)->sin6_port), 9464);
	CHECK_STR(s.textfile_dir, "/t");
	CHECK_STR(s.record_dir, "/r");
	CHECK_INT(s.rotate_size, 64ULL << 20);
	CHECK_INT(s.rotate_time_ns, 900ULL * 1000000000ULL);
	CHECK_INT(s.max_files, 16);
	CHECK_INT(s.metrics_ports.n, 2);
	CHECK_INT(s.metrics_ports.ports[0], 443);
	CHECK_INT(s.metrics_ports.ports[1], 5432);
	CHECK_INT(s.max_series, 50);
	CHECK(s.interval == 2.5);
	CHECK(s.duration == 10);
	CHECK_INT(parse(&s, only_textfile), 0);
	CHECK(s.metrics.text == NULL && s.record_dir == NULL);
	CHECK_INT(s.max_series, TL_SERVE_DEFAULT_MAX_SERIES);
	CHECK(s.interval == TL_SERVE_DEFAULT_INTERVAL);
	CHECK_INT(s.metrics_ports.n, 0);
}

UNIT_TEST(serve_options_refused)
{
	static const char *const cases[][6] = {
		{ NULL },
		{ "--metrics", "9464", NULL },
		{ "--metrics", "host:9464", NULL },
		{ "--textfile", "/t", "--metrics-port", "0", NULL },
		{ "--textfile", "/t", "--metrics-port", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
		  NULL },
		{ "--textfile", "/t", "--max-series", "0", NULL },
		{ "--textfile", "/t", "--interval", "0.01", NULL },
		{ "--textfile", "/t", "--duration", "x", NULL },
		{ "--textfile", "/t", "--rotate-time", "1m", NULL },
		{ "--record", "/r", "--max-files", "2", NULL },
		{ "--record", "/r", "--rotate-size", "lots", NULL },
		{ "--textfile", NULL },
		{ "--textfile", "/t", "-x", NULL },
	};
	struct tl_serve_opts s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (parse(&s, cases[i]) != -1)
			unit_fail(__FILE__, __LINE__, "case %zu accepted", i);
}
