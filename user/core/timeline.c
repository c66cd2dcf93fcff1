// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * timeline.c - the per-connection table behind lifelines (see timeline.h).
 *
 * Connections are keyed by socket cookie in a chained hash over a fixed pool,
 * with an LRU list for eviction and two deadline lists: closes waiting for
 * the reset the kernel sends after moving a socket to CLOSE, and connections
 * whose timewait socket has not expired yet.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeline.h"

struct dlist {
	struct dlist *prev, *next;
};

/*
 * The first cache line holds all that lookups, chain walks and list moves
 * read, so a connection idle for a while (a timewait socket, a neighbour in
 * the LRU list) costs one cache miss there, not three.
 */
struct conn {
	struct conn *hnext;
	uint64_t cookie; /* l.cookie, here for the chain walk */
	struct conn *twnext; /* by tuple, while a timewait socket holds it */
	uint64_t tw_hash; /* hash of the tuple while in_tw, checked before the tuple */
	struct dlist lru; /* all live conns, least recently touched first */
	struct dlist due; /* on t->closing or t->timewait */
	/* second line: the per-event state */
	uint64_t enter_ns; /* when the current state was entered, 0 if unseen */
	uint64_t due_ns; /* close pending / timewait since */
	uint64_t last_ts; /* last event applied, for duplicates */
	uint32_t rtx_segs; /* retransmitted segments seen as events */
	uint8_t last_old, last_new;
	uint8_t state; /* current state */
	bool in_use, reset_sent, reset_recv, established, closing, in_tw;
	struct tl_lifeline l;
} __attribute__((aligned(64)));

#define LISTENERS 4096 /* direct-mapped: a miss only costs an inherited owner */

struct listener {
	uint32_t netns;
	uint16_t lport;
	uint8_t conf;
	uint32_t pid;
	char comm[TL_COMM_LEN];
};

struct tl_timeline {
	struct tl_timeline_opts opts;
	struct tl_timeline_out out;
	struct conn *pool; /* cache-line aligned, within pool_mem */
	void *pool_mem;
	uint32_t pool_used; /* entries handed out so far: the rest are untouched pages */
	struct conn *free; /* entries given back */
	struct conn **buckets;
	struct conn **tw_buckets; /* in_tw conns by tuple: a new socket ends them */
	uint32_t nbuckets_mask;
	uint32_t size;
	struct dlist lru, closing, timewait;
	uint64_t rekeys; /* timewait lifelines moved aside by address reuse (hashed ids) */
	struct listener listeners[LISTENERS];
	uint64_t evictions, truncated, lifelines;
};

static void dl_init(struct dlist *h)
{
	h->prev = h->next = h;
}

static bool dl_empty(const struct dlist *h)
{
	return h->next == h;
}

static void dl_del(struct dlist *n)
{
	if (!n->next)
		return;
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = NULL;
}

/* A node is on one list at most: adding it moves it, never links it twice. */
static void dl_add_tail(struct dlist *h, struct dlist *n)
{
	dl_del(n);
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

#define conn_of(ptr, member) ((struct conn *)((char *)(ptr)-offsetof(struct conn, member)))

static uint32_t hash_cookie(const struct tl_timeline *t, uint64_t cookie)
{
	return (uint32_t)((cookie * 0x9E3779B97F4A7C15ULL) >> 32) & t->nbuckets_mask;
}

struct tl_timeline *tl_timeline_new(const struct tl_timeline_opts *opts,
				    const struct tl_timeline_out *out)
{
	struct tl_timeline *t = calloc(1, sizeof(*t));
	uint32_t nb = 1;

	if (!t)
		return NULL;
	t->opts = *opts;
	if (t->opts.max_conns < 1)
		t->opts.max_conns = 1;
	t->out = *out;
	while (nb < t->opts.max_conns)
		nb <<= 1;
	t->nbuckets_mask = nb - 1;
	/* calloc'd pages are only touched as the table fills */
	t->pool_mem = calloc((size_t)t->opts.max_conns + 1, sizeof(*t->pool));
	t->pool = t->pool_mem ? (struct conn *)(((uintptr_t)t->pool_mem + 63) & ~(uintptr_t)63) :
				NULL;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	t->tw_buckets = calloc(nb, sizeof(*t->tw_buckets));
	if (!t->pool || !t->buckets || !t->tw_buckets) {
		tl_timeline_free(t);
		return NULL;
	}
	dl_init(&t->lru);
	dl_init(&t->closing);
	dl_init(&t->timewait);
	return t;
}

void tl_timeline_free(struct tl_timeline *t)
{
	if (!t)
		return;
	free(t->pool_mem);
	free(t->buckets);
	free(t->tw_buckets);
	free(t);
}

static struct conn *lookup(struct tl_timeline *t, uint64_t cookie)
{
	struct conn *c = t->buckets[hash_cookie(t, cookie)];

	while (c && c->cookie != cookie)
		c = c->hnext;
	return c;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 29);
}

