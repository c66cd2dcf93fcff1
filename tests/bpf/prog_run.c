// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * prog_run.c - the main object's programs run with BPF_PROG_TEST_RUN, for the
 * system test tests/sys/test_bpf_prog_run.py, which runs it inside a network
 * namespace (root) and checks what it prints against the kernel's counters.
 *
 *	tl-prog-run [--port P] [--netns INODE] [--family 2|10] [--laddr ADDR/PLEN]
 *
 * Loads the object with those filters in its knobs (as the loader sets them),
 * runs the start-up socket dump (iter/tcp, this namespace: it tracks the
 * listeners), then test-runs the listener sampler: sample_listeners once,
 * sample_listener_by_key once per listener it reported and once for a cookie
 * no socket has. Every record the runs put in the ring is printed, one JSON
 * object a line: {"via": PROGRAM, "cookie": .., "lport": .., "acceptq": ..}.
 * Then it test-runs one program of each kind the kernel does not test-run
 * (tp_btf, iter, classic tracepoint) and prints what the kernel said.
 * Exit: 0 when it could load and run the sampler, 1 otherwise (said on stderr).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/tcpline.h"
#include "tcpline.skel.h"

#define MAX_SEEN 64

struct run_ctx {
	const char *via;
	__u64 seen[MAX_SEEN];
	int nseen;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct run_ctx *rc = ctx;
	const struct tl_listener_rec *r = data;

	if (size < sizeof(*r) || r->type != TL_EV_LISTENER) {
		printf("{\"via\":\"%s\",\"type\":%u}\n", rc->via,
		       size ? ((const struct tl_event *)data)->type : 0);
		return 0;
	}
	printf("{\"via\":\"%s\",\"cookie\":%llu,\"netns\":%u,\"family\":%u,\"lport\":%u,"
	       "\"state\":%u,\"flags\":%u,\"acceptq\":%u,\"limit\":%u,\"synq\":%u,"
	       "\"acceptq_peak\":%u,\"drops\":%llu}\n",
	       rc->via, (unsigned long long)r->cookie, r->netns, r->family, r->lport, r->state,
	       r->flags, r->acceptq, r->acceptq_limit, r->synq, r->acceptq_peak,
	       (unsigned long long)r->drops);
	if (rc->nseen < MAX_SEEN)
		rc->seen[rc->nseen++] = r->cookie;
	return 0;
}

static int parse(int argc, char **argv, struct tl_filter *f)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];

		if (!strcmp(opt, "--port")) {
			f->ports[f->nports++] = (__u16)atoi(val);
		} else if (!strcmp(opt, "--netns")) {
			f->netns = (__u32)strtoul(val, NULL, 10);
		} else if (!strcmp(opt, "--family")) {
			f->family = (__u8)atoi(val);
		} else if (!strcmp(opt, "--laddr")) {
			char addr[64];
			const char *slash = strchr(val, '/');

			if (!slash || (size_t)(slash - val) >= sizeof(addr))
				return -1;
			snprintf(addr, sizeof(addr), "%.*s", (int)(slash - val), val);
			f->laddr_family = strchr(addr, ':') ? 10 : 2;
			if (inet_pton(f->laddr_family == 10 ? AF_INET6 : AF_INET, addr, f->laddr) !=
			    1)
				return -1;
			f->has_laddr = 1;
			f->laddr_plen = (__u8)atoi(slash + 1);
		} else {
			return -1;
		}
	}
	return argc % 2 == 1 ? 0 : -1;
}

/* The socket dump, read to its end: it tracks this namespace's listeners. */
static int run_dump(struct tcpline_bpf *s)
{
	struct bpf_link *link = bpf_program__attach_iter(s->progs.dump_tcp, NULL);
	char buf[4096];
	int fd, n;

	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		bpf_link__destroy(link);
		return -errno;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	bpf_link__destroy(link);
	return n < 0 ? -errno : 0;
}

/* One test run of @prog (with @arg as the raw_tp's first argument if non-zero). */
static int test_run(struct bpf_program *prog, __u64 arg, struct ring_buffer *rb, struct run_ctx *rc)
{
	__u64 args[1] = { arg };
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (arg) {
		opts.ctx_in = args;
		opts.ctx_size_in = sizeof(args);
	}
	rc->via = bpf_program__name(prog);
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) ? -errno : 0;
	printf("{\"run\":\"%s\",\"arg\":%llu,\"rc\":%d,\"retval\":%u}\n", rc->via,
	       (unsigned long long)arg, err, opts.retval);
	ring_buffer__consume(rb);
	return err;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	struct bpf_program *keep[] = { NULL, NULL, NULL, NULL, NULL };
	struct bpf_program *cannot[3];
	struct ring_buffer *rb = NULL;
	struct run_ctx rc = { 0 };
	struct tcpline_bpf *s;
	struct bpf_program *p;
	struct tl_filter f = { 0 };
	int err = 1, nseen;

	if (parse(argc, argv, &f)) {
		fprintf(stderr, "usage: tl-prog-run [--port P] [--netns INODE] [--family 2|10] "
				"[--laddr ADDR/PLEN]\n");
		return 2;
	}
	libbpf_set_print(quiet);
	s = tcpline_bpf__open();
	if (!s) {
		perror("tl-prog-run: open");
		return 1;
	}
	memcpy((void *)&s->rodata->filter, &f, sizeof(f));
	/* what the loader would pass on this kernel: rx_sk (6.11+) */
	s->rodata->rx_sk_known = true;
	/* one program of each kind the kernel cannot test-run, loaded but never attached */
	cannot[0] = s->progs.handle_set_state; /* tp_btf */
	cannot[1] = s->progs.dump_tcp; /* iter */
	cannot[2] = s->progs.handle_accept4_exit; /* classic tracepoint */
	keep[0] = s->progs.sample_listeners;
	keep[1] = s->progs.sample_listener_by_key;
	keep[2] = cannot[0];
	keep[3] = cannot[1];
	keep[4] = cannot[2];
	bpf_object__for_each_program(p, s->obj)
	{
		bool load = false;

		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			load |= p == keep[i];
		bpf_program__set_autoload(p, load);
	}
	if (tcpline_bpf__load(s)) {
		perror("tl-prog-run: load");
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(s->maps.events), on_record, &rc, NULL);
	if (!rb || run_dump(s)) {
		perror("tl-prog-run: ring buffer or socket dump");
		goto out;
	}
	if (test_run(s->progs.sample_listeners, 0, rb, &rc))
		goto out;
	nseen = rc.nseen;
	for (int i = 0; i < nseen; i++)
		if (test_run(s->progs.sample_listener_by_key, rc.seen[i], rb, &rc))
			goto out;
	/* a cookie no socket has (cookies count up from 1): no record */
	if (test_run(s->progs.sample_listener_by_key, (1ULL << 62) + 12345, rb, &rc))
		goto out;
	for (size_t i = 0; i < sizeof(cannot) / sizeof(cannot[0]); i++)
		test_run(cannot[i], 0, rb, &rc);
	err = 0;
out:
	ring_buffer__free(rb);
	tcpline_bpf__destroy(s);
	return err;
}
