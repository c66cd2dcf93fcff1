"""Resets: connect to a closed port, SO_LINGER 0 close, close with unread data.

Kernel facts (6.18, measured): the refusing namespace sends the RST without a
socket (tcp_send_reset: no sk, reason NO_SOCKET), then frees the SYN with
drop reason NO_SOCKET (kfree_skb); the client goes
SYN_SENT->CLOSE with sk_err ECONNREFUSED (TcpAttemptFails). SO_LINGER 0 close
goes ESTABLISHED->CLOSE first, then sends the RST from state CLOSE with reason
TCP_STATE (tcp_disconnect; TCPAbortOnData); close with unread data does the
same with reason TCP_ABORT_ON_CLOSE (TCPAbortOnClose). The peer receives the
RST in ESTABLISHED and closes with ECONNRESET (TcpEstabResets on both ends).
"""
from lib import checks, nstat
from lib import events as ev
from lib.marks import smoke
from lib.scope import Scope
from lib.util import sleep

PORT = 8080
CLOSED_PORT = 8081


@smoke
def test_reset_refused(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        tcli = sc.tracer(netns=pair.client)
        tsrv = sc.tracer(netns=pair.server)
        before_c, before_s = nstat.read(pair.client), nstat.read(pair.server)
        cli = sc.peer(pair.client, "tl-client")
        reply = cli.call("connect", "c", pair.server4, CLOSED_PORT, "bind=" + pair.client4, expect_ok=False)
        ctx.require(reply.get("error") == "ECONNREFUSED", "scenario: connect should be refused, got %r" % reply)
        ctup = {"laddr": pair.client4, "lport": reply["lport"], "raddr": pair.server4, "rport": CLOSED_PORT}
        sleep(0.3)
        after_c, after_s = nstat.read(pair.client), nstat.read(pair.server)
        trc, trs = tcli.stop(), tsrv.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        checks.trace_health(ctx, trs, "server tcpline", pair.server)

        resets = trs.select("reset", netns=pair.server.inode)
        ctx.eq(len(resets), 1, "reset events in the server netns")
        if resets:
            r = resets[0]
            ctx.eq((r.get("dir"), r.get("state"), r.get("reason"), r.get("cookie")),
                   ("sent", None, "NO_SOCKET", 0), "server reset (dir, state, reason, cookie)")
            ctx.check(ev.same_tuple(r, pair.server4, CLOSED_PORT, pair.client4, ctup["lport"]),
                      "server reset tuple: expected %s:%d -> %s:%d, got %s:%s -> %s:%s"
                      % (pair.server4, CLOSED_PORT, pair.client4, ctup["lport"],
                         r.get("laddr"), r.get("lport"), r.get("raddr"), r.get("rport")))
        # the SYN itself is then freed by tcp_v4_rcv with drop reason NO_SOCKET
        ctx.eq([(r.get("type"), r.get("reason"), r.get("state")) for r in trs.events(pair.server.inode)],
               [("reset", "NO_SOCKET", None), ("drop", "NO_SOCKET", None)],
               "events in the server netns (type, reason, state): no socket there")

        cookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        cev = checks.state_sequence(ctx, trc, pair.client, cookie,
                                    [("CLOSE", "SYN_SENT"), ("SYN_SENT", "CLOSE")], "client socket")
        rr = trc.select("reset", netns=pair.client.inode)
        ctx.eq([(r.get("dir"), r.get("state"), r.get("cookie")) for r in rr],
               [("received", "SYN_SENT", cookie)], "client reset events (dir, state, cookie)")
        checks.lifeline(ctx, ev.lifeline_of(ctx, trc, pair.client.inode, cookie, "client"), "client",
                        states=["SYN_SENT"], end="refused", error="ECONNREFUSED",
                        owner=(cli.pid, "tl-client", "exact"), family="ipv4", tup=ctup, state_events=cev)
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 1, "TcpAttemptFails": 1, "TcpOutRsts": 0})
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s, {"TcpOutRsts": 1})


def abortive_close(ctx, how):
    """The client closes abortively (`how`: "linger0" or "unread"); the server gets the RST."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        tcli = sc.tracer(netns=pair.client)
        tsrv = sc.tracer(netns=pair.server)
        before_c, before_s = nstat.read(pair.client), nstat.read(pair.server)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        ctup = cli.call("connect", "c", pair.server4, PORT)
        stup = srv.call("accept", "l", "a")
        if how == "linger0":
            cli.call("linger0", "c")
        else:
            srv.call("send", "a", 500)
            sleep(0.1)
        cli.call("close", "c")
        reply = srv.call("recveof", "a", expect_ok=False)
        ctx.require(reply.get("error") == "ECONNRESET", "scenario: server read should fail with ECONNRESET, got %r" % reply)
        sleep(0.3)
        after_c, after_s = nstat.read(pair.client), nstat.read(pair.server)
        trc, trs = tcli.stop(), tsrv.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        checks.trace_health(ctx, trs, "server tcpline", pair.server)

        ccookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        cev = checks.state_sequence(ctx, trc, pair.client, ccookie,
                                    [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "CLOSE")],
                                    "client socket")
        reason = "TCP_STATE" if how == "linger0" else "TCP_ABORT_ON_CLOSE"
        ctx.eq([(r.get("dir"), r.get("state"), r.get("reason"), r.get("cookie"))
                for r in trc.select("reset", netns=pair.client.inode)],
               [("sent", "CLOSE", reason, ccookie)], "client reset events (dir, state, reason, cookie)")
        cll = ev.lifeline_of(ctx, trc, pair.client.inode, ccookie, "client")
        checks.lifeline(ctx, cll, "client",
                        states=["SYN_SENT", "ESTABLISHED"], end="reset_local", error=checks.ANY,
                        owner=(cli.pid, "tl-client", "exact"), family="ipv4", tup=ctup, state_events=cev)
        ctx.eq((cll.get("close"), cll.get("reset_reason")), ("abortive", reason),
               "client lifeline: how it closed, the reason of the reset it sent")

        scookie = ev.socket_cookie(ctx, trs, pair.server.inode, stup, "accepted socket")
        sev = checks.state_sequence(ctx, trs, pair.server, scookie,
                                    [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"), ("ESTABLISHED", "CLOSE")],
                                    "accepted socket")
        ctx.eq([(r.get("dir"), r.get("state"), r.get("cookie")) for r in trs.select("reset", netns=pair.server.inode)],
               [("received", "ESTABLISHED", scookie)], "server reset events (dir, state, cookie)")
        sll = ev.lifeline_of(ctx, trs, pair.server.inode, scookie, "server")
        checks.lifeline(ctx, sll, "server",
                        states=["SYN_RECV", "ESTABLISHED"], end="reset_by_peer", error="ECONNRESET",
                        owner=(srv.pid, "tl-server", "listener"), family="ipv4", tup=stup, state_events=sev)
        ctx.eq((sll.get("close"), sll.get("reset_reason")), ("abortive", None),
               "server lifeline: a reset received is abortive; the peer's reason is not on the wire")
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 1, "TcpOutRsts": 1, "TcpEstabResets": 1})
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s,
                               {"TcpPassiveOpens": 1, "TcpOutRsts": 0, "TcpEstabResets": 1})
        abort_mib = "TcpExtTCPAbortOnData" if how == "linger0" else "TcpExtTCPAbortOnClose"
        ctx.eq(nstat.delta(before_c, after_c, abort_mib), 1, "scenario: client %s delta (kernel fact)" % abort_mib)


def test_reset_linger0(ctx):
    abortive_close(ctx, "linger0")


def test_reset_unread_data(ctx):
    abortive_close(ctx, "unread")
