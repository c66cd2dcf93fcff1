// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backlog_netns.c - a namespace's TcpExt counters and TCP sysctls. Both are
 * per network namespace and are resolved when the file is opened, so the
 * caller must be inside the namespace (tl_netns_each()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backlog/backlog_netns.h"

static const char *const mib_names[BL_MIB_MAX] = {
	[BL_LISTEN_OVERFLOWS] = "ListenOverflows", [BL_LISTEN_DROPS] = "ListenDrops",
	[BL_REQQ_FULL_DROP] = "TCPReqQFullDrop",   [BL_REQQ_FULL_COOKIES] = "TCPReqQFullDoCookies",
	[BL_COOKIES_SENT] = "SyncookiesSent",	   [BL_COOKIES_RECV] = "SyncookiesRecv",
};

/* The next whitespace-separated word of *p on the current line, or NULL. */
static const char *word(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n') {
		*p = s;
		return NULL;
	}
	*len = strcspn(s, " \t\n");
	*p = s + *len;
	return s;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : NULL;
}

int bl_parse_netstat(const char *text, struct bl_mib *m)
{
	const char *names, *values;
	int found = 0;

	memset(m, 0, sizeof(*m));
	for (names = text; names; names = next_line(names)) {
		if (!strncmp(names, "TcpExt:", 7))
			break;
	}
	if (!names)
		return -1;
	values = next_line(names);
	if (!values || strncmp(values, "TcpExt:", 7))
		return -1;
	names += 7;
	values += 7;
	for (;;) {
		size_t nlen, vlen;
		const char *n = word(&names, &nlen), *v = word(&values, &vlen);
		char *end;
		unsigned long long x;

		if (!n || !v)
			return n || v ? -1 : (found ? 0 : -1);
		errno = 0;
		x = strtoull(v, &end, 10);
		if (errno || end != v + vlen)
			return -1;
		for (int i = 0; i < BL_MIB_MAX; i++) {
			if (strlen(mib_names[i]) == nlen && !memcmp(n, mib_names[i], nlen)) {
				m->v[i] = x;
				found++;
			}
		}
	}
}

/* A whole small /proc file; NUL-terminated. Return: its length or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got + 1 < size) {
		ssize_t r = read(fd, buf + got, size - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

static int read_int(const char *path)
{
	char buf[32], *end;
	long v;

	if (slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || v < 0 || v > 0x7fffffff)
		return -1;
	return v;
}

int bl_read_netns(struct bl_mib *m, struct bl_sysctls *s)
{
	/* /proc/net/netstat is a few KiB; 64 KiB leaves room for new counters */
	size_t size = 64 * 1024;
	char *buf = malloc(size);
	ssize_t len;
	int err = 0;

	s->somaxconn = read_int("/proc/sys/net/core/somaxconn");
	s->max_syn_backlog = read_int("/proc/sys/net/ipv4/tcp_max_syn_backlog");
	s->syncookies = read_int("/proc/sys/net/ipv4/tcp_syncookies");
	s->abort_on_overflow = read_int("/proc/sys/net/ipv4/tcp_abort_on_overflow");
	s->synack_retries = read_int("/proc/sys/net/ipv4/tcp_synack_retries");
	if (!buf)
		return -ENOMEM;
	/* the namespace this thread entered last (/proc/net follows the process) */
	len = slurp("/proc/thread-self/net/netstat", buf, size);
	if (len < 0)
		err = len;
	else if (bl_parse_netstat(buf, m))
		err = -EINVAL;
	free(buf);
	return err;
}
