/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ring.bpf.h - records into the ring buffer: reserve (a failure is counted,
 * never silent), submit with a batched wake-up, or give the space back when
 * the filters do not want the record.
 */
#ifndef TL_RING_BPF_H
#define TL_RING_BPF_H

#include "shared.bpf.h"
#include "filter.bpf.h"

static __always_inline void count_n(__u32 which, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += n;
}

static __always_inline void count(__u32 which)
{
	count_n(which, 1);
}

/* A zeroed record stamped @ts (the caller's clock read: one per event). */
static __always_inline struct tl_event *reserve_at(__u64 ts)
{
	struct tl_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count(TL_CNT_RB_FULL);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = ts;
	e->dwell_ns = TL_DWELL_UNKNOWN;
	e->reason = TL_REASON_NONE;
	return e;
}

static __always_inline struct tl_event *reserve(void)
{
	return reserve_at(bpf_ktime_get_boot_ns());
}

/*
 * Waking the reader per event costs more than the event itself; wake it when
 * a batch is queued, it polls on a short timer for the rest.
 */
static __always_inline __u64 wake_flags(void)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void submit(struct tl_event *e)
{
	bpf_ringbuf_submit(e, wake_flags());
}

/*
 * Give an unwanted record's space back. The space is free only once the
 * reader has passed over the record, so it is woken as for a submit: a
 * flood of filtered-out events (a busy host, a tracer of one namespace or
 * port) would otherwise fill the ring between two of its polls and lose
 * the wanted ones.
 */
static __always_inline void discard(void *e)
{
	bpf_ringbuf_discard(e, wake_flags());
}

/* Submit @e if the tuple filters want it, else give its space back. */
static __always_inline void submit_wanted(struct tl_event *e)
{
	if (tuple_pass(e))
		submit(e);
	else
		discard(e);
}

#endif
