/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unit.h - a minimal unit-test harness. Tests register themselves by name:
 *
 *	UNIT_TEST(json_escapes_quotes)
 *	{
 *		CHECK(x == 1);
 *		CHECK_STR(buf, "\"a\"");
 *	}
 *
 * A failing CHECK prints file:line and the expression and marks the test
 * failed; the test goes on, so one run shows every broken expectation.
 * tests/unit/main.c runs them all (or those whose name contains argv[1]) and
 * ends with "N passed, N failed".
 */
#ifndef TL_UNIT_H
#define TL_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define UNIT_TEST(name)                                                          \
	static void unit_fn_##name(void);                                        \
	static struct unit_test unit_t_##name = { #name, unit_fn_##name, NULL }; \
	__attribute__((constructor)) static void unit_reg_##name(void)           \
	{                                                                        \
		unit_register(&unit_t_##name);                                   \
	}                                                                        \
	static void unit_fn_##name(void)

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_INT(a, b)                                                                          \
	do {                                                                                     \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);                    \
		if (unit_a_ != unit_b_)                                                          \
			unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, unit_a_, \
				  unit_b_);                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *unit_a_ = (a), *unit_b_ = (b);                                         \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_) != 0)                         \
			unit_fail(__FILE__, __LINE__, "%s == %s:\n  got:  \"%s\"\n  want: \"%s\"", \
				  #a, #b, unit_a_ ? unit_a_ : "(null)",                            \
				  unit_b_ ? unit_b_ : "(null)");                                   \
	} while (0)

#endif
