// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * clock.c - boot time to wall-clock time. BPF stamps events with
 * CLOCK_BOOTTIME because it keeps counting through suspend and never steps;
 * the wall-clock offset is sampled once, so a later NTP step does not reorder
 * the output.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"

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
 * Fixed-width decimal digits by hand: the JSON sink formats a timestamp per
 * event, and snprintf()/strftime() cost several times the conversion itself.
 */
static char *digits(char *p, unsigned int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

char *tl_clock_rfc3339(const struct tl_clock *c, uint64_t ts_ns, char *buf)
{
	struct tm tm;
	time_t sec;
	long nsec;
	char *p = buf;

	wall(c, ts_ns, &sec, &nsec);
	/* saturated times are years 1677..2262, which gmtime_r() always handles */
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, TL_RFC3339_LEN, "1970-01-01T00:00:00.000000000Z");
		return buf;
	}
	p = digits(p, (unsigned int)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned int)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits(p, (unsigned int)tm.tm_mday, 2);
	*p++ = 'T';
	p = digits(p, (unsigned int)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (unsigned int)nsec, 9);
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

char *tl_clock_hms(const struct tl_clock *c, uint64_t ts_ns, char *buf)
{
	struct tm tm;
	time_t sec;
	long nsec;
	char *p = buf;

	wall(c, ts_ns, &sec, &nsec);
	if (!localtime_r(&sec, &tm)) {
		snprintf(buf, TL_HMS_LEN, "??:??:??.??????");
		return buf;
	}
	p = digits(p, (unsigned int)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (unsigned int)(nsec / 1000), 6);
	*p = '\0';
	return buf;
}
