// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* main.c - runs the registered unit tests; see unit.h. */
#include <stdarg.h>
#include <stdlib.h>

#include "tests/unit/unit.h"

static struct unit_test *tests;
static int current_failed;

void unit_register(struct unit_test *t)
{
	t->next = tests;
	tests = t;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	current_failed = 1;
}

/* Registration order is reversed by the list; run in name order for stable output. */
static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct unit_test *const *)a)->name, (*(struct unit_test *const *)b)->name);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	struct unit_test **all;
	int n = 0, i, passed = 0, failed = 0;

	/* line-buffered: a sanitizer's exit must not swallow the results */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct unit_test *t = tests; t; t = t->next)
		n++;
	all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		return 2;
	i = 0;
	for (struct unit_test *t = tests; t; t = t->next)
		all[i++] = t;
	qsort(all, n, sizeof(*all), by_name);
	for (i = 0; i < n; i++) {
		if (only && !strstr(all[i]->name, only))
			continue;
		current_failed = 0;
		all[i]->fn();
		printf("%s %s\n", current_failed ? "FAIL" : "ok  ", all[i]->name);
		if (current_failed)
			failed++;
		else
			passed++;
	}
	free(all);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