/* A tuple's hash, in full (tw_hash); the bucket is its top bits. */
static uint64_t hash_of_tuple(uint32_t netns, uint8_t family, uint16_t lport, uint16_t rport,
			      const uint8_t laddr[16], const uint8_t raddr[16])
{
	uint64_t w[4];

	memcpy(w, laddr, 16);
	memcpy(w + 2, raddr, 16);
	return mix(mix(mix(mix(mix((uint64_t)netns << 32 | (uint32_t)lport << 16 | rport, family),
			       w[0]),
			   w[1]),
		       w[2]),
		   w[3]);
}

static uint64_t tuple_hash(const struct tl_lifeline *l)
{
	return hash_of_tuple(l->netns, l->family, l->lport, l->rport, l->laddr, l->raddr);
}

static uint32_t tuple_bucket(const struct tl_timeline *t, uint64_t h)
{
	return (uint32_t)(h >> 32) & t->nbuckets_mask;
}

static bool same_tuple(const struct tl_lifeline *a, const struct tl_lifeline *b)
{
	return a->netns == b->netns && a->family == b->family && a->lport == b->lport &&
	       a->rport == b->rport && !memcmp(a->laddr, b->laddr, 16) &&
	       !memcmp(a->raddr, b->raddr, 16);
}

static void tw_index_add(struct tl_timeline *t, struct conn *c)
{
	uint32_t b;

	c->tw_hash = tuple_hash(&c->l);
	b = tuple_bucket(t, c->tw_hash);
	c->in_tw = true;
	c->twnext = t->tw_buckets[b];
	t->tw_buckets[b] = c;
}

static void tw_index_del(struct tl_timeline *t, struct conn *c)
{
	struct conn **pp;

	if (!c->in_tw)
		return;
	pp = &t->tw_buckets[tuple_bucket(t, c->tw_hash)];
	while (*pp && *pp != c)
		pp = &(*pp)->twnext;
	if (*pp)
		*pp = c->twnext;
	c->in_tw = false;
}

/* Move @c to a key no socket has (bit 62, a counter); its lifeline keeps its cookie. */
static void rekey(struct tl_timeline *t, struct conn *c)
{
	struct conn **pp = &t->buckets[hash_cookie(t, c->cookie)];
	uint32_t b;

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	c->cookie = 1ULL << 62 | ++t->rekeys;
	b = hash_cookie(t, c->cookie);
	c->hnext = t->buckets[b];
	t->buckets[b] = c;
}

static void unlink_conn(struct tl_timeline *t, struct conn *c)
{
	tw_index_del(t, c);
	struct conn **pp = &t->buckets[hash_cookie(t, c->cookie)];

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	dl_del(&c->lru);
	dl_del(&c->due);
	c->in_use = false;
	c->hnext = t->free;
	t->free = c;
	t->size--;
}

static struct listener *listener_slot(struct tl_timeline *t, uint32_t netns, uint16_t lport)
{
	uint32_t h = (netns * 2654435761u) ^ (lport * 40503u);

	return &t->listeners[h % LISTENERS];
}

