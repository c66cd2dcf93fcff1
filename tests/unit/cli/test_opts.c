// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_opts.c - the option mechanism: kinds, ranges, errors, composition, help. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/opts.h"
#include "tests/unit/unit.h"

#define SEC 1000000000ULL

struct t_opts {
	bool flag;
	uint8_t fam;
	uint32_t u;
	int i;
	double s;
	uint64_t size, span;
	const char *str;
	int mode;
	char word[8];
};

struct t_more {
	bool other;
	uint32_t n;
};

static const char *const modes[] = { "auto", "fast", "off", NULL };

/* CALL: a word of 1 to 7 letters; "enoent" fails as a system error would */
static int parse_word(void *field, const char *arg)
{
	size_t n = strlen(arg);

	if (!strcmp(arg, "enoent"))
		return ENOENT;
	if (!n || n >= 8)
		return -1;
	memcpy(field, arg, n + 1);
	return 0;
}

static const struct tl_opt t_table[] = {
	TL_OPT("flag", 'f', TL_OPT_FLAG, offsetof(struct t_opts, flag), NULL, "a flag"),
	TL_OPT(NULL, '4', TL_OPT_SET, offsetof(struct t_opts, fam), NULL, "four or six",
	       .label = "-4, -6", .value = 4),
	TL_OPT(NULL, '6', TL_OPT_SET, offsetof(struct t_opts, fam), NULL, NULL, .value = 6),
	TL_OPT("uint", 'u', TL_OPT_UINT, offsetof(struct t_opts, u), "N", "a number", .min = 16,
	       .max = 1024),
	TL_OPT("int", 0, TL_OPT_INT, offsetof(struct t_opts, i), "N", "maybe negative", .min = -20,
	       .max = 19),
	TL_OPT("seconds", 0, TL_OPT_SECONDS, offsetof(struct t_opts, s), "S", "seconds",
	       .max = 1e9),
	TL_OPT("size", 0, TL_OPT_SIZE, offsetof(struct t_opts, size), "SIZE", "bytes"),
	TL_OPT("span", 0, TL_OPT_SPAN, offsetof(struct t_opts, span), "T", "a span"),
	TL_OPT("string", 's', TL_OPT_STRING, offsetof(struct t_opts, str), "TEXT",
	       "a long help line that goes on\nand on"),
	TL_OPT("mode", 0, TL_OPT_ENUM, offsetof(struct t_opts, mode), "MODE", "a mode",
	       .names = modes),
	TL_OPT("word", 0, TL_OPT_CALL, offsetof(struct t_opts, word), "W", "a word",
	       .parse = parse_word, .hint = "1 to 7 letters"),
	TL_OPT("a-very-long-option-name", 0, TL_OPT_FLAG, offsetof(struct t_opts, flag), NULL,
	       "past the column"),
	TL_OPT("hidden", 0, TL_OPT_FLAG, offsetof(struct t_opts, flag), NULL, NULL),
	{ 0 },
};

static const struct tl_opt t_more_table[] = {
	TL_OPT("other", 0, TL_OPT_FLAG, offsetof(struct t_more, other), NULL,
	       "from the second table"),
	TL_OPT("n", 'n', TL_OPT_UINT, offsetof(struct t_more, n), "N", "one to three", .min = 1,
	       .max = 3),
	{ 0 },
};

static const struct tl_opt t_foreign[] = {
	TL_OPT("nice", 0, TL_OPT_INT, 0, "N", "not here"),
	{ 0 },
};

