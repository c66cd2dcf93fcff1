/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* version.h - the tool's version, shown by --version and written into recordings. */
#ifndef TL_VERSION_H
#define TL_VERSION_H

#ifndef TL_VERSION
#define TL_VERSION "0.1.0"
#endif

#endif
