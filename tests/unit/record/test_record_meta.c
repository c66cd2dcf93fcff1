// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record_meta.c - a recording's description: every field through its
 * TLV encoding and back, malformed payloads, what the recorder lacked
 * (record/record_meta.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_format.h"
#include "record/record_meta.h"
#include "tests/unit/unit.h"

static void full_meta(struct tl_rec_meta *m)
{
	char *argv[] = { "tcpline", "record", "-w", "x.tlr" };

	tl_meta_init(m);
	CHECK_INT(tl_meta_set_system(m, 4, argv, "9.9.9"), 0);
	m->start_ns = 123456789;
	m->filter.netns = 4026531840u;
	m->filter.nports = 1;
	m->filter.ports[0] = 443;
	m->max_conns = 1000;
	m->ringbuf_mb = 16;
	m->max_timewait = 147456;
	m->tw_observable = true;
	m->abi = TL_ABI_VERSION;
	m->rec_len = TL_REC_LEN;
	m->set_id = 0xfeedface12345678ULL;
	m->seq = 3;
	m->rotate_size = 1 << 20;
	m->rotate_time_ns = 60000000000ULL;
	m->max_files = 4;
	m->hooks_known = true;
	m->hooks.wanted = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_DROP) |
			  TL_HOOK_BIT(TL_HOOK_FLUSH);
	m->hooks.active = TL_HOOK_BIT(TL_HOOK_STATE);
	m->hooks.batching = true;
	m->hooks.nprogs = 1;
	strcpy(m->hooks.progs[0].prog, "tl_kfree_skb");
	strcpy(m->hooks.progs[0].attach, "tp_btf/kfree_skb");
	strcpy(m->hooks.progs[0].reason, "EPERM");
	m->hooks.progs[0].hook = TL_HOOK_DROP;
	m->hooks.progs[0].status = TL_PROG_REFUSED;
	m->hooks.fields[0] = *tl_kfield_by_name("kfree_skb.reason", strlen("kfree_skb.reason"));
	m->hooks.fields[0].present = true;
	m->hooks.nfields = 1;
	strcpy(m->hooks.fallback, "state changes one by one");
	tl_names_set(&m->names, TL_NAMES_STATE, TL_TCP_ESTABLISHED, "ESTABLISHED");
}

UNIT_TEST(record_meta_roundtrip)
{
	struct tl_rec_meta in, out;
	uint8_t *buf = NULL;
	size_t len = 0;

	full_meta(&in);
	CHECK_INT(tl_meta_encode(&in, &buf, &len), 0);
	tl_meta_init(&out);
	CHECK_INT(tl_meta_decode(&out, buf, len), 0);
	CHECK_STR(out.host, in.host);
	CHECK_STR(out.kernel, in.kernel);
	CHECK_STR(out.kernel_version, in.kernel_version);
	CHECK_STR(out.machine, in.machine);
	CHECK_STR(out.tool_version, "9.9.9");
	CHECK_STR(out.cmdline, "tcpline record -w x.tlr");
	CHECK(out.clock.boot_to_real_ns == in.clock.boot_to_real_ns);
	CHECK(out.start_ns == 123456789);
	CHECK(!memcmp(&out.filter, &in.filter, sizeof(in.filter)));
	CHECK_INT(out.max_conns, 1000);
	CHECK_INT(out.ringbuf_mb, 16);
	CHECK_INT(out.max_timewait, 147456);
	CHECK(out.tw_observable);
	CHECK_INT(out.abi, TL_ABI_VERSION);
	CHECK_INT(out.rec_len, TL_REC_LEN);
	CHECK(out.set_id == in.set_id);
	CHECK_INT(out.seq, 3);
	CHECK(out.rotate_size == in.rotate_size && out.rotate_time_ns == in.rotate_time_ns);
	CHECK_INT(out.max_files, 4);
	CHECK(out.hooks_known);
	CHECK_INT(out.hooks.wanted, in.hooks.wanted);
	CHECK_INT(out.hooks.active, in.hooks.active);
	CHECK(out.hooks.batching);
	CHECK_INT(out.hooks.nprogs, 1);
	CHECK_STR(out.hooks.progs[0].prog, "tl_kfree_skb");
	CHECK_STR(out.hooks.progs[0].attach, "tp_btf/kfree_skb");
	CHECK_STR(out.hooks.progs[0].reason, "EPERM");
	CHECK_INT(out.hooks.progs[0].hook, TL_HOOK_DROP);
	CHECK_INT(out.hooks.progs[0].status, TL_PROG_REFUSED);
	CHECK_INT(out.hooks.nfields, 1);
	CHECK_STR(out.hooks.fields[0].name, "kfree_skb.reason");
	CHECK(out.hooks.fields[0].present);
	CHECK_STR(out.hooks.fallback, "state changes one by one");
	CHECK_STR(tl_names_get(&out.names, TL_NAMES_STATE, TL_TCP_ESTABLISHED), "ESTABLISHED");
	/* the flush hook is never "missing": changes are then sent one by one */
	CHECK_INT(tl_meta_hooks_missing(&out), TL_HOOK_BIT(TL_HOOK_DROP));
	free(buf);
	tl_meta_free(&in);
	tl_meta_free(&out);
}

