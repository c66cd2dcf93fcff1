/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* format.h - addresses and durations as people read them. */
#ifndef TL_FORMAT_H
#define TL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define TL_ADDR_LEN 48 /* an IPv6 address text, with room to spare */

/*
 * Text from outside (process names, the kernel's and libbpf's words) for a
 * terminal, one rule for every text printer: printable ASCII as it is, a
 * backslash doubled, every other byte as \xNN: control bytes, DEL, every
 * byte of UTF-8 (so C1 controls, invalid sequences and bidi overrides never
 * reach a terminal raw). At most 4 bytes out per byte in.
 */
#define TL_SAFE_LEN(n) ((n)*4 + 1)

/** tl_put_safe() - @s, up to @len bytes or its NUL, made safe at @dst. Return: its end. */
char *tl_put_safe(char *dst, const char *s, size_t len);

/**
 * tl_fmt_safe() - the same, NUL-terminated, into @buf of @size bytes (cut
 * whole escapes first when short). Return: @buf.
 */
char *tl_fmt_safe(const char *s, size_t len, char *buf, size_t size);

/**
 * tl_fmt_addr() - @family AF_INET/AF_INET6, @addr 16 raw network-order bytes
 * (IPv4 in the first four). IPv4-mapped IPv6 addresses print as IPv6
 * ("::ffff:1.2.3.4"). Unknown family: "?". Return: @buf.
 */
char *tl_fmt_addr(uint8_t family, const uint8_t addr[16], char *buf, size_t len);

/**
 * tl_put_addr() - the text of tl_fmt_addr() at @dst, which has TL_ADDR_LEN
 * bytes of room, without a NUL. Return: the end of it.
 */
char *tl_put_addr(uint8_t family, const uint8_t addr[16], char *dst);

/** tl_family_name() - "ipv4", "ipv6" (the JSON name of a family), or "unknown". */
const char *tl_family_name(uint8_t family);

/**
 * tl_fmt_endpoint() - "1.2.3.4:80" or "[::1]:80". Return: @buf.
 */
#define TL_ENDPOINT_LEN (TL_ADDR_LEN + 8)
char *tl_fmt_endpoint(uint8_t family, const uint8_t addr[16], uint16_t port, char *buf, size_t len);

/**
 * tl_fmt_duration() - a short human duration: "850ns", "12.3us", "4.56ms",
 * "1.23s", "2m03s", "1h02m". Return: @buf.
 */
#define TL_DURATION_LEN 24
char *tl_fmt_duration(uint64_t ns, char *buf, size_t len);

/**
 * tl_put_duration() - the text of tl_fmt_duration() at @dst, which has
 * TL_DURATION_LEN bytes of room, without a NUL. Return: the end of it.
 */
char *tl_put_duration(char *dst, uint64_t ns);

#endif
