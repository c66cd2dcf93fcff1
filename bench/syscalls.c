// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscalls.c - what a tracer costs processes it does not trace: the time of
 * one cheap system call (getppid), the median of @rounds loops of @n calls,
 * pinned to one CPU. A syscall tracepoint attached anywhere on the host sends
 * every system call through the kernel's slow path; this shows it.
 *
 *   syscalls [N [ROUNDS]]   prints "NS" (nanoseconds per call)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	double per[64];
	cpu_set_t one;

	if (n <= 0 || rounds <= 0 || rounds > 64) {
		fprintf(stderr, "usage: syscalls [N [ROUNDS<=64]]\n");
		return 2;
	}
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		per[r] = (now_ns() - t0) / n;
	}
	qsort(per, rounds, sizeof(per[0]), cmp);
	printf("%.1f\n", per[rounds / 2]);
	return 0;
}
