/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* options.h - the command line of `tcpline trace`, parsed into one struct. */
#ifndef TL_OPTIONS_H
#define TL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../bpf/tcpline.h"

/*
 * The reader drains a ring that the traced workload fills from every CPU: at
 * the default nice 0 a saturated host's threads starve it into losses
 * (measured, bench/run.py --ab); it only runs while there is work to read.
 */
#define TL_READER_NICE (-10)

struct tl_options {
	bool json; /* JSON Lines instead of columns */
	bool show_events;
	bool show_lifelines;
	bool verbose; /* libbpf debug output */
	bool dump_only; /* load for socket dumps only: attach no tracepoint */
	bool batch_states; /* only lifelines wanted: the kernel may batch state changes */
	bool keep_storage; /* per-socket storage in the kernel even when no filter needs it */
	bool accept_owner; /* the accept() syscall hook, even when no owner filter needs it */
	bool quiet_hooks; /* refused programs are not said on stderr (features reports them) */
	double duration; /* seconds; 0: until SIGINT/SIGTERM */
	double interval; /* seconds between listener samples and counter reports */
	uint32_t max_conns; /* cap of the user-space connection table */
	uint32_t ringbuf_mb; /* ring buffer size */
	int nice; /* the reader's scheduling priority */
	const char *user; /* --user: become this user once set up (kernel/privdrop.h) */
	struct tl_filter filter; /* applied in the kernel and again in user space */
};

/**
 * tl_options_defaults() - both events and lifelines, text, no filters.
 */
void tl_options_defaults(struct tl_options *o);

/**
 * tl_options_parse() - parse `trace` arguments (argv[0] is the command name).
 * Prints a one-line error on failure.
 * Return: 0; 1 when --help was printed; -1 on a usage error.
 */
int tl_options_parse(struct tl_options *o, int argc, char **argv);

struct option;

/* The filter options every command shares. */
enum tl_filter_opt {
	TL_FOPT_PORT = 1, /* --port P[,P...] */
	TL_FOPT_NETNS, /* --netns NS */
	TL_FOPT_IPV4, /* -4 */
	TL_FOPT_IPV6, /* -6 */
};

/**
 * tl_filter_opt() - apply one of the shared filter options to @f.
 * Return: 0, or -1 after one error line (pointing at `@cmd --help`).
 */
int tl_filter_opt(struct tl_filter *f, enum tl_filter_opt which, const char *arg, const char *cmd);

/**
 * tl_getopt() - getopt_long() (@optstring starting with ':') with the
 * handling every command shares: -h prints @usage_text and returns 'h'; an
 * unknown option, a missing value or a stray argument prints one error line
 * naming @cmd and returns '?'. Set optind = 1 before the first call.
 * Return: the option, 'h', '?', or -1 at the end.
 */
int tl_getopt(int argc, char **argv, const char *optstring, const struct option *opts,
	      const char *usage_text, const char *cmd);

/**
 * tl_parse_cidr() - "10.0.0.0/8", "fd00::/64", "1.2.3.4" (a host).
 * @family: AF_INET or AF_INET6 on return; @addr: 16 network-order bytes.
 * Return: 0 or -1.
 */
int tl_parse_cidr(const char *s, uint8_t *family, uint8_t addr[16], uint8_t *plen);

/**
 * tl_parse_ports() - "80,443" into @ports (at most TL_MAX_PORTS).
 * Return: the number of ports, or -1.
 */
int tl_parse_ports(const char *s, uint16_t *ports, int max);

/**
 * tl_parse_u32() - a decimal in [@min, @max], nothing else. Return: 0 or -1.
 */
int tl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/**
 * tl_parse_netns() - an inode number, or a path to a netns file
 * (/run/netns/NAME, /proc/PID/ns/net). Return: 0 or -1 (errno set).
 */
int tl_parse_netns(const char *s, uint32_t *inode);

#endif
