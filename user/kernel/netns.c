// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* netns.c - see netns.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/log.h"
#include "kernel/netns.h"

struct seen {
	uint32_t *v;
	size_t n, cap;
	uint32_t home; /* the caller's namespace: visited without setns() */
	size_t refused; /* namespaces setns() refused */
	size_t hidden; /* processes whose namespace could not be looked at */
	int refused_err;
};

/* Said once a run: without CAP_SYS_ADMIN and CAP_SYS_PTRACE (docs/privileges.md). */
static bool warned_refused, warned_hidden;

/*
 * Whether this thread has CAP_SYS_PTRACE: a process hidden even then (e.g. one
 * holding capabilities outside our bounding set) is a policy, not for us to say.
 */
static bool has_ptrace(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	return !syscall(SYS_capget, &hdr, d) && d[0].effective >> CAP_SYS_PTRACE & 1;
}

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

	if (stat(path, &st)) {
		if (errno == EACCES || errno == EPERM)
			seen->hidden++;
		return 0;
	}
	if (only && st.st_ino != only)
		return 0;
	r = seen_add(seen, st.st_ino);
	if (r <= 0)
		return r;
	if (st.st_ino == seen->home)
		return fn(ctx, st.st_ino);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (setns(fd, CLONE_NEWNET)) {
		seen->refused++;
		seen->refused_err = errno;
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
	struct stat st;
	DIR *dir;
	int home, err = 0;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	if (!fstat(home, &st))
		seen.home = st.st_ino;
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
	if (seen.refused && !warned_refused) {
		warned_refused = true;
		tl_warn("cannot enter %zu network namespace%s (%s; CAP_SYS_ADMIN is needed): their "
			"sockets and counters are missing",
			seen.refused, seen.refused == 1 ? "" : "s", strerror(seen.refused_err));
	}
	if (seen.hidden && !only && !warned_hidden && !has_ptrace()) {
		warned_hidden = true;
		tl_warn("cannot see the network namespace of %zu processes (CAP_SYS_PTRACE is "
			"needed): sockets in namespaces only they hold are missing",
			seen.hidden);
	}
	return err;
}
