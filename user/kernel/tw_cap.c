// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tw_cap.c - see tw_cap.h. */
#include <stdio.h>

#include "kernel/netns.h"
#include "kernel/tw_cap.h"

struct tw_sum {
	uint64_t sum;
	int read;
};

/* Inside a namespace: /proc/sys/net is the caller's namespace's. */
static int add_one(void *ctx, uint32_t inode)
{
	struct tw_sum *s = ctx;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_max_tw_buckets", "re");
	long v;

	(void)inode;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &v) == 1 && v >= 0) {
		s->sum += (uint64_t)v;
		s->read++;
	}
	fclose(f);
	return 0;
}

int tl_timewait_capacity(uint32_t netns, uint32_t *cap)
{
	struct tw_sum s = { 0 };
	int err = tl_netns_each(netns, add_one, &s);

	if (err < 0)
		return err;
	if (!s.read)
		s.sum = TL_TW_CAP_DEFAULT;
	s.sum += s.sum / 8;
	*cap = s.sum < 1 ? 1 : s.sum > TL_TW_CAP_MAX ? TL_TW_CAP_MAX : (uint32_t)s.sum;
	return 0;
}
