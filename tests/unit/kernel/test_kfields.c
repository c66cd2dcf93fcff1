// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_kfields.c - the BTF probes' parsing, on a BTF built here (the kernel's
 * own is not needed): tracepoint arguments through btf_trace_<tp>, enum
 * values, the probe table's lookups, config and kallsyms lines
 * (kernel/kfields.h). The probes that load a program need root: tests/sys
 * and tests/kernel (features) cover them.
 */
#include <bpf/btf.h>
#include <string.h>

#include "kernel/kfields.h"
#include "tests/unit/unit.h"

/* typedef void (*btf_trace_<name>)(void *ctx, int a1, ... int a<nargs>); */
static void add_tp(struct btf *b, int int_id, const char *name, int nargs)
{
	char tname[64];
	int proto = btf__add_func_proto(b, 0);

	btf__add_func_param(b, "__data", 0);
	for (int i = 0; i < nargs; i++)
		btf__add_func_param(b, "arg", int_id);
	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	btf__add_typedef(b, tname, btf__add_ptr(b, proto));
}

static struct btf *fixture(void)
{
	struct btf *b = btf__new_empty();
	int int_id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);

	add_tp(b, int_id, "kfree_skb", 5);
	add_tp(b, int_id, "tcp_send_reset", 2);
	add_tp(b, int_id, "no_args", 0);
	/* a typedef of that name that is not a pointer to a prototype */
	btf__add_typedef(b, "btf_trace_not_a_proto", int_id);
	btf__add_enum(b, "skb_drop_reason", 4);
	btf__add_enum_value(b, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
	btf__add_enum_value(b, "SKB_DROP_REASON_NO_SOCKET", 3);
	return b;
}

static const struct nargs_case {
	const char *tp;
	int want;
} nargs_cases[] = {
	{ "kfree_skb", 5 },    { "tcp_send_reset", 2 }, { "no_args", 0 },
	{ "not_a_proto", -1 }, { "missing", -1 },	{ "", -1 },
};

UNIT_TEST(kfields_tp_nargs_table)
{
	struct btf *b = fixture();

	CHECK(b != NULL);
	for (size_t i = 0; i < sizeof(nargs_cases) / sizeof(nargs_cases[0]); i++) {
		int got = tl_btf_tp_nargs(b, nargs_cases[i].tp);

		if (got != nargs_cases[i].want)
			unit_fail(__FILE__, __LINE__, "%s: %d, want %d", nargs_cases[i].tp, got,
				  nargs_cases[i].want);
	}
	btf__free(b);
}

UNIT_TEST(kfields_enum_values)
{
	struct btf *b = fixture();

	CHECK(tl_btf_enum_value_exists(b, "skb_drop_reason", "SKB_DROP_REASON_NO_SOCKET"));
	CHECK(tl_btf_enum_value_exists(b, "skb_drop_reason", "SKB_DROP_REASON_NOT_SPECIFIED"));
	CHECK(!tl_btf_enum_value_exists(b, "skb_drop_reason",
					"SKB_DROP_REASON_TCP_LISTEN_OVERFLOW"));
	CHECK(!tl_btf_enum_value_exists(b, "no_such_enum", "SKB_DROP_REASON_NO_SOCKET"));
	CHECK(!tl_btf_enum_value_exists(b, "int", "x")); /* not an enum */
	btf__free(b);
}

UNIT_TEST(kfields_by_name_takes_untrusted_lengths)
{
	const char *rec = "kfree_skb.reasonXYZ"; /* a name from a recording, not terminated */
	const struct tl_kfield *f = tl_kfield_by_name(rec, strlen("kfree_skb.reason"));

	CHECK(f != NULL);
	if (f) {
		CHECK_STR(f->name, "kfree_skb.reason");
		CHECK(!f->present);
		CHECK(f->since[0] && f->loss[0]);
	}
	CHECK(!tl_kfield_by_name(rec, strlen(rec)));
	CHECK(!tl_kfield_by_name(rec, 3)); /* a prefix is not a name */
	CHECK(!tl_kfield_by_name("", 0));
	CHECK(tl_kfield_by_name(TL_KF_COOKIE, strlen(TL_KF_COOKIE)) != NULL);
	CHECK(tl_kfield_by_name(TL_KF_STORAGE, strlen(TL_KF_STORAGE)) != NULL);
}

UNIT_TEST(kfields_present_table)
{
	const struct tl_kfield f[] = {
		{ "a", "1", "x", true },
		{ "b", "1", "x", false },
	};

	CHECK(tl_kfield_present(f, 2, "a"));
	CHECK(!tl_kfield_present(f, 2, "b"));
	CHECK(!tl_kfield_present(f, 2, "c")); /* not probed: not present */
	CHECK(!tl_kfield_present(f, 1, "b"));
	CHECK(!tl_kfield_present(f, 0, "a"));
}

static const struct hz_case {
	const char *line;
	unsigned int want;
} hz_cases[] = {
	{ "CONFIG_HZ=250\n", 250 },	 { "CONFIG_HZ=1000", 1000 },
	{ "CONFIG_HZ_250=y\n", 0 },	 { "# CONFIG_HZ is not set\n", 0 },
	{ "CONFIG_HZ_PERIODIC=y\n", 0 }, { "", 0 },
};

UNIT_TEST(kfields_config_hz_table)
{
	for (size_t i = 0; i < sizeof(hz_cases) / sizeof(hz_cases[0]); i++)
		if (tl_config_hz(hz_cases[i].line) != hz_cases[i].want)
			unit_fail(__FILE__, __LINE__, "'%s': %u, want %u", hz_cases[i].line,
				  tl_config_hz(hz_cases[i].line), hz_cases[i].want);
}

static const struct ksym_case {
	const char *line, *name;
	bool want;
} ksym_cases[] = {
	{ "ffffffff81a2b3c0 t tw_timer_handler\n", "tw_timer_handler", true },
	{ "ffffffffc0a01000 t tw_timer_handler\t[tcp_mod]\n", "tw_timer_handler", true },
	{ "ffffffff81a2b3c0 t tw_timer_handler_x\n", "tw_timer_handler", false },
	{ "ffffffff81a2b3c0 t inet_twsk_kill\n", "tw_timer_handler", false },
	{ "0000000000000000 t tw_timer_handler\n", "tw_timer_handler", false },
	{ "ffffffff81a2b3c0 t tw_timer_handler", "tw_timer_handler", false }, /* cut line */
	{ "garbage", "tw_timer_handler", false },
};

UNIT_TEST(kfields_kallsyms_line_table)
{
	for (size_t i = 0; i < sizeof(ksym_cases) / sizeof(ksym_cases[0]); i++)
		if (tl_kallsyms_names(ksym_cases[i].line, ksym_cases[i].name) != ksym_cases[i].want)
			unit_fail(__FILE__, __LINE__, "'%s': want %d", ksym_cases[i].line,
				  ksym_cases[i].want);
}
