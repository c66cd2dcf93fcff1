// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_prog_table.c - the program table against the object it describes, and
 * each program's fate on kernels we do not have (argument counts, helpers,
 * symbols) and in runs with other options.
 */
#include <bpf/libbpf.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "bpf/tcpline.h"
#include "user/kernel/prog_table.h"
#include "tcpline.skel.h"

/* A kernel as a list of tracepoint argument counts (absent: -1). */
struct fake_kernel {
	int retransmit, send_reset, kfree_skb, synack, receive_reset, timers;
};

static int fake_nargs(const void *ctx, const char *tp)
{
	const struct fake_kernel *k = ctx;

	if (!strcmp(tp, "tcp_retransmit_skb"))
		return k->retransmit;
	if (!strcmp(tp, "tcp_send_reset"))
		return k->send_reset;
	if (!strcmp(tp, "kfree_skb"))
		return k->kfree_skb;
	if (!strcmp(tp, "tcp_retransmit_synack"))
		return k->synack;
	if (!strcmp(tp, "tcp_receive_reset"))
		return k->receive_reset;
	if (!strcmp(tp, "timer_start") || !strcmp(tp, "timer_expire_entry"))
		return k->timers;
	return -1;
}

static const struct fake_kernel k618 = { 3, 3, 4, 2, 1, 1 };
static const struct fake_kernel k61 = { 2, 2, 3, 2, 1, 1 };

static struct tl_prog_env env_of(const struct fake_kernel *k)
{
	return (struct tl_prog_env){ .cookie_helper = true,
				     .for_each = true,
				     .tw_fn = true,
				     .tracefs = true,
				     .tp_nargs = fake_nargs,
				     .ctx = k };
}

static enum tl_prog_status status(const char *prog, const struct tl_prog_env *env, char *why)
{
	const struct tl_prog_def *d = tl_prog_def_of(prog);
	char buf[TL_PROG_REASON];

	if (!d) {
		unit_fail(__FILE__, __LINE__, "no row for %s", prog);
		return TL_PROG_UNUSED;
	}
	return tl_prog_first_status(d, env, why ? why : buf, TL_PROG_REASON);
}

UNIT_TEST(prog_table_rows_are_the_objects_programs)
{
	struct tcpline_bpf *s = tcpline_bpf__open();
	struct bpf_program *p;
	int n = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	bpf_object__for_each_program(p, s->obj)
	{
		n++;
		if (!tl_prog_def_of(bpf_program__name(p)))
			unit_fail(__FILE__, __LINE__, "program %s has no row in bpf/*.progs.h",
				  bpf_program__name(p));
	}
	CHECK_INT(n, tl_nprogs);
	tcpline_bpf__destroy(s);
}

UNIT_TEST(prog_table_report_order_is_by_hook_dump_last)
{
	const struct tl_prog_def *defs[TL_PROGS_MAX];
	int n = tl_prog_report_order(defs, TL_PROGS_MAX);

	CHECK_INT(n, tl_nprogs);
	CHECK_STR(defs[0]->name, "handle_set_state");
	CHECK_STR(defs[n - 1]->name, "dump_tcp");
	for (int i = 1; i < n - 1; i++)
		CHECK(defs[i - 1]->hook <= defs[i]->hook);
}

