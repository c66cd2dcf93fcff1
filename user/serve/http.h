/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * http.h - the metrics page over HTTP, served by libmicrohttpd (its own
 * thread; no HTTP parsing of ours). GET or HEAD /metrics answers the page
 * last published, with the exposition format's Content-Type; / names the
 * page; other paths are 404, other methods 405. The page is copied under a
 * lock when published and when served: the updating thread never waits for
 * a slow client.
 */
#ifndef TL_HTTP_H
#define TL_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct tl_http;

/**
 * tl_http_parse_addr() - "127.0.0.1:9464", "[::1]:9464", "[::]:9464",
 * "0.0.0.0:9464" (literal addresses only; port 0: any free port) into @ss.
 * Return: 0, or -1 (malformed).
 */
int tl_http_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

/**
 * tl_http_start() - listen on @ss and serve. Return: NULL with errno set
 * (EADDRINUSE, EACCES, ...) when the daemon cannot start.
 */
struct tl_http *tl_http_start(const struct sockaddr_storage *ss);

/** tl_http_port() - the port listened on (the one chosen, for port 0). */
uint16_t tl_http_port(const struct tl_http *h);

/** tl_http_publish() - serve @page (@len bytes, taken over) from now on. */
void tl_http_publish(struct tl_http *h, char *page, size_t len);

/** tl_http_scrapes() - pages served so far. */
uint64_t tl_http_scrapes(struct tl_http *h);

/** tl_http_stop() - close the listening socket, finish, free. */
void tl_http_stop(struct tl_http *h);

#endif