static void remember_listener(struct tl_timeline *t, const struct conn *c)
{
	struct listener *s;

	if (c->l.owner_conf != TL_OWNER_EXACT)
		return;
	s = listener_slot(t, c->l.netns, c->l.lport);
	s->netns = c->l.netns;
	s->lport = c->l.lport;
	s->conf = TL_OWNER_EXACT;
	s->pid = c->l.pid;
	memcpy(s->comm, c->l.comm, TL_COMM_LEN);
}

static void inherit_listener_owner(struct tl_timeline *t, struct conn *c)
{
	struct listener *s = listener_slot(t, c->l.netns, c->l.lport);

	if (c->l.owner_conf != TL_OWNER_UNKNOWN || !s->conf || s->netns != c->l.netns ||
	    s->lport != c->l.lport)
		return;
	c->l.owner_conf = TL_OWNER_LISTENER;
	c->l.pid = s->pid;
	memcpy(c->l.comm, s->comm, TL_COMM_LEN);
}

static void push_state(struct tl_timeline *t, struct conn *c, uint8_t state, uint64_t enter_ns)
{
	struct tl_lifeline *l = &c->l;

	if (l->nstates == TL_LIFELINE_MAX_STATES) {
		/* keep the newest: how a connection ended matters most */
		memmove(&l->states[0], &l->states[1], sizeof(l->states[0]) * (l->nstates - 1));
		l->nstates--;
		if (!l->states_truncated)
			t->truncated++;
		l->states_truncated = true;
	}
	l->states[l->nstates] = tl_dwell_make(state, TL_DWELL_UNKNOWN);
	l->nstates++;
	c->state = state;
	c->enter_ns = enter_ns;
	if (state == TL_TCP_ESTABLISHED)
		c->established = true;
}

/* Close the current state: its dwell, from the kernel if it measured it. */
static void close_state(struct conn *c, uint64_t dwell_ns, uint64_t now_ns)
{
	struct tl_dwell *d;

	if (!c->l.nstates)
		return;
	d = &c->l.states[c->l.nstates - 1];
	if (dwell_ns != TL_DWELL_UNKNOWN)
		*d = tl_dwell_make(tl_dwell_state(d), dwell_ns);
	else if (c->enter_ns && now_ns >= c->enter_ns)
		*d = tl_dwell_make(tl_dwell_state(d), now_ns - c->enter_ns);
}

/* Leave @old; when the table thought otherwise, a transition was missed. */
static void leave_state(struct tl_timeline *t, struct conn *c, uint8_t old, uint64_t dwell_ns,
			uint64_t now_ns)
{
	if (c->l.nstates && c->state != old)
		push_state(t, c, old, 0);
	close_state(c, dwell_ns, now_ns);
}

static void set_tuple(struct conn *c, const struct tl_event *ev)
{
	struct tl_lifeline *l = &c->l;

	l->netns = ev->netns;
	l->family = ev->family;
	/* a connecting socket has no local port yet at SYN_SENT: keep what we learn */
	if (ev->lport)
		l->lport = ev->lport;
	if (ev->rport)
		l->rport = ev->rport;
	if (ev->lport || !l->lport)
		memcpy(l->laddr, ev->laddr, 16);
	if (ev->rport || !l->rport)
		memcpy(l->raddr, ev->raddr, 16);
}

/*
 * The owner: the first exact one (the caller of connect(), listen() or
 * accept(), or the holder /proc names) stays; an inherited one (from the
 * listener) only stands in until an exact one is known.
 */
static void take_owner(struct conn *c, const struct tl_event *ev)
{
	if (ev->owner_conf == TL_OWNER_UNKNOWN || c->l.owner_conf == TL_OWNER_EXACT)
		return;
	if (ev->owner_conf == TL_OWNER_LISTENER && c->l.owner_conf == TL_OWNER_LISTENER)
		return;
	c->l.owner_conf = ev->owner_conf;
	c->l.pid = ev->pid;
	memcpy(c->l.comm, ev->comm, TL_COMM_LEN);
}

static void take_stats(struct conn *c, const struct tl_event *ev)
{
	if (!(ev->flags & TL_F_STATS))
		return;
	c->l.stats_known = true;
	c->l.bytes_acked = ev->bytes_acked;
	c->l.bytes_received = ev->bytes_received;
	c->l.srtt_us = ev->srtt_us;
	c->l.retransmits = ev->total_retrans;
}

