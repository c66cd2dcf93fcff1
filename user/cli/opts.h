/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * opts.h - the one option mechanism of every subcommand. A command's options
 * are tables (struct tl_opt): each option's names, kind, where its value goes
 * (an offset into the struct the table is bound to) and its help. A command
 * binds one or more tables to its option struct (struct tl_opt_group: record
 * binds trace's tables next to its own) and tl_opts_parse() parses argv over
 * them (getopt_long underneath), prints the --help generated from the same
 * tables, and reports every usage error as one line on stderr, pointing at
 * `COMMAND --help`, for the caller to exit with TL_EXIT_USAGE (log.h).
 *
 *	static const struct tl_opt my_opts[] = {
 *		TL_OPT("top", 0, TL_OPT_UINT, offsetof(struct my, top), "N", "rows (default 10)",
 *		       .min = 1, .max = 10000),
 *		TL_OPT("json", 0, TL_OPT_FLAG, offsetof(struct my, json), NULL, "JSON"),
 *		{ 0 },
 *	};
 */
#ifndef TL_OPTS_H
#define TL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tl_opt_kind {
	TL_OPT_FLAG, /* bool, set to true; takes no value */
	TL_OPT_SET, /* uint8_t, set to .value; takes no value. Two SET options storing
		     * different values in one field exclude each other (-4, -6). */
	TL_OPT_UINT, /* uint32_t: a decimal in [.min, .max] */
	TL_OPT_INT, /* int: a decimal, maybe negative, in [.min, .max] */
	TL_OPT_SECONDS, /* double: seconds, more than 0, in [.min, .max] */
	TL_OPT_SIZE, /* uint64_t bytes: "100", "64k", "10M", "2G" (tl_parse_size) */
	TL_OPT_SPAN, /* uint64_t ns: "90", "30s", "15m", "6h" (tl_parse_span) */
	TL_OPT_STRING, /* const char *: the value itself (it stays in argv) */
	TL_OPT_ENUM, /* int: the index of the value in .names */
	TL_OPT_CALL, /* .parse(the field, value): lists, addresses, paths */
};

struct tl_opt {
	const char *name; /* long name without "--", or NULL (a short option only) */
	char short_name; /* or 0 (a long option only); a table ends with neither */
	enum tl_opt_kind kind;
	size_t offset; /* of the value in the struct the table is bound to */
	const char *arg; /* the value's name in help: "S", "P[,P...]"; NULL if none */
	/* help, '\n' between lines; NULL: not listed (its label is another's, as -6 in -4's) */
	const char *help;
	const char *label; /* help's left column instead of the names: "-4, -6" */
	double min, max; /* UINT, INT, SECONDS */
	int value; /* SET */
	const char *const *names; /* ENUM: the values, NULL-terminated */
	/* CALL: 0; -1 for a bad value (the error gives .hint); or an errno (and strerror) */
	int (*parse)(void *field, const char *arg);
	const char *hint; /* what a valid value is, in errors; NULL: from the kind and range */
};

/* One table entry: the usual fields in order, any other as ".field = value". */
#define TL_OPT(long_name, short_opt, how, off, value_name, help_text, ...)              \
	{                                                                               \
		.name = long_name, .short_name = short_opt, .kind = how, .offset = off, \
		.arg = value_name, .help = help_text, __VA_ARGS__                       \
	}

/* A table bound to the struct its offsets point into. */
struct tl_opt_group {
	const char *heading; /* a line before its options in help ("Filters:"), or NULL */
	const struct tl_opt *opts;
	void *base;
};

struct tl_opt_cmd {
	const char *name; /* "tcpline record": errors say "(see tcpline record --help)" */
	const char *synopsis; /* help before the options: "Usage: ...\n...\n\n" */
	const char *epilogue; /* help after them, or NULL */
	const struct tl_opt_group *groups;
	size_t ngroups;
	/* operands (report's FILE...): none accepted when @operands is NULL */
	const char **operands;
	int *noperands;
	int max_operands;
	const char *operand_name; /* "FILE" */
	/* options of other commands: named as such rather than as unknown */
	const struct tl_opt *const *elsewhere; /* NULL-terminated list of tables */
	const char *elsewhere_note; /* "an option of trace and record, not of report" */
};

/**
 * tl_opts_parse() - parse @argv (argv[0] is the command's name) over
 * @cmd's tables into their structs, which hold the defaults beforehand.
 * Long options may be abbreviated while unambiguous and take "--name=V" or
 * "--name V"; operands go to @cmd->operands in order ("--" ends options).
 * @argv is left as it was. -h/--help prints the help on stdout and stops.
 * Return: 0; 1 after --help; -1 after one error line on stderr.
 */
int tl_opts_parse(const struct tl_opt_cmd *cmd, int argc, char **argv);

/**
 * tl_opts_help() - the help of @cmd: synopsis, each group's heading and
 * options (names and value at column 2, help at column 24), "-h, --help",
 * epilogue.
 */
void tl_opts_help(const struct tl_opt_cmd *cmd, FILE *out);

/**
 * tl_opts_error() - the one usage-error line: "tcpline: error: MESSAGE (see
 * @cmd->name --help)". For the checks a command makes across its options.
 * Return: -1.
 */
int tl_opts_error(const struct tl_opt_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** tl_opts_exit() - the exit code for tl_opts_parse()'s 1 or -1 (TL_EXIT_OK, TL_EXIT_USAGE). */
int tl_opts_exit(int parsed);

/** tl_parse_u32() - a decimal in [@min, @max], nothing else. Return: 0 or -1. */
int tl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/** tl_parse_size() - "100", "64k", "10M", "2G" (powers of 1024). Return: 0 or -1. */
int tl_parse_size(const char *s, uint64_t *bytes);

/** tl_parse_span() - "90", "30s", "15m", "6h" into ns. Return: 0 or -1. */
int tl_parse_span(const char *s, uint64_t *ns);

#endif
