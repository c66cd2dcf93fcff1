// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* filter_opts.c - see filter_opts.h: the shared filter options and their values. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "cli/filter_opts.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

int tl_parse_cidr(const char *s, uint8_t *family, uint8_t addr[16], uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long bits;
	int max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	bits = max;
	if (slash) {
		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || bits > (unsigned long)max)
			return -1;
	}
	*plen = bits;
	return 0;
}

int tl_parse_ports(const char *s, uint16_t *ports, int max)
{
	const char *p = s;
	int n = 0;

	while (*p) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || v == 0 || v > 65535 || n == max)
			return -1;
		ports[n++] = v;
		if (*end == ',' && end[1])
			p = end + 1;
		else if (*end == '\0')
			p = end;
		else
			return -1;
	}
	return n ? n : -1;
}

int tl_parse_netns(const char *s, uint32_t *inode)
{
	char path[PATH_MAX];
	struct stat st;
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !*end && !errno && v && v <= UINT32_MAX) {
		*inode = v;
		return 0;
	}
	/* a bare name is one made by `ip netns add` */
	if (!strchr(s, '/'))
		snprintf(path, sizeof(path), "/run/netns/%s", s);
	else
		snprintf(path, sizeof(path), "%s", s);
	if (stat(path, &st))
		return -1;
	*inode = st.st_ino;
	return 0;
}

/* cgroup v2: the directory's inode number is the id bpf_get_current_cgroup_id() returns */
static int parse_cgroup(const char *path, __u64 *id)
{
	struct statfs sfs;
	struct stat st;

	if (statfs(path, &sfs) || stat(path, &st))
		return -1;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	*id = st.st_ino;
	return 0;
}

/* The parsers of the tables: 0, -1 for a bad value, or an errno (opts.h). */

static int port_list(void *field, const char *arg)
{
	struct tl_filter *f = field;
	uint16_t ports[TL_MAX_PORTS];
	int n = tl_parse_ports(arg, ports, TL_MAX_PORTS);

	if (n < 0)
		return -1;
	memcpy(f->ports, ports, sizeof(ports));
	f->nports = n;
	return 0;
}

static int netns(void *field, const char *arg)
{
	uint32_t inode;

	if (tl_parse_netns(arg, &inode))
		return errno ? errno : -1;
	*(uint32_t *)field = inode;
	return 0;
}

static int cidr(const char *arg, uint8_t *family, uint8_t *addr, uint8_t *plen, uint8_t *has)
{
	uint8_t fam, a[16], bits;

	if (tl_parse_cidr(arg, &fam, a, &bits))
		return -1;
	*family = fam;
	memcpy(addr, a, sizeof(a));
	*plen = bits;
	*has = 1;
	return 0;
}

static int laddr(void *field, const char *arg)
{
	struct tl_filter *f = field;

	return cidr(arg, &f->laddr_family, f->laddr, &f->laddr_plen, &f->has_laddr);
}

static int raddr(void *field, const char *arg)
{
	struct tl_filter *f = field;

	return cidr(arg, &f->raddr_family, f->raddr, &f->raddr_plen, &f->has_raddr);
}

static int comm(void *field, const char *arg)
{
	struct tl_filter *f = field;

	if (!*arg || strlen(arg) >= TL_COMM_LEN)
		return -1;
	memset(f->comm, 0, sizeof(f->comm));
	memcpy(f->comm, arg, strlen(arg));
	f->has_comm = 1;
	return 0;
}

static int cgroup(void *field, const char *arg)
{
	__u64 id;

	if (parse_cgroup(arg, &id))
		return errno ? errno : -1;
	*(__u64 *)field = id;
	return 0;
}

/* a daemon's one namespace: --netns alone (serve) */
const struct tl_opt tl_filter_netns_opts[] = {
	TL_OPT("netns", 0, TL_OPT_CALL, offsetof(struct tl_filter, netns), "NS",
	       "one network namespace: inode, /run/netns/NAME, or NAME", .parse = netns,
	       .hint = "an inode, /run/netns/NAME or NAME"),
	{ 0 },
};

const struct tl_opt tl_filter_socket_opts[] = {
	TL_OPT("port", 0, TL_OPT_CALL, 0, "P[,P...]", "local or remote port (up to 16)",
	       .parse = port_list, .hint = "1-65535, comma separated, at most 16"),
	TL_OPT(NULL, '4', TL_OPT_SET, offsetof(struct tl_filter, family), NULL, "IPv4 or IPv6 only",
	       .label = "-4, -6", .value = AF_INET),
	TL_OPT(NULL, '6', TL_OPT_SET, offsetof(struct tl_filter, family), NULL, NULL,
	       .value = AF_INET6),
	TL_OPT("netns", 0, TL_OPT_CALL, offsetof(struct tl_filter, netns), "NS",
	       "network namespace: inode, /run/netns/NAME, or NAME", .parse = netns,
	       .hint = "an inode, /run/netns/NAME or NAME"),
	{ 0 },
};

const struct tl_opt tl_filter_addr_opts[] = {
	TL_OPT("laddr", 0, TL_OPT_CALL, 0, "CIDR", "local address in CIDR", .parse = laddr,
	       .hint = "an address or a CIDR: 10.0.0.0/8, fd00::/64"),
	TL_OPT("raddr", 0, TL_OPT_CALL, 0, "CIDR", "remote address in CIDR", .parse = raddr,
	       .hint = "an address or a CIDR: 10.0.0.0/8, fd00::/64"),
	{ 0 },
};

const struct tl_opt tl_filter_owner_opts[] = {
	TL_OPT("pid", 'p', TL_OPT_UINT, offsetof(struct tl_filter, pid), "PID",
	       "connections owned by process PID", .min = 1, .max = INT32_MAX),
	TL_OPT("comm", 0, TL_OPT_CALL, 0, "NAME", "connections owned by a process named NAME",
	       .parse = comm, .hint = "1 to 15 characters"),
	TL_OPT("cgroup", 0, TL_OPT_CALL, offsetof(struct tl_filter, cgroup), "PATH",
	       "connections owned by processes in cgroup v2 PATH", .parse = cgroup,
	       .hint = "a cgroup v2 directory"),
	{ 0 },
};
