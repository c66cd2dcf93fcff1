// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backlog_diag.c - which cause dropped what, and what to change.
 *
 * Kernel facts the attribution rests on (6.18):
 * - tcp_listendrop() (include/net/tcp.h) adds one to the listener's sk_drops
 *   and to ListenDrops. tcp_conn_request() (net/ipv4/tcp_input.c) calls it to
 *   drop a SYN when the SYN queue is full with syncookies off
 *   (tcp_syn_flood_action(): TCPReqQFullDrop; with syncookies on it counts
 *   TCPReqQFullDoCookies and answers with a cookie, no drop), when the accept
 *   queue is full (ListenOverflows), and under the tcp_max_syn_backlog rule
 *   or on a memory, routing or LSM failure (ListenDrops only).
 * - tcp_v4_syn_recv_sock() (net/ipv4/tcp_ipv4.c; tcp_v6_syn_recv_sock() in
 *   net/ipv6/tcp_ipv6.c) drops the third ACK when the accept queue is full:
 *   ListenOverflows and tcp_listendrop(). tcp_check_req()
 *   (net/ipv4/tcp_minisocks.c) then returns NULL and tcp_v4_rcv() adds the
 *   segment to sk_drops a second time (discard_and_relse) and frees it with
 *   drop reason TCP_LISTEN_OVERFLOW (>= 6.15). The same discard_and_relse
 *   counts in sk_drops, and not in ListenDrops, a retransmitted SYN of a
 *   pending request.
 * - kfree_skb's tracepoint names the receiving socket (rx_sk, >= 6.11;
 *   include/trace/events/skb.h). The BPF side counts every segment freed
 *   with a tracked listener as rx_sk (rx_discards; ack_overflows for reason
 *   TCP_LISTEN_OVERFLOW) and reports listen drops = sk_drops - rx_discards:
 *   ListenDrops of that listener alone, exact without subtraction here.
 *   Without rx_sk the records say TL_LF_RAW_DROPS and drops are sk_drops.
 * So drops and discarded segments are exact per listener; the SYN-time
 * causes exist only per namespace: they belong to a listener exactly when it
 * is the only one of its namespace whose drops moved.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backlog/backlog_diag.h"
#include "output/format.h"

static const char *const nosplit_names[BL_NOSPLIT_MAX] = {
	[BL_SPLIT_OK] = "ok",
	[BL_NOSPLIT_SHARED] = "shared",
	[BL_NOSPLIT_NO_MIB] = "no_mib",
	[BL_NOSPLIT_RAW_DROPS] = "raw_drops",
	[BL_NOSPLIT_NO_REASON] = "no_reason",
	[BL_NOSPLIT_UNTRACKED] = "untracked",
	[BL_NOSPLIT_INCONSISTENT] = "inconsistent",
};

const char *bl_nosplit_name(enum bl_nosplit why)
{
	return why < BL_NOSPLIT_MAX ? nosplit_names[why] : "unknown";
}

/*
 * The namespace's own counters are read one after another while drops go on,
 * and a drop increments TCPReqQFullDrop before ListenDrops: each CPU may be
 * between the two at a reading (measured with 2 CPUs under a 200k SYN/s
 * flood: TCPReqQFullDrop - ListenDrops was 0 or 1 at any reading). A cause
 * whose count stays within that slack is read skew, not a cause.
 */
static int64_t skew_slack(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return 2 * (n > 0 ? n : 1);
}

/*
 * Under a sustained flood the namespace's counters and the listener's, read a
 * few ms apart, never agree (every interval of a 200k SYN/s flood was
 * "inconsistent" before this). When the namespace's drops in the interval had
 * one SYN-time cause (the others within the slack) and no third ACK
 * overflowed, this listener's drops (the only one dropping) had that cause;
 * the sums over a run equal the kernel's once the flood ends
 * (tests/sys/test_syn_flood.py). A drop at an interval's edge could belong to
 * a neighbour interval of another single cause: not seen.
 */
