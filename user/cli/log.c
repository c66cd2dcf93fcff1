// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>

#include "cli/log.h"

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* one write, so concurrent writers to stderr do not interleave mid-line */
	fprintf(stderr, "tcpline: %s%s\n", level, line);
}

void tl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void tl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void tl_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}
