/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* report.h - the `report` command: recordings summarised or replayed (docs/recording.md). */
#ifndef TL_REPORT_H
#define TL_REPORT_H

/**
 * cmd_report() - summarise or replay recordings.
 * Return: the process exit code (log.h); TL_EXIT_DATA when a file was damaged.
 */
int cmd_report(int argc, char **argv);

#endif