/* Parse @args (NULL-terminated) with stderr captured into @err (one error line at most). */
static int parse_capture(const struct tl_opt_cmd *cmd, const char *const *args, char *err,
			 size_t len)
{
	char *argv[32];
	int argc = 0, saved, r;
	FILE *t = tmpfile();
	size_t n;

	argv[argc++] = (char *)"test";
	while (*args && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(t), 2);
	r = tl_opts_parse(cmd, argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(t);
	n = fread(err, 1, len - 1, t);
	err[n] = '\0';
	fclose(t);
	return r;
}

static const struct {
	const char *args[6];
	int ret;
	const char *err; /* the error line, without "tcpline: error: " and "\n" */
} cases[] = {
	{ { "-f", "-4", "--uint", "16" }, 0, "" },
	{ { "--uint=1024", "--int", "-20", "--seconds", "0.5" }, 0, "" },
	{ { "-4", "-4", "--size", "10M", "--span=15m" }, 0, "" },
	{ { "--mode", "off", "--word", "abc", "-s", "x" }, 0, "" },
	{ { "--uin", "20" }, 0, "" }, /* an unambiguous abbreviation */
	{ { "--uint", "15" }, -1, "invalid --uint: '15' (16 to 1024)" },
	{ { "-u", "1025" }, -1, "invalid --uint: '1025' (16 to 1024)" },
	{ { "--uint", "-16" }, -1, "invalid --uint: '-16' (16 to 1024)" },
	{ { "--uint", "16x" }, -1, "invalid --uint: '16x' (16 to 1024)" },
	{ { "--int", "20" }, -1, "invalid --int: '20' (-20 to 19)" },
	{ { "--seconds", "0" },
	  -1,
	  "invalid --seconds: '0' (seconds, more than 0, at most 1000000000)" },
	{ { "--size", "0" }, -1, "invalid --size: '0' (bytes, or with a k, M or G suffix)" },
	{ { "--span", "1d" }, -1, "invalid --span: '1d' (seconds, or with an s, m or h suffix)" },
	{ { "--mode", "slow" }, -1, "invalid --mode: 'slow' (auto, fast or off)" },
	{ { "--word", "toolongword" }, -1, "invalid --word: 'toolongword' (1 to 7 letters)" },
	{ { "--word", "enoent" },
	  -1,
	  "invalid --word: 'enoent' (1 to 7 letters: No such file or directory)" },
	{ { "-4", "-6" }, -1, "-4 and -6 exclude each other (see test --help)" },
	{ { "--bogus" }, -1, "unknown option '--bogus' (see test --help)" },
	{ { "--bogus=1" }, -1, "unknown option '--bogus' (see test --help)" },
	{ { "-x" }, -1, "unknown option '-x' (see test --help)" },
	{ { "--s", "1" }, -1, "option '--s' is ambiguous (see test --help)" },
	{ { "--flag=1" }, -1, "option '--flag' takes no value (see test --help)" },
	{ { "--help=1" }, -1, "option '--help' takes no value (see test --help)" },
	{ { "--uint" }, -1, "option '--uint' needs a value (see test --help)" },
	{ { "-u" }, -1, "option '-u' needs a value (see test --help)" },
	{ { "extra" }, -1, "unexpected argument 'extra' (see test --help)" },
	{ { "--", "-f" }, -1, "unexpected argument '-f' (see test --help)" },
	{ { "--nice", "3" }, -1, "'--nice' is an option of others (see test --help)" },
	{ { "-n", "2", "--other" }, 0, "" },
	{ { "--n", "4" }, -1, "invalid --n: '4' (1 to 3)" },
};

UNIT_TEST(opts_table_kinds_ranges_and_errors)
{
	const struct tl_opt *const elsewhere[] = { t_foreign, NULL };
	struct t_opts o;
	struct t_more m;
	const struct tl_opt_group groups[] = { { NULL, t_table, &o },
					       { "More:", t_more_table, &m } };
	const struct tl_opt_cmd cmd = { .name = "test",
					.synopsis = "",
					.groups = groups,
					.ngroups = 2,
					.elsewhere = elsewhere,
					.elsewhere_note = "an option of others" };
	char err[512], want[600];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		memset(&o, 0, sizeof(o));
		memset(&m, 0, sizeof(m));
		r = parse_capture(&cmd, cases[i].args, err, sizeof(err));
		snprintf(want, sizeof(want), "%s%s%s", *cases[i].err ? "tcpline: error: " : "",
			 cases[i].err, *cases[i].err ? "\n" : "");
		if (r != cases[i].ret || strcmp(err, want))
			unit_fail(__FILE__, __LINE__, "case %zu (%s): got %d '%s', want %d '%s'", i,
				  cases[i].args[0], r, err, cases[i].ret, want);
	}
}

static int parse(const struct tl_opt_cmd *cmd, const char *const *args)
{
	char err[512];

	return parse_capture(cmd, args, err, sizeof(err));
}

