// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_record_roundtrip.c - write -> read gives back the same records, the
 * same description (host, kernel, clock, names, filter), the same counters;
 * and what the reader warns about in data it reads in full: counters and
 * timestamps going backwards, records no kernel could have produced.
 */
#include <errno.h>
#include <stdlib.h>

#include "tests/unit/record/rec_fixture.h"
#include "record/record_format.h"
#include "record/record_reader.h"
#include "record/record_writer.h"
#include "tests/unit/unit.h"

#define SEC 1000000000ULL

struct session {
	char dir[64], path[128];
	struct tl_writer *w;
	struct tl_rec_meta m;
};

static void begin(struct session *s, uint32_t block_records)
{
	struct tl_writer_opts o = { .block_records = block_records, .no_sync = true };

	fix_tmpdir(s->dir, sizeof(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/rec", s->dir);
	o.path = s->path;
	fix_meta(&s->m);
	CHECK_INT(tl_writer_open(&s->w, &o, &s->m), 0);
}

static struct tl_reader *end(struct session *s, const struct tl_stats *st, struct fixture *f)
{
	struct tl_reader_opts o = { .quiet = true };
	struct tl_reader *r = NULL;

	CHECK_INT(tl_writer_close(s->w, st, 99 * SEC), 0);
	tl_meta_free(&s->m);
	fix_load(f, s->path);
	fix_rmdir(s->dir);
	CHECK_INT(tl_reader_open_mem(&r, f->data, f->len, &o), 0);
	return r;
}

UNIT_TEST(record_roundtrip_records_meta_and_counters)
{
	struct tl_stats st = { 7, 1, 2, 3, 4, 5, 6, 8, 0 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;
	const struct tl_rec_meta *m;
	struct tl_item it;
	struct tl_event sent[300], sock;
	int n = 0, ticks = 0, snaps = 0, trailers = 0;

	begin(&s, 64);
	for (int i = 0; i < 300; i++) {
		sent[i] = fix_event(i, i * 1000);
		/* every type a recording holds (batches are expanded before) */
		sent[i].type = 1 + i % TL_EV_LISTENER;
		sent[i].family = i % 2 ? 2 : 10;
		sent[i].bytes_acked = 0x0102030405060708ULL * i;
		sent[i].raddr[15] = (uint8_t)i;
		sent[i].flags = (uint8_t)i;
		CHECK_INT(tl_writer_event(s.w, &sent[i]), 0);
		if (i % 100 == 99)
			CHECK_INT(tl_writer_tick(s.w, i * 1000 + 1), 0);
	}
	sock = sent[9];
	sock.type = TL_EV_SOCK;
	CHECK_INT(tl_writer_snapshot(s.w, &sock), 0);
	r = end(&s, &st, &f);
	m = tl_reader_meta(r);
	CHECK_STR(m->host, FIX_HOST);
	CHECK_STR(m->kernel, FIX_KERNEL);
	CHECK_STR(m->cmdline, "tcpline record -w x --port 80");
	CHECK_INT(m->clock.boot_to_real_ns, FIX_BOOT_TO_REAL);
	CHECK_INT(m->start_ns, 500000000ULL);
	CHECK_INT(m->max_conns, 1024);
	CHECK(m->tw_observable);
	CHECK_INT(m->set_id, 0x1234567890abcdefULL);
	CHECK_INT(m->filter.nports, 1);
	CHECK_INT(m->filter.ports[0], 80);
	CHECK_STR(tl_names_get(&m->names, TL_NAMES_STATE, 1), "ESTABLISHED");
	CHECK_STR(tl_names_get(&m->names, TL_NAMES_DROP, 2), "NO_SOCKET");
	CHECK_STR(tl_names_get(&m->names, TL_NAMES_RESET, 1023), "LAST_ONE");
	CHECK(!tl_names_get(&m->names, TL_NAMES_STATE, 3));
	while (tl_reader_next(r, &it) == 1) {
		if (it.kind == TL_ITEM_EVENT) {
			CHECK(n < 300 && !memcmp(&it.ev, &sent[n], sizeof(it.ev)));
			n++;
		}
		ticks += it.kind == TL_ITEM_TICK;
		snaps += it.kind == TL_ITEM_SNAPSHOT;
		if (it.kind == TL_ITEM_TRAILER) {
			trailers++;
			CHECK(!memcmp(&it.stats, &st, sizeof(st)));
			CHECK_INT(it.flags, TL_STATS_F_FINAL);
			CHECK_INT(it.ts_ns, 99 * SEC);
		}
	}
	CHECK_INT(n, 300);
	CHECK_INT(ticks, 3);
	CHECK_INT(snaps, 1);
	CHECK_INT(trailers, 1);
	CHECK_INT(tl_reader_status(r), TL_READ_OK);
	CHECK_INT(tl_reader_report(r)->warnings, 0);
	tl_reader_close(r);
	fix_free(&f);
}

UNIT_TEST(record_roundtrip_counters_going_backwards_warn)
{
	struct tl_stats a = { .events = 100, .rb_lost = 5 }, b = { .events = 50, .rb_lost = 5 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;
	struct tl_item it;
	int items = 0;

	begin(&s, 4);
	CHECK_INT(tl_writer_stats(s.w, &a, SEC), 0);
	r = end(&s, &b, &f);
	while (tl_reader_next(r, &it) == 1)
		items++;
	CHECK_INT(items, 2);
	CHECK_INT(tl_reader_report(r)->counters_backwards, 1);
	CHECK_INT(tl_reader_report(r)->warnings, 1);
	CHECK_INT(tl_reader_status(r), TL_READ_OK);
	tl_reader_close(r);
	fix_free(&f);
}

UNIT_TEST(record_roundtrip_timestamps_going_backwards_warn)
{
	uint64_t ts[] = { 10 * SEC, 11 * SEC, 10 * SEC + 500, 5 * SEC, 12 * SEC, 1 * SEC };
	struct tl_stats st = { 0 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;
	struct tl_item it;
	int items = 0;

	begin(&s, 4);
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		struct tl_event e = fix_event(i, ts[i]);

		CHECK_INT(tl_writer_event(s.w, &e), 0);
	}
	r = end(&s, &st, &f);
	while (tl_reader_next(r, &it) == 1)
		items += it.kind == TL_ITEM_EVENT;
	/* 10.0000005 s after 11 s is within the reordering of CPUs; 5 s and 1 s are not */
	CHECK_INT(items, 6);
	CHECK_INT(tl_reader_report(r)->ts_backwards, 2);
	CHECK_INT(tl_reader_report(r)->warnings, 2); /* one per block */
	CHECK_INT(tl_reader_status(r), TL_READ_OK);
	tl_reader_close(r);
	fix_free(&f);
}

UNIT_TEST(record_roundtrip_impossible_records_are_skipped)
{
	struct tl_stats st = { 0 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;
	struct tl_item it;
	struct tl_event e[4];
	int items = 0;

	begin(&s, 8);
	for (int i = 0; i < 4; i++)
		e[i] = fix_event(i, SEC + i);
	e[1].type = 99; /* unknown type */
	e[2].family = 7; /* not TCP over IP */
	e[3].owner_conf = 9;
	for (int i = 0; i < 4; i++)
		CHECK_INT(tl_writer_event(s.w, &e[i]), 0);
	r = end(&s, &st, &f);
	while (tl_reader_next(r, &it) == 1)
		items += it.kind == TL_ITEM_EVENT;
	CHECK_INT(items, 1);
	CHECK_INT(tl_reader_report(r)->bad_records, 3);
	CHECK_INT(tl_reader_report(r)->warnings, 1);
	CHECK_INT(tl_reader_status(r), TL_READ_DAMAGED);
	tl_reader_close(r);
	fix_free(&f);
}

/* The recorder's hook report survives the file: what was unavailable stays unavailable. */
UNIT_TEST(record_roundtrip_hook_report)
{
	struct tl_stats st = { 0 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;
	const struct tl_rec_meta *m;
	struct tl_prog_report *p;

	fix_tmpdir(s.dir, sizeof(s.dir));
	snprintf(s.path, sizeof(s.path), "%s/rec", s.dir);
	fix_meta(&s.m);
	s.m.hooks_known = true;
	s.m.hooks.wanted = TL_HOOK_BIT(TL_HOOK_STATE) | TL_HOOK_BIT(TL_HOOK_DROP) |
			   TL_HOOK_BIT(TL_HOOK_FLUSH);
	s.m.hooks.active = TL_HOOK_BIT(TL_HOOK_STATE);
	s.m.hooks.batching = true;
	p = &s.m.hooks.progs[s.m.hooks.nprogs++];
	snprintf(p->prog, sizeof(p->prog), "handle_kfree_skb_rx");
	snprintf(p->attach, sizeof(p->attach), "tp_btf/kfree_skb");
	snprintf(p->reason, sizeof(p->reason), "Operation not permitted");
	p->hook = TL_HOOK_DROP;
	p->status = TL_PROG_REFUSED;
	s.m.hooks.nfields = 2;
	s.m.hooks.fields[0] = *tl_kfield_by_name("kfree_skb.rx_sk", 15);
	s.m.hooks.fields[1] = *tl_kfield_by_name("tcp_send_reset.reason", 21);
	s.m.hooks.fields[1].present = true;
	snprintf(s.m.hooks.fallback, sizeof(s.m.hooks.fallback), "sent one by one");
	{
		struct tl_writer_opts o = { .block_records = 64, .no_sync = true, .path = s.path };

		CHECK_INT(tl_writer_open(&s.w, &o, &s.m), 0);
	}
	r = end(&s, &st, &f);
	m = tl_reader_meta(r);
	CHECK(m->hooks_known);
	CHECK_INT(m->hooks.wanted, s.m.hooks.wanted);
	CHECK_INT(m->hooks.active, TL_HOOK_BIT(TL_HOOK_STATE));
	CHECK(m->hooks.batching);
	/* a flush that cannot run loses nothing: only the drop hook is missing */
	CHECK_INT(tl_meta_hooks_missing(m), TL_HOOK_BIT(TL_HOOK_DROP));
	CHECK_INT(m->hooks.nprogs, 1);
	CHECK_STR(m->hooks.progs[0].prog, "handle_kfree_skb_rx");
	CHECK_STR(m->hooks.progs[0].attach, "tp_btf/kfree_skb");
	CHECK_STR(m->hooks.progs[0].reason, "Operation not permitted");
	CHECK_INT(m->hooks.progs[0].status, TL_PROG_REFUSED);
	CHECK_INT(m->hooks.progs[0].hook, TL_HOOK_DROP);
	CHECK_INT(m->hooks.nfields, 2);
	CHECK_STR(m->hooks.fields[0].name, "kfree_skb.rx_sk");
	CHECK(!m->hooks.fields[0].present && m->hooks.fields[1].present);
	CHECK_STR(m->hooks.fallback, "sent one by one");
	tl_reader_close(r);
	fix_free(&f);
}

/* A recording that does not say (an older tcpline) misses nothing. */
UNIT_TEST(record_roundtrip_no_hook_report_means_all)
{
	struct tl_stats st = { 0 };
	struct session s;
	struct fixture f;
	struct tl_reader *r;

	begin(&s, 64);
	r = end(&s, &st, &f);
	CHECK(!tl_reader_meta(r)->hooks_known);
	CHECK_INT(tl_meta_hooks_missing(tl_reader_meta(r)), 0);
	tl_reader_close(r);
	fix_free(&f);
}
