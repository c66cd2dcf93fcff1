/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* trace.h - the `trace` command: live events and lifelines until stopped. */
#ifndef TL_TRACE_H
#define TL_TRACE_H

/**
 * cmd_trace() - parse the trace options in @argv and run.
 * Return: the process exit code (log.h).
 */
int cmd_trace(int argc, char **argv);

#endif
