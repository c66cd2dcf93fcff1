// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_names.c - enum name tables from BTF built in memory and from the kernel's. */
#include <errno.h>
#include <stdlib.h>

#include <bpf/btf.h>

#include "tests/unit/unit.h"
#include "user/kernel/names.h"

struct member {
	const char *name;
	int64_t value;
};

static void add_enum(struct btf *btf, const char *name, const struct member *m)
{
	CHECK(btf__add_enum(btf, name, 4) > 0);
	for (; m->name; m++)
		CHECK_INT(btf__add_enum_value(btf, m->name, m->value), 0);
}

/* An enum that looks like the TCP states but is not: TCP_ESTABLISHED != 1. */
static const struct member decoy[] = { { "TCP_ESTABLISHED", 5 }, { "TCP_DECOY", 1 }, { NULL, 0 } };
static const struct member states[] = {
	{ "TCP_ESTABLISHED", 1 },
	{ "TCP_SYN_SENT", 2 },
	{ "TCP_CLOSE", 7 },
	{ "TCP_NEW_SYN_RECV", 12 },
	{ "TCP_BOUND_INACTIVE", 13 },
	{ "TCP_MAX_STATES", 14 },
	{ NULL, 0 },
};
static const struct member drops[] = {
	{ "SKB_NOT_DROPPED_YET", 0 },
	{ "SKB_CONSUMED", 1 },
	{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
	{ "SKB_DROP_REASON_NO_SOCKET", 3 },
	{ "SKB_DROP_REASON_ALIAS_OF_NO_SOCKET", 3 },
	{ "SKB_DROP_REASON_TCP_LISTEN_OVERFLOW", 1023 },
	{ "SKB_DROP_REASON_TOO_BIG", 1024 },
	{ "SKB_DROP_REASON_MAX", 4 },
	{ "SKB_DROP_REASON_SUBSYS_MASK", 0xffff0000LL },
	{ "SKB_DROP_REASON_SUBSYS_CORE", 5 },
	{ NULL, 0 },
};
static const struct member resets[] = {
	{ "SK_RST_REASON_NOT_SPECIFIED", 0 },
	{ "SK_RST_REASON_NO_SOCKET", 1 },
	{ "SK_RST_REASON_MAX", 2 },
	{ NULL, 0 },
};

UNIT_TEST(names_from_btf_in_memory)
{
	struct btf *btf = btf__new_empty();
	struct tl_names n;

	CHECK(btf != NULL);
	if (!btf)
		return;
	add_enum(btf, NULL, decoy);
	add_enum(btf, NULL, states);
	add_enum(btf, "skb_drop_reason", drops);
	add_enum(btf, "sk_rst_reason", resets);
	/* a second copy with other names, as split BTF can hold: ignored */
	add_enum(btf, "sk_rst_reason",
		 (const struct member[]){ { "SK_RST_REASON_OTHER", 1 }, { NULL, 0 } });

	tl_names_init(&n);
	CHECK_INT(tl_names_load_btf(&n, btf), 0);

	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 1), "ESTABLISHED");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 2), "SYN_SENT");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 7), "CLOSE");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 12), "NEW_SYN_RECV");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 13), "BOUND_INACTIVE");
	CHECK(tl_names_get(&n, TL_NAMES_STATE, 14) == NULL); /* TCP_MAX_STATES */
	CHECK(tl_names_get(&n, TL_NAMES_STATE, 5) == NULL); /* only in the decoy */
	CHECK(tl_names_get(&n, TL_NAMES_STATE, 0) == NULL);

	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 0), "NOT_DROPPED_YET");
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 1), "CONSUMED");
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 2), "NOT_SPECIFIED");
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 3), "NO_SOCKET"); /* the first of aliases */
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 1023), "TCP_LISTEN_OVERFLOW");
	CHECK(tl_names_get(&n, TL_NAMES_DROP, 4) == NULL); /* MAX */
	CHECK(tl_names_get(&n, TL_NAMES_DROP, 5) == NULL); /* SUBSYS_ */
	CHECK(tl_names_get(&n, TL_NAMES_DROP, 1024) == NULL); /* out of range */
	CHECK(tl_names_get(&n, TL_NAMES_DROP, 0xffff0000u) == NULL);

	CHECK_STR(tl_names_get(&n, TL_NAMES_RESET, 0), "NOT_SPECIFIED");
	CHECK_STR(tl_names_get(&n, TL_NAMES_RESET, 1), "NO_SOCKET");
	CHECK(tl_names_get(&n, TL_NAMES_RESET, 2) == NULL);

	tl_names_free(&n);
	CHECK(tl_names_get(&n, TL_NAMES_STATE, 1) == NULL);
	btf__free(btf);
}

