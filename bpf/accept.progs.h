/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * accept.progs.h - the programs of accept.bpf.c and when each is loaded, one
 * TL_PROG(name, hook, label, tracepoint, nargs, needs) line each: an X-macro
 * list, expanded by user/kernel/prog_table.c into the loader's table (the
 * columns are explained in user/kernel/prog_table.h) and by accept.bpf.c
 * into a check that each name is one of its programs. No include guard: it
 * is meant to be included once per expansion.
 */
/* classic syscall tracepoints (no BTF arguments to check): only where asked for */
TL_PROG(handle_accept4_exit, TL_HOOK_ACCEPT, "accept4", NULL, 0, TL_PN_ACCEPT)
TL_PROG(handle_accept_exit, TL_HOOK_ACCEPT, NULL, NULL, 0, TL_PN_ACCEPT)
