"""A connection established before tcpline starts, closed while it traces.

The server closes first (its side goes to TIME_WAIT and is not asserted); the
client reads EOF and shuts down, so its socket goes ESTABLISHED -> CLOSE_WAIT
-> LAST_ACK -> CLOSE under tracing. Its lifeline must say preexisting, list
the state it was found in and the states after start, and never name a wrong
owner.
"""
from lib import checks, nstat
from lib import events as ev
from lib.scope import Scope
from lib.util import sleep

PORT = 8080


def test_preexisting_connection(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        ctup = cli.call("connect", "c", pair.server4, PORT)
        srv.call("accept", "l", "a")
        srv.call("send", "a", 400)
        cli.call("recv", "c", 400)
        tcli = sc.tracer(netns=pair.client)
        before_c = nstat.read(pair.client)
        srv.call("close", "a")
        ctx.eq(cli.call("recveof", "c")["received"], 0, "client bytes before EOF")
        cli.call("shutdown", "c")
        sleep(0.3)
        cinfo = cli.call("info", "c")
        ctx.require(cinfo["state"] == "CLOSE", "scenario: client socket should be CLOSE, is %s" % cinfo["state"])
        cli.call("close", "c")
        sleep(0.2)
        after_c = nstat.read(pair.client)
        trc = tcli.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        cookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        cev = checks.state_sequence(ctx, trc, pair.client, cookie,
                                    [("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                                     ("LAST_ACK", "CLOSE")], "client socket")
        ll = ev.lifeline_of(ctx, trc, pair.client.inode, cookie, "client")
        checks.lifeline(ctx, ll, "client", states=["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"], end="closed",
                        preexisting=True, family="ipv4", tup=ctup,
                        bytes_acked=cinfo["bytes_acked"], bytes_received=cinfo["bytes_received"],
                        retransmits=0, state_events=cev)
        owner = ll.get("owner") or {}
        ctx.note("preexisting lifeline owner: %r" % owner)
        if owner.get("confidence") != "unknown":
            ctx.eq((owner.get("pid"), owner.get("comm")), (cli.pid, "tl-client"),
                   "preexisting lifeline owner (pid, comm) when not unknown")
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 0, "TcpEstabResets": 0})
