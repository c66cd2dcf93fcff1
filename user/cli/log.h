/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * log.h - diagnostics, always on stderr (stdout carries only events), one
 * line each, prefixed "tcpline: ". Exit codes are documented in README.md.
 */
#ifndef TL_LOG_H
#define TL_LOG_H

enum tl_exit {
	TL_EXIT_OK = 0,
	TL_EXIT_ERROR = 1, /* runtime failure */
	TL_EXIT_USAGE = 2, /* bad command line */
	TL_EXIT_PERM = 3, /* missing privileges */
	TL_EXIT_KERNEL = 4, /* kernel unsupported: no BTF, BPF features missing */
	TL_EXIT_DATA = 5, /* a recording was damaged or cut: what was readable was reported */
};

/* The exit codes of a command that traces, as its --help ends (after a blank line). */
#define TL_EXIT_STATUS_HELP                                                          \
	"\n"                                                                         \
	"Exit status: 0 ok, 1 runtime error, 2 usage error, 3 missing privileges,\n" \
	"4 kernel unsupported (no BTF, BPF features missing).\n"

void tl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
