"""Lifelines only: state changes batched in the kernel, same lifelines.

With --lifelines and an owner filter (which keeps per-socket storage in the
kernel anyway) the BPF side keeps a socket's state changes in its storage
and sends them together (at ESTABLISHED, at CLOSE, before any other event of
the socket, and at exit). Two such tracers, one per owner, together see
every socket; a third sends every change at once, without storage. All
watch the same traffic and must print the very same lifelines:
- an orderly close (the server's side ends in TIME_WAIT, open at exit);
- an abortive close (SO_LINGER 0: RST);
- a refused connect (SYN_SENT -> CLOSE with a reset received);
- a FIN lost on the way (nft): the client's FIN retransmits in FIN_WAIT1
  go out while EST -> FIN_WAIT1 is still kept;
- a SYN lost on the way: retransmitted while CLOSE -> SYN_SENT is kept
  (the kept change is sent before the retransmit, keeping the socket's
  events in order);
- a socket left in CLOSE_WAIT: its change is kept until the exit flush.
"""
import threading
import time

from lib import checks, nft
from lib.events import parse_time_ns
from lib.marks import smoke
from lib.scope import Scope
from lib.util import sleep

PORT = 8080


def by_cookie(trace, inodes):
    out = {}
    for ll in trace.lifelines():
        if ll.get("netns") in inodes:
            out[ll.get("cookie")] = ll
    return out


def states(ll):
    return [s.get("state") for s in ll.get("states") or []]


# Each tracer's programs read the clock for themselves: times differ by their run times.
SLACK_NS = 1_000_000


def compare(ctx, a, b, what):
    """Lifeline a == b, times within SLACK_NS (an open one ends when its tracer stops)."""
    timed = {"time", "start", "duration_ns", "states"}
    ctx.eq({k: v for k, v in a.items() if k not in timed},
           {k: v for k, v in b.items() if k not in timed}, what)
    ctx.eq(states(a), states(b), what + ": states")
    for sa, sb in zip(a.get("states") or [], b.get("states") or []):
        da, db = sa.get("dwell_ns"), sb.get("dwell_ns")
        ctx.check((da is None) == (db is None) and (da is None or abs(da - db) < SLACK_NS),
                  "%s: %s dwell %r vs %r" % (what, sa.get("state"), da, db))
    for k in ("start",) + (() if a.get("end") == "open" else ("time",)):
        ta, tb = parse_time_ns(a.get(k)), parse_time_ns(b.get(k))
        ctx.check(abs(ta - tb) < SLACK_NS, "%s: %s %r vs %r" % (what, k, a.get(k), b.get(k)))


@smoke
def test_batched_lifelines_equal_unbatched(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        # as the owner filters of the batched ones imply; the test's ports only (a shared host)
        every = sc.tracer("--accept-owner", "--port", "%d,%d" % (PORT, PORT + 1))
        batched = [sc.tracer("--lifelines", "--comm", comm) for comm in ("tl-client", "tl-server")]
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)

        # orderly: server closes first (its side goes to TIME_WAIT)
        cli.call("connect", "c1", pair.server4, PORT)
        srv.call("accept", "l", "a1")
        cli.call("send", "c1", 200)
        srv.call("recv", "a1", 200)
        srv.call("close", "a1")
        cli.call("recveof", "c1")
        cli.call("close", "c1")

        # abortive close by the client
        cli.call("connect", "c2", pair.server4, PORT)
        srv.call("accept", "l", "a2")
        cli.call("linger0", "c2")
        cli.call("close", "c2")

        # refused: nobody listens on PORT + 1
        r = cli.call("connect", "c3", pair.server4, PORT + 1, expect_ok=False)
        ctx.require(not r.get("ok"), "scenario: connect to a closed port should fail, got %r" % r)

        # the client's FIN is lost for 1.5 s: retransmitted in FIN_WAIT1
        cli.call("connect", "c4", pair.server4, PORT)
        srv.call("accept", "l", "a4")
        nft.drop_input(pair.server, "tcp flags & fin == fin")
        sc.defer(lambda: nft.clear(pair.server))
        t0 = time.monotonic()
        cli.call("close", "c4")
        sleep(max(0.0, 1.5 - (time.monotonic() - t0)))
        lost = nft.dropped(pair.server)
        nft.clear(pair.server)
        ctx.require(lost >= 1, "scenario: the client's FIN should have been dropped, nft counted %d" % lost)
        srv.call("recveof", "a4", timeout=10)
        srv.call("close", "a4")

        # the client's first SYN is lost: retransmitted in SYN_SENT, while
        # CLOSE -> SYN_SENT is still kept
        nft.drop_input(pair.server, "tcp flags & (syn | ack) == syn")
        box = {}
        th = threading.Thread(target=lambda: box.update(
            r=cli.call("connect", "c6", pair.server4, PORT, timeout=15)))
        th.start()
        sleep(1.5)
        lost = nft.dropped(pair.server)
        nft.clear(pair.server)
        th.join(15)
        ctx.require(lost >= 1 and box.get("r"), "scenario: a SYN dropped (%d) then connected (%r)"
                    % (lost, box.get("r")))
        srv.call("accept", "l", "a6")
        cli.call("close", "c6")
        srv.call("recveof", "a6")
        srv.call("close", "a6")

        # left in CLOSE_WAIT on the server until the tracers stop
        cli.call("connect", "c5", pair.server4, PORT)
        srv.call("accept", "l", "a5")
        cli.call("close", "c5")
        sleep(0.5)

        tbs = [t.stop() for t in batched]
        te = every.stop()
        checks.trace_health(ctx, te, "unbatched tcpline")
        inodes = {pair.server.inode, pair.client.inode}
        lb = {}
        for tb, comm in zip(tbs, ("tl-client", "tl-server")):
            ctx.eq((tb.rc, tb.bad_lines[:3]), (0, []), "--comm %s: exit code, non-JSON lines" % comm)
            ctx.check(" lost 0 " in tb.stderr, "--comm %s: nothing lost: %s" % (comm, tb.stderr[-300:]))
            # batched for the right reason: a flush program ran (iter/tcp per namespace
            # where the kernel refuses the storage map's iterator), not the unbatched fallback
            ctx.check("sent one by one" not in tb.stderr,
                      "--comm %s: batching was not given up: %s" % (comm, tb.stderr[-400:]))
            ctx.eq("refused flush_kept_states" in tb.stderr,
                   "namespace by namespace (iter/tcp)" in tb.stderr,
                   "--comm %s: a refused storage-map iterator is said with its stand-in" % comm)
            ctx.eq(tb.events(), [], "--lifelines prints no events")
            lb.update(by_cookie(tb, inodes))
        le = by_cookie(te, inodes)
        ctx.eq(sorted(lb), sorted(le), "lifelines (by cookie) batched vs unbatched")
        for cookie in sorted(set(lb) & set(le)):
            compare(ctx, lb[cookie], le[cookie], "lifeline of cookie %s, batched vs unbatched" % cookie)
        seen = sorted(tuple(states(ll)) + (ll.get("end"),) for ll in lb.values())
        # every scenario is there (the listener's lifeline too, open at exit)
        for want in [("SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"),
                     ("SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"),
                     ("SYN_SENT",), ("SYN_RECV", "ESTABLISHED", "CLOSE_WAIT")]:
            ctx.check(any(s[:len(want)] == want for s in seen),
                      "a batched lifeline should start with %s; got %s" % (list(want), seen))
        for lost_in in ("FIN_WAIT1", "SYN_SENT"):
            rtx = [ll for ll in lb.values() if lost_in in states(ll) and ll.get("retransmits")]
            ctx.check(len(rtx) >= 1, "a client lifeline should count retransmits in %s: %s"
                      % (lost_in, sorted(lb.values(), key=str)))


