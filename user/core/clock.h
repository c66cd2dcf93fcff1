/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * clock.h - event timestamps are CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns);
 * this maps them to wall-clock time and formats them.
 */
#ifndef TL_CLOCK_H
#define TL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct tl_clock {
	int64_t boot_to_real_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME, sampled once */
};

/**
 * tl_clock_init() - sample the offset from the running system.
 * Return: 0 or -errno.
 */
int tl_clock_init(struct tl_clock *c);

/**
 * tl_clock_now_boot() - CLOCK_BOOTTIME now, in ns.
 */
uint64_t tl_clock_now_boot(void);

/**
 * tl_clock_rfc3339() - format boot-time @ts_ns as "2026-11-21T01:28:34.123456789Z".
 * @buf must hold at least TL_RFC3339_LEN bytes. Return: @buf.
 */
#define TL_RFC3339_LEN 32
char *tl_clock_rfc3339(const struct tl_clock *c, uint64_t ts_ns, char *buf);

/**
 * tl_clock_hms() - format boot-time @ts_ns as local "HH:MM:SS.mmmmmm" for
 * terminal columns. @buf must hold TL_HMS_LEN bytes. Return: @buf.
 */
#define TL_HMS_LEN 24
char *tl_clock_hms(const struct tl_clock *c, uint64_t ts_ns, char *buf);

/*
 * For a sink that formats a timestamp per event: the text of the whole
 * second is kept, only the fraction is converted again. One cache per format.
 */
struct tl_clock_cache {
	int64_t sec; /* wall-clock second whose text is in prefix */
	int valid;
	char prefix[24];
};

/** tl_clock_cache_init() - an empty cache. */
void tl_clock_cache_init(struct tl_clock_cache *cc);

/**
 * tl_clock_put_rfc3339() - what tl_clock_rfc3339() formats, without its NUL,
 * at @dst (TL_RFC3339_LEN bytes of room). Return: the end of it.
 */
char *tl_clock_put_rfc3339(const struct tl_clock *c, struct tl_clock_cache *cc, uint64_t ts_ns,
			   char *dst);

/**
 * tl_clock_put_hms() - what tl_clock_hms() formats, without its NUL, at
 * @dst (TL_HMS_LEN bytes of room). Return: the end of it.
 */
char *tl_clock_put_hms(const struct tl_clock *c, struct tl_clock_cache *cc, uint64_t ts_ns,
		       char *dst);

#endif
