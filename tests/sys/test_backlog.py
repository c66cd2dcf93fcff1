"""tcpline backlog: listen-queue depths, drops and their causes, against the
namespace's own counters (nstat) and the listener's sk_drops (ss -tlnm), one
scenario of TESTING.md per namespace.

Kernel facts (6.18, measured): both queues hold backlog+1 (the kernel's
"full" tests are qlen > sk_max_ack_backlog and sk_ack_backlog >
sk_max_ack_backlog); the listener's sk_drops counts a third-ACK overflow
twice (tcp_listendrop() and tcp_v4_rcv's discard_and_relse) and counts
retransmitted SYNs of pending requests, which ListenDrops does not. tcpline
reports listen drops (what ListenDrops counts, per listener) and the rest
as discarded_segments: sk_drops delta = drops + discarded_segments.
"""
from lib import backlog as bl
from lib import nft, nstat
from lib.marks import slow, smoke
from lib.scope import Scope
from lib.util import sleep

PORT = 7000


def finish(sc, ns, servers, trace):
    """Read the listeners' sk_drops (ss), close them (their closing records),
    then read the counters and stop. Return: nstat after, the trace, and
    {port: sk_drops} (the listeners were created with 0)."""
    servers = servers if isinstance(servers, list) else [servers]
    skd = {s.port: bl.sk_drops(ns, s.port) for s in servers}
    for s in servers:
        s.send("close")
    sleep(0.3)
    after = nstat.read(ns)
    sleep(float(bl.INTERVAL) + 0.2)
    return after, trace.stop(), skd


def accept_full_at_syn(ctx, addr):
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        server = bl.Load(sc, ns, "server", addr, PORT, 1)
        clients = bl.Load(sc, ns, "clients", addr, PORT, 10)
        sleep(1.6)  # the SYNs, and one round of SYN retransmits (1 s)
        clients.kill()
        after, trace, skd = finish(sc, ns, server, t)
        bl.check(ctx, trace, ns, PORT, before, after,
                 {"ListenDrops": 16, "ListenOverflows": 16, "TCPReqQFullDrop": 0, "at_ack": 0,
                  "acceptq_peak": 2, "discarded": 0, "diagnosis": "accept queue of"}, skd[PORT])


@smoke
def test_backlog_accept_full_at_syn(ctx):
    accept_full_at_syn(ctx, "127.0.0.1")


def test_backlog_accept_full_at_syn_ipv6(ctx):
    accept_full_at_syn(ctx, "::1")


def accept_full_at_ack(ctx, abort):
    """listen(16) with the handshake ACKs dropped, 10 requests queue; listen(1);
    the SYN-ACK retransmits (1 s) bring the ACKs: 2 accepted, 8 overflow."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        ns.sysctl("net.ipv4.tcp_abort_on_overflow", abort)
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        nft.drop_input(ns, "tcp dport %d tcp flags & (syn|ack|fin|rst) == ack meta length < 60" % PORT)
        sc.defer(lambda: nft.clear(ns))
        server = bl.Load(sc, ns, "server", "127.0.0.1", PORT, 16)
        clients = bl.Load(sc, ns, "clients", "127.0.0.1", PORT, 10)
        sleep(0.3)
        server.send("relisten 1")
        nft.clear(ns)
        sleep(1.5)
        after, trace, skd = finish(sc, ns, server, t)
        clients.kill()
        # each overflow is in sk_drops twice: the second count is a discard
        recs = bl.check(ctx, trace, ns, PORT, before, after,
                        {"ListenDrops": 8, "ListenOverflows": 8, "at_ack": 8, "acceptq_peak": 2,
                         "synq_peak": 10, "discarded": 8, "diagnosis": "8 third ACKs"}, skd[PORT])
        ctx.eq(skd[PORT], 16, "kernel fact: sk_drops (ss) for 8 third-ACK overflows")
        resets = "were sent resets" if abort else None
        if resets:
            ctx.check(any(resets in (r["diagnosis"] or "") for r in recs),
                      "with tcp_abort_on_overflow=1 the diagnosis says the clients got resets")
        ctx.check(sum(r["synack_retransmits"] for r in recs) >= 10, "SYN-ACK retransmits seen")


@slow
def test_backlog_accept_full_at_ack(ctx):
    accept_full_at_ack(ctx, 0)


@slow
def test_backlog_accept_full_at_ack_abort(ctx):
    accept_full_at_ack(ctx, 1)


def syn_flood(ctx, syncookies, backlog, max_syn_backlog, syns, expect):
    """Raw SYNs from 127.0.0.2; their SYN-ACKs are dropped, so no RST removes a request."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        ns.sysctl("net.ipv4.tcp_syncookies", syncookies)
        ns.sysctl("net.ipv4.tcp_max_syn_backlog", max_syn_backlog)
        nft.drop_input(ns, "tcp flags & (syn|ack) == (syn|ack)")
        sc.defer(lambda: nft.clear(ns))
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        server = bl.Load(sc, ns, "server", "127.0.0.1", PORT, backlog)
        bl.Load(sc, ns, "syns", "127.0.0.2", "127.0.0.1", PORT, syns)
        sleep(0.4)
        after, trace, skd = finish(sc, ns, server, t)
        bl.check(ctx, trace, ns, PORT, before, after, dict(expect, discarded=0), skd[PORT])


def test_backlog_syn_queue_full(ctx):
    syn_flood(ctx, 0, 8, 2048, 20,
              {"ListenDrops": 11, "TCPReqQFullDrop": 11, "ListenOverflows": 0, "synq_peak": 9,
               "other": 0, "diagnosis": "SYN queue of"})


