// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* kfields.c - see kfields.h. */
#include <bpf/btf.h>
#include <stdio.h>
#include <string.h>

#include "kfields.h"

int tl_btf_tp_nargs(const struct btf *btf, const char *tp)
{
	char name[128];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	/* a pointer to a prototype whose first parameter is the context */
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;
}

bool tl_ksym_exists(const char *name)
{
	char line[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found = false;
	size_t n = strlen(name);

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sym = strrchr(line, ' ');

		/* "ffff... t name\n" or with a "\t[module]" suffix */
		if (!sym)
			continue;
		sym++;
		found = !strncmp(sym, name, n) && (sym[n] == '\n' || sym[n] == '\t');
		if (found && !strncmp(line, "0000000000000000", 16))
			found = false; /* hidden by kptr_restrict: unusable */
	}
	fclose(f);
	return found;
}

static bool enum_value_exists(const struct btf *btf, const char *type, const char *value)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
	const struct btf_enum *e = t ? btf_enum(t) : NULL;

	for (int i = 0; e && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), value))
			return true;
	return false;
}

static bool member_exists(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t = id < 0 ? NULL : btf__type_by_id(btf, id);
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; m && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), member))
			return true;
	return false;
}

enum probe_kind { TP_ARGS, ENUM_VALUE, MEMBER, KSYM };

static const struct {
	struct tl_kfield f; /* present unset */
	enum probe_kind kind;
	const char *where, *what; /* tracepoint / enum / struct / symbol, and its item */
	int nargs;
} probes[] = {
	{ { "kfree_skb.reason", "5.17", "TCP drop events (tcpline needs the drop reason)", false },
	  TP_ARGS,
	  "kfree_skb",
	  NULL,
	  3 },
	{ { "kfree_skb.rx_sk", "6.11",
	    "backlog's discarded_segments: listener drops are sk_drops, discarded segments "
	    "included",
	    false },
	  TP_ARGS,
	  "kfree_skb",
	  NULL,
	  4 },
	{ { "SKB_DROP_REASON_TCP_LISTEN_OVERFLOW", "6.15",
	    "backlog's accept_queue_full_at_ack (third ACKs refused by a full accept queue)",
	    false },
	  ENUM_VALUE,
	  "skb_drop_reason",
	  "SKB_DROP_REASON_TCP_LISTEN_OVERFLOW",
	  0 },
	{ { "tcp_send_reset.reason", "6.10", "the reason of each reset sent", false },
	  TP_ARGS,
	  "tcp_send_reset",
	  NULL,
	  3 },
	{ { "tcp_retransmit_skb.err", "6.17",
	    "nothing: older kernels do not fire it for failed retransmits", false },
	  TP_ARGS,
	  "tcp_retransmit_skb",
	  NULL,
	  3 },
	{ { "tcp_receive_reset", "4.16", "the resets this host receives", false },
	  TP_ARGS,
	  "tcp_receive_reset",
	  NULL,
	  1 },
	{ { "tcp_retransmit_synack", "4.16", "SYN-ACK retransmits", false },
	  TP_ARGS,
	  "tcp_retransmit_synack",
	  NULL,
	  2 },
	{ { "sock.sk_drop_counters", "6.18", "nothing: sk_drops is read in either layout", false },
	  MEMBER,
	  "sock",
	  "sk_drop_counters",
	  0 },
	{ { "tw_timer_handler", "-", "the exact end of TIME_WAIT", false },
	  KSYM,
	  "tw_timer_handler",
	  NULL,
	  0 },
};

_Static_assert(sizeof(probes) / sizeof(probes[0]) <= TL_KFIELDS_MAX, "TL_KFIELDS_MAX");

int tl_kfields_probe(const struct btf *btf, struct tl_kfield *out)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		bool present = false;

		switch (probes[i].kind) {
		case TP_ARGS:
			present = tl_btf_tp_nargs(btf, probes[i].where) >= probes[i].nargs;
			break;
		case ENUM_VALUE:
			present = enum_value_exists(btf, probes[i].where, probes[i].what);
			break;
		case MEMBER:
			present = member_exists(btf, probes[i].where, probes[i].what);
			break;
		case KSYM:
			present = tl_ksym_exists(probes[i].where);
			break;
		}
		out[n] = probes[i].f;
		out[n++].present = present;
	}
	return n;
}

const struct tl_kfield *tl_kfield_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strlen(probes[i].f.name) == len && !memcmp(probes[i].f.name, name, len))
			return &probes[i].f;
	return NULL;
}
