// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sockets.c - `tcpline sockets`: load the socket dump program only, read
 * each namespace's sysctls, dump every namespace into a census
 * (sockets_census.c), look up the owners of old CLOSE_WAIT sockets in /proc,
 * print (sockets_text.c, sockets_json.c), exit.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "kernel/loader.h"
#include "cli/log.h"
#include "cli/opts.h"
#include "kernel/names.h"
#include "kernel/netns.h"
#include "kernel/proc_owner.h"
#include "sockets/sockets.h"
#include "sockets/sockets_census.h"
#include "sockets/sockets_options.h"
#include "sockets/sockets_json.h"
#include "sockets/sockets_text.h"

struct census_run {
	const struct tl_sockets_opts *o;
	struct tl_census *census;
	uint32_t namespaces;
};

/* Read a sysctl of the current network namespace: @n integers (1 or 2). */
static int read_ints(const char *name, long *v, int n)
{
	char path[128], buf[64], *p = buf, *end;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	for (int i = 0; i < n; i++, p = end) {
		errno = 0;
		v[i] = strtol(p, &end, 10);
		if (errno || end == p)
			return -1;
	}
	return 0;
}

/* Runs inside each namespace: /proc/sys/net shows the reader's namespace. */
static int read_sysctls(void *ctx, uint32_t inode)
{
	struct census_run *r = ctx;
	struct tl_netns_sysctls s = {};
	long range[2], reuse, fin;

	r->namespaces++;
	if (!read_ints("ip_local_port_range", range, 2) && !read_ints("tcp_tw_reuse", &reuse, 1) &&
	    !read_ints("tcp_fin_timeout", &fin, 1) && range[0] > 0 && range[0] <= range[1] &&
	    range[1] <= 65535) {
		s.valid = true;
		s.port_lo = range[0];
		s.port_hi = range[1];
		s.tw_reuse = reuse;
		s.fin_timeout = fin;
	}
	/* a full namespace table is counted when the namespace's sockets arrive */
	tl_census_set_sysctls(r->census, inode, &s);
	return 0;
}

/* The dump filters in the kernel already; this keeps the census right if it did not. */
static bool wanted(const struct tl_filter *f, const struct tl_event *ev)
{
	bool hit = !f->nports;

	if (f->netns && ev->netns != f->netns)
		return false;
	if (f->family && ev->family != f->family)
		return false;
	for (int i = 0; i < f->nports && !hit; i++)
		hit = f->ports[i] == ev->lport || f->ports[i] == ev->rport;
	return hit;
}

static void add(void *ctx, const struct tl_event *ev)
{
	struct census_run *r = ctx;

	if (wanted(&r->o->filter, ev))
		tl_census_add(r->census, ev);
}

static int no_sample(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

static void warn_limits(const struct tl_census *c)
{
	static const char *const what[TL_CT_MAX] = { "namespaces", "local ports",
						     "remote addresses", "TIME_WAIT destinations" };
	uint64_t seen, kept;
	size_t n;

	for (int t = 0; t < TL_CT_MAX; t++)
		if (tl_census_uncounted(c, t))
			tl_warn("the table of %s is full (%u rows): %llu sockets not in it",
				what[t], tl_census_rows_max(c, t),
				(unsigned long long)tl_census_uncounted(c, t));
	tl_census_cw_groups(c, &n, &seen, &kept);
	if (kept < seen)
		tl_warn("%llu old CLOSE_WAIT sockets: owners looked up for %llu only",
			(unsigned long long)seen, (unsigned long long)kept);
}

static int census(const struct tl_sockets_opts *o, struct tl_loader *ld, struct tl_census *c,
		  const struct tl_names *names)
{
	struct census_run r = { .o = o, .census = c };
	struct tl_event *cw;
	size_t ncw;
	int err;

	err = tl_netns_each(o->filter.netns, read_sysctls, &r);
	if (err < 0) {
		tl_err("cannot visit the network namespaces: %s", strerror(-err));
		return TL_EXIT_ERROR;
	}
	if (o->filter.netns && !r.namespaces) {
		tl_err("network namespace %u not found (no process or /run/netns name has it)",
		       o->filter.netns);
		return TL_EXIT_ERROR;
	}
	err = tl_loader_dump(ld, o->filter.netns, add, &r);
	if (err < 0) {
		tl_err("socket dump failed: %s", strerror(-err));
		return TL_EXIT_ERROR;
	}
	cw = tl_census_close_wait(c, &ncw);
	tl_proc_fill_owners(cw, ncw);
	if (tl_census_finish(c)) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	warn_limits(c);
	if (o->json ? tl_sockets_print_json(stdout, c, names, o->top) :
		      (tl_sockets_print_text(stdout, c, names, o->top), 0)) {
		tl_err("out of memory");
		return TL_EXIT_ERROR;
	}
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			tl_err("writing the census: %s", strerror(errno));
		return errno == EPIPE ? TL_EXIT_OK : TL_EXIT_ERROR;
	}
	return TL_EXIT_OK;
}

int cmd_sockets(int argc, char **argv)
{
	struct tl_sockets_opts o;
	struct tl_load_config lc = { .dump_only = true };
	struct tl_loader *ld;
	struct tl_census *c;
	struct tl_names names;
	struct btf *btf;
	int rc;

	/* a closed pipe is seen as EPIPE at the flush: exit 0, as trace does */
	signal(SIGPIPE, SIG_IGN);
	tl_sockets_opts_defaults(&o);
	rc = tl_sockets_opts_parse(&o, argc, argv);
	if (rc)
		return tl_opts_exit(rc);
	lc.verbose = o.verbose;
	lc.filter = o.filter; /* the ring is unused by the dump: the smallest */
	rc = tl_loader_open(&ld, &lc, no_sample, NULL);
	if (rc)
		return rc;
	tl_names_init(&names);
	btf = btf__load_vmlinux_btf();
	if (btf) {
		tl_names_load_btf(&names, btf);
		btf__free(btf);
	}
	c = tl_census_new((uint64_t)o.close_wait_age_s * 1000000000ULL, NULL);
	if (c) {
		rc = census(&o, ld, c, &names);
	} else {
		tl_err("out of memory");
		rc = TL_EXIT_ERROR;
	}
	tl_census_free(c);
	tl_names_free(&names);
	tl_loader_close(ld);
	return rc;
}