UNIT_TEST(record_meta_every_cut_is_safe)
{
	struct tl_rec_meta in;
	uint8_t *buf = NULL;
	size_t len = 0;
	int malformed = 0;

	full_meta(&in);
	CHECK_INT(tl_meta_encode(&in, &buf, &len), 0);
	/* a payload cut anywhere parses what is whole, says so when a TLV is cut */
	for (size_t cut = 0; cut < len; cut++) {
		struct tl_rec_meta out;
		uint8_t *copy = malloc(cut ? cut : 1);
		int err;

		memcpy(copy, buf, cut);
		tl_meta_init(&out);
		err = tl_meta_decode(&out, copy, cut);
		CHECK(err == 0 || err == -EINVAL);
		malformed += err == -EINVAL;
		tl_meta_free(&out);
		free(copy);
	}
	CHECK(malformed > 0);
	free(buf);
	tl_meta_free(&in);
}

static const struct tlv_case {
	const char *name;
	uint8_t bytes[24];
	size_t len;
	int want;
	uint32_t want_seq;
} tlv_cases[] = {
	{ "empty", { 0 }, 0, 0, 0 },
	{ "seq", { TL_TAG_SEQ, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0 }, 12, 0, 7 },
	{ "unknown tag skipped",
	  { 0xee, 0x7f, 0, 0, 2, 0, 0, 0, 1, 2, TL_TAG_SEQ, 0, 0, 0, 4, 0, 0, 0, 9, 0, 0, 0 },
	  22,
	  0,
	  9 },
	{ "too short a value is ignored", { TL_TAG_SEQ, 0, 0, 0, 2, 0, 0, 0, 7, 0 }, 10, 0, 0 },
	{ "length past the payload",
	  { TL_TAG_SEQ, 0, 0, 0, 0xff, 0, 0, 0, 7, 0, 0, 0 },
	  12,
	  -EINVAL,
	  0 },
	{ "a half header", { TL_TAG_SEQ, 0, 0 }, 3, -EINVAL, 0 },
	{ "huge length", { TL_TAG_HOST, 0, 0, 0, 0xff, 0xff, 0xff, 0xff }, 8, -EINVAL, 0 },
};

UNIT_TEST(record_meta_tlv_table)
{
	for (size_t i = 0; i < sizeof(tlv_cases) / sizeof(tlv_cases[0]); i++) {
		const struct tlv_case *k = &tlv_cases[i];
		struct tl_rec_meta m;
		int err;

		tl_meta_init(&m);
		err = tl_meta_decode(&m, k->bytes, k->len);
		if (err != k->want || m.seq != k->want_seq)
			unit_fail(__FILE__, __LINE__, "%s: %d seq %u, want %d seq %u", k->name, err,
				  m.seq, k->want, k->want_seq);
		tl_meta_free(&m);
	}
}

UNIT_TEST(record_meta_hooks_unknown_means_none_missing)
{
	struct tl_rec_meta m;

	tl_meta_init(&m);
	m.hooks.wanted = TL_HOOK_BIT(TL_HOOK_DROP);
	CHECK_INT(tl_meta_hooks_missing(&m), 0); /* an old recording: assume it had all */
	m.hooks_known = true;
	CHECK_INT(tl_meta_hooks_missing(&m), TL_HOOK_BIT(TL_HOOK_DROP));
	tl_meta_free(&m);
}
