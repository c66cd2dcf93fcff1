/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter.progs.h - the programs of iter.bpf.c and when each is loaded, one
 * TL_PROG(name, hook, label, tracepoint, nargs, needs) line each: an X-macro
 * list, expanded by user/kernel/prog_table.c into the loader's table (the
 * columns are explained in user/kernel/prog_table.h) and by iter.bpf.c
 * into a check that each name is one of its programs. No include guard: it
 * is meant to be included once per expansion.
 */
/* batched changes collected at exit: from the storage map, or else namespace by namespace */
TL_PROG(flush_kept_states, TL_HOOK_FLUSH, NULL, NULL, 0, TL_PN_ON_DEMAND | TL_PN_BATCH)
TL_PROG(flush_kept_tcp, TL_HOOK_FLUSH, NULL, NULL, 0, TL_PN_ON_DEMAND | TL_PN_BATCH)
/* the socket dump: the only program of a dump-only run (sockets, the census) */
TL_PROG(dump_tcp, TL_HOOK_DUMP, NULL, NULL, 0, TL_PN_ON_DEMAND | TL_PN_DUMP)