UNIT_TEST(prog_table_variants_follow_argument_counts)
{
	struct tl_prog_env env = env_of(&k618);
	char why[TL_PROG_REASON];

	CHECK_INT(status("handle_retransmit_err", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_retransmit", &env, NULL), TL_PROG_OTHER_VARIANT);
	CHECK_INT(status("handle_send_reset_reason", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_kfree_skb_rx", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_kfree_skb", &env, NULL), TL_PROG_OTHER_VARIANT);
	env = env_of(&k61);
	CHECK_INT(status("handle_retransmit", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_retransmit_err", &env, why), TL_PROG_OTHER_VARIANT);
	CHECK_STR(why, "");
	CHECK_INT(status("handle_send_reset", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_kfree_skb", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_kfree_skb_rx", &env, NULL), TL_PROG_OTHER_VARIANT);
}

UNIT_TEST(prog_table_unknown_or_missing_tracepoints_are_absent)
{
	struct fake_kernel k = k618;
	struct tl_prog_env env = env_of(&k);
	char why[TL_PROG_REASON];

	k.kfree_skb = 5;
	CHECK_INT(status("handle_kfree_skb", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "kfree_skb has 5 arguments here; tcpline knows 3 or 4");
	CHECK_INT(status("handle_kfree_skb_rx", &env, why), TL_PROG_ABSENT);
	k.send_reset = -1;
	CHECK_INT(status("handle_send_reset_reason", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "no tracepoint tcp_send_reset in this kernel");
	k.synack = 1;
	CHECK_INT(status("handle_synack_retransmit", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "no tracepoint tcp_retransmit_synack in this kernel");
	k.receive_reset = -1;
	CHECK_INT(status("handle_receive_reset", &env, why), TL_PROG_ABSENT);
	k.timers = -1;
	CHECK_INT(status("handle_timer_start", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "no tracepoint timer_start in this kernel");
	CHECK_INT(status("handle_set_state", &env, NULL), TL_PROG_ACTIVE);
}

UNIT_TEST(prog_table_helpers_and_symbols)
{
	struct tl_prog_env env = env_of(&k618);
	char why[TL_PROG_REASON];

	env.for_each = false;
	CHECK_INT(status("sample_listeners", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "needs bpf_for_each_map_elem (5.13): sample_listener_by_key stands in");
	CHECK_INT(status("sample_listener_by_key", &env, NULL), TL_PROG_ACTIVE);
	env.for_each = true;
	CHECK_INT(status("sample_listeners", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("sample_listener_by_key", &env, NULL), TL_PROG_UNUSED);

	env.tw_fn = false;
	CHECK_INT(status("handle_timer_expire", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "tw_timer_handler is not in /proc/kallsyms (or hidden by kptr_restrict; "
		       "CAP_SYSLOG shows it)");
	/* without the cookie helper, that is the reason, symbol or not */
	env.cookie_helper = false;
	CHECK_INT(status("handle_timer_start", &env, why), TL_PROG_ABSENT);
	CHECK_STR(why, "needs bpf_get_socket_cookie in tracing programs (5.12) to match "
		       "timewait sockets");
	CHECK_INT(status("handle_set_state", &env, NULL), TL_PROG_ACTIVE);
}

UNIT_TEST(prog_table_run_options)
{
	struct tl_prog_env env = env_of(&k618);
	char why[TL_PROG_REASON];

	CHECK_INT(status("flush_kept_states", &env, NULL), TL_PROG_UNUSED);
	CHECK_INT(status("handle_accept4_exit", &env, NULL), TL_PROG_UNUSED);
	env.batch = env.accept = true;
	CHECK_INT(status("flush_kept_states", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("flush_kept_tcp", &env, NULL), TL_PROG_ACTIVE);
	CHECK_INT(status("handle_accept_exit", &env, NULL), TL_PROG_ACTIVE);
	env.tracefs = false;
	CHECK_INT(status("handle_accept4_exit", &env, why), TL_PROG_REFUSED);
	CHECK_STR(why, "tracefs at /sys/kernel/tracing is not mounted or not readable "
		       "(mounting needs CAP_SYS_ADMIN, reading CAP_DAC_READ_SEARCH)");
	env.dump_only = true;
	for (int i = 0; i < tl_nprogs; i++)
		CHECK_INT(status(tl_progs[i].name, &env, NULL),
			  strcmp(tl_progs[i].name, "dump_tcp") ? TL_PROG_UNUSED : TL_PROG_ACTIVE);
}

UNIT_TEST(prog_table_roles)
{
	CHECK(tl_prog_has("handle_set_state", TL_PN_REQUIRED));
	CHECK(tl_prog_has("dump_tcp", TL_PN_DUMP | TL_PN_ON_DEMAND));
	CHECK(tl_prog_has("sample_listener_by_key", TL_PN_ON_DEMAND));
	CHECK(!tl_prog_has("handle_kfree_skb", TL_PN_RX_SK));
	CHECK(tl_prog_has("handle_kfree_skb_rx", TL_PN_RX_SK));
	CHECK(!tl_prog_has("no_such_program", 0));
	CHECK_STR(tl_prog_def_of("handle_timer_expire")->label, "timewait-end");
}
