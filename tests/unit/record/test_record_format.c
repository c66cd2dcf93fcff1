// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record_format.c - records and filters to and from their little-endian
 * images (record/record_format.h).
 */
#include <stddef.h>
#include <string.h>

#include "record/record_format.h"
#include "tests/unit/unit.h"

static const struct int_case {
	uint64_t v;
	uint8_t le[8];
} int_cases[] = {
	{ 0, { 0 } },
	{ 1, { 1 } },
	{ 0x0102030405060708ULL, { 8, 7, 6, 5, 4, 3, 2, 1 } },
	{ UINT64_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
};

UNIT_TEST(record_format_little_endian_table)
{
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		const struct int_case *k = &int_cases[i];
		uint8_t b[8];

		tl_put64(b, k->v);
		CHECK(!memcmp(b, k->le, 8));
		CHECK(tl_get64(k->le) == k->v);
		tl_put32(b, (uint32_t)k->v);
		CHECK(!memcmp(b, k->le, 4));
		CHECK_INT(tl_get32(k->le), (uint32_t)k->v);
		tl_put16(b, (uint16_t)k->v);
		CHECK(!memcmp(b, k->le, 2));
		CHECK_INT(tl_get16(k->le), (uint16_t)k->v);
	}
}

static struct tl_event full_event(uint8_t type)
{
	struct tl_event e;

	/* every byte distinct, then the fields whose image is checked below */
	for (size_t i = 0; i < sizeof(e); i++)
		((uint8_t *)&e)[i] = (uint8_t)(i * 7 + 3);
	e.pad = 0;
	e.type = type;
	e.ts_ns = 0x1122334455667788ULL;
	e.lport = 0xabcd;
	e.netns = 0xdeadbeef;
	e.kind = TL_RK_TLP;
	e.detail = 0x01020304;
	return e;
}

UNIT_TEST(record_format_event_roundtrip)
{
	static const uint8_t types[] = { TL_EV_STATE, TL_EV_RETRANS, TL_EV_SOCK, TL_EV_DROP,
					 TL_REC_TICK };

	for (size_t i = 0; i < sizeof(types); i++) {
		struct tl_event in = full_event(types[i]), out;
		uint8_t img[TL_REC_LEN];

		tl_rec_encode(img, &in);
		/* fields at their struct offsets, little-endian */
		CHECK(tl_get64(img + offsetof(struct tl_event, ts_ns)) == in.ts_ns);
		CHECK_INT(tl_get16(img + offsetof(struct tl_event, lport)), 0xabcd);
		CHECK(tl_get32(img + offsetof(struct tl_event, netns)) == 0xdeadbeef);
		CHECK_INT(img[offsetof(struct tl_event, type)], types[i]);
		/* layout 2: kind at byte 106, detail at 108 (padding in layout 1) */
		CHECK_INT(img[106], TL_RK_TLP);
		CHECK(tl_get32(img + 108) == 0x01020304);
		CHECK(!memcmp(img + offsetof(struct tl_event, comm), in.comm, TL_COMM_LEN));
		memset(&out, 0x5a, sizeof(out));
		tl_rec_decode(&out, img);
		if (memcmp(&in, &out, sizeof(in)))
			unit_fail(__FILE__, __LINE__, "type %u: decode(encode(ev)) differs",
				  types[i]);
	}
}

UNIT_TEST(record_format_layouts_read)
{
	CHECK(tl_rec_layout_readable(TL_ABI_VERSION, TL_REC_LEN));
	CHECK(tl_rec_layout_readable(1, TL_REC_LEN)); /* before kind and detail */
	CHECK(!tl_rec_layout_readable(0, TL_REC_LEN));
	CHECK(!tl_rec_layout_readable(TL_ABI_VERSION + 1, TL_REC_LEN));
	CHECK(!tl_rec_layout_readable(TL_ABI_VERSION, TL_REC_LEN + 8));
}

UNIT_TEST(record_format_listener_roundtrip)
{
	struct tl_event ev = full_event(TL_EV_LISTENER), out;
	struct tl_listener_rec *l = (struct tl_listener_rec *)&ev;
	uint8_t img[TL_REC_LEN];

	l->drops = 0x0102030405060708ULL;
	l->ack_overflows = 0x11223344;
	l->drops_delta = 0x55667788;
	l->acceptq_peak = 77;
	tl_rec_encode(img, &ev);
	CHECK(tl_get64(img + offsetof(struct tl_listener_rec, drops)) == l->drops);
	CHECK(tl_get32(img + offsetof(struct tl_listener_rec, ack_overflows)) == 0x11223344);
	CHECK(tl_get32(img + offsetof(struct tl_listener_rec, drops_delta)) == 0x55667788);
	tl_rec_decode(&out, img);
	CHECK(((struct tl_listener_rec *)&out)->drops == l->drops);
	CHECK_INT(((struct tl_listener_rec *)&out)->acceptq_peak, 77);
	CHECK_INT(((struct tl_listener_rec *)&out)->drops_delta, 0x55667788);
	CHECK_INT(out.netns, ev.netns);
	CHECK_INT(out.lport, ev.lport);
}

UNIT_TEST(record_format_filter_roundtrip)
{
	struct tl_filter in = { .netns = 4026531840u,
				.pid = 42,
				.cgroup = 0x123456789ULL,
				.family = 10,
				.nports = 2,
				.has_comm = 1,
				.has_laddr = 1,
				.laddr_plen = 64,
				.laddr_family = 10 },
			 out;
	uint8_t img[TL_FILTER_REC_LEN];

	in.ports[0] = 80;
	in.ports[1] = 443;
	memset(in.laddr, 0xfd, 8);
	strcpy(in.comm, "nginx");
	tl_filter_encode(img, &in);
	CHECK(tl_get32(img + offsetof(struct tl_filter, netns)) == 4026531840u);
	CHECK(tl_get64(img + offsetof(struct tl_filter, cgroup)) == 0x123456789ULL);
	CHECK_INT(tl_get16(img + offsetof(struct tl_filter, ports) + 2), 443);
	memset(&out, 0x77, sizeof(out));
	tl_filter_decode(&out, img);
	CHECK(!memcmp(&in, &out, sizeof(in)));
}
