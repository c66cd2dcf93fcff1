// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* kfields.c - see kfields.h. */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "kernel/kfields.h"

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

/* Load a tp_btf program on @tp (its first argument in r1 on entry); true if taken. */
static bool tp_btf_loads(const struct btf *btf, const char *tp, const struct bpf_insn *insns,
			 size_t n)
{
	char name[128];
	int id, fd;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP);

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return false;
	opts.attach_btf_id = (__u32)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "tl_probe", "GPL", insns, n, &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool tl_tracing_helper_works(const struct btf *btf, const char *tp, int func_id)
{
	/* r1 = ctx[0] (the socket); call */
	const struct bpf_insn insns[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1 },
		{ .code = BPF_JMP | BPF_CALL, .imm = func_id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return tp_btf_loads(btf, tp, insns, sizeof(insns) / sizeof(insns[0]));
}

/* A socket-storage map of int values: the kernel wants BTF for its key and value. */
static int storage_map(void)
{
	struct btf *b = btf__new_empty();
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	int fd = -1;

	if (!b || btf__add_int(b, "int", 4, BTF_INT_SIGNED) != 1 || btf__load_into_kernel(b))
		goto out;
	opts.btf_fd = btf__fd(b);
	opts.btf_key_type_id = opts.btf_value_type_id = 1;
	fd = bpf_map_create(BPF_MAP_TYPE_SK_STORAGE, "tl_probe", 4, 4, 0, &opts);
out:
	btf__free(b); /* the map holds its own reference */
	return fd;
}

bool tl_tracing_storage_works(const struct btf *btf, const char *tp)
{
	int map = storage_map();
	bool ok;

	if (map < 0)
		return false;
	{
		/* r2 = ctx[0]; r1 = map; r3 = r4 = 0; call bpf_sk_storage_get */
		const struct bpf_insn insns[] = {
			{ .code = BPF_LDX | BPF_MEM | BPF_DW,
			  .dst_reg = BPF_REG_2,
			  .src_reg = BPF_REG_1 },
			{ .code = BPF_LD | BPF_DW | BPF_IMM,
			  .dst_reg = BPF_REG_1,
			  .src_reg = BPF_PSEUDO_MAP_FD,
			  .imm = map },
			{},
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4 },
			{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_sk_storage_get },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		ok = tp_btf_loads(btf, tp, insns, sizeof(insns) / sizeof(insns[0]));
	}
	close(map);
	return ok;
}

unsigned int tl_config_hz(const char *line)
{
	return !strncmp(line, "CONFIG_HZ=", 10) ? (unsigned int)strtoul(line + 10, NULL, 10) : 0;
}

unsigned int tl_kernel_hz(const char **where)
{
	static char path[300];
	char line[256];
	struct utsname u;
	unsigned int hz = 0;
	gzFile gz;
	FILE *f;

	if (where)
		*where = NULL;
	if (!uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		f = fopen(path, "r");
		while (f && !hz && fgets(line, sizeof(line), f))
			hz = tl_config_hz(line);
		if (f)
			fclose(f);
		if (hz) {
			if (where)
				*where = path;
			return hz;
		}
	}
	gz = gzopen("/proc/config.gz", "r");
	while (gz && !hz && gzgets(gz, line, sizeof(line)))
		hz = tl_config_hz(line);
	if (gz)
		gzclose(gz);
	if (hz && where)
		*where = "/proc/config.gz";
	return hz;
}

bool tl_kallsyms_names(const char *line, const char *name)
{
	const char *sym = strrchr(line, ' ');
	size_t n = strlen(name);

	/* "ffff... t name\n" or with a "\t[module]" suffix */
	if (!sym)
		return false;
	sym++;
	if (strncmp(sym, name, n) || (sym[n] != '\n' && sym[n] != '\t'))
		return false;
	/* an address hidden by kptr_restrict is unusable */
	return strncmp(line, "0000000000000000", 16) != 0;
}

bool tl_ksym_exists(const char *name)
{
	char line[256];
	FILE *f = fopen("/proc/kallsyms", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = tl_kallsyms_names(line, name);
	fclose(f);
	return found;
}

bool tl_btf_enum_value_exists(const struct btf *btf, const char *type, const char *value)
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

/* Whether struct @type has every member of @members (names separated by spaces). */
static bool members_exist(const struct btf *btf, const char *type, const char *members)
{
	char name[64];

	while (*members) {
		size_t n = strcspn(members, " ");

		if (!n || n >= sizeof(name))
			return false;
		memcpy(name, members, n);
		name[n] = '\0';
		if (!member_exists(btf, type, name))
			return false;
		members += n + (members[n] == ' ');
	}
	return true;
}

enum probe_kind { TP_ARGS, ENUM_VALUE, MEMBER, KSYM, TRACING_HELPER, TRACING_STORAGE };

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
	{ { "inet_connection_sock.icsk_pending", "-",
	    "retransmit kinds rto, fast and tlp (icsk_ca_state, icsk_pending; syn and synack need "
	    "nothing)",
	    false },
	  MEMBER,
	  "inet_connection_sock",
	  "icsk_ca_state icsk_pending",
	  0 },
	{ { "inet_connection_sock.icsk_probes_out", "-",
	    "the timer a timed-out connection died of and its attempts (icsk_retransmits, "
	    "icsk_probes_out, icsk_user_timeout), the keepalive_timeout end",
	    false },
	  MEMBER,
	  "inet_connection_sock",
	  "icsk_retransmits icsk_probes_out icsk_user_timeout",
	  0 },
	{ { "tcp_sock.retrans_stamp", "-", "the time from the first loss to a timeout", false },
	  MEMBER,
	  "tcp_sock",
	  "retrans_stamp tcp_mstamp",
	  0 },
	{ { "tcp_keepalive_timer", "-",
	    "keepalive probes (events and the lifeline's keepalive.probes; the settings still "
	    "show)",
	    false },
	  KSYM,
	  "tcp_keepalive_timer",
	  NULL,
	  0 },
	{ { "tcp_write_timer", "-", "zero-window stalls (events and the lifeline's zero_window)",
	    false },
	  KSYM,
	  "tcp_write_timer",
	  NULL,
	  0 },
	{ { "tw_timer_handler", "-", "the exact end of TIME_WAIT", false },
	  KSYM,
	  "tw_timer_handler",
	  NULL,
	  0 },
	{ { TL_KF_COOKIE, "5.12",
	    "socket cookies: sockets are named by a keyed hash of their address, and "
	    "TIME_WAIT hand-overs cannot be matched (the end of TIME_WAIT is unavailable)",
	    false },
	  TRACING_HELPER,
	  "inet_sock_set_state",
	  NULL,
	  BPF_FUNC_get_socket_cookie },
	{ { TL_KF_STORAGE, "5.11",
	    "per-socket storage: owner filters apply in user space only, state changes are "
	    "not batched, backlog's queue peaks come from the sampler alone",
	    false },
	  TRACING_STORAGE,
	  "inet_sock_set_state",
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
			present = tl_btf_enum_value_exists(btf, probes[i].where, probes[i].what);
			break;
		case MEMBER:
			present = members_exist(btf, probes[i].where, probes[i].what);
			break;
		case KSYM:
			present = tl_ksym_exists(probes[i].where);
			break;
		case TRACING_HELPER:
			present = tl_tracing_helper_works(btf, probes[i].where, probes[i].nargs);
			break;
		case TRACING_STORAGE:
			present = tl_tracing_storage_works(btf, probes[i].where);
			break;
		}
		out[n] = probes[i].f;
		out[n++].present = present;
	}
	return n;
}

bool tl_kfield_present(const struct tl_kfield *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return f[i].present;
	return false;
}

const struct tl_kfield *tl_kfield_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strlen(probes[i].f.name) == len && !memcmp(probes[i].f.name, name, len))
			return &probes[i].f;
	return NULL;
}
