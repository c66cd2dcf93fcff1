// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * clock.c - boot time to wall-clock time. BPF stamps events with
 * CLOCK_BOOTTIME because it keeps counting through suspend and never steps;
 * the wall-clock offset is sampled once, so a later NTP step does not reorder
 * the output.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "output/digits.h"

#define NSEC_PER_SEC 1000000000LL
#define OFFSET_TRIES 5

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

int tl_clock_init(struct tl_clock *c)
{
	int64_t best_gap = INT64_MAX;

	/*
	 * REALTIME read between two BOOTTIME reads; the pair with the smallest
	 * gap was least disturbed (preemption, interrupts), and the midpoint of
	 * that pair is the best estimate of when REALTIME was read.
	 */
	for (int i = 0; i < OFFSET_TRIES; i++) {
		struct timespec b1, r, b2;
		int64_t gap;

		if (clock_gettime(CLOCK_BOOTTIME, &b1) || clock_gettime(CLOCK_REALTIME, &r) ||
		    clock_gettime(CLOCK_BOOTTIME, &b2))
			return -errno;
		gap = ts_ns(&b2) - ts_ns(&b1);
		if (gap < best_gap) {
			best_gap = gap;
			c->boot_to_real_ns = ts_ns(&r) - (ts_ns(&b1) + gap / 2);
		}
	}
	return 0;
}

uint64_t tl_clock_now_boot(void)
{
	struct timespec ts;

	/* CLOCK_BOOTTIME exists on every kernel BPF runs on; cannot fail here */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts_ns(&ts);
}

/*
 * Split wall-clock time into seconds and nanoseconds, rounding towards minus
 * infinity. An offset read from an untrusted recording may overflow: saturate,
 * which keeps the result within what gmtime_r() accepts (years 1677..2262).
 */
static void wall(const struct tl_clock *c, uint64_t ts, time_t *sec, long *nsec)
{
	int64_t real;

	if (__builtin_add_overflow((int64_t)ts, c->boot_to_real_ns, &real))
		real = c->boot_to_real_ns < 0 ? INT64_MIN : INT64_MAX;
	*sec = (time_t)(real / NSEC_PER_SEC);
	*nsec = (long)(real % NSEC_PER_SEC);
	if (*nsec < 0) {
		*nsec += NSEC_PER_SEC;
		(*sec)--;
	}
}

/*
 * The text of a whole second: "2026-11-21T01:28:34." (UTC) into @p, 20
 * bytes. False if the second cannot be converted.
 */
static bool rfc3339_second(time_t sec, char *p)
{
	struct tm tm;

	/* saturated times are years 1677..2262, which gmtime_r() always handles */
	if (!gmtime_r(&sec, &tm))
		return false;
	p = tl_put_fixed(p, (unsigned int)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = tl_put_fixed(p, (unsigned int)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = tl_put_fixed(p, (unsigned int)tm.tm_mday, 2);
	*p++ = 'T';
	p = tl_put_fixed(p, (unsigned int)tm.tm_hour, 2);
	*p++ = ':';
	p = tl_put_fixed(p, (unsigned int)tm.tm_min, 2);
	*p++ = ':';
	p = tl_put_fixed(p, (unsigned int)tm.tm_sec, 2);
	*p = '.';
	return true;
}

/* "01:28:34." in local time into @p, 9 bytes. */
static bool hms_second(time_t sec, char *p)
{
	struct tm tm;

	if (!localtime_r(&sec, &tm))
		return false;
	p = tl_put_fixed(p, (unsigned int)tm.tm_hour, 2);
	*p++ = ':';
	p = tl_put_fixed(p, (unsigned int)tm.tm_min, 2);
	*p++ = ':';
	p = tl_put_fixed(p, (unsigned int)tm.tm_sec, 2);
	*p = '.';
	return true;
}

#define RFC3339_SECOND 20
#define RFC3339_BAD "1970-01-01T00:00:00.000000000Z"
#define HMS_SECOND 9
#define HMS_BAD "??:??:??.??????"

void tl_clock_cache_init(struct tl_clock_cache *cc)
{
	cc->valid = 0;
}

/*
 * The second's text from the cache, converted by @fill (@len bytes) when the
 * second changed. False if it cannot be converted (not cached).
 */
static bool cached_second(struct tl_clock_cache *cc, time_t sec, bool (*fill)(time_t sec, char *p),
			  char *dst, size_t len)
{
	if (!cc->valid || cc->sec != (int64_t)sec) {
		if (!fill(sec, cc->prefix)) {
			cc->valid = 0;
			return false;
		}
		cc->sec = (int64_t)sec;
		cc->valid = 1;
	}
	memcpy(dst, cc->prefix, len);
	return true;
}

char *tl_clock_put_rfc3339(const struct tl_clock *c, struct tl_clock_cache *cc, uint64_t ts_ns,
			   char *dst)
{
	time_t sec;
	long nsec;
	char *p;

	wall(c, ts_ns, &sec, &nsec);
	if (!cached_second(cc, sec, rfc3339_second, dst, RFC3339_SECOND)) {
		memcpy(dst, RFC3339_BAD, sizeof(RFC3339_BAD) - 1);
		return dst + sizeof(RFC3339_BAD) - 1;
	}
	p = tl_put_fixed(dst + RFC3339_SECOND, (uint32_t)nsec, 9);
	*p++ = 'Z';
	return p;
}

char *tl_clock_put_hms(const struct tl_clock *c, struct tl_clock_cache *cc, uint64_t ts_ns,
		       char *dst)
{
	time_t sec;
	long nsec;

	wall(c, ts_ns, &sec, &nsec);
	if (!cached_second(cc, sec, hms_second, dst, HMS_SECOND)) {
		memcpy(dst, HMS_BAD, sizeof(HMS_BAD) - 1);
		return dst + sizeof(HMS_BAD) - 1;
	}
	return tl_put_fixed(dst + HMS_SECOND, (uint32_t)(nsec / 1000), 6);
}

char *tl_clock_rfc3339(const struct tl_clock *c, uint64_t ts_ns, char *buf)
{
	struct tl_clock_cache cc;

	tl_clock_cache_init(&cc);
	*tl_clock_put_rfc3339(c, &cc, ts_ns, buf) = '\0';
	return buf;
}

char *tl_clock_hms(const struct tl_clock *c, uint64_t ts_ns, char *buf)
{
	struct tl_clock_cache cc;

	tl_clock_cache_init(&cc);
	*tl_clock_put_hms(c, &cc, ts_ns, buf) = '\0';
	return buf;
}
