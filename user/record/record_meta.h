/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record_meta.h - what a recording says about itself: the META block (host,
 * kernel, clock, enum names, configuration) in memory, and its TLV encoding.
 */
#ifndef TL_RECORD_META_H
#define TL_RECORD_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/tcpline.h"
#include "core/clock.h"
#include "kernel/hooks.h"
#include "kernel/names.h"

#define TL_META_STR 256 /* host, kernel, ... strings: longer ones are cut */
#define TL_META_CMDLINE 4096 /* the command line, arguments joined by spaces */

struct tl_rec_meta {
	char host[TL_META_STR];
	char kernel[TL_META_STR]; /* uname release */
	char kernel_version[TL_META_STR];
	char machine[TL_META_STR];
	char tool_version[TL_META_STR];
	char cmdline[TL_META_CMDLINE];
	struct tl_clock clock;
	uint64_t start_ns; /* boot ns when this file began */
	struct tl_filter filter;
	uint32_t max_conns, ringbuf_mb;
	uint32_t max_timewait; /* the timeline's TIME_WAIT table; 0: not recorded (older files) */
	bool tw_observable;
	uint32_t abi, rec_len; /* TL_ABI_VERSION and TL_REC_LEN of the writer */
	uint64_t set_id; /* one recording (a rotated set) */
	uint32_t seq; /* file number within the recording */
	uint64_t rotate_size, rotate_time_ns;
	uint32_t max_files;
	bool hooks_known; /* the recorder said which hooks it had (else: assume all) */
	struct tl_hook_report hooks;
	struct tl_names names; /* owned: tl_meta_free() */
};

/** tl_meta_init() - an empty description (names empty, max_conns 65536). */
void tl_meta_init(struct tl_rec_meta *m);

/**
 * tl_meta_set_system() - host, kernel and clock of the running system, the
 * tool version and @argv as the command line. Return: 0 or -errno.
 */
int tl_meta_set_system(struct tl_rec_meta *m, int argc, char **argv, const char *version);

/**
 * tl_meta_encode() - the META payload. *@buf is malloc'd.
 * Return: 0 or -ENOMEM.
 */
int tl_meta_encode(const struct tl_rec_meta *m, uint8_t **buf, size_t *len);

/**
 * tl_meta_decode() - parse an untrusted META payload into @m (initialised by
 * the caller with tl_meta_init()). Unknown tags are skipped; a TLV running
 * past the payload ends the parse.
 * Return: 0, -EINVAL when malformed (what was parsed stays), -ENOMEM.
 */
int tl_meta_decode(struct tl_rec_meta *m, const uint8_t *p, size_t len);

/**
 * tl_meta_hooks_missing() - the hooks the recorder wanted and did not have
 * (0 for a recording that does not say).
 */
tl_hook_mask tl_meta_hooks_missing(const struct tl_rec_meta *m);

/** tl_meta_free() - release the names. */
void tl_meta_free(struct tl_rec_meta *m);

#endif
