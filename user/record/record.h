/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record.h - the `record` command: trace into a recording file (docs/recording.md). */
#ifndef TL_RECORD_H
#define TL_RECORD_H

/**
 * cmd_record() - trace live into a recording file until stopped.
 * Return: the process exit code (log.h).
 */
int cmd_record(int argc, char **argv);

#endif
