"""CLOSE_WAIT: the client closes, the server never does.

The accepted socket stays in CLOSE_WAIT (ss shows it); at SIGINT tcpline
flushes its lifeline with end "open" and CLOSE_WAIT as the last state.
"""
from lib import checks, nstat
from lib import events as ev
from lib.scope import Scope
from lib.util import sleep

PORT = 8080


def test_close_wait_flushed_open(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        tsrv = sc.tracer(netns=pair.server)
        before_s = nstat.read(pair.server)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        cli.call("connect", "c", pair.server4, PORT)
        stup = srv.call("accept", "l", "a")
        cli.call("send", "c", 300)
        srv.call("recv", "a", 300)
        cli.call("close", "c")
        sleep(0.3)
        ss = pair.server.run(["ss", "-tanH", "state", "close-wait"]).stdout
        want = "%s:%d" % (pair.server4, PORT)
        ctx.require(want in ss and "%s:%d" % (pair.client4, stup["rport"]) in ss,
                    "scenario: ss in the server netns should show the CLOSE-WAIT socket, got %r" % ss)
        after_s = nstat.read(pair.server)
        trs = tsrv.stop()
        checks.trace_health(ctx, trs, "server tcpline", pair.server)
        cookie = ev.socket_cookie(ctx, trs, pair.server.inode, stup, "accepted socket")
        sev = checks.state_sequence(ctx, trs, pair.server, cookie,
                                    [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"),
                                     ("ESTABLISHED", "CLOSE_WAIT")], "accepted socket")
        ll = ev.lifeline_of(ctx, trs, pair.server.inode, cookie, "server")
        # never closed by its owner: the listener's (no accept() hook by default)
        checks.lifeline(ctx, ll, "server", states=["SYN_RECV", "ESTABLISHED", "CLOSE_WAIT"], end="open",
                        owner=(srv.pid, "tl-server", "listener"), family="ipv4", tup=stup, state_events=sev)
        last = (ll.get("states") or [{}])[-1]
        ctx.check(last.get("dwell_ns") is None or last.get("dwell_ns") >= 250_000_000,
                  "server lifeline: CLOSE_WAIT dwell_ns should be null or >= 0.25 s (it lasted until "
                  "SIGINT), got %r" % last.get("dwell_ns"))
        # the open lifelines come before the final stats record
        idx = trs.records.index(ll)
        ctx.check(idx < len(trs.records) - 1, "server lifeline should precede the final stats record")
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s,
                               {"TcpPassiveOpens": 1, "TcpEstabResets": 0})
