// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_backlog_options.c - the `backlog` command line. */
#include <sys/socket.h>

#include "backlog/backlog_options.h"
#include "kernel/precise.h"
#include "tests/unit/unit.h"

static int parse(struct bl_opts *o, const char *const *args)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = (char *)"backlog";
	while (*args && argc < 15)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	bl_opts_defaults(o);
	return bl_opts_parse(o, argc, argv);
}

UNIT_TEST(backlog_options_parse)
{
	static const struct {
		const char *args[6];
		int ret;
	} cases[] = {
		{ { NULL }, 0 },
		{ { "--interval", "0.5", "--once", "--json" }, 0 },
		{ { "--precise", "kprobe", "-6", "--port", "80,443" }, 0 },
		{ { "--duration", "3", "--netns", "4026531840", "-v" }, 0 },
		{ { "--interval", "0.001" }, -1 },
		{ { "--interval", "1e7" }, -1 },
		{ { "--duration", "0" }, -1 },
		{ { "--precise", "always" }, -1 },
		{ { "--once=1" }, -1 },
		{ { "-4", "-6" }, -1 },
		{ { "--ringbuf-mb", "4" }, -1 },
		{ { "extra" }, -1 },
	};
	struct bl_opts o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (parse(&o, cases[i].args) != cases[i].ret)
			unit_fail(__FILE__, __LINE__, "case %zu (%s): want %d", i,
				  cases[i].args[0] ? cases[i].args[0] : "none", cases[i].ret);
	CHECK_INT(parse(&o, cases[0].args), 0);
	CHECK(o.interval == 1.0 && o.duration == 0 && !o.once && !o.json && !o.verbose);
	CHECK_INT(o.precise, TL_PRECISE_AUTO);
	CHECK_INT(parse(&o, cases[1].args), 0);
	CHECK(o.interval == 0.5 && o.once && o.json);
	CHECK_INT(parse(&o, cases[2].args), 0);
	CHECK_INT(o.precise, TL_PRECISE_KPROBE);
	CHECK_INT(o.filter.family, AF_INET6);
	CHECK_INT(o.filter.nports, 2);
	CHECK_INT(parse(&o, cases[3].args), 0);
	CHECK(o.duration == 3 && o.verbose);
	CHECK_INT(o.filter.netns, 4026531840u);
	/* --once ends after one interval, whatever --duration says */
	CHECK_INT(parse(&o, (const char *const[]){ "--once", "--duration", "5", NULL }), 0);
	CHECK(o.duration == 0);
	for (int m = TL_PRECISE_AUTO; m <= TL_PRECISE_OFF; m++)
		CHECK(tl_precise_mode_names[m] != NULL);
	CHECK(tl_precise_mode_names[TL_PRECISE_OFF + 1] == NULL);
	CHECK_STR(tl_precise_mode_names[TL_PRECISE_FENTRY], "fentry");
}
