// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tl-guest-net: the traffic of the kernel-matrix guests (tests/kernel/guest-init.sh), which
 * have no python: one static binary, one subcommand per scenario, all on loopback.
 *
 *   tl-guest-net lifecycle ADDR PORT      listen, connect, accept, data both ways, client
 *                                         closes first (so it keeps a timewait socket)
 *   tl-guest-net refused ADDR PORT        connect to a closed port
 *   tl-guest-net linger0 ADDR PORT        client closes with SO_LINGER 0 (a reset)
 *   tl-guest-net unread ADDR PORT         server closes with unread data (a reset)
 *   tl-guest-net retrans ADDR PORT MS     the receiver drops segments with payload for MS ms
 *   tl-guest-net flood ADDR PORT N MS     listen(1), N non-blocking connects held MS ms
 *
 * Each prints "key=value" words on one line (pid, client/server ports, errors, tcp_info
 * counters) for the host-side checker, and exits non-zero when the scenario did not happen
 * as intended (so a failed scenario is never mistaken for a tcpline failure).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

static void die(const char *what)
{
	fprintf(stderr, "tl-guest-net: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static struct addr parse_addr(const char *host, const char *port)
{
	struct addr a = { .len = 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;

	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(atoi(port));
		a.len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(port));
		a.len = sizeof(*in6);
	} else {
		fprintf(stderr, "tl-guest-net: bad address %s\n", host);
		exit(2);
	}
	return a;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int listener(const struct addr *a, int backlog)
{
	int one = 1, fd = socket(a->ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len))
		die("bind");
	if (listen(fd, backlog))
		die("listen");
	return fd;
}

/* Returns the socket; *err is connect()'s errno, 0 when it connected (or is connecting). */
static int connect_to(const struct addr *a, int flags, int *err)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | flags, 0);

	if (fd < 0)
		die("socket");
	*err = 0;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) && errno != EINPROGRESS)
		*err = errno;
	return fd;
}

static void send_all(int fd, size_t n)
{
	char buf[4096];

	memset(buf, 'x', sizeof(buf));
	while (n) {
		ssize_t w = send(fd, buf, n < sizeof(buf) ? n : sizeof(buf), 0);

		if (w < 0)
			die("send");
		n -= (size_t)w;
	}
}

/* Reads up to want bytes, or to EOF when want is 0; returns the bytes read or -errno. */
static long recv_some(int fd, size_t want)
{
	char buf[4096];
	long got = 0;

	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r < 0)
			return -errno;
		if (r == 0)
			return got;
		got += r;
		if (want && (size_t)got >= want)
			return got;
	}
}

/* A connected pair: client *c (its local port printed by the caller), accepted *s. */
static int pair(const struct addr *a, int *c, int *s)
{
	int l = listener(a, 16), err;

	*c = connect_to(a, 0, &err);
	if (err) {
		errno = err;
		die("connect");
	}
	*s = accept(l, NULL, NULL);
	if (*s < 0)
		die("accept");
	return l;
}

static struct tcp_info info(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		die("TCP_INFO");
	return ti;
}

static int lifecycle(const struct addr *a)
{
	int c, s, l = pair(a, &c, &s);
	long got;

	printf("pid=%d client_port=%d server_port=%d", getpid(), local_port(c), local_port(s));
	send_all(c, 100);
	if (recv_some(s, 100) != 100)
		die("server recv");
	send_all(s, 200);
	if (recv_some(c, 200) != 200)
		die("client recv");
	/* the client closes first: it is the active closer, with the timewait socket */
	close(c);
	got = recv_some(s, 0);
	close(s);
	close(l);
	sleep_ms(200);
	printf(" server_eof=%ld\n", got);
	return got == 0 ? 0 : 1;
}

static int refused(const struct addr *a)
{
	int err, fd = connect_to(a, 0, &err);

	printf("pid=%d errno=%d\n", getpid(), err);
	close(fd);
	return err == ECONNREFUSED ? 0 : 1;
}

