/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sockets.h - the `sockets` command: a census of the TCP sockets alive now. */
#ifndef TL_SOCKETS_H
#define TL_SOCKETS_H

/**
 * cmd_sockets() - parse the sockets options in @argv, dump, count, print.
 * Return: the process exit code (log.h).
 */
int cmd_sockets(int argc, char **argv);

#endif