def test_backlog_max_syn_backlog_rule(ctx):
    syn_flood(ctx, 0, 128, 16, 20,
              {"ListenDrops": 7, "TCPReqQFullDrop": 0, "ListenOverflows": 0, "synq_peak": 13,
               "other": 7, "diagnosis": "tcp_max_syn_backlog=16 rule"})


def test_backlog_syncookies(ctx):
    syn_flood(ctx, 1, 8, 2048, 30,
              {"ListenDrops": 0, "SyncookiesSent": 21, "TCPReqQFullDoCookies": 21, "synq_peak": 9,
               "diagnosis": "answered 21 SYNs with syncookies"})


def test_backlog_retransmitted_syns(ctx):
    """SYN queue full, syncookies off, real clients whose SYN-ACKs are dropped:
    5 requests stay pending and their clients retransmit the SYN every second
    (net.ipv4.tcp_syn_linear_timeouts=4, the default), which the listener
    discards (sk_drops, not ListenDrops); the other 5 clients' SYNs are
    dropped again each time (TCPReqQFullDrop)."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        ns.sysctl("net.ipv4.tcp_syncookies", 0)
        ns.sysctl("net.ipv4.tcp_max_syn_backlog", 2048)
        nft.drop_input(ns, "tcp flags & (syn|ack) == (syn|ack)")
        sc.defer(lambda: nft.clear(ns))
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        server = bl.Load(sc, ns, "server", "127.0.0.1", PORT, 4)
        sk_before = bl.sk_drops(ns, PORT)
        clients = bl.Load(sc, ns, "clients", "127.0.0.1", PORT, 10)
        sleep(2.5)  # two rounds of SYN retransmits
        clients.kill()
        sleep(0.2)
        after, trace, skd = finish(sc, ns, server, t)
        d = bl.deltas(before, after)
        # the kernel's own account: what sk_drops holds beyond ListenDrops
        discarded = skd[PORT] - sk_before - d["ListenDrops"]
        ctx.note("sk_drops %d -> %d, ListenDrops delta %d: %d discarded (kernel)"
                 % (sk_before, skd[PORT], d["ListenDrops"], discarded))
        ctx.check(discarded >= 5, "kernel fact: the 5 pending clients' SYN retransmits are in "
                  "sk_drops beyond ListenDrops (got %d)" % discarded)
        bl.check(ctx, trace, ns, PORT, before, after,
                 {"ListenOverflows": 0, "TCPReqQFullDrop": d["ListenDrops"], "other": 0,
                  "synq_peak": 5, "discarded": discarded, "diagnosis": "SYN queue of"},
                 skd[PORT] - sk_before)


def test_backlog_shared_namespace(ctx):
    """Two listeners of one namespace, accept queues full at the SYN in the
    same intervals: each one's drops exact (10 and 6 clients, listen(1): 8+8
    and 4+4 with one SYN retransmit), SYN-time causes not split ("shared")."""
    ports = (PORT, PORT + 1)
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        servers = [bl.Load(sc, ns, "server", "127.0.0.1", p, 1) for p in ports]
        clients = [bl.Load(sc, ns, "clients", "127.0.0.1", "%d,%d" % ports, 6),
                   bl.Load(sc, ns, "clients", "127.0.0.1", PORT, 4)]
        sleep(1.6)  # the SYNs, and one round of SYN retransmits (1 s)
        for c in clients:
            c.kill()
        after, trace, skd = finish(sc, ns, servers, t)
        bl.check_run(ctx, trace, ns)
        d = bl.deltas(before, after)
        ctx.note("nstat deltas: %s; sk_drops (ss): %s" % (d, skd))
        # 24 when the clients' SYNs and one round of retransmits fall in the 1.6 s; a loaded
        # host can fit a few more: the kernel's own counts are what tcpline must equal
        ctx.require(d["ListenOverflows"] >= 24,
                    "scenario: nstat ListenOverflows delta >= 24 (kernel fact), got %d"
                    % d["ListenOverflows"])
        recs = {p: bl.listener_records(trace, ns, p) for p in ports}
        ctx.require(all(recs.values()), "no listener records for a port; stderr: %s"
                    % trace.stderr[-500:])
        for p, want in zip(ports, (16, 8)):
            ctx.note("port %d: %s" % (p, [(r["time"][11:23], r["drops"], r["causes_split"],
                                           r["causes_unsplit_reason"]) for r in recs[p]]))
            ctx.require(skd[p] >= want, "scenario: sk_drops (ss) of port %d >= %d (kernel fact), "
                        "got %d" % (p, want, skd[p]))
            ctx.eq(bl.total(recs[p], "drops"), skd[p], "sum of drops of port %d vs its sk_drops" % p)
            bl.check_listener(ctx, recs[p], skd[p], "port %d" % p)
        ctx.eq(sum(bl.total(recs[p], "drops") for p in ports), d["ListenDrops"],
               "sum of both listeners' drops vs ListenDrops")
        dropped = {p: {r["time"] for r in recs[p] if r["drops"]} for p in ports}
        both = dropped[ports[0]] & dropped[ports[1]]
        ctx.check(both, "no interval in which both listeners dropped: %s" % dropped)
        for r in recs[ports[0]] + recs[ports[1]]:
            if r["time"] in both:
                ctx.eq((r["causes_split"], r["causes_unsplit_reason"], r["causes"]),
                       (False, "shared", {"accept_queue_full_at_syn": None,
                                          "accept_queue_full_at_ack": 0,
                                          "syn_queue_full": None, "other": None}),
                       "causes of a listener sharing its interval's drops")
            else:
                ctx.eq(r["causes_split"], True, "causes of a listener dropping alone, or not")
