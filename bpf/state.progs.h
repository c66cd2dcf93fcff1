/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * state.progs.h - the programs of state.bpf.c and when each is loaded, one
 * TL_PROG(name, hook, label, tracepoint, nargs, needs) line each: an X-macro
 * list, expanded by user/kernel/prog_table.c into the loader's table (the
 * columns are explained in user/kernel/prog_table.h) and by state.bpf.c
 * into a check that each name is one of its programs. No include guard: it
 * is meant to be included once per expansion.
 */
/* the state hook: the one program tracing cannot do without */
TL_PROG(handle_set_state, TL_HOOK_STATE, NULL, NULL, 0, TL_PN_REQUIRED)
/* TIME_WAIT's end: both timer programs or neither (they match timewait sockets by cookie) */
TL_PROG(handle_timer_expire, TL_HOOK_TIMEWAIT, "timewait-end", "timer_expire_entry", 1,
	TL_PN_COOKIE | TL_PN_TW_FN)
TL_PROG(handle_timer_start, TL_HOOK_TIMEWAIT, NULL, "timer_start", 1, TL_PN_COOKIE | TL_PN_TW_FN)
