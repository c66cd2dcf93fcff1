"""tcpline serve: Prometheus metrics over HTTP that agree with the kernel.

One namespace, every connection over its loopback, `serve --netns` scoped
to it: a lifecycle ending in TIME_WAIT, one left in CLOSE_WAIT, a refused
connect, an abortive close (SO_LINGER 0), data lost for 1.5 s (nft) and
retransmitted, and a listener with backlog 1
that ten clients overflow (their SYNs dropped and retransmitted). The page
must pass `promtool check metrics`, and its counters equal the namespace's
nstat deltas: resets sent = TcpOutRsts, retransmitted segments =
TcpRetransSegs, listen drops = ListenDrops (all accept queue full at the
SYN = ListenOverflows), connects = TcpActiveOpens, children =
TcpPassiveOpens; the TIME_WAIT and CLOSE_WAIT gauges equal what ss counts.
"""
from lib import backlog as bl
from lib import nft, nstat
from lib import serve as sv
from lib.marks import smoke
from lib.scope import Scope
from lib.util import sleep

ADDR = "127.0.0.1"
PORT = 8080
CLOSED_PORT = 8081
FULL_PORT = 8090


def lifecycle(sc, ns):
    """TIME_WAIT on c1, CLOSE_WAIT on a2, an abortive close, data retransmits, a refused connect."""
    p = sc.peer(ns, "tl-peer")
    p.call("listen", "l", ADDR, PORT)
    for n in (1, 2, 3, 4):
        p.call("connect", "c%d" % n, ADDR, PORT)
        p.call("accept", "l", "a%d" % n)
    p.call("close", "c1")
    p.call("recveof", "a1")
    p.call("close", "a1")  # c1 closed first: c1 goes to TIME_WAIT
    p.call("close", "c2")  # a2 is never closed: CLOSE_WAIT
    p.call("linger0", "c3")
    p.call("close", "c3")  # RST from c3
    nft.drop_input(ns, "meta length > 100")  # c4's data is lost for 1.5 s: retransmitted
    p.call("send", "c4", 500)
    sleep(1.5)
    lost = nft.dropped(ns)
    nft.clear(ns)
    p.call("recv", "a4", 500)
    reply = p.call("connect", "r", ADDR, CLOSED_PORT, expect_ok=False)
    return p, reply, lost


