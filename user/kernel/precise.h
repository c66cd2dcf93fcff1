/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * precise.h - the precise tier of `tcpline backlog` (bpf/precise.bpf.c): per
 * listener, the SYNs tcp_conn_request() dropped, by cause, counted from the
 * kernel's own verdict in each call. Optional and auto-detected: it needs
 * fentry/fexit or kprobes, which some kernels refuse (lockdown, no
 * CONFIG_KPROBES); then it is absent and says why. Its object is loaded
 * apart from the main one, so a refusal never affects anything else.
 */
#ifndef TL_PRECISE_H_USER
#define TL_PRECISE_H_USER

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/precise.h"

enum tl_precise_mode {
	TL_PRECISE_AUTO = 0, /* fentry/fexit, else kprobe/kretprobe */
	TL_PRECISE_FENTRY,
	TL_PRECISE_KPROBE,
	TL_PRECISE_OFF,
};

struct tl_precise;

/* The modes' names, "auto", "fentry", "kprobe", "off", by value; NULL-terminated. */
extern const char *const tl_precise_mode_names[];

/**
 * tl_precise_open() - load and attach the precise tier's programs in @mode.
 * libbpf's messages are shown only with @verbose. Never fatal.
 * Return: the tier, or NULL with @reason (always a NUL-terminated sentence
 * of at most @len bytes) saying why it is absent, e.g. "fentry: Operation
 * not permitted (lockdown: integrity); kprobes: not configured".
 */
struct tl_precise *tl_precise_open(enum tl_precise_mode mode, bool verbose, char *reason,
				   size_t len);

/** tl_precise_hooks() - what is attached: "fentry/fexit" or "kprobe/kretprobe". */
const char *tl_precise_hooks(const struct tl_precise *p);

/**
 * tl_precise_read() - the drops counted for the listener with socket cookie
 * @cookie since the tier was opened (all zero when it dropped nothing).
 * Return: 0, or -errno if the map could not be read.
 */
int tl_precise_read(struct tl_precise *p, uint64_t cookie, struct tl_precise_counts *c);

/** tl_precise_forget() - drop a closed listener's counts (keeps the map small). */
void tl_precise_forget(struct tl_precise *p, uint64_t cookie);

/**
 * tl_precise_uncounted() - drops the tier saw but could not give a listener
 * (its map was full, or no cookie), plus calls whose counters it could not
 * read: when nonzero, some listener's causes may be short.
 */
uint64_t tl_precise_uncounted(const struct tl_precise *p);

/** tl_precise_close() - detach and unload; NULL is fine. */
void tl_precise_close(struct tl_precise *p);

/**
 * tl_precise_probe() - whether the precise tier can run on this kernel (for
 * `tcpline features`): loads, attaches and unloads it (auto mode, quietly).
 * Return: true if it can; @reason is then the hooks it used, else why not.
 */
bool tl_precise_probe(char *reason, size_t len);

#endif
