// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * precise_load.c - listen drops of three causes at once, for the precise
 * tier's test in a loopback-only 6.1 guest (tests/kernel/precise-6.1.sh).
 * Static (the initramfs has only busybox).
 *
 *   precise_load HOLD_S
 *
 * 127.0.0.1:7001 listen(1), never accepting, and 10 connect()s to it: the
 *   accept queue is full at their SYNs (and at their retransmits).
 * 127.0.0.1:7002 listen(8), and 20 raw SYNs from 10.99.0.2: the SYN queue
 *   fills and, with tcp_syncookies=0, the rest are dropped.
 * 127.0.0.1:7003 listen(128), and 20 raw SYNs from 10.99.0.3: with
 *   tcp_max_syn_backlog=16, the 3/4 rule drops them past 12 pending.
 * On loopback every 127/8 address is local: SYN-ACKs to one would find no
 * socket and be answered with RSTs that empty the SYN queue. So the raw SYNs
 * come from 10.99.0.0/24, routed to lo by the caller: a SYN-ACK to it is
 * looped back, is not local, and is discarded; nobody resets the request.
 * Prints "ready" once the listeners exist, then holds everything HOLD_S
 * seconds (the clients retransmit their SYNs meanwhile) and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "precise_load: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in addr_of(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "precise_load: bad address %s\n", ip);
		exit(1);
	}
	return a;
}

static int listener(int port, int backlog)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, backlog))
		die("listener");
	return fd;
}

static void connects(int port, int n)
{
	struct sockaddr_in a = addr_of("127.0.0.1", port);

	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
			die("connect");
	}
}

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* @n SYNs from @src (source ports @sport0...) to 127.0.0.1:@port, IP header ours. */
static void syns(const char *src, int port, int n, int sport0)
{
	struct sockaddr_in dst = addr_of("127.0.0.1", port), s = addr_of(src, 0);
	int one = 1, fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		die("raw socket");
	for (int i = 0; i < n; i++) {
		struct {
			struct iphdr ip;
			struct tcphdr tcp;
		} pkt = { 0 };
		struct {
			uint32_t saddr, daddr;
			uint8_t zero, proto;
			uint16_t len;
			struct tcphdr tcp;
		} pseudo = { 0 };

		pkt.ip.version = 4;
		pkt.ip.ihl = 5;
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_TCP;
		pkt.ip.tot_len = htons(sizeof(pkt));
		pkt.ip.saddr = s.sin_addr.s_addr;
		pkt.ip.daddr = dst.sin_addr.s_addr;
		pkt.tcp.source = htons(sport0 + i);
		pkt.tcp.dest = htons(port);
		pkt.tcp.seq = htonl(1000 + i);
		pkt.tcp.doff = 5;
		pkt.tcp.syn = 1;
		pkt.tcp.window = htons(65535);
		pseudo.saddr = pkt.ip.saddr;
		pseudo.daddr = pkt.ip.daddr;
		pseudo.proto = IPPROTO_TCP;
		pseudo.len = htons(sizeof(pkt.tcp));
		pseudo.tcp = pkt.tcp;
		pkt.tcp.check = htons(csum(&pseudo, sizeof(pseudo), 0));
		/* the kernel fills the IP checksum of a HDRINCL packet */
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) !=
		    (ssize_t)sizeof(pkt))
			die("sendto");
	}
	close(fd);
}

int main(int argc, char **argv)
{
	char *end;
	long hold = argc == 2 ? strtol(argv[1], &end, 10) : -1;

	if (argc != 2 || *end || hold < 0 || hold > 600) {
		fprintf(stderr, "usage: precise_load HOLD_S (0 to 600)\n");
		return 2;
	}
	listener(7001, 1);
	listener(7002, 8);
	listener(7003, 128);
	printf("ready\n");
	fflush(stdout);
	connects(7001, 10);
	syns("10.99.0.2", 7002, 20, 20000);
	syns("10.99.0.3", 7003, 20, 30000);
	sleep(hold);
	return 0;
}