UNIT_TEST(names_from_btf_enum64_and_missing_kinds)
{
	struct btf *btf = btf__new_empty();
	struct tl_names n;

	CHECK(btf != NULL);
	if (!btf)
		return;
	/* only reset reasons, as a 64-bit enum; no states, no drop reasons */
	CHECK(btf__add_enum64(btf, "sk_rst_reason", 8, false) > 0);
	CHECK_INT(btf__add_enum64_value(btf, "SK_RST_REASON_NO_SOCKET", 1), 0);
	CHECK_INT(btf__add_enum64_value(btf, "SK_RST_REASON_HUGE", 1ULL << 40), 0);
	CHECK_INT(btf__add_enum64_value(btf, "SK_RST_REASON_ERROR", 24), 0);
	CHECK(btf__add_enum(btf, "unrelated", 4) > 0);
	CHECK_INT(btf__add_enum_value(btf, "TCP_ESTABLISHED_NOT", 1), 0);

	tl_names_init(&n);
	CHECK_INT(tl_names_load_btf(&n, btf), 0);
	CHECK_STR(tl_names_get(&n, TL_NAMES_RESET, 1), "NO_SOCKET");
	CHECK_STR(tl_names_get(&n, TL_NAMES_RESET, 24), "ERROR");
	for (uint32_t v = 0; v < TL_NAMES_MAX; v++) {
		CHECK(tl_names_get(&n, TL_NAMES_STATE, v) == NULL);
		CHECK(tl_names_get(&n, TL_NAMES_DROP, v) == NULL);
	}
	tl_names_free(&n);
	btf__free(btf);
}

UNIT_TEST(names_set_get_bounds)
{
	struct tl_names n;
	char name[8] = "FOO";

	tl_names_init(&n);
	CHECK_INT(tl_names_set(&n, TL_NAMES_DROP, 7, name), 0);
	name[0] = 'X'; /* the table holds a copy */
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 7), "FOO");
	CHECK_INT(tl_names_set(&n, TL_NAMES_DROP, 7, "BAR"), 0); /* replaced, old freed */
	CHECK_STR(tl_names_get(&n, TL_NAMES_DROP, 7), "BAR");
	CHECK_INT(tl_names_set(&n, TL_NAMES_DROP, TL_NAMES_MAX, "X"), -EINVAL);
	CHECK_INT(tl_names_set(&n, TL_NAMES_KINDS, 1, "X"), -EINVAL);
	CHECK(tl_names_get(&n, TL_NAMES_KINDS, 1) == NULL);
	CHECK(tl_names_get(&n, TL_NAMES_DROP, UINT32_MAX) == NULL);
	CHECK(tl_names_get(&n, TL_NAMES_STATE, 7) == NULL);
	tl_names_free(&n);
	CHECK(tl_names_get(&n, TL_NAMES_DROP, 7) == NULL);
	tl_names_free(&n); /* twice is harmless */
}

/* The running kernel, when its BTF is readable (it is on the project's hosts). */
UNIT_TEST(names_from_vmlinux)
{
	static const char *const unwanted[TL_NAMES_KINDS] = { "TCP_", "SKB_DROP_REASON_",
							      "SK_RST_REASON_" };
	struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	struct tl_names n;
	int no_socket = 0;

	if (!btf) {
		printf("  (skipped: /sys/kernel/btf/vmlinux not readable)\n");
		return;
	}
	tl_names_init(&n);
	CHECK_INT(tl_names_load_btf(&n, btf), 0);
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 1), "ESTABLISHED");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 2), "SYN_SENT");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 10), "LISTEN");
	CHECK_STR(tl_names_get(&n, TL_NAMES_STATE, 12), "NEW_SYN_RECV");
	for (uint32_t v = 0; v < TL_NAMES_MAX; v++) {
		const char *d = tl_names_get(&n, TL_NAMES_DROP, v);

		if (d && strcmp(d, "NO_SOCKET") == 0)
			no_socket++;
		for (int k = 0; k < TL_NAMES_KINDS; k++) {
			const char *s = tl_names_get(&n, k, v);

			/* no bounds, no masks, no unstripped prefix */
			if (s && (!strcmp(s, "MAX") || !strcmp(s, "MAX_STATES") ||
				  !strncmp(s, "SUBSYS_", 7) ||
				  !strncmp(s, unwanted[k], strlen(unwanted[k]))))
				unit_fail(__FILE__, __LINE__, "kind %d value %u: %s", k, v, s);
		}
	}
	CHECK_INT(no_socket, 1);
	/* sk_rst_reason exists since 6.10; where it does, NO_SOCKET is 1 */
	if (tl_names_get(&n, TL_NAMES_RESET, 0))
		CHECK_STR(tl_names_get(&n, TL_NAMES_RESET, 1), "NO_SOCKET");
	tl_names_free(&n);
	btf__free(btf);
}
