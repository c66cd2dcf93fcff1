/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * digits.h - decimal numbers written by hand, two digits at a time, for the
 * per-event output paths (printf's format parsing costs more than the
 * conversion). Nothing is NUL-terminated; each returns the end of what it wrote.
 */
#ifndef TL_DIGITS_H
#define TL_DIGITS_H

#include <stdint.h>

/* Room tl_put_u64() / tl_put_i64() may need: 20 digits, or '-' and 19. */
#define TL_INT_MAX_LEN 20

/** tl_put_u64() - @v in decimal, as "%llu" prints it. */
char *tl_put_u64(char *dst, uint64_t v);

/** tl_put_i64() - @v in decimal, as "%lld" prints it. */
char *tl_put_i64(char *dst, int64_t v);

/** tl_put_fixed() - the last @width digits of @v, zero-padded, as "%0*u" when it fits. */
char *tl_put_fixed(char *dst, uint32_t v, unsigned int width);

#endif
