// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The printers of `tcpline features`: what a kernel lacks is named, never hidden. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/json_check.h"
#include "tests/unit/unit.h"
#include "user/features/features_print.h"
#include "user/cli/log.h"

static void prog(struct tl_features *f, const char *name, const char *attach, enum tl_hook hook,
		 enum tl_prog_status st, const char *reason)
{
	struct tl_prog_report *p = &f->hooks.progs[f->hooks.nprogs++];

	snprintf(p->prog, sizeof(p->prog), "%s", name);
	snprintf(p->attach, sizeof(p->attach), "%s", attach);
	snprintf(p->reason, sizeof(p->reason), "%s", reason);
	p->hook = hook;
	p->status = st;
}

/* A 5.10-like kernel: no drop reason, a refused storage-map iterator, lockdown unknown. */
static void fixture(struct tl_features *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->release, sizeof(f->release), "5.10.0-32-cloud-amd64");
	snprintf(f->machine, sizeof(f->machine), "x86_64");
	f->btf = f->privileged = true;
	f->kprobes = 1;
	snprintf(f->caps, sizeof(f->caps), "CAP_BPF CAP_PERFMON");
	snprintf(f->precise_why, sizeof(f->precise_why), "fentry refused");
	prog(f, "handle_set_state", "tp_btf/inet_sock_set_state", TL_HOOK_STATE, TL_PROG_ACTIVE,
	     "");
	prog(f, "handle_kfree_skb", "tp_btf/kfree_skb", TL_HOOK_DROP, TL_PROG_ABSENT,
	     "kfree_skb has 2 arguments here; tcpline knows 3 or 4");
	prog(f, "handle_kfree_skb_rx", "tp_btf/kfree_skb", TL_HOOK_DROP, TL_PROG_ABSENT,
	     "kfree_skb has 2 arguments here; tcpline knows 3 or 4");
	prog(f, "handle_retransmit", "tp_btf/tcp_retransmit_skb", TL_HOOK_RETRANSMIT,
	     TL_PROG_OTHER_VARIANT, "");
	prog(f, "flush_kept_states", "iter/bpf_sk_storage_map", TL_HOOK_FLUSH, TL_PROG_REFUSED,
	     "Operation not permitted\x1b[2J");
	f->hooks.wanted = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_DROP);
	f->hooks.active = TL_HOOK_BIT(TL_HOOK_STATE);
	f->hooks.nfields = tl_kfield_by_name("kfree_skb.rx_sk", 15) ? 1 : 0;
	if (f->hooks.nfields)
		f->hooks.fields[0] = *tl_kfield_by_name("kfree_skb.rx_sk", 15);
}

static char *render(const struct tl_features *f, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (json)
		CHECK(tl_features_print_json(f, out) == 0);
	else
		tl_features_print_text(f, out);
	fclose(out);
	return buf;
}

UNIT_TEST(features_text_names_what_is_missing)
{
	struct tl_features f;
	char *out;

	fixture(&f);
	out = render(&f, false);
	CHECK(strstr(out, "lockdown     -\n") != NULL);
	CHECK(strstr(out, "kprobes      yes\n") != NULL);
	CHECK(strstr(out, "drop            absent    handle_kfree_skb") != NULL);
	CHECK(strstr(out, "kfree_skb has 2 arguments here; tcpline knows 3 or 4") != NULL);
	/* the variant the kernel does not fit is not listed */
	CHECK(strstr(out, "handle_retransmit ") == NULL);
	/* the kernel's words reach the terminal without control bytes */
	CHECK(strstr(out, "Operation not permitted\\x1b[2J") != NULL);
	CHECK(strstr(out, "kfree_skb.rx_sk                      no      6.11   backlog's") != NULL);
	CHECK(strstr(out, "\ndrop            TCP drop events") != NULL);
	CHECK(strstr(out, "can trace    yes\n") != NULL);
	CHECK(strstr(out, "hz           - (no kernel config") != NULL);
	free(out);
}

UNIT_TEST(features_json_is_valid_and_says_null_for_unknown)
{
	struct tl_features f;
	char *out;

	fixture(&f);
	out = render(&f, true);
	CHECK(json_check_lines(out, strlen(out)) == 1);
	CHECK(strstr(out, "\"lockdown\":null,\"kprobes\":true,") != NULL);
	CHECK(strstr(out, "{\"hook\":\"drop\",\"available\":false,\"probed\":true,") != NULL);
	CHECK(strstr(out, "{\"hook\":\"retransmit\",\"available\":false,\"probed\":false,") !=
	      NULL);
	CHECK(strstr(out,
		     "\"status\":\"refused\",\"reason\":\"Operation not permitted\\u001b[2J\"") !=
	      NULL);
	CHECK(strstr(out, "\"status\":\"active\",\"reason\":null") != NULL);
	CHECK(strstr(out, "\"hz\":null,\"can_trace\":true,\"load_error\":null") != NULL);
	free(out);
	/* without privileges nothing was loaded: hooks are unknown, not empty */
	f.privileged = false;
	f.rc = TL_EXIT_PERM;
	f.hooks.nprogs = 0;
	snprintf(f.privs_why, sizeof(f.privs_why), "the effective capabilities lack CAP_BPF");
	out = render(&f, true);
	CHECK(json_check_lines(out, strlen(out)) == 1);
	CHECK(strstr(out, "\"privileges\":{\"ok\":false,\"missing\":\"the effective capabilities "
			  "lack CAP_BPF\"") != NULL);
	CHECK(strstr(out, "\"can_trace\":false,\"load_error\":null,\"hooks\":null}") != NULL);
	free(out);
}
