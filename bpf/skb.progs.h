/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * skb.progs.h - the programs of skb.bpf.c and when each is loaded, one
 * TL_PROG(name, hook, label, tracepoint, nargs, needs) line each: an X-macro
 * list, expanded by user/kernel/prog_table.c into the loader's table (the
 * columns are explained in user/kernel/prog_table.h) and by skb.bpf.c
 * into a check that each name is one of its programs. No include guard: it
 * is meant to be included once per expansion.
 */
/* variants by argument count: 6.17 added err */
TL_PROG(handle_retransmit, TL_HOOK_RETRANSMIT, NULL, "tcp_retransmit_skb", 2, 0)
TL_PROG(handle_retransmit_err, TL_HOOK_RETRANSMIT, NULL, "tcp_retransmit_skb", 3, 0)
TL_PROG(handle_synack_retransmit, TL_HOOK_SYNACK, NULL, "tcp_retransmit_synack", 2, 0)
/* 6.10 added the reason */
TL_PROG(handle_send_reset, TL_HOOK_RESET_SENT, NULL, "tcp_send_reset", 2, 0)
TL_PROG(handle_send_reset_reason, TL_HOOK_RESET_SENT, NULL, "tcp_send_reset", 3, 0)
TL_PROG(handle_receive_reset, TL_HOOK_RESET_RECEIVED, NULL, "tcp_receive_reset", 1, 0)
/* 6.11 added rx_sk: the variant with it counts listener discards (rx_sk_known) */
TL_PROG(handle_kfree_skb, TL_HOOK_DROP, NULL, "kfree_skb", 3, 0)
TL_PROG(handle_kfree_skb_rx, TL_HOOK_DROP, NULL, "kfree_skb", 4, TL_PN_RX_SK)