@smoke
def test_serve_metrics_nstat(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        srv = sv.start(sc, ns, "--metrics-port", str(PORT))
        before = nstat.read(ns)
        peer, refused, lost = lifecycle(sc, ns)
        ctx.require(refused.get("error") == "ECONNREFUSED", "scenario: refused connect, got %r" % refused)
        full = bl.Load(sc, ns, "server", ADDR, FULL_PORT, 1)
        clients = bl.Load(sc, ns, "clients", ADDR, FULL_PORT, 10)
        sleep(1.6)  # dropped SYNs are retransmitted after 1 s
        clients.kill()  # SYN_SENT sockets go quietly; the queued ones send FIN
        full.send("close")  # the listener resets what it still queues
        sleep(0.5)
        after = nstat.read(ns)
        tw, cw = sv.count_state(ns, "time-wait"), sv.count_state(ns, "close-wait")
        sleep(2 * sv.INTERVAL + 0.3)  # two intervals: listener drops are split at their end
        status, ctype, text = srv.scrape()
        ctx.eq((status, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"), "HTTP status, Content-Type")
        rc, out = sv.promtool_check(text)
        ctx.eq(rc, 0, "promtool check metrics exit code (output: %s)" % out[:500])
        m = sv.parse(text)
        d = lambda name: nstat.delta(before, after, name)  # noqa: E731
        ctx.note("nstat deltas: OutRsts %d RetransSegs %d ListenDrops %d ListenOverflows %d "
                 "ActiveOpens %d PassiveOpens %d; ss: time-wait %d close-wait %d"
                 % (d("TcpOutRsts"), d("TcpRetransSegs"), d("TcpExtListenDrops"), d("TcpExtListenOverflows"),
                    d("TcpActiveOpens"), d("TcpPassiveOpens"), tw, cw))
        ctx.check(d("TcpExtListenDrops") > 0 and d("TcpRetransSegs") > 0 and d("TcpOutRsts") >= 2,
                  "scenario: drops, retransmits and resets expected, nstat: %s" % [
                      d("TcpExtListenDrops"), d("TcpRetransSegs"), d("TcpOutRsts")])
        ctx.eq(sv.value(m, "tcpline_resets_total", direction="sent"), d("TcpOutRsts"), "resets sent vs TcpOutRsts")
        ctx.eq(sv.value(m, "tcpline_retransmits_total"), d("TcpRetransSegs"), "retransmits vs TcpRetransSegs")
        ctx.check(lost > 0 and sv.value(m, "tcpline_retransmits_total", kind="data") > 0
                  and sv.value(m, "tcpline_retransmits_total", kind="syn") > 0,
                  "data and SYN retransmits counted (nft dropped %d data segments): %s"
                  % (lost, [(x["kind"], sv.value(m, "tcpline_retransmits_total", **x))
                            for x in sv.series(m, "tcpline_retransmits_total")]))
        inode = str(ns.inode)
        ctx.eq(sv.value(m, "tcpline_listen_drops_total", netns=inode), d("TcpExtListenDrops"),
               "listen drops vs ListenDrops")
        ctx.eq(sv.value(m, "tcpline_listen_drops_total", netns=inode, listener=str(FULL_PORT),
                        cause="accept_queue_full_at_syn"), d("TcpExtListenOverflows"),
               "listen drops for a full accept queue at the SYN vs ListenOverflows")
        ctx.eq(sv.value(m, "tcpline_state_transitions_total", **{"from": "CLOSE", "to": "SYN_SENT"}),
               d("TcpActiveOpens"), "CLOSE -> SYN_SENT vs TcpActiveOpens")
        ctx.eq(sv.value(m, "tcpline_state_transitions_total", **{"from": "LISTEN", "to": "SYN_RECV"}),
               d("TcpPassiveOpens"), "LISTEN -> SYN_RECV vs TcpPassiveOpens")
        ctx.eq(sv.value(m, "tcpline_time_wait_sockets", netns=inode), tw, "TIME_WAIT gauge vs ss")
        ctx.eq(sv.value(m, "tcpline_close_wait_sockets", netns=inode), cw, "CLOSE_WAIT gauge vs ss")
        ctx.check(tw >= 1 and cw == 1, "scenario: TIME_WAIT >= 1 and one CLOSE_WAIT, ss: %d, %d" % (tw, cw))
        ctx.eq(sv.value(m, "tcpline_connections_closed_total", outcome="refused"), 1, "refused connections")
        ctx.eq(sv.value(m, "tcpline_resets_total", direction="sent", reason="NO_SOCKET"), 1,
               "resets sent without a socket (the refused connect)")
        ctx.eq(sv.value(m, "tcpline_connect_duration_seconds_count", port=str(PORT)), 4,
               "connect durations to port %d (--metrics-port)" % PORT)
        ctx.eq(sv.value(m, "tcpline_connect_duration_seconds_count"),
               sv.value(m, "tcpline_state_transitions_total", **{"from": "SYN_SENT"}),
               "connect durations vs transitions out of SYN_SENT")
        ctx.eq(sv.value(m, "tcpline_handshake_duration_seconds_count", listener=str(PORT)), 4,
               "handshake durations on listener %d" % PORT)
        ctx.eq(sv.value(m, "tcpline_listen_queue_limit", netns=inode, listener=str(PORT), queue="accept"), 16,
               "accept queue limit of listener %d (listen(16))" % PORT)
        ctx.eq(sv.value(m, "tcpline_events_lost_total"), 0, "events lost")
        ctx.eq(sv.value(m, "tcpline_metrics_series_folded_total"), 0, "series folded")
        ctx.eq(srv.terminate(), 0, "exit code after SIGTERM")
        srv.sanitizer_clean(ctx)


def test_serve_listen_drops_shared_namespace(ctx):
    """Two listeners of one namespace overflowing in the same intervals: the
    namespace's counters cannot tell whose drop had which cause, so the drops
    are `unsplit`, per listener, and still sum to ListenDrops."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        srv = sv.start(sc, ns)
        before = nstat.read(ns)
        servers = [bl.Load(sc, ns, "server", ADDR, port, 1) for port in (FULL_PORT, FULL_PORT + 1)]
        clients = bl.Load(sc, ns, "clients", ADDR, "%d,%d" % (FULL_PORT, FULL_PORT + 1), 10)
        sleep(1.6)
        clients.kill()
        for s in servers:
            s.send("close")
        sleep(0.5)
        after = nstat.read(ns)
        sleep(2 * sv.INTERVAL + 0.3)
        m = sv.parse(srv.scrape()[2])
        inode = str(ns.inode)
        drops = nstat.delta(before, after, "TcpExtListenDrops")
        ctx.check(drops > 0, "scenario: ListenDrops delta %d" % drops)
        ctx.eq(sv.value(m, "tcpline_listen_drops_total", netns=inode), drops, "listen drops vs ListenDrops")
        causes = sorted({x["cause"] for x in sv.series(m, "tcpline_listen_drops_total") if x["netns"] == inode})
        # in an interval where only one of them dropped, its drops are split (accept queue full)
        ctx.check("unsplit" in causes and set(causes) <= {"unsplit", "accept_queue_full_at_syn"},
                  "causes of two listeners dropping together: %s" % causes)
        for port in (FULL_PORT, FULL_PORT + 1):
            ctx.check(sv.value(m, "tcpline_listen_drops_total", netns=inode, listener=str(port)) > 0,
                      "drops of listener %d" % port)
        ctx.eq(srv.terminate(), 0, "exit code after SIGTERM")