static enum tl_end end_of(const struct conn *c)
{
	switch (c->l.err) {
	case ECONNREFUSED:
		return TL_END_REFUSED;
	case ETIMEDOUT:
		return TL_END_TIMED_OUT;
	case ECONNRESET:
	case EPIPE:
		if (c->reset_recv)
			return TL_END_RESET_BY_PEER;
		break;
	}
	if (c->reset_recv)
		return TL_END_RESET_BY_PEER;
	if (c->reset_sent)
		return TL_END_RESET_LOCAL;
	if (c->l.err)
		return TL_END_ERROR;
	if (!c->established && c->l.nstates && tl_dwell_state(&c->l.states[0]) != TL_TCP_LISTEN)
		return TL_END_ABORTED;
	return TL_END_CLOSED;
}

static void finish(struct tl_timeline *t, struct conn *c, enum tl_end end, uint64_t end_ns)
{
	c->l.end = end;
	c->l.end_ns = end_ns;
	if (!c->l.stats_known && c->rtx_segs)
		c->l.retransmits = c->rtx_segs;
	t->lifelines++;
	if (t->out.lifeline)
		t->out.lifeline(t->out.ctx, &c->l);
	unlink_conn(t, c);
}

/*
 * Make room: the least recently active connection goes. One already closed
 * and only waiting for a late reset is just finished early; any other is
 * forgotten mid-life, which is counted and said in its lifeline.
 */
static void evict_one(struct tl_timeline *t)
{
	struct conn *c = conn_of(t->lru.next, lru);

	if (c->closing) {
		finish(t, c, end_of(c), c->due_ns);
		return;
	}
	t->evictions++;
	finish(t, c, TL_END_EVICTED, c->last_ts);
}

static struct conn *create(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c;
	uint32_t b;

	if (!t->free && t->pool_used == t->opts.max_conns)
		evict_one(t);
	if (t->free) {
		c = t->free;
		t->free = c->hnext;
	} else {
		c = &t->pool[t->pool_used++];
	}
	memset(c, 0, sizeof(*c));
	c->in_use = true;
	c->cookie = c->l.cookie = ev->cookie;
	c->l.start_ns = ev->ts_ns;
	set_tuple(c, ev);
	b = hash_cookie(t, ev->cookie);
	c->hnext = t->buckets[b];
	t->buckets[b] = c;
	dl_add_tail(&t->lru, &c->lru);
	t->size++;
	return c;
}

