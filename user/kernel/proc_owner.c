// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* proc_owner.c - see proc_owner.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/log.h"
#include "kernel/proc_owner.h"

static bool warned; /* the missing capabilities are said once a run */

/* Whether this thread may read any process's descriptors (docs/privileges.md). */
static bool may_read_fds(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	uint32_t need = 1u << CAP_SYS_PTRACE | 1u << CAP_DAC_READ_SEARCH;

	return !syscall(SYS_capget, &hdr, d) && (d[0].effective & need) == need;
}

static int by_ino(const void *a, const void *b)
{
	uint32_t x = ((const struct tl_inode_owner *)a)->ino;
	uint32_t y = ((const struct tl_inode_owner *)b)->ino;

	return x < y ? -1 : x > y;
}

static void read_comm(unsigned long pid, char comm[TL_COMM_LEN])
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%lu/comm", pid);
	memset(comm, 0, TL_COMM_LEN);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, TL_COMM_LEN - 1);
	close(fd);
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}

/* Match every socket descriptor of process @pid against @v; *@hidden when not allowed. */
static size_t scan_pid(unsigned long pid, struct tl_inode_owner *v, size_t n, bool *hidden)
{
	char path[64], link[64], comm[TL_COMM_LEN];
	struct dirent *de;
	bool have_comm = false;
	size_t found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%lu/fd", pid);
	dir = opendir(path);
	if (!dir) {
		*hidden = errno == EACCES || errno == EPERM;
		return 0;
	}
	while ((de = readdir(dir))) {
		struct tl_inode_owner key, *hit;
		ssize_t len;
		unsigned long ino;

		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);
		if (len < 0 && (errno == EACCES || errno == EPERM))
			*hidden = true;
		if (len <= 8 || strncmp(link, "socket:[", 8))
			continue;
		link[len] = '\0';
		ino = strtoul(link + 8, NULL, 10);
		key.ino = ino;
		hit = bsearch(&key, v, n, sizeof(*v), by_ino);
		if (!hit || hit->pid)
			continue;
		if (!have_comm) {
			read_comm(pid, comm);
			have_comm = true;
		}
		hit->pid = pid;
		memcpy(hit->comm, comm, TL_COMM_LEN);
		found++;
	}
	closedir(dir);
	return found;
}

size_t tl_proc_owners(struct tl_inode_owner *v, size_t n)
{
	struct dirent *de;
	size_t found = 0, hidden = 0;
	DIR *proc;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), by_ino);
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (found < n && (de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		bool h = false;

		found += scan_pid(strtoul(de->d_name, NULL, 10), v, n, &h);
		hidden += h;
	}
	closedir(proc);
	if (hidden && found < n && !warned && !may_read_fds()) {
		warned = true;
		tl_warn("cannot read the descriptors of %zu processes (CAP_SYS_PTRACE and "
			"CAP_DAC_READ_SEARCH are needed): owners of sockets alive at start are "
			"unknown",
			hidden);
	}
	return found;
}

const struct tl_inode_owner *tl_proc_owner_find(const struct tl_inode_owner *v, size_t n,
						uint32_t ino)
{
	struct tl_inode_owner key = { .ino = ino };

	return ino ? bsearch(&key, v, n, sizeof(*v), by_ino) : NULL;
}

void tl_proc_set_owner(struct tl_event *ev, const struct tl_inode_owner *v, size_t n)
{
	const struct tl_inode_owner *hit =
		ev->type == TL_EV_SOCK ? tl_proc_owner_find(v, n, ev->segs) : NULL;

	if (hit && hit->pid) {
		ev->pid = hit->pid;
		ev->owner_conf = TL_OWNER_EXACT;
		memcpy(ev->comm, hit->comm, TL_COMM_LEN);
	}
}

void tl_proc_fill_owners(struct tl_event *v, size_t n)
{
	struct tl_inode_owner *own = calloc(n ? n : 1, sizeof(*own));
	size_t k = 0;

	if (!own)
		return;
	for (size_t i = 0; i < n; i++)
		if (v[i].type == TL_EV_SOCK && v[i].segs)
			own[k++].ino = v[i].segs;
	tl_proc_owners(own, k);
	for (size_t i = 0; i < n; i++)
		tl_proc_set_owner(&v[i], own, k);
	free(own);
}