static bool split_single_cause(struct bl_row *r, const struct bl_mib *d, uint64_t sum_ack)
{
	int64_t l = (int64_t)d->v[BL_LISTEN_DROPS], o = (int64_t)d->v[BL_LISTEN_OVERFLOWS];
	int64_t q = (int64_t)d->v[BL_REQQ_FULL_DROP], rest = l - o - q, slack = skew_slack();

	if (sum_ack || r->at_ack || rest < -slack)
		return false;
	if ((o > slack) + (q > slack) + (rest > slack) != 1)
		return false;
	r->at_syn = o > slack ? r->drops : 0;
	r->synq_full = q > slack ? r->drops : 0;
	r->other = r->drops - r->at_syn - r->synq_full;
	return true;
}

static void split_one(struct bl_row *r, const struct bl_mib *d, uint64_t sum_ack)
{
	uint64_t l = d->v[BL_LISTEN_DROPS], o = d->v[BL_LISTEN_OVERFLOWS];
	uint64_t q = d->v[BL_REQQ_FULL_DROP];

	/* exactly when the namespace saw exactly this listener's drops */
	if (l == r->drops && o >= sum_ack && o - sum_ack + r->at_ack + q <= l) {
		r->at_syn = o - sum_ack;
		r->synq_full = q;
		r->other = l - r->at_syn - r->at_ack - q;
		return;
	}
	if (!split_single_cause(r, d, sum_ack))
		r->split = BL_NOSPLIT_INCONSISTENT;
}

static enum bl_nosplit why_not(const struct bl_row *r, const struct bl_mib *delta, bool untracked)
{
	if (!delta)
		return BL_NOSPLIT_NO_MIB;
	if (r->raw_drops)
		return BL_NOSPLIT_RAW_DROPS;
	if (!r->has_at_ack)
		return BL_NOSPLIT_NO_REASON;
	if (untracked)
		return BL_NOSPLIT_UNTRACKED;
	return BL_SPLIT_OK;
}

void bl_attribute(struct bl_row *rows, size_t n, const struct bl_mib *delta, bool untracked)
{
	size_t movers = 0, mover = 0;
	uint64_t sum_ack = 0;

	for (size_t i = 0; i < n; i++) {
		struct bl_row *r = &rows[i];

		r->mib_known = delta != NULL;
		r->cookies_sent = delta ? delta->v[BL_COOKIES_SENT] : 0;
		if (r->precise) {
			/* counted per listener in the kernel: nothing to share */
			r->split = BL_SPLIT_OK;
			continue;
		}
		r->at_syn = r->synq_full = r->other = 0;
		r->split = why_not(r, delta, untracked);
		if (r->drops) {
			movers++;
			mover = i;
		}
		if (r->has_at_ack)
			sum_ack += r->at_ack;
	}
	if (movers > 1) {
		for (size_t i = 0; i < n; i++)
			if (rows[i].drops && rows[i].split == BL_SPLIT_OK)
				rows[i].split = BL_NOSPLIT_SHARED;
	} else if (movers == 1 && rows[mover].split == BL_SPLIT_OK) {
		split_one(&rows[mover], delta, sum_ack);
	}
}

bool bl_troubled(const struct bl_row *r)
{
	return r->drops || r->synack_rtx || r->acceptq_peak > r->acceptq_limit ||
	       r->synq_peak > r->synq_limit;
}