UNIT_TEST(opts_values_land_in_their_fields)
{
	struct t_opts o = { .u = 99 };
	struct t_more m = { 0 };
	const struct tl_opt_group groups[] = { { NULL, t_table, &o }, { NULL, t_more_table, &m } };
	const struct tl_opt_cmd cmd = { .name = "test", .groups = groups, .ngroups = 2 };

	CHECK_INT(parse(&cmd, (const char *const[]){ "--flag", NULL }), 0);
	CHECK(o.flag);
	CHECK_INT(o.u, 99); /* untouched: the default stays */
	CHECK_INT(parse(&cmd, (const char *const[]){ "-6", "-u", "512", "--int=-7", NULL }), 0);
	CHECK_INT(o.fam, 6);
	CHECK_INT(o.u, 512);
	CHECK_INT(o.i, -7);
	CHECK_INT(parse(&cmd, (const char *const[]){ "--seconds", "1.5", "--size", "64k", "--span",
						     "0.5s", NULL }),
		  0);
	CHECK(o.s == 1.5);
	CHECK_INT(o.size, 65536);
	CHECK_INT(o.span, SEC / 2);
	CHECK_INT(parse(&cmd, (const char *const[]){ "--mode", "fast", "--word", "hello", "-s",
						     "text", "-n", "3", "--other", NULL }),
		  0);
	CHECK_INT(o.mode, 1);
	CHECK_STR(o.word, "hello");
	CHECK_STR(o.str, "text");
	CHECK_INT(m.n, 3);
	CHECK(m.other);
	/* a failed value leaves the field as it was */
	CHECK_INT(parse(&cmd, (const char *const[]){ "--uint", "2000", NULL }), -1);
	CHECK_INT(o.u, 512);
}

UNIT_TEST(opts_operands_in_order_and_bounded)
{
	struct t_opts o = { 0 };
	const char *files[3];
	int nfiles = 0;
	const struct tl_opt_group groups[] = { { NULL, t_table, &o } };
	struct tl_opt_cmd cmd = { .name = "test",
				  .groups = groups,
				  .ngroups = 1,
				  .operands = files,
				  .noperands = &nfiles,
				  .max_operands = 3,
				  .operand_name = "FILE" };
	char err[256];

	CHECK_INT(parse(&cmd, (const char *const[]){ "a", "-f", "-", "--", "-u", NULL }), 0);
	CHECK_INT(nfiles, 3);
	CHECK_STR(files[0], "a");
	CHECK_STR(files[1], "-");
	CHECK_STR(files[2], "-u");
	CHECK(o.flag && !o.u);
	nfiles = 0;
	CHECK_INT(parse_capture(&cmd, (const char *const[]){ "a", "b", "c", "d", NULL }, err,
				sizeof(err)),
		  -1);
	CHECK_STR(err, "tcpline: error: too many FILE operands (at most 3) (see test --help)\n");
}

UNIT_TEST(opts_argv_left_as_it_was)
{
	struct t_opts o = { 0 };
	const char *files[2];
	int nfiles = 0;
	const struct tl_opt_group groups[] = { { NULL, t_table, &o } };
	const struct tl_opt_cmd cmd = { .name = "test",
					.groups = groups,
					.ngroups = 1,
					.operands = files,
					.noperands = &nfiles,
					.max_operands = 2 };
	char *argv[] = { "test", "a", "-f", "b", NULL };

	CHECK_INT(tl_opts_parse(&cmd, 4, argv), 0);
	CHECK_STR(argv[1], "a");
	CHECK_STR(argv[2], "-f");
	CHECK_STR(argv[3], "b");
}

UNIT_TEST(opts_a_name_defined_twice_is_refused)
{
	struct t_opts o, p;
	const struct tl_opt_group twice[] = { { NULL, t_table, &o }, { NULL, t_table, &p } };
	const struct tl_opt_cmd cmd = { .name = "test", .groups = twice, .ngroups = 2 };
	static const struct tl_opt own_help[] = { TL_OPT("help", 0, TL_OPT_FLAG, 0, NULL, "mine"),
						  { 0 } };
	const struct tl_opt_group helped[] = { { NULL, own_help, &o } };
	const struct tl_opt_cmd cmd2 = { .name = "test", .groups = helped, .ngroups = 1 };

	CHECK_INT(parse(&cmd, (const char *const[]){ NULL }), -1);
	CHECK_INT(parse(&cmd2, (const char *const[]){ NULL }), -1);
}

