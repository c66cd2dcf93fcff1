/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * shared.bpf.h - what the hook families of the main object share: the knobs
 * the loader sets before load, the maps, and the per-socket and per-listener
 * state kept in them. Declared extern here and defined once, in shared.bpf.c:
 * each family is compiled on its own and the static linker (`bpftool gen
 * object`, Makefile) resolves these names to the one definition, as the
 * kernel selftests linked_vars and linked_maps do. One object, one skeleton.
 */
#ifndef TL_SHARED_BPF_H
#define TL_SHARED_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "tcpline.h"
#include "core_read.bpf.h"

/*
 * Knobs: const volatile, set by the loader before load (skeleton rodata);
 * the verifier prunes the branches a run does not use.
 */
extern const volatile struct tl_filter filter;
/* The kernel gives kfree_skb's rx_sk (6.11+): listener discards are countable. */
extern const volatile bool rx_sk_known;
/* Only lifelines wanted: batch each socket's state changes (struct tl_states_rec). */
extern const volatile bool batch_states;
/*
 * Keep per-socket storage (dwell, owner, listener of a child): needed by
 * owner filters and batching. Without it the reader takes dwell times from
 * consecutive events and owners from the events of process context, and
 * no socket pays for a storage entry's allocation, its clone into each
 * accepted child and its free (measured: ~10 % of the tracer's throughput
 * cost at saturation).
 */
extern const volatile bool use_storage;
/*
 * Helpers tracing programs got late: bpf_get_socket_cookie (5.12) and
 * bpf_sk_storage_get (5.11). Without the first a socket is named by a keyed
 * hash of its address (cookie_key: random per run, so no kernel address is
 * shown); without the second no per-socket storage is kept.
 */
extern const volatile bool cookie_helper;
extern const volatile bool storage_helper;
extern const volatile __u64 cookie_key[2];
/* The timewait timer programs run: a CLOSE is a hand-over only if they saw it. */
extern const volatile bool tw_hooks;
/* Wake the reader only once this much is queued (it also polls on a timer). */
extern const volatile __u64 wakeup_bytes;
/*
 * The kernel's HZ, from its config (user space reads it: a __kconfig extern
 * fails the whole load where neither /boot/config-* nor /proc/config.gz
 * exists, as on Debian 11's cloud kernel booted without /boot); 0: unknown.
 */
extern const volatile __u32 kernel_hz;

/* Every record goes to one ring buffer. */
typedef struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by the loader */
} tl_events_map;
extern tl_events_map events SEC(".maps");

/* The loss counters (enum tl_counter), per CPU. */
typedef struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TL_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} tl_counters_map;
extern tl_counters_map counters SEC(".maps");

/*
 * Per-socket state. Socket storage is freed with the socket, so it is bounded
 * by the number of sockets; BPF_F_CLONE hands a listener's entry to the
 * children accept() will return, which carries the listener's owner over.
 */
struct sk_info {
	__u64 last_ts; /* when the current state was entered, 0 if unseen */
	__u64 listener_cookie; /* a listener's own cookie, inherited by its children */
	__u64 pending_child_ts; /* LISTEN -> SYN_RECV still to report (see handle_set_state) */
	__u64 cgroup;
	__u32 pid;
	__u8 conf; /* enum tl_owner_conf */
	__u8 nsteps; /* batch_states: changes kept in steps[], not sent yet */
	__u8 pad[2];
	char comm[TL_COMM_LEN];
	struct tl_state_step steps[TL_STEPS_MAX];
};

typedef struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sk_info);
} tl_sk_infos_map;
extern tl_sk_infos_map sk_infos SEC(".maps");

/*
 * The listeners being watched, by cookie. Their address is only ever read
 * with probe reads and is removed at their CLOSE, before the socket can be
 * freed (listeners are freed after an RCU grace period).
 */
struct tl_listener_state {
	__u64 sk; /* kernel address of the listening socket */
	__u64 ack_overflows;
	__u64 rx_discards; /* segments it discarded: in sk_drops, not in ListenDrops */
	__u64 last_drops; /* listen drops, as in the previous record */
	__u64 last_ack_overflows;
	__u64 last_rx_discards;
	__u32 synack_rtx;
	__u32 last_synack_rtx;
	__u32 acceptq_peak;
	__u32 synq_peak;
	__u32 pid;
	__u8 conf;
	__u8 sampled;
	__u8 from_birth; /* tracked since listen(): drops counted from 0 */
	__u8 pad;
	char comm[TL_COMM_LEN];
};

typedef struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct tl_listener_state);
} tl_listeners_map;
extern tl_listeners_map listeners SEC(".maps");

/*
 * The timewait socket armed last on this CPU. tcp_time_wait() arms its timer
 * and then, on the same CPU without a break, moves the full socket to CLOSE:
 * that CLOSE is a hand-over to a timewait socket only if this slot names it.
 */
struct tw_armed {
	__u64 cookie;
	__u32 substate;
	__u32 pad;
};

typedef struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tw_armed);
} tl_tw_armed_map;
extern tl_tw_armed_map tw_armed SEC(".maps");

#endif
