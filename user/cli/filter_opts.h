/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * filter_opts.h - the filter options every command shares, as option tables
 * (opts.h) over a struct tl_filter, and the parsers of their values. Bound
 * to a command's filter, they make `--port 80` mean the same everywhere.
 */
#ifndef TL_FILTER_OPTS_H
#define TL_FILTER_OPTS_H

#include <stdint.h>

#include "../bpf/tcpline.h"
#include "cli/opts.h"

/* --port P[,P...], -4, -6, --netns NS: what a socket is (every command) */
extern const struct tl_opt tl_filter_socket_opts[];

/* --netns NS alone */
extern const struct tl_opt tl_filter_netns_opts[];

/* --laddr CIDR, --raddr CIDR */
extern const struct tl_opt tl_filter_addr_opts[];

/* -p/--pid PID, --comm NAME, --cgroup PATH: who owns it */
extern const struct tl_opt tl_filter_owner_opts[];

/**
 * tl_parse_cidr() - "10.0.0.0/8", "fd00::/64", "1.2.3.4" (a host).
 * @family: AF_INET or AF_INET6 on return; @addr: 16 network-order bytes.
 * Return: 0 or -1.
 */
int tl_parse_cidr(const char *s, uint8_t *family, uint8_t addr[16], uint8_t *plen);

/**
 * tl_parse_ports() - "80,443" into @ports (at most @max).
 * Return: the number of ports, or -1.
 */
int tl_parse_ports(const char *s, uint16_t *ports, int max);

/**
 * tl_parse_netns() - an inode number, a path to a netns file
 * (/run/netns/NAME, /proc/PID/ns/net), or NAME for /run/netns/NAME.
 * Return: 0 or -1 (errno set).
 */
int tl_parse_netns(const char *s, uint32_t *inode);

#endif
