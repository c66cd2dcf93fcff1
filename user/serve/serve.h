/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * serve.h - `tcpline serve`: a daemon whose one live session feeds the
 * metrics registry (through a metrics sink on trace's view path, and the
 * listener sampler of backlog), published over HTTP and as a node_exporter
 * textfile every interval, and optionally a flight recording.
 */
#ifndef TL_SERVE_H
#define TL_SERVE_H

/** cmd_serve() - `tcpline serve [OPTIONS]`. Return: the exit code (log.h). */
int cmd_serve(int argc, char **argv);

#endif
