/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* record.h - the `record` and `report` commands (docs/recording.md). */
#ifndef TL_RECORD_H
#define TL_RECORD_H

/**
 * cmd_record() - trace live into a recording file until stopped.
 * Return: the process exit code (log.h).
 */
int cmd_record(int argc, char **argv);

/**
 * cmd_report() - summarise or replay recordings.
 * Return: the process exit code (log.h); TL_EXIT_DATA when a file was damaged.
 */
int cmd_report(int argc, char **argv);

#endif