static int linger0(const struct addr *a)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, s, l = pair(a, &c, &s);
	int cport = local_port(c);
	long r;

	if (setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("SO_LINGER");
	close(c);
	r = recv_some(s, 0);
	printf("pid=%d client_port=%d server_errno=%ld\n", getpid(), cport, -r);
	close(s);
	close(l);
	return r == -ECONNRESET ? 0 : 1;
}

static int unread(const struct addr *a)
{
	int c, s, l = pair(a, &c, &s);
	long r;

	send_all(c, 100);
	sleep_ms(100); /* the data is in the server's receive queue, never read */
	printf("pid=%d client_port=%d", getpid(), local_port(c));
	close(s);
	r = recv_some(c, 0);
	printf(" client_errno=%ld\n", -r);
	close(c);
	close(l);
	return r == -ECONNRESET ? 0 : 1;
}

/*
 * A classic BPF socket filter on the receiving socket: tcp_v4_rcv()/tcp_v6_rcv() run it in
 * tcp_filter() before TCP looks at the segment, and a filter returning 0 drops it. The
 * socket filter sees the segment from its TCP header on: payload = skb len - 4 * doff.
 * Pure ACKs pass, so the connection stays alive. No module, so it works on every kernel.
 */
static void drop_payload(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 12), /* doff << 4 */
		BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 4),
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 2),
		BPF_STMT(BPF_MISC | BPF_TAX, 0), /* X = header length */
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), /* payload: drop */
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		die("SO_ATTACH_FILTER");
}

static int retrans(const struct addr *a, int ms)
{
	int c, s, l = pair(a, &c, &s), dummy = 0;
	long got;

	drop_payload(s);
	send_all(c, 1000);
	sleep_ms(ms);
	if (setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy)))
		die("SO_DETACH_FILTER");
	got = recv_some(s, 1000);
	/* the server closes first, so that the client's lifeline ends at once (LAST_ACK) */
	close(s);
	recv_some(c, 0);
	printf("pid=%d client_port=%d received=%ld total_retrans=%u\n", getpid(), local_port(c),
	       got, info(c).tcpi_total_retrans);
	close(c);
	close(l);
	sleep_ms(200);
	return got == 1000 ? 0 : 1;
}

static int flood(const struct addr *a, int n, int ms)
{
	int l = listener(a, 1), i, err, *fds = calloc((size_t)n, sizeof(int));

	if (!fds)
		die("calloc");
	for (i = 0; i < n; i++) {
		fds[i] = connect_to(a, SOCK_NONBLOCK, &err);
		if (err) {
			errno = err;
			die("connect");
		}
	}
	sleep_ms(ms);
	/* closing the clients stops their SYN retransmits: ListenDrops stands still from here */
	for (i = 0; i < n; i++)
		close(fds[i]);
	sleep_ms(100);
	printf("pid=%d listener_port=%d clients=%d\n", getpid(), local_port(l), n);
	fflush(stdout);
	free(fds);
	/* keep the listener a while: tcpline backlog samples it, then sees it close */
	sleep_ms(1500);
	close(l);
	sleep_ms(300);
	return 0;
}

int main(int argc, char **argv)
{
	struct addr a;

	if (argc < 4) {
		fprintf(stderr,
			"usage: tl-guest-net lifecycle|refused|linger0|unread ADDR PORT\n"
			"       tl-guest-net retrans ADDR PORT MS | flood ADDR PORT N MS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	a = parse_addr(argv[2], argv[3]);
	if (!strcmp(argv[1], "lifecycle"))
		return lifecycle(&a);
	if (!strcmp(argv[1], "refused"))
		return refused(&a);
	if (!strcmp(argv[1], "linger0"))
		return linger0(&a);
	if (!strcmp(argv[1], "unread"))
		return unread(&a);
	if (!strcmp(argv[1], "retrans") && argc == 5)
		return retrans(&a, atoi(argv[4]));
	if (!strcmp(argv[1], "flood") && argc == 6)
		return flood(&a, atoi(argv[4]), atoi(argv[5]));
	fprintf(stderr, "tl-guest-net: bad subcommand %s\n", argv[1]);
	return 2;
}