int bl_row_cmp(const void *pa, const void *pb)
{
	const struct bl_row *a = pa, *b = pb;
	bool ta = bl_troubled(a), tb = bl_troubled(b);

	if (ta != tb)
		return ta ? -1 : 1;
	if (a->drops != b->drops)
		return a->drops > b->drops ? -1 : 1;
	if (a->netns != b->netns)
		return a->netns < b->netns ? -1 : 1;
	if (a->lport != b->lport)
		return a->lport < b->lport ? -1 : 1;
	return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

/* A bounded sentence builder: text past the end is cut. */
struct sentence {
	char *buf;
	size_t len, size;
};

static void add(struct sentence *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct sentence *s, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (s->len + 1 >= s->size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		s->len += (size_t)w < s->size - s->len ? (size_t)w : s->size - s->len - 1;
}

/* Between two findings about the same listener. */
static void next_part(struct sentence *s)
{
	if (s->len)
		add(s, "; ");
}

/* "127.0.0.1:8080 (nginx, pid 1234)"; the name made safe for a terminal (format.h) */
static void name_listener(const struct bl_row *r, char *buf, size_t len)
{
	char ep[TL_ENDPOINT_LEN], comm[TL_SAFE_LEN(TL_COMM_LEN)];

	tl_fmt_endpoint(r->family, r->laddr, r->lport, ep, sizeof(ep));
	if (r->owner_conf == TL_OWNER_UNKNOWN || r->owner_conf > TL_OWNER_LISTENER) {
		snprintf(buf, len, "%s (owner unknown)", ep);
		return;
	}
	tl_fmt_safe(r->comm, TL_COMM_LEN, comm, sizeof(comm));
	snprintf(buf, len, "%s (%s, pid %u)", ep, comm, r->pid);
}

static void when(const struct bl_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%.3g s", (double)r->interval_ns / 1e9);
}

static void limit_why(struct sentence *s, const struct bl_row *r)
{
	if (r->sys.somaxconn < 0)
		add(s, "the listen() backlog");
	else if (r->acceptq_limit == (uint32_t)r->sys.somaxconn)
		add(s, "the listen() backlog capped by net.core.somaxconn=%d", r->sys.somaxconn);
	else
		add(s, "the listen() backlog; net.core.somaxconn=%d", r->sys.somaxconn);
}

static void accept_full(struct sentence *s, const struct bl_row *r, const char *who, const char *t,
			uint64_t at_syn, bool syn_known)
{
	next_part(s);
	add(s, "accept queue of %s was full: %llu connection attempts dropped in %s (", who,
	    (unsigned long long)(at_syn + r->at_ack), t);
	if (syn_known)
		add(s, "%llu SYNs, ", (unsigned long long)at_syn);
	add(s, "%llu third ACKs), limit %u (", (unsigned long long)r->at_ack, r->acceptq_limit);
	limit_why(s, r);
	add(s, "): the application accepts too slowly or the backlog is too small; raise the "
	       "listen() backlog (and net.core.somaxconn) or accept faster - a longer queue "
	       "adds latency");
	if (r->at_ack && r->sys.abort_on_overflow == 1)
		add(s,
		    "; net.ipv4.tcp_abort_on_overflow=1: the %llu clients whose third ACK "
		    "overflowed were sent resets instead of being retried",
		    (unsigned long long)r->at_ack);
}

static void syn_side(struct sentence *s, const struct bl_row *r, const char *who, const char *t)
{
	int m = r->sys.max_syn_backlog;

	if (r->synq_full) {
		next_part(s);
		add(s,
		    "SYN queue of %s was full: %llu SYNs dropped in %s, limit %u (it holds %u) "
		    "with net.ipv4.tcp_syncookies=%d: a SYN flood or a burst larger than the "
		    "backlog; set net.ipv4.tcp_syncookies=1, or raise the listen() backlog (and "
		    "net.core.somaxconn)",
		    who, (unsigned long long)r->synq_full, t, r->synq_limit, r->synq_limit + 1,
		    r->sys.syncookies);
	}
	if (!r->other)
		return;
	next_part(s);
	if (r->sys.syncookies == 0 && m > 0 && r->synq_peak > (uint32_t)(m - (m >> 2)))
		add(s,
		    "%llu SYNs to %s were dropped in %s by the net.ipv4.tcp_max_syn_backlog=%d "
		    "rule: with syncookies off, a SYN queue holding more than %d requests "
		    "(3/4 of it; peak %u) answers only peers proven alive; raise "
		    "net.ipv4.tcp_max_syn_backlog or set net.ipv4.tcp_syncookies=1",
		    (unsigned long long)r->other, who, t, m, m - (m >> 2), r->synq_peak);
	else
		add(s,
		    "%llu SYNs to %s were dropped in %s with no queue full: memory, routing "
		    "or a security hook refused the request",
		    (unsigned long long)r->other, who, t);
}

static void not_split(struct sentence *s, const struct bl_row *r, const char *who, const char *t)
{
	static const char *const why[BL_NOSPLIT_MAX] = {
		[BL_NOSPLIT_SHARED] = "other listeners of the network namespace dropped in the "
				      "same interval and the kernel counts the SYN-time causes "
				      "per namespace only",
		[BL_NOSPLIT_NO_MIB] = "the namespace's counters could not be read",
		[BL_NOSPLIT_RAW_DROPS] = "this kernel does not name the socket of a dropped "
					 "segment, so the count includes discarded segments",
		[BL_NOSPLIT_NO_REASON] = "this kernel has no TCP_LISTEN_OVERFLOW drop reason",
		[BL_NOSPLIT_UNTRACKED] = "some listeners are not tracked (listener map full)",
		[BL_NOSPLIT_INCONSISTENT] = "the counters moved between two readings",
	};

	next_part(s);
	add(s, "%s dropped %llu %s in %s; their causes cannot be split (%s)", who,
	    (unsigned long long)r->drops, r->raw_drops ? "segments" : "connection attempts", t,
	    r->split < BL_NOSPLIT_MAX ? why[r->split] : "?");
	if (r->has_at_ack && r->at_ack)
		add(s, "; %llu were third ACKs refused by a full accept queue",
		    (unsigned long long)r->at_ack);
	if (r->acceptq_peak > r->acceptq_limit)
		add(s, "; its accept queue was full (%u, limit %u)", r->acceptq_peak,
		    r->acceptq_limit);
	if (r->synq_peak > r->synq_limit)
		add(s, "; its SYN queue was full (%u, limit %u)", r->synq_peak, r->synq_limit);
}

size_t bl_diagnose(const struct bl_row *r, char *buf, size_t len)
{
	struct sentence s = { .buf = buf, .size = len };
	char who[TL_ENDPOINT_LEN + TL_SAFE_LEN(TL_COMM_LEN) + 32], t[32];
	bool split = r->split == BL_SPLIT_OK;

	if (len)
		buf[0] = '\0';
	name_listener(r, who, sizeof(who));
	when(r, t, sizeof(t));
	if (r->drops && !split) {
		not_split(&s, r, who, t);
	} else if (r->drops) {
		if (r->at_syn || r->at_ack)
			accept_full(&s, r, who, t, r->at_syn, true);
		syn_side(&s, r, who, t);
	}
	if (r->mib_known && r->cookies_sent && r->synq_peak > r->synq_limit) {
		next_part(&s);
		add(&s,
		    "SYN queue of %s overflowed (%u, limit %u) and its network namespace "
		    "answered %llu SYNs with syncookies in %s: not drops, the connections "
		    "still complete, with fewer TCP options; a SYN flood or a burst larger "
		    "than the backlog - if the traffic is legitimate, raise the listen() "
		    "backlog (and net.core.somaxconn)",
		    who, r->synq_peak, r->synq_limit, (unsigned long long)r->cookies_sent, t);
	}
	if (!s.len && r->synack_rtx) {
		add(&s,
		    "%u SYN-ACKs of %s were retransmitted in %s, %u handshakes pending (peak "
		    "%u): clients do not complete the handshake - their ACKs are lost or "
		    "dropped on the way, or the SYNs were spoofed; each pending handshake is "
		    "retried net.ipv4.tcp_synack_retries=%d times",
		    r->synack_rtx, who, t, r->synq, r->synq_peak, r->sys.synack_retries);
	}
	return s.len;
}
