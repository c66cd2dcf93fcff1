// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* options.c - `tcpline trace` command line -> struct tl_options. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/socket.h>

#include "cli/log.h"
#include "trace/options.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

static const char usage[] =
	"Usage: tcpline [trace] [OPTIONS]\n"
	"Trace TCP connections live: state changes, retransmits, resets, drops,\n"
	"and one lifeline per connection when it ends.\n"
	"\n"
	"Output:\n"
	"  --json                JSON Lines on stdout (docs/json.md)\n"
	"  --events              show events only\n"
	"  --lifelines           show lifelines only\n"
	"  --duration S          stop after S seconds (default: at SIGINT/SIGTERM)\n"
	"Filters (in the kernel where possible):\n"
	"  -p, --pid PID         connections owned by process PID\n"
	"      --comm NAME       connections owned by a process named NAME\n"
	"      --port P[,P...]   local or remote port (up to 16)\n"
	"      --laddr CIDR      local address in CIDR\n"
	"      --raddr CIDR      remote address in CIDR\n"
	"  -4, -6                IPv4 or IPv6 only\n"
	"      --netns NS        network namespace: inode, /run/netns/NAME, or NAME\n"
	"      --cgroup PATH     connections owned by processes in cgroup v2 PATH\n"
	"Owners:\n"
	"      --accept-owner    an accepted connection's owner from accept() (else its\n"
	"                        listener's until its close()); slows every system call\n"
	"                        of the host while tracing; implied by -p, --comm, --cgroup\n"
	"Limits:\n"
	"      --max-conns N     connections tracked at once (default 65536)\n"
	"      --ringbuf-mb N    kernel ring buffer size in MiB (default 8)\n"
	"      --nice N          the reader's priority, -20 to 19 (default -10, so that\n"
	"                        it keeps up with the ring buffer on a saturated host)\n"
	"Privileges:\n"
	"      --user USER       once set up, become USER (its uid, gid and groups);\n"
	"                        capabilities are dropped in any case (docs/privileges.md)\n"
	"  -v, --verbose         libbpf diagnostics\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error, 2 usage error, 3 missing privileges,\n"
	"4 kernel unsupported (no BTF, BPF features missing).\n";

void tl_options_defaults(struct tl_options *o)
{
	memset(o, 0, sizeof(*o));
	o->show_events = true;
	o->show_lifelines = true;
	o->max_conns = 65536;
	o->ringbuf_mb = 8;
	o->nice = TL_READER_NICE;
	o->interval = 1.0;
}

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

int tl_filter_opt(struct tl_filter *f, enum tl_filter_opt which, const char *arg, const char *cmd)
{
	uint8_t fam;
	int n;

	switch (which) {
	case TL_FOPT_PORT:
		n = tl_parse_ports(arg, f->ports, TL_MAX_PORTS);
		if (n < 0) {
			tl_err("invalid --port (1-65535, comma separated, at most 16): '%s' (see %s --help)",
			       arg, cmd);
			return -1;
		}
		f->nports = n;
		return 0;
	case TL_FOPT_NETNS:
		if (tl_parse_netns(arg, &f->netns)) {
			tl_err("--netns '%s': %s", arg, strerror(errno));
			return -1;
		}
		return 0;
	case TL_FOPT_IPV4:
	case TL_FOPT_IPV6:
		fam = which == TL_FOPT_IPV4 ? AF_INET : AF_INET6;
		if (f->family && f->family != fam) {
			tl_err("invalid family: '-4 and -6 together' (see %s --help)", cmd);
			return -1;
		}
		f->family = fam;
		return 0;
	}
	return -1;
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno || end == s || *end || *out <= 0 || *out > 1e9) ? -1 : 0;
}