static void touch(struct tl_timeline *t, struct conn *c, const struct tl_event *ev)
{
	dl_del(&c->lru);
	dl_add_tail(&t->lru, &c->lru);
	if (ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
}

/* How much an owner is worth: exact, then inherited, then unknown. */
static int owner_rank(uint8_t conf)
{
	return conf == TL_OWNER_EXACT ? 2 : conf == TL_OWNER_LISTENER ? 1 : 0;
}

/* An event goes out with its connection's owner, unless it knows better. */
static void emit(struct tl_timeline *t, const struct conn *c, const struct tl_event *ev)
{
	struct tl_event copy;

	if (!t->out.event)
		return;
	if (!c || owner_rank(ev->owner_conf) > owner_rank(c->l.owner_conf) ||
	    (ev->owner_conf == c->l.owner_conf && ev->pid == c->l.pid &&
	     !memcmp(ev->comm, c->l.comm, TL_COMM_LEN))) {
		t->out.event(t->out.ctx, ev);
		return;
	}
	copy = *ev;
	copy.owner_conf = c->l.owner_conf;
	copy.pid = c->l.pid;
	memcpy(copy.comm, c->l.comm, TL_COMM_LEN);
	t->out.event(t->out.ctx, &copy);
}

/* A connection first seen in the middle of its life, in state @state. */
static struct conn *create_midlife(struct tl_timeline *t, const struct tl_event *ev, uint8_t state,
				   uint64_t dwell_ns)
{
	struct conn *c = create(t, ev);

	if (dwell_ns != TL_DWELL_UNKNOWN && dwell_ns <= ev->ts_ns)
		c->l.start_ns = ev->ts_ns - dwell_ns;
	push_state(t, c, state, 0);
	if (state == TL_TCP_ESTABLISHED || state == TL_TCP_CLOSE_WAIT ||
	    state == TL_TCP_FIN_WAIT1 || state == TL_TCP_FIN_WAIT2 || state == TL_TCP_CLOSING ||
	    state == TL_TCP_LAST_ACK || state == TL_TCP_TIME_WAIT)
		c->established = true;
	return c;
}

/*
 * The timewait socket of @c is gone at @ts: its timer expired, or a new
 * socket of the same tuple replaced it (tw_reuse, or a SYN to a server's
 * timewait socket), which no tracepoint reports either.
 */
static void end_timewait(struct tl_timeline *t, struct conn *c, uint64_t ts)
{
	struct tl_event shown = {
		.type = TL_EV_STATE,
		.ts_ns = ts,
		.cookie = c->l.cookie,
		.netns = c->l.netns,
		.family = c->l.family,
		.lport = c->l.lport,
		.rport = c->l.rport,
		.old_state = c->state,
		.new_state = TL_TCP_CLOSE,
		.reason = TL_REASON_NONE,
	};

	memcpy(shown.laddr, c->l.laddr, 16);
	memcpy(shown.raddr, c->l.raddr, 16);
	shown.dwell_ns = c->enter_ns && ts >= c->enter_ns ? ts - c->enter_ns : TL_DWELL_UNKNOWN;
	close_state(c, shown.dwell_ns, ts);
	emit(t, c, &shown);
	finish(t, c, end_of(c), ts);
}

/* A timewait socket in substate FIN_WAIT2 got the peer's FIN: now TIME_WAIT. */
static void on_tw_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c = lookup(t, ev->cookie);
	struct tl_event shown;

	if (!c || !c->in_tw || c->state != TL_TCP_FIN_WAIT2 || ev->old_state != TL_TCP_TIME_WAIT)
		return;
	touch(t, c, ev);
	shown = *ev;
	shown.type = TL_EV_STATE;
	shown.old_state = TL_TCP_FIN_WAIT2;
	shown.new_state = TL_TCP_TIME_WAIT;
	shown.dwell_ns = c->enter_ns && ev->ts_ns >= c->enter_ns ? ev->ts_ns - c->enter_ns :
								   TL_DWELL_UNKNOWN;
	close_state(c, shown.dwell_ns, ev->ts_ns);
	push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
	emit(t, c, &shown);
}

static void on_tw_end(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c = lookup(t, ev->cookie);

	if (c && c->in_tw)
		end_timewait(t, c, ev->ts_ns);
}

static void end_replaced_timewait(struct tl_timeline *t, const struct conn *c, uint64_t ts)
{
	uint64_t h = tuple_hash(&c->l);
	struct conn *tw = t->tw_buckets[tuple_bucket(t, h)];

	while (tw && (tw == c || tw->tw_hash != h || !same_tuple(&tw->l, &c->l)))
		tw = tw->twnext;
	if (tw)
		end_timewait(t, tw, ts);
}

static void enter_timewait(struct tl_timeline *t, struct conn *c, const struct tl_event *ev)
{
	struct tl_event shown = *ev;

	tw_index_add(t, c);
	c->due_ns = ev->ts_ns;
	dl_add_tail(&t->timewait, &c->due);
	if (ev->reason == TL_TCP_FIN_WAIT2) {
		/* an orphan whose FIN_WAIT2 goes on in a timewait socket: no transition */
		return;
	}
	leave_state(t, c, ev->old_state, ev->dwell_ns, ev->ts_ns);
	push_state(t, c, TL_TCP_TIME_WAIT, ev->ts_ns);
	shown.new_state = TL_TCP_TIME_WAIT;
	emit(t, c, &shown);
}