def state_events(trace, inodes, cookies=None):
    return [r for r in trace.records if r.get("type") == "state" and r.get("netns") in inodes
            and (cookies is None or r.get("cookie") in cookies)]


def test_events_without_storage_equal_with(ctx):
    """Without owner filters the kernel keeps no per-socket storage: dwell
    times come from consecutive events, owners from the events of process
    context. A tracer with an owner filter (--comm, so storage) must show the
    same state events for the sockets it selects."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        # as --comm implies; the test's ports only (a shared host)
        lean = sc.tracer("--accept-owner", "--port", "%d,%d" % (PORT, PORT + 1))
        kept = sc.tracer("--comm", "tl-client")
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        for i in range(3):
            cli.call("connect", "c", pair.server4, PORT)
            srv.call("accept", "l", "a")
            cli.call("send", "c", 100)
            srv.call("recv", "a", 100)
            if i == 1:
                cli.call("linger0", "c")
                cli.call("close", "c")
                srv.call("close", "a")
            else:
                cli.call("close", "c")
                srv.call("recveof", "a")
                srv.call("close", "a")
        r = cli.call("connect", "c", pair.server4, PORT + 1, expect_ok=False)
        ctx.require(not r.get("ok"), "scenario: refused connect, got %r" % r)
        sleep(0.3)
        tk = kept.stop()
        tl = lean.stop()
        ctx.eq((tk.rc, tk.bad_lines[:3]), (0, []), "tcpline --comm: exit code, non-JSON lines")
        checks.trace_health(ctx, tl, "tcpline")
        inodes = {pair.client.inode}
        ek = state_events(tk, inodes)
        cookies = {e.get("cookie") for e in ek}
        el = state_events(tl, inodes, cookies)
        # 2 orderly closes (5 changes each), a reset (3), a refused connect (2)
        ctx.eq(len(ek), 15, "the client's state changes under --comm")
        ctx.eq([(e["cookie"], e["old"], e["new"]) for e in el],
               [(e["cookie"], e["old"], e["new"]) for e in ek], "the client's state changes")
        timed = {"time", "dwell_ns"}
        for a, b in zip(el, ek):
            what = "cookie %s %s -> %s" % (a.get("cookie"), a.get("old"), a.get("new"))
            ctx.eq({k: v for k, v in a.items() if k not in timed},
                   {k: v for k, v in b.items() if k not in timed}, what + ": without vs with storage")
            da, db = a.get("dwell_ns"), b.get("dwell_ns")
            ctx.check((da is None) == (db is None) and (da is None or abs(da - db) < SLACK_NS),
                      "%s: dwell %r without storage vs %r with" % (what, da, db))
        lb, le = by_cookie(tk, inodes), by_cookie(tl, inodes)
        for cookie in sorted(lb):
            ctx.require(cookie in le, "lifeline of cookie %s without storage" % cookie)
            compare(ctx, le[cookie], lb[cookie], "lifeline of cookie %s, without vs with storage"
                    % cookie)