int tl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_JSON = 256,
	OPT_EVENTS,
	OPT_LIFELINES,
	OPT_DURATION,
	OPT_COMM,
	OPT_PORT,
	OPT_LADDR,
	OPT_RADDR,
	OPT_NETNS,
	OPT_CGROUP,
	OPT_MAX_CONNS,
	OPT_RINGBUF,
	OPT_ACCEPT_OWNER,
	OPT_NICE,
	OPT_USER,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "lifelines", no_argument, NULL, OPT_LIFELINES },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "laddr", required_argument, NULL, OPT_LADDR },
	{ "raddr", required_argument, NULL, OPT_RADDR },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "ringbuf-mb", required_argument, NULL, OPT_RINGBUF },
	{ "accept-owner", no_argument, NULL, OPT_ACCEPT_OWNER },
	{ "nice", required_argument, NULL, OPT_NICE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int bad(const char *what, const char *arg)
{
	tl_err("invalid %s: '%s' (see tcpline --help)", what, arg);
	return -1;
}

static int apply(struct tl_options *o, int c, const char *arg, bool *only_events,
		 bool *only_lifelines)
{
	struct tl_filter *f = &o->filter;

	switch (c) {
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_EVENTS:
		*only_events = true;
		return 0;
	case OPT_LIFELINES:
		*only_lifelines = true;
		return 0;
	case OPT_DURATION:
		return parse_double(arg, &o->duration) ? bad("--duration", arg) : 0;
	case 'p':
		return tl_parse_u32(arg, 1, INT32_MAX, &f->pid) ? bad("--pid", arg) : 0;
	case OPT_COMM:
		if (!*arg || strlen(arg) >= TL_COMM_LEN)
			return bad("--comm (1 to 15 characters)", arg);
		strncpy(f->comm, arg, TL_COMM_LEN - 1);
		f->has_comm = 1;
		return 0;
	case OPT_PORT:
		return tl_filter_opt(f, TL_FOPT_PORT, arg, "tcpline");
	case OPT_LADDR:
		if (tl_parse_cidr(arg, &f->laddr_family, f->laddr, &f->laddr_plen))
			return bad("--laddr", arg);
		f->has_laddr = 1;
		return 0;
	case OPT_RADDR:
		if (tl_parse_cidr(arg, &f->raddr_family, f->raddr, &f->raddr_plen))
			return bad("--raddr", arg);
		f->has_raddr = 1;
		return 0;
	case '4':
	case '6':
		return tl_filter_opt(f, c == '4' ? TL_FOPT_IPV4 : TL_FOPT_IPV6, arg, "tcpline");
	case OPT_NETNS:
		return tl_filter_opt(f, TL_FOPT_NETNS, arg, "tcpline");
	case OPT_CGROUP:
		if (parse_cgroup(arg, &f->cgroup)) {
			tl_err("--cgroup '%s': not a cgroup v2 directory: %s", arg,
			       strerror(errno));
			return -1;
		}
		return 0;
	case OPT_MAX_CONNS:
		return tl_parse_u32(arg, 16, 1u << 24, &o->max_conns) ? bad("--max-conns", arg) : 0;
	case OPT_RINGBUF:
		return tl_parse_u32(arg, 1, 1024, &o->ringbuf_mb) ? bad("--ringbuf-mb", arg) : 0;
	case OPT_NICE: {
		uint32_t v;

		if (*arg == '-' ? tl_parse_u32(arg + 1, 0, 20, &v) : tl_parse_u32(arg, 0, 19, &v))
			return bad("--nice (-20 to 19)", arg);
		o->nice = *arg == '-' ? -(int)v : (int)v;
		return 0;
	}
	case OPT_ACCEPT_OWNER:
		o->accept_owner = true;
		return 0;
	case OPT_USER:
		o->user = arg;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	default:
		return -1;
	}
}

int tl_getopt(int argc, char **argv, const char *optstring, const struct option *opts,
	      const char *usage_text, const char *cmd)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, optstring, opts, NULL);
	if (c == -1 && optind < argc) {
		tl_err("unexpected argument '%s' (see %s --help)", argv[optind], cmd);
		return '?';
	}
	if (c == 'h') {
		fputs(usage_text, stdout);
	} else if (c == ':') {
		tl_err("option '%s' needs a value", argv[optind - 1]);
		c = '?';
	} else if (c == '?') {
		if (optopt)
			tl_err("unknown option '-%c' (see %s --help)", optopt, cmd);
		else
			tl_err("unknown option '%s' (see %s --help)", argv[optind - 1], cmd);
	}
	return c;
}

int tl_options_parse(struct tl_options *o, int argc, char **argv)
{
	bool only_events = false, only_lifelines = false;
	int c;

	optind = 1;
	while ((c = tl_getopt(argc, argv, ":p:46vh", long_opts, usage, "tcpline")) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?' || apply(o, c, optarg, &only_events, &only_lifelines))
			return -1;
	}
	if (only_events || only_lifelines) {
		o->show_events = only_events;
		o->show_lifelines = only_lifelines;
	}
	return 0;
}
