// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * churn.c - a TCP connection-churn load generator for the benchmarks.
 *
 * Server and client threads on loopback: each client connects, writes a
 * small request, reads the reply and waits for the server to close first
 * (so TIME_WAIT sockets pile up on the server's side, not on ephemeral
 * ports), for a bounded time. Prints connections per second.
 *
 *   churn [-d SECONDS] [-c CLIENTS] [-s SERVERS] [-p PORT] [-b BYTES] [-i IDLE] [-r PCT]
 *         [-a ADDRS]
 *
 * -a ADDRS: clients connect to ADDRS server addresses, 127.0.0.1 and up, in
 * turn (default 1). Each new connection recycles the server's TIME_WAIT of
 * its 4-tuple, so one address pair holds at most the ephemeral range's ~28k
 * TIME_WAIT (~14k while connect() finds even ports); 16 reach the namespace's cap
 * (tcp_max_tw_buckets, 131072) in ~5 s at 25k connections/s.
 *
 * -r PCT: the client aborts PCT of every 100 connections (SO_LINGER 0 right
 * after the reply: a reset instead of an orderly close). Loss, for
 * retransmits, is the harness's: an nft rule in the namespace.
 * -i IDLE also opens IDLE long-lived idle connections first, to scale the
 * socket table; with -c 0 it only holds them for the duration. Run it inside
 * a fresh network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct cfg {
	double seconds;
	int clients, servers, bytes, idle, reset_pct, addrs;
	unsigned short port;
};

static atomic_int stop;
static atomic_ulong done, failed;
static int lfd;
static struct cfg cfg = { .seconds = 5,
			  .clients = 2,
			  .servers = 2,
			  .bytes = 64,
			  .addrs = 1,
			  .port = 9123 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_full(int fd, char *buf, int n)
{
	int got = 0;

	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static void *server(void *arg)
{
	char buf[4096];

	(void)arg;
	while (!atomic_load(&stop)) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		if (!read_full(fd, buf, cfg.bytes))
			(void)!write(fd, buf, cfg.bytes);
		close(fd);
	}
	return NULL;
}

static void *client(void *arg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg.port) };
	struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };
	char buf[4096];
	unsigned int i = 0, a = (unsigned int)(uintptr_t)arg;

	memset(buf, 'x', sizeof(buf));
	while (!atomic_load(&stop)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		bool abort = (int)(i++ % 100) < cfg.reset_pct;

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK + a++ % cfg.addrs);

		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
		    write(fd, buf, cfg.bytes) != cfg.bytes || read_full(fd, buf, cfg.bytes) ||
		    (abort ? setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close,
					sizeof(abort_close)) != 0 :
			     read(fd, buf, 1) != 0)) {
			atomic_fetch_add(&failed, 1);
		} else {
			atomic_fetch_add(&done, 1);
		}
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* One holder: @n idle connections through listener @ifd, kept until the parent exits. */
static int hold_idle(int ifd, int n, int first)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg.port + 1) };

	for (int i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (first + i) % 16);
		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) ||
		    accept(ifd, NULL, NULL) < 0) {
			perror("churn: idle connection");
			return -1;
		}
	}
	return 0;
}

/*
 * Long-lived idle connections: both ends stay open until exit. Holders are
 * child processes (each within the per-process descriptor limit), connecting
 * to their own listener over 127.0.0.1-16 so the port range is no limit.
 */
static int open_idle(int n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg.port + 1) };
	int one = 1, ifd = socket(AF_INET, SOCK_STREAM, 0), per, kids = 0;
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	per = rl.rlim_cur > 2100 ? (int)(rl.rlim_cur - 100) / 2 : 1000;
	setsockopt(ifd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ifd < 0 || bind(ifd, (struct sockaddr *)&sa, sizeof(sa)) || listen(ifd, 4096)) {
		perror("churn: idle listen");
		return -1;
	}
	for (int first = 0; first < n; first += per) {
		int fds[2], m = n - first < per ? n - first : per;
		pid_t pid;
		char ok;

		if (pipe(fds))
			return -1;
		pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			ok = hold_idle(ifd, m, first) ? 'x' : 'y';
			(void)!write(fds[1], &ok, 1);
			for (;;)
				pause();
		}
		if (pid < 0 || read(fds[0], &ok, 1) != 1 || ok != 'y')
			return -1;
		close(fds[0]);
		close(fds[1]);
		kids++;
	}
	return kids ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	pthread_t th[64];
	int opt, one = 1, n = 0;
	double t0, t1;

	while ((opt = getopt(argc, argv, "d:c:s:p:b:i:r:a:")) != -1) {
		switch (opt) {
		case 'd':
			cfg.seconds = atof(optarg);
			break;
		case 'c':
			cfg.clients = atoi(optarg);
			break;
		case 's':
			cfg.servers = atoi(optarg);
			break;
		case 'p':
			cfg.port = atoi(optarg);
			break;
		case 'b':
			cfg.bytes = atoi(optarg);
			break;
		case 'i':
			cfg.idle = atoi(optarg);
			break;
		case 'r':
			cfg.reset_pct = atoi(optarg);
			break;
		case 'a':
			cfg.addrs = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: churn [-d S] [-c N] [-s N] [-p PORT] [-b BYTES] "
					"[-i IDLE] [-r PCT] [-a ADDRS]\n");
			return 2;
		}
	}
	if (cfg.clients < 0 || cfg.servers < 1 || cfg.clients + cfg.servers > 64 || cfg.bytes < 1 ||
	    cfg.bytes > 4096 || cfg.seconds <= 0 || cfg.seconds > 3600 || cfg.reset_pct < 0 ||
	    cfg.reset_pct > 100 || cfg.addrs < 1 || cfg.addrs > 250) {
		fprintf(stderr, "churn: bad arguments\n");
		return 2;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons(cfg.port);
	sa.sin_addr.s_addr = htonl(cfg.addrs > 1 ? INADDR_ANY : INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 4096)) {
		perror("churn: listen");
		return 1;
	}
	if (cfg.idle && open_idle(cfg.idle))
		return 1;
	t0 = now();
	if (cfg.idle) {
		printf("idle %d\n", cfg.idle);
		fflush(stdout);
	}
	for (int i = 0; cfg.clients && i < cfg.servers; i++)
		pthread_create(&th[n++], NULL, server, NULL);
	for (int i = 0; i < cfg.clients; i++)
		pthread_create(&th[n++], NULL, client, (void *)(uintptr_t)i);
	while (now() - t0 < cfg.seconds)
		usleep(10000);
	atomic_store(&stop, 1);
	t1 = now();
	/* unblock servers waiting in accept() */
	shutdown(lfd, SHUT_RDWR);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("conns %lu failed %lu seconds %.3f rate %.0f\n", atomic_load(&done),
	       atomic_load(&failed), t1 - t0, atomic_load(&done) / (t1 - t0));
	return 0;
}