UNIT_TEST(opts_help_generated_from_the_tables)
{
	struct t_opts o;
	struct t_more m;
	const struct tl_opt_group groups[] = { { "One:", t_table, &o },
					       { "Two:", t_more_table, &m } };
	const struct tl_opt_cmd cmd = { .name = "test",
					.synopsis = "Usage: test [OPTIONS]\n\n",
					.epilogue = "\nThe end.\n",
					.groups = groups,
					.ngroups = 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tl_opts_help(&cmd, f);
	fclose(f);
	CHECK_STR(buf, "Usage: test [OPTIONS]\n"
		       "\n"
		       "One:\n"
		       "  -f, --flag            a flag\n"
		       "  -4, -6                four or six\n"
		       "  -u, --uint N          a number\n"
		       "      --int N           maybe negative\n"
		       "      --seconds S       seconds\n"
		       "      --size SIZE       bytes\n"
		       "      --span T          a span\n"
		       "  -s, --string TEXT     a long help line that goes on\n"
		       "                        and on\n"
		       "      --mode MODE       a mode\n"
		       "      --word W          a word\n"
		       "      --a-very-long-option-name  past the column\n"
		       "Two:\n"
		       "      --other           from the second table\n"
		       "  -n, --n N             one to three\n"
		       "  -h, --help            this text\n"
		       "\n"
		       "The end.\n");
	free(buf);
}

UNIT_TEST(opts_help_option_prints_help_and_stops)
{
	struct t_opts o = { 0 };
	const struct tl_opt_group groups[] = { { NULL, t_table, &o } };
	const struct tl_opt_cmd cmd = {
		.name = "test", .synopsis = "Usage: test\n", .groups = groups, .ngroups = 1
	};
	FILE *saved = stdout;
	char *buf = NULL;
	size_t len = 0;

	stdout = open_memstream(&buf, &len);
	CHECK_INT(parse(&cmd, (const char *const[]){ "-f", "--help", "--bogus", NULL }), 1);
	CHECK_INT(parse(&cmd, (const char *const[]){ "-h", NULL }), 1);
	fclose(stdout);
	stdout = saved;
	CHECK(buf && !strncmp(buf, "Usage: test\n  -f, --flag", 24));
	CHECK(o.flag);
	free(buf);
	CHECK_INT(tl_opts_exit(1), 0);
	CHECK_INT(tl_opts_exit(-1), 2);
}

UNIT_TEST(opts_sizes_and_spans)
{
	uint64_t v;
	uint32_t u;

	CHECK(tl_parse_size("100", &v) == 0 && v == 100);
	CHECK(tl_parse_size("64k", &v) == 0 && v == 65536);
	CHECK(tl_parse_size("10M", &v) == 0 && v == 10ULL << 20);
	CHECK(tl_parse_size("2G", &v) == 0 && v == 2ULL << 30);
	CHECK(tl_parse_size("0", &v) < 0);
	CHECK(tl_parse_size("-1k", &v) < 0);
	CHECK(tl_parse_size("5x", &v) < 0);
	CHECK(tl_parse_size("99999999999G", &v) < 0);
	CHECK(tl_parse_span("90", &v) == 0 && v == 90 * SEC);
	CHECK(tl_parse_span("0.5s", &v) == 0 && v == SEC / 2);
	CHECK(tl_parse_span("15m", &v) == 0 && v == 900 * SEC);
	CHECK(tl_parse_span("6h", &v) == 0 && v == 6 * 3600 * SEC);
	CHECK(tl_parse_span("0", &v) < 0);
	CHECK(tl_parse_span("1d", &v) < 0);
	CHECK(tl_parse_u32("7", 1, 7, &u) == 0 && u == 7);
	CHECK(tl_parse_u32("8", 1, 7, &u) < 0);
	CHECK(tl_parse_u32("", 0, 7, &u) < 0);
}
