// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* netns.c - see netns.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/netns.h"

struct seen {
	uint32_t *v;
	size_t n, cap;
};

static int seen_add(struct seen *s, uint32_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == ino)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ino;
	return 1;
}

/* Enter the namespace at @path (if new and wanted), run @fn, go back. */
static int visit(const char *path, int home, uint32_t only, struct seen *seen,
		 int (*fn)(void *, uint32_t), void *ctx)
{
	struct stat st;
	int fd, err, r;

	if (stat(path, &st))
		return 0;
	if (only && st.st_ino != only)
		return 0;
	r = seen_add(seen, st.st_ino);
	if (r <= 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return 0;
	}
	close(fd);
	err = fn(ctx, st.st_ino);
	if (setns(home, CLONE_NEWNET))
		return -errno;
	return err;
}

int tl_netns_each(uint32_t only, int (*fn)(void *ctx, uint32_t inode), void *ctx)
{
	struct seen seen = {};
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int home, err = 0;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	err = visit("/proc/self/ns/net", home, only, &seen, fn, ctx);
	dir = opendir("/run/netns");
	while (!err && dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		err = visit(path, home, only, &seen, fn, ctx);
	}
	if (dir)
		closedir(dir);
	dir = opendir("/proc");
	while (!err && dir && (de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		err = visit(path, home, only, &seen, fn, ctx);
	}
	if (dir)
		closedir(dir);
	close(home);
	free(seen.v);
	return err;
}
