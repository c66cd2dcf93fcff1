// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * record_format.c - struct tl_event and struct tl_filter to and from their
 * little-endian images (record_format.h). Field by field, so a recording made
 * on one architecture reads on any other.
 */
#include <stddef.h>

#include "record/record_format.h"

/* The image keeps the struct offsets, so the docs can name both at once. */
_Static_assert(offsetof(struct tl_event, lport) == 64, "record layout");
_Static_assert(offsetof(struct tl_event, family) == 100, "record layout");
_Static_assert(offsetof(struct tl_event, comm) == 112, "record layout");
_Static_assert(sizeof(struct tl_event) == TL_REC_LEN, "record layout");
_Static_assert(offsetof(struct tl_filter, ports) == 32, "filter layout");
_Static_assert(offsetof(struct tl_filter, comm) == 96, "filter layout");
_Static_assert(sizeof(struct tl_filter) == TL_FILTER_REC_LEN, "filter layout");
_Static_assert(sizeof(struct tl_stats) % sizeof(uint64_t) == 0, "tl_stats: u64 counters only");
_Static_assert(TL_STATS_WORDS <= TL_STATS_MAX_WORDS, "tl_stats: too many counters");

/*
 * A TL_EV_LISTENER record's fields whose width differs from struct
 * tl_event's at the same offset. Only big-endian hosts convert field by
 * field; these asserts make a layout change fail here rather than write
 * wrong bytes there.
 */
_Static_assert(offsetof(struct tl_listener_rec, ack_overflows) == 24, "listener layout");
_Static_assert(offsetof(struct tl_listener_rec, rx_discards) == 28, "listener layout");
_Static_assert(offsetof(struct tl_listener_rec, synack_rtx) == 32, "listener layout");
_Static_assert(offsetof(struct tl_listener_rec, acceptq_peak) == 60, "listener layout");
_Static_assert(offsetof(struct tl_listener_rec, drops_delta) == 108, "listener layout");

static void listener_encode(uint8_t *out, const struct tl_event *ev)
{
	struct tl_listener_rec l;

	memcpy(&l, ev, sizeof(l));
	tl_put64(out + 16, l.drops);
	tl_put32(out + 24, l.ack_overflows);
	tl_put32(out + 28, l.rx_discards);
	tl_put32(out + 32, l.synack_rtx);
	tl_put32(out + 36, l.synq_peak);
	tl_put32(out + 48, l.acceptq);
	tl_put32(out + 52, l.acceptq_limit);
	tl_put32(out + 56, l.synq);
	tl_put32(out + 60, l.acceptq_peak);
	tl_put16(out + 106, 0);
	tl_put32(out + 108, l.drops_delta);
}

static void listener_decode(struct tl_event *ev, const uint8_t *in)
{
	struct tl_listener_rec l;

	memcpy(&l, ev, sizeof(l));
	l.drops = tl_get64(in + 16);
	l.ack_overflows = tl_get32(in + 24);
	l.rx_discards = tl_get32(in + 28);
	l.synack_rtx = tl_get32(in + 32);
	l.synq_peak = tl_get32(in + 36);
	l.acceptq = tl_get32(in + 48);
	l.acceptq_limit = tl_get32(in + 52);
	l.synq = tl_get32(in + 56);
	l.acceptq_peak = tl_get32(in + 60);
	l.pad = 0;
	l.drops_delta = tl_get32(in + 108);
	memcpy(ev, &l, sizeof(l));
}

