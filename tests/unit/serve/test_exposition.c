// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_exposition.c - the text format, byte for byte; --metrics addresses; the textfile. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "user/serve/exposition.h"
#include "user/serve/http.h"
#include "user/serve/textfile.h"

UNIT_TEST(exposition_every_type_and_escapes)
{
	static const double b[] = { 0.5, 2 };
	static const struct tl_family_def c = { .name = "t_x_total",
						.help = "Counts\\things\nwell.",
						.type = TL_METRIC_COUNTER,
						.nlabels = 2,
						.labels = { "k", "v" } };
	static const struct tl_family_def g = { .name = "t_up",
						.help = "Up.",
						.type = TL_METRIC_GAUGE };
	static const struct tl_family_def h = { .name = "t_seconds",
						.help = "Took.",
						.type = TL_METRIC_HISTOGRAM,
						.nlabels = 1,
						.labels = { "port" },
						.nbuckets = 2,
						.buckets = b };
	struct tl_registry *r = tl_registry_new(1);
	struct tl_family *fc = tl_registry_add(r, &c), *fg = tl_registry_add(r, &g);
	struct tl_family *fh = tl_registry_add(r, &h);
	const char *odd[] = { "a\"b\\c\nd", "" }, *more[] = { "z", "z" }, *port[] = { "80" };
	struct tl_series *s;
	size_t len;
	char *page;

	tl_series_inc(tl_family_series(fc, odd), 18446744073709551615ULL);
	tl_series_inc(tl_family_series(fc, more), 2); /* folded */
	tl_series_gauge_add(tl_family_series(fg, NULL), -3);
	s = tl_family_series(fh, port);
	tl_series_observe(fh, s, 0.25);
	tl_series_observe(fh, s, 3);
	page = tl_expo_render(r, &len);
	CHECK_STR(page,
		  "# HELP t_x_total Counts\\\\things\\nwell.\n"
		  "# TYPE t_x_total counter\n"
		  "t_x_total{k=\"a\\\"b\\\\c\\nd\",v=\"\"} 18446744073709551615\n"
		  "t_x_total{k=\"other\",v=\"other\"} 2\n"
		  "# HELP t_up Up.\n"
		  "# TYPE t_up gauge\n"
		  "t_up -3\n"
		  "# HELP t_seconds Took.\n"
		  "# TYPE t_seconds histogram\n"
		  "t_seconds_bucket{port=\"80\",le=\"0.5\"} 1\n"
		  "t_seconds_bucket{port=\"80\",le=\"2\"} 1\n"
		  "t_seconds_bucket{port=\"80\",le=\"+Inf\"} 2\n"
		  "t_seconds_sum{port=\"80\"} 3.25\n"
		  "t_seconds_count{port=\"80\"} 2\n"
		  "# HELP tcpline_metrics_series_folded_total Updates that went to a family's "
		  "\"other\" series because it held its maximum number of series (--max-series).\n"
		  "# TYPE tcpline_metrics_series_folded_total counter\n"
		  "tcpline_metrics_series_folded_total{family=\"t_x_total\"} 1\n"
		  "tcpline_metrics_series_folded_total{family=\"t_up\"} 0\n"
		  "tcpline_metrics_series_folded_total{family=\"t_seconds\"} 0\n");
	CHECK_INT(len, strlen(page));
	free(page);
	tl_registry_free(r);
}

UNIT_TEST(exposition_empty_family_has_help_and_type)
{
	static const struct tl_family_def c = { .name = "t_none_total",
						.help = "None.",
						.type = TL_METRIC_COUNTER,
						.nlabels = 1,
						.labels = { "k" } };
	struct tl_registry *r = tl_registry_new(4);
	size_t len;
	char *page;

	tl_registry_add(r, &c);
	page = tl_expo_render(r, &len);
	CHECK(!strncmp(
		page, "# HELP t_none_total None.\n# TYPE t_none_total counter\n# HELP tcpline",
		strlen("# HELP t_none_total None.\n# TYPE t_none_total counter\n# HELP tcpline")));
	free(page);
	tl_registry_free(r);
}

static const struct {
	const char *in;
	int ok;
	int family;
	const char *addr;
	unsigned int port;
} addr_cases[] = {
	{ "127.0.0.1:9464", 1, AF_INET, "127.0.0.1", 9464 },
	{ "0.0.0.0:0", 1, AF_INET, "0.0.0.0", 0 },
	{ "[::1]:9464", 1, AF_INET6, "::1", 9464 },
	{ "[::]:65535", 1, AF_INET6, "::", 65535 },
	{ "127.0.0.1:65536", 0, 0, NULL, 0 },
	{ "127.0.0.1:", 0, 0, NULL, 0 },
	{ "127.0.0.1:-1", 0, 0, NULL, 0 },
	{ "127.0.0.1:+1", 0, 0, NULL, 0 },
	{ "127.0.0.1:80x", 0, 0, NULL, 0 },
	{ ":9464", 0, 0, NULL, 0 },
	{ "localhost:9464", 0, 0, NULL, 0 },
	{ "::1:9464", 0, 0, NULL, 0 },
	{ "[::1]9464", 0, 0, NULL, 0 },
	{ "[::1:9464", 0, 0, NULL, 0 },
	{ "[127.0.0.1]:80", 0, 0, NULL, 0 },
	{ "9464", 0, 0, NULL, 0 },
	{ "", 0, 0, NULL, 0 },
};

UNIT_TEST(http_parse_addr)
{
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len = 0;
		char a[INET6_ADDRSTRLEN] = "";
		int r = tl_http_parse_addr(addr_cases[i].in, &ss, &len);

		if (!addr_cases[i].ok) {
			if (r != -1)
				unit_fail(__FILE__, __LINE__, "'%s' accepted", addr_cases[i].in);
			continue;
		}
		CHECK_INT(r, 0);
		CHECK_INT(ss.ss_family, addr_cases[i].family);
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
			CHECK_INT(ntohs(s4->sin_port), addr_cases[i].port);
			CHECK_INT(len, sizeof(*s4));
		} else {
			const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
			CHECK_INT(ntohs(s6->sin6_port), addr_cases[i].port);
			CHECK_INT(len, sizeof(*s6));
		}
		CHECK_STR(a, addr_cases[i].addr);
	}
}

UNIT_TEST(textfile_replaced_whole)
{
	char dir[] = "/tmp/tl-textfile-XXXXXX", path[64], buf[64];
	struct stat st;
	FILE *f;
	size_t n;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(tl_textfile_write(dir, "a 1\n", 4), 0);
	CHECK_INT(tl_textfile_write(dir, "b 2\nc 3\n", 8), 0);
	snprintf(path, sizeof(path), "%s/tcpline.prom", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	CHECK_STR(buf, "b 2\nc 3\n");
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	snprintf(path, sizeof(path), "%s/.tcpline.prom.tmp", dir);
	CHECK(access(path, F_OK) != 0); /* nothing left behind */
	snprintf(path, sizeof(path), "%s/tcpline.prom", dir);
	unlink(path);
	rmdir(dir);
	CHECK_INT(tl_textfile_write(dir, "x", 1), -ENOENT);
}
