"""Active and passive open and orderly close over veth, IPv4 and IPv6.

Both ends stay reachable by the test to the end: the client shuts down its
write side, the server reads EOF and shuts down too, then the client reads
EOF. The client namespace has tcp_max_tw_buckets=0, so the kernel closes the
client without a timewait socket (TCPTimeWaitOverflow counts it; nothing for
ss to show) and both lifelines are emitted at once. The final tcp_info of
both sockets (state CLOSE) is the kernel's truth for bytes_acked/received:
they include the SYN (client only) and the FIN, i.e. payload + 2 / + 1.
"""
from lib import checks, nstat
from lib.marks import smoke
from lib.scope import Scope
from lib import events as ev
from lib.util import sleep

PORT = 8080
CLIENT_SENDS = 1000
SERVER_SENDS = 2000

CLIENT_STATES = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "FIN_WAIT1"),
                 ("FIN_WAIT1", "FIN_WAIT2"), ("FIN_WAIT2", "CLOSE")]
CHILD_STATES = [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"), ("ESTABLISHED", "CLOSE_WAIT"),
                ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSE")]
LISTENER_STATES = [("CLOSE", "LISTEN"), ("LISTEN", "CLOSE")]


def open_close(ctx, v6):
    with Scope(ctx) as sc:
        pair = sc.pair()
        pair.client.sysctl("net.ipv4.tcp_max_tw_buckets", 0)
        saddr = pair.server6 if v6 else pair.server4
        family = "ipv6" if v6 else "ipv4"
        tcli = sc.tracer(netns=pair.client)
        tsrv = sc.tracer(netns=pair.server)
        before_c, before_s = nstat.read(pair.client), nstat.read(pair.server)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")

        lis = srv.call("listen", "l", saddr, PORT)
        ctup = cli.call("connect", "c", saddr, PORT)
        stup = srv.call("accept", "l", "a")
        cli.call("send", "c", CLIENT_SENDS)
        ctx.eq(srv.call("recv", "a", CLIENT_SENDS)["received"], CLIENT_SENDS, "server received")
        srv.call("send", "a", SERVER_SENDS)
        ctx.eq(cli.call("recv", "c", SERVER_SENDS)["received"], SERVER_SENDS, "client received")
        cli.call("shutdown", "c")
        ctx.eq(srv.call("recveof", "a")["received"], 0, "server bytes before EOF")
        srv.call("shutdown", "a")
        ctx.eq(cli.call("recveof", "c")["received"], 0, "client bytes before EOF")
        sleep(0.2)
        cinfo, sinfo = cli.call("info", "c"), srv.call("info", "a")
        ctx.require(cinfo["state"] == "CLOSE" and sinfo["state"] == "CLOSE",
                    "scenario: both sockets should be CLOSE, client %s server %s" % (cinfo["state"], sinfo["state"]))
        cli.call("close", "c")
        srv.call("close", "a")
        srv.call("close", "l")
        sleep(0.3)
        after_c, after_s = nstat.read(pair.client), nstat.read(pair.server)
        ctx.eq(nstat.delta(before_c, after_c, "TcpExtTCPTimeWaitOverflow"), 1,
               "scenario: client TCPTimeWaitOverflow (no timewait socket)")
        trc, trs = tcli.stop(), tsrv.stop()

        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        checks.trace_health(ctx, trs, "server tcpline", pair.server)

        ccookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        cev = checks.state_sequence(ctx, trc, pair.client, ccookie, CLIENT_STATES, "client socket")
        ctx.eq(len(trc.select("state", netns=pair.client.inode)), len(CLIENT_STATES),
               "state events in the client netns (it has one socket)")
        cll = ev.lifeline_of(ctx, trc, pair.client.inode, ccookie, "client")
        ctx.eq((cll.get("close"), cll.get("reset_reason"), cll.get("timeout"), cll.get("keepalive")),
               ("graceful", None, None, None), "client lifeline: close, reset_reason, timeout, keepalive")
        checks.lifeline(ctx, cll, "client",
                        states=["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2"], end="closed",
                        owner=(cli.pid, "tl-client", "exact"), family=family, tup=ctup,
                        bytes_acked=cinfo["bytes_acked"], bytes_received=cinfo["bytes_received"],
                        retransmits=0, state_events=cev)

        scookie = ev.socket_cookie(ctx, trs, pair.server.inode, stup, "accepted socket")
        sev = checks.state_sequence(ctx, trs, pair.server, scookie, CHILD_STATES, "accepted socket")
        lcookie = ev.socket_cookie(ctx, trs, pair.server.inode,
                                   dict(lis, raddr="::" if v6 else "0.0.0.0", rport=0), "listener")
        checks.state_sequence(ctx, trs, pair.server, lcookie, LISTENER_STATES, "listener")
        sll = ev.lifeline_of(ctx, trs, pair.server.inode, scookie, "server")
        ctx.eq(sll.get("close"), "graceful", "server lifeline: close")
        checks.lifeline(ctx, sll, "server",
                        states=["SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"], end="closed",
                        owner=(srv.pid, "tl-server", "exact"), family=family, tup=stup,
                        bytes_acked=sinfo["bytes_acked"], bytes_received=sinfo["bytes_received"],
                        retransmits=0, state_events=sev)
        for r in trc.events(pair.client.inode) + trs.events(pair.server.inode):
            ctx.check(r.get("family") == family, "event family: expected %s, got %r in %r" % (family, r.get("family"), r))
        for ns, tr in ((pair.client, trc), (pair.server, trs)):
            checks.no_events_of_types(ctx, tr, ns, ("reset", "retransmit", "synack_retransmit"), ns.name)
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 1, "TcpOutRsts": 0, "TcpRetransSegs": 0})
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s,
                               {"TcpPassiveOpens": 1, "TcpOutRsts": 0, "TcpRetransSegs": 0})


@smoke
def test_open_close_ipv4(ctx):
    open_close(ctx, v6=False)


def test_open_close_ipv6(ctx):
    open_close(ctx, v6=True)