/*
 * On a little-endian host the image is the struct itself (pad bytes are
 * zero from the kernel); elsewhere every field is converted.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_IS_LE 1
#else
#define HOST_IS_LE 0
#endif

void tl_rec_encode(uint8_t out[TL_REC_LEN], const struct tl_event *ev)
{
	if (HOST_IS_LE) {
		memcpy(out, ev, TL_REC_LEN);
		return;
	}
	tl_put64(out + 0, ev->ts_ns);
	tl_put64(out + 8, ev->cookie);
	tl_put64(out + 16, ev->dwell_ns);
	tl_put64(out + 24, ev->bytes_acked);
	tl_put64(out + 32, ev->bytes_received);
	tl_put32(out + 40, ev->netns);
	tl_put32(out + 44, ev->pid);
	tl_put32(out + 48, ev->reason);
	tl_put32(out + 52, ev->segs);
	tl_put32(out + 56, ev->srtt_us);
	tl_put32(out + 60, ev->total_retrans);
	tl_put16(out + 64, ev->lport);
	tl_put16(out + 66, ev->rport);
	memcpy(out + 68, ev->laddr, 16);
	memcpy(out + 84, ev->raddr, 16);
	out[100] = ev->family;
	out[101] = ev->type;
	out[102] = ev->old_state;
	out[103] = ev->new_state;
	out[104] = ev->owner_conf;
	out[105] = ev->flags;
	out[106] = ev->kind;
	out[107] = 0;
	tl_put32(out + 108, ev->detail);
	memcpy(out + 112, ev->comm, TL_COMM_LEN);
	if (ev->type == TL_EV_LISTENER)
		listener_encode(out, ev);
}

void tl_rec_decode(struct tl_event *ev, const uint8_t in[TL_REC_LEN])
{
	if (HOST_IS_LE) {
		memcpy(ev, in, TL_REC_LEN);
		return;
	}
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = tl_get64(in + 0);
	ev->cookie = tl_get64(in + 8);
	ev->dwell_ns = tl_get64(in + 16);
	ev->bytes_acked = tl_get64(in + 24);
	ev->bytes_received = tl_get64(in + 32);
	ev->netns = tl_get32(in + 40);
	ev->pid = tl_get32(in + 44);
	ev->reason = tl_get32(in + 48);
	ev->segs = tl_get32(in + 52);
	ev->srtt_us = tl_get32(in + 56);
	ev->total_retrans = tl_get32(in + 60);
	ev->lport = tl_get16(in + 64);
	ev->rport = tl_get16(in + 66);
	memcpy(ev->laddr, in + 68, 16);
	memcpy(ev->raddr, in + 84, 16);
	ev->kind = in[106];
	ev->detail = tl_get32(in + 108);
	ev->family = in[100];
	ev->type = in[101];
	ev->old_state = in[102];
	ev->new_state = in[103];
	ev->owner_conf = in[104];
	ev->flags = in[105];
	memcpy(ev->comm, in + 112, TL_COMM_LEN);
	if (ev->type == TL_EV_LISTENER)
		listener_decode(ev, in);
}

void tl_filter_encode(uint8_t out[TL_FILTER_REC_LEN], const struct tl_filter *f)
{
	memset(out, 0, TL_FILTER_REC_LEN);
	tl_put32(out + 0, f->netns);
	tl_put32(out + 4, f->pid);
	tl_put64(out + 8, f->cgroup);
	out[16] = f->family;
	out[17] = f->nports;
	out[18] = f->has_comm;
	out[19] = f->has_laddr;
	out[20] = f->has_raddr;
	out[21] = f->laddr_plen;
	out[22] = f->raddr_plen;
	out[23] = f->laddr_family;
	out[24] = f->raddr_family;
	for (int i = 0; i < TL_MAX_PORTS; i++)
		tl_put16(out + 32 + 2 * i, f->ports[i]);
	memcpy(out + 64, f->laddr, 16);
	memcpy(out + 80, f->raddr, 16);
	memcpy(out + 96, f->comm, TL_COMM_LEN);
}

/* Values that would make the filter code misbehave are clamped: the input is untrusted. */
void tl_filter_decode(struct tl_filter *f, const uint8_t in[TL_FILTER_REC_LEN])
{
	memset(f, 0, sizeof(*f));
	f->netns = tl_get32(in + 0);
	f->pid = tl_get32(in + 4);
	f->cgroup = tl_get64(in + 8);
	f->family = in[16];
	f->nports = in[17] > TL_MAX_PORTS ? TL_MAX_PORTS : in[17];
	f->has_comm = in[18];
	f->has_laddr = in[19];
	f->has_raddr = in[20];
	f->laddr_plen = in[21] > 128 ? 128 : in[21];
	f->raddr_plen = in[22] > 128 ? 128 : in[22];
	f->laddr_family = in[23];
	f->raddr_family = in[24];
	for (int i = 0; i < TL_MAX_PORTS; i++)
		f->ports[i] = tl_get16(in + 32 + 2 * i);
	memcpy(f->laddr, in + 64, 16);
	memcpy(f->raddr, in + 80, 16);
	memcpy(f->comm, in + 96, TL_COMM_LEN);
	f->comm[TL_COMM_LEN - 1] = '\0';
}
