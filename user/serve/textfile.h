/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * textfile.h - the metrics page for node_exporter's textfile collector
 * (--collector.textfile.directory): DIR/tcpline.prom, replaced atomically
 * (written to DIR/.tcpline.prom.tmp, which the collector ignores, then
 * renamed), so a reader never sees a half-written file.
 */
#ifndef TL_TEXTFILE_H
#define TL_TEXTFILE_H

#include <stddef.h>

#define TL_TEXTFILE_NAME "tcpline.prom"

/**
 * tl_textfile_write() - @page (@len bytes) as @dir/tcpline.prom, mode 0644.
 * Return: 0, or -errno (the previous file, if any, is left as it was).
 */
int tl_textfile_write(const char *dir, const char *page, size_t len);

#endif