static void on_state(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c = lookup(t, ev->cookie);
	uint8_t old = ev->old_state, new = ev->new_state;
	struct tl_event shown;

	if (c && c->last_ts == ev->ts_ns && c->last_old == old && c->last_new == new)
		return; /* duplicate */
	if (c && c->l.preexisting && ev->ts_ns < c->l.start_ns)
		return; /* older than the socket dump, which shows where it led */
	if (c && c->in_tw && (ev->cookie & TL_COOKIE_HASHED) && new != TL_TCP_CLOSE) {
		/*
		 * Not the same socket: a new one at the address of one whose timewait
		 * socket (another object) lives on. That lifeline keeps waiting under a
		 * key of its own; its TIME_WAIT ends by the timer or a replacing tuple.
		 */
		rekey(t, c);
		c = NULL;
	}
	if (c && (c->closing || c->in_tw)) {
		if (new == TL_TCP_CLOSE)
			return; /* already closed: nothing new */
		/* the same socket lives again (connect() or listen() after CLOSE) */
		finish(t, c, end_of(c), c->closing ? c->due_ns : ev->ts_ns);
		c = NULL;
	}
	if (!c) {
		if (old == TL_TCP_CLOSE && new == TL_TCP_CLOSE)
			return;
		if (old == TL_TCP_CLOSE || (old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV))
			c = create(t, ev);
		else
			c = create_midlife(t, ev, old, ev->dwell_ns);
	}
	if (ev->dwell_ns == TL_DWELL_UNKNOWN && c->state == old && c->enter_ns &&
	    ev->ts_ns >= c->enter_ns) {
		/* the kernel kept no storage (or could not): the time since the last change */
		shown = *ev;
		shown.dwell_ns = ev->ts_ns - c->enter_ns;
		ev = &shown;
	}
	touch(t, c, ev);
	set_tuple(c, ev);
	take_owner(c, ev);
	c->last_old = old;
	c->last_new = new;
	if (old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV)
		inherit_listener_owner(t, c);
	if ((old == TL_TCP_LISTEN && new == TL_TCP_SYN_RECV) ||
	    (old == TL_TCP_SYN_SENT && new == TL_TCP_ESTABLISHED))
		end_replaced_timewait(t, c, ev->ts_ns);

	if (new == TL_TCP_CLOSE) {
		take_stats(c, ev);
		if (ev->flags & TL_F_TIMEWAIT) {
			enter_timewait(t, c, ev);
			return;
		}
		leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
		c->l.err = ev->reason != TL_REASON_NONE ? (int32_t)ev->reason : 0;
		c->state = TL_TCP_CLOSE;
		emit(t, c, ev);
		/* the reset of an abortive close comes right after the CLOSE: wait for it */
		c->closing = true;
		c->due_ns = ev->ts_ns;
		dl_add_tail(&t->closing, &c->due);
		return;
	}
	leave_state(t, c, old, ev->dwell_ns, ev->ts_ns);
	push_state(t, c, new, ev->ts_ns);
	if (new == TL_TCP_LISTEN)
		remember_listener(t, c);
	emit(t, c, ev);
}

/* A socket found by the start-up dump. */
static void on_sock(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c = lookup(t, ev->cookie);

	/* a request socket is not a connection yet: its child will be, with a new cookie */
	if (ev->old_state == TL_TCP_NEW_SYN_RECV)
		return;
	if (c)
		return; /* already seen live: that is fresher */
	c = create_midlife(t, ev, ev->old_state, TL_DWELL_UNKNOWN);
	c->l.preexisting = true;
	take_owner(c, ev);
	if (ev->flags & TL_F_TIMEWAIT) {
		/* a timewait socket (FIN_WAIT2 substate too) is already past its full socket */
		tw_index_add(t, c);
		c->due_ns = ev->ts_ns;
		dl_add_tail(&t->timewait, &c->due);
	}
	if (ev->old_state == TL_TCP_LISTEN)
		remember_listener(t, c);
}

static void on_other(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c = ev->cookie ? lookup(t, ev->cookie) : NULL;

	if (c) {
		touch(t, c, ev);
		switch (ev->type) {
		case TL_EV_RETRANS:
			c->rtx_segs += ev->segs;
			break;
		case TL_EV_RESET_SENT:
			c->reset_sent = true;
			break;
		case TL_EV_RESET_RECV:
			c->reset_recv = true;
			break;
		}
	}
	emit(t, c, ev);
}

