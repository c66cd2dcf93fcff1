// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* prog_table.c - see prog_table.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bpf/tcpline.h" /* the skeleton's rodata types */
#include "kernel/prog_table.h"
#include "tcpline.skel.h"

#define TL_PROG(name, hook, label, tp, nargs, needs) { #name, hook, label, tp, nargs, needs },
const struct tl_prog_def tl_progs[] = {
#include "bpf/state.progs.h"
#include "bpf/skb.progs.h"
#include "bpf/accept.progs.h"
#include "bpf/listener.progs.h"
#include "bpf/iter.progs.h"
};
#undef TL_PROG

const int tl_nprogs = sizeof(tl_progs) / sizeof(tl_progs[0]);
_Static_assert(sizeof(tl_progs) / sizeof(tl_progs[0]) <= TL_PROGS_MAX,
	       "the hook report holds TL_PROGS_MAX programs");

/* Every row names a program of the skeleton: a typo or a removed program does not compile. */
#define TL_PROG(name, hook, label, tp, nargs, needs) \
	_Static_assert(sizeof(((struct tcpline_bpf *)0)->progs.name), #name);
#include "bpf/state.progs.h"
#include "bpf/skb.progs.h"
#include "bpf/accept.progs.h"
#include "bpf/listener.progs.h"
#include "bpf/iter.progs.h"
#undef TL_PROG

const struct tl_prog_def *tl_prog_def_of(const char *name)
{
	for (int i = 0; i < tl_nprogs; i++)
		if (!strcmp(tl_progs[i].name, name))
			return &tl_progs[i];
	return NULL;
}

bool tl_prog_has(const char *name, unsigned int needs)
{
	const struct tl_prog_def *d = tl_prog_def_of(name);

	return d && (d->needs & needs) == needs;
}

int tl_prog_report_order(const struct tl_prog_def **out, int max)
{
	/* enum tl_hook's order with the dump last, as features has always listed them */
	static const enum tl_hook order[] = {
		TL_HOOK_STATE,		TL_HOOK_RETRANSMIT, TL_HOOK_SYNACK,   TL_HOOK_RESET_SENT,
		TL_HOOK_RESET_RECEIVED, TL_HOOK_DROP,	    TL_HOOK_TIMEWAIT, TL_HOOK_ACCEPT,
		TL_HOOK_SAMPLER,	TL_HOOK_FLUSH,	    TL_HOOK_DUMP,
	};
	int n = 0;

	_Static_assert(sizeof(order) / sizeof(order[0]) == TL_HOOK_MAX, "every hook, once");
	for (size_t h = 0; h < sizeof(order) / sizeof(order[0]); h++)
		for (int i = 0; i < tl_nprogs && n < max; i++)
			if (tl_progs[i].hook == order[h])
				out[n++] = &tl_progs[i];
	return n;
}

static enum tl_prog_status set(enum tl_prog_status s, char *reason, size_t size, const char *fmt,
			       ...) __attribute__((format(printf, 4, 5)));

static enum tl_prog_status set(enum tl_prog_status s, char *reason, size_t size, const char *fmt,
			       ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, size, fmt, ap);
	va_end(ap);
	return s;
}

/* The tracepoint column: which variant this kernel's argument count picks. */
static enum tl_prog_status tp_status(const struct tl_prog_def *d, const struct tl_prog_env *env,
				     enum tl_prog_status s, char *reason, size_t size)
{
	int have = env->tp_nargs(env->ctx, d->tp), nvariants = 0;
	char known[64] = "";
	size_t len = 0;
	bool fits = false;

	for (int i = 0; i < tl_nprogs; i++) {
		const struct tl_prog_def *v = &tl_progs[i];

		if (!v->tp || strcmp(v->tp, d->tp))
			continue;
		nvariants++;
		fits |= v->nargs == have;
	}
	if (nvariants == 1)
		return have < d->nargs ? set(TL_PROG_ABSENT, reason, size,
					     "no tracepoint %s in this kernel", d->tp) :
					 s;
	if (have < 0)
		return set(TL_PROG_ABSENT, reason, size, "no tracepoint %s in this kernel", d->tp);
	if (!fits) {
		for (int i = 0, k = 0; i < tl_nprogs && len < sizeof(known); i++) {
			const struct tl_prog_def *v = &tl_progs[i];
			int n;

			if (!v->tp || strcmp(v->tp, d->tp))
				continue;
			k++;
			n = snprintf(known + len, sizeof(known) - len, "%s%d",
				     k == 1	    ? "" :
				     k == nvariants ? " or " :
						      ", ",
				     v->nargs);
			if (n > 0)
				len += (size_t)n;
		}
		return set(TL_PROG_ABSENT, reason, size,
			   "%s has %d arguments here; tcpline knows %s", d->tp, have, known);
	}
	return have == d->nargs ? s : set(TL_PROG_OTHER_VARIANT, reason, size, "%s", "");
}

/* The program of @d's hook that stands in for it where bpf_for_each_map_elem is missing. */
static const char *stand_in(const struct tl_prog_def *d)
{
	for (int i = 0; i < tl_nprogs; i++)
		if (tl_progs[i].hook == d->hook && (tl_progs[i].needs & TL_PN_NO_FOR_EACH))
			return tl_progs[i].name;
	return "nothing";
}

/*
 * The rules in this order, a later one overriding an earlier one: a missing
 * helper is the first reason given, a missing tracepoint or symbol the next.
 */
enum tl_prog_status tl_prog_first_status(const struct tl_prog_def *d, const struct tl_prog_env *env,
					 char *reason, size_t size)
{
	enum tl_prog_status s = TL_PROG_ACTIVE;

	if (size)
		reason[0] = '\0';
	if ((d->needs & TL_PN_COOKIE) && !env->cookie_helper)
		s = set(TL_PROG_ABSENT, reason, size,
			"needs bpf_get_socket_cookie in tracing programs (5.12) to match timewait "
			"sockets");
	if ((d->needs & TL_PN_BATCH) && !env->batch)
		s = set(TL_PROG_UNUSED, reason, size, "%s", "");
	if (d->tp)
		s = tp_status(d, env, s, reason, size);
	if ((d->needs & TL_PN_FOR_EACH) && !env->for_each)
		s = set(TL_PROG_ABSENT, reason, size,
			"needs bpf_for_each_map_elem (5.13): %s stands in", stand_in(d));
	if ((d->needs & TL_PN_NO_FOR_EACH) && env->for_each)
		s = set(TL_PROG_UNUSED, reason, size, "%s", "");
	/* without the cookie helper, that is the reason given */
	if ((d->needs & TL_PN_TW_FN) && !env->tw_fn && env->cookie_helper)
		s = set(TL_PROG_ABSENT, reason, size,
			"tw_timer_handler is not in /proc/kallsyms (or hidden by kptr_restrict; "
			"CAP_SYSLOG shows it)");
	if ((d->needs & TL_PN_ACCEPT) && !env->accept)
		s = set(TL_PROG_UNUSED, reason, size, "%s", "");
	else if ((d->needs & TL_PN_ACCEPT) && !env->tracefs)
		s = set(TL_PROG_REFUSED, reason, size,
			"tracefs at /sys/kernel/tracing is not mounted or not readable "
			"(mounting needs CAP_SYS_ADMIN, reading CAP_DAC_READ_SEARCH)");
	if (env->dump_only && !(d->needs & TL_PN_DUMP))
		s = set(TL_PROG_UNUSED, reason, size, "%s", "");
	return s;
}
