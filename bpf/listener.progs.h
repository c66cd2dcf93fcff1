/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * listener.progs.h - the programs of listener.bpf.c and when each is loaded, one
 * TL_PROG(name, hook, label, tracepoint, nargs, needs) line each: an X-macro
 * list, expanded by user/kernel/prog_table.c into the loader's table (the
 * columns are explained in user/kernel/prog_table.h) and by listener.bpf.c
 * into a check that each name is one of its programs. No include guard: it
 * is meant to be included once per expansion.
 */
/* one sampler: all listeners in one run, or one run per listener before 5.13 */
TL_PROG(sample_listeners, TL_HOOK_SAMPLER, NULL, NULL, 0, TL_PN_ON_DEMAND | TL_PN_FOR_EACH)
TL_PROG(sample_listener_by_key, TL_HOOK_SAMPLER, NULL, NULL, 0, TL_PN_ON_DEMAND | TL_PN_NO_FOR_EACH)