void tl_timeline_feed(struct tl_timeline *t, const struct tl_event *ev)
{
	struct conn *c;

	switch (ev->type) {
	case TL_EV_STATE:
		on_state(t, ev);
		break;
	case TL_EV_TW_END:
		on_tw_end(t, ev);
		break;
	case TL_EV_TW_STATE:
		on_tw_state(t, ev);
		break;
	case TL_EV_SOCK:
		on_sock(t, ev);
		break;
	case TL_EV_OWNER:
		c = lookup(t, ev->cookie);
		if (c) {
			touch(t, c, ev);
			take_owner(c, ev);
		}
		break;
	case TL_EV_RETRANS:
	case TL_EV_SYNACK_RETRANS:
	case TL_EV_RESET_SENT:
	case TL_EV_RESET_RECV:
	case TL_EV_DROP:
	case TL_EV_LISTENER:
		on_other(t, ev);
		break;
	default:
		break;
	}
}

void tl_timeline_tick(struct tl_timeline *t, uint64_t now_ns)
{
	uint64_t tw_limit = t->opts.tw_end_observable ? TL_TIMEWAIT_GIVEUP_NS : TL_TIMEWAIT_NS;

	while (!dl_empty(&t->closing)) {
		struct conn *c = conn_of(t->closing.next, due);

		if (c->due_ns + TL_CLOSE_GRACE_NS > now_ns)
			break;
		finish(t, c, end_of(c), c->due_ns);
	}
	while (!dl_empty(&t->timewait)) {
		struct conn *c = conn_of(t->timewait.next, due);

		if (c->due_ns + tw_limit > now_ns)
			break;
		/* the timewait socket's end was not seen: its dwell stays unknown */
		finish(t, c, end_of(c), now_ns);
	}
}

void tl_timeline_flush(struct tl_timeline *t, uint64_t now_ns)
{
	while (!dl_empty(&t->closing)) {
		struct conn *c = conn_of(t->closing.next, due);

		finish(t, c, end_of(c), c->due_ns);
	}
	while (!dl_empty(&t->lru)) {
		struct conn *c = conn_of(t->lru.next, lru);

		finish(t, c, TL_END_OPEN, now_ns);
	}
}

void tl_timeline_stats(const struct tl_timeline *t, struct tl_stats *st)
{
	st->table_evictions += t->evictions;
	st->states_truncated += t->truncated;
	st->lifelines += t->lifelines;
}

uint32_t tl_timeline_size(const struct tl_timeline *t)
{
	return t->size;
}

/* New connections look for a timewait socket of their tuple (end_replaced_timewait). */
static bool may_replace_timewait(const struct tl_event *ev)
{
	return ev->type == TL_EV_STATE &&
	       ((ev->old_state == TL_TCP_LISTEN && ev->new_state == TL_TCP_SYN_RECV) ||
		(ev->old_state == TL_TCP_SYN_SENT && ev->new_state == TL_TCP_ESTABLISHED));
}

void tl_timeline_prefetch(const struct tl_timeline *t, const struct tl_event *ev, int stage)
{
	struct conn *const *b = &t->buckets[hash_cookie(t, ev->cookie)];
	struct conn *const *tw = NULL;

	if (may_replace_timewait(ev))
		tw = &t->tw_buckets[tuple_bucket(t, hash_of_tuple(ev->netns, ev->family, ev->lport,
								  ev->rport, ev->laddr, ev->raddr))];
	if (stage == 0) {
		__builtin_prefetch(b);
		if (tw)
			__builtin_prefetch(tw);
		return;
	}
	if (*b) {
		/* the links, then the lifeline as far as its first states */
		__builtin_prefetch(*b);
		__builtin_prefetch((const char *)*b + 64);
		__builtin_prefetch((const char *)*b + 128);
		__builtin_prefetch((const char *)*b + 192);
	}
	if (tw && *tw)
		__builtin_prefetch(*tw);
}
