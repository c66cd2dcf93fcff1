// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * shared.bpf.c - the one definition of the knobs and maps that shared.bpf.h
 * declares for every hook family (no programs here). The defaults are what
 * a run gets unless the loader says otherwise (user/kernel/loader_load.c).
 */
#include "shared.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile struct tl_filter filter = {};
const volatile bool rx_sk_known = false;
const volatile bool batch_states = false;
const volatile bool use_storage = true;
const volatile bool cookie_helper = true;
const volatile bool storage_helper = true;
const volatile __u64 cookie_key[2] = {};
const volatile bool tw_hooks = true;
const volatile __u64 wakeup_bytes = 256 * 1024;
const volatile __u32 kernel_hz = 0;

tl_events_map events SEC(".maps");
tl_counters_map counters SEC(".maps");
tl_sk_infos_map sk_infos SEC(".maps");
tl_listeners_map listeners SEC(".maps");
tl_tw_armed_map tw_armed SEC(".maps");
