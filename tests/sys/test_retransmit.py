"""Retransmissions caused by loss on the receiver's input (nftables).

Data (TESTING.md recipe, reproduced on 6.18): the server namespace drops
packets with `meta length > 100` for 1.5 s after the client writes 1000
bytes: the original, a tail loss probe and two RTO retransmits are dropped,
the third RTO retransmit (~1.7 s) gets through: exactly 4 retransmit events,
TcpRetransSegs 4 (TCPLossProbes 1, TCPTimeouts 3), total_retrans 4.

SYN: the server namespace drops SYNs; the client has TCP_SYNCNT=2 and
tcp_syn_linear_timeouts=0: 2 SYN retransmits (1 s, 3 s), ETIMEDOUT at ~7.3 s.
Every dropped packet is freed with reason NETFILTER_DROP in the server netns.
"""
import time

from lib import checks, nft, nstat
from lib import events as ev
from lib.marks import slow, smoke
from lib.scope import Scope
from lib.util import sleep

PORT = 8080


def drops_agree(ctx, trace, ns, dropped):
    """tcpline's NETFILTER_DROP drop events in ns == the nft rule's counter."""
    drops = trace.select("drop", netns=ns.inode)
    nf = [d for d in drops if d.get("reason") == "NETFILTER_DROP"]
    ctx.eq(len(nf), dropped, "%s: NETFILTER_DROP drop events vs nft counter" % ns.name)
    other = sorted({d.get("reason") for d in drops} - {"NETFILTER_DROP"}, key=str)
    if other:
        ctx.note("%s: other drop reasons seen: %s" % (ns.name, other))


@smoke
def test_retransmit_data(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        tcli = sc.tracer(netns=pair.client)
        tsrv = sc.tracer(netns=pair.server)
        before_c, before_s = nstat.read(pair.client), nstat.read(pair.server)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        ctup = cli.call("connect", "c", pair.server4, PORT)
        srv.call("accept", "l", "a")
        nft.drop_input(pair.server, "meta length > 100")
        sc.defer(lambda: nft.clear(pair.server))
        t0 = time.monotonic()
        cli.call("send", "c", 1000)
        sleep(max(0.0, 1.5 - (time.monotonic() - t0)))
        dropped = nft.dropped(pair.server)
        nft.clear(pair.server)
        ctx.eq(srv.call("recv", "a", 1000, timeout=10)["received"], 1000, "server received after the loss")
        ctx.eq(dropped, 4, "scenario: packets dropped by nft (original + probe + 2 RTO)")
        # orderly close, server first, so the client's lifeline ends at once
        srv.call("close", "a")
        cli.call("recveof", "c")
        cinfo = cli.call("info", "c")
        cli.call("close", "c")
        srv.call("close", "l")
        sleep(0.3)
        after_c, after_s = nstat.read(pair.client), nstat.read(pair.server)
        trc, trs = tcli.stop(), tsrv.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        checks.trace_health(ctx, trs, "server tcpline", pair.server)

        cookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        rt = trc.select("retransmit", netns=pair.client.inode)
        ctx.eq([(r.get("cookie"), r.get("state"), r.get("segs")) for r in rt],
               [(cookie, "ESTABLISHED", 1)] * 4, "client retransmit events (cookie, state, segs)")
        segs = sum(r.get("segs") or 0 for r in rt)
        ctx.eq(segs, nstat.delta(before_c, after_c, "TcpRetransSegs"), "sum of retransmit segs vs TcpRetransSegs")
        # kinds: the loss probe first, then the timer's retransmits, as the kernel counts them
        ctx.eq([r.get("kind") for r in rt], ["tlp", "rto", "rto", "rto"], "client retransmit kinds")
        ctx.eq(sum(1 for r in rt if r.get("kind") == "tlp"),
               nstat.delta(before_c, after_c, "TcpExtTCPLossProbes"), "tlp retransmits vs TCPLossProbes")
        ctx.eq(sum(1 for r in rt if r.get("kind") == "rto"),
               nstat.delta(before_c, after_c, "TcpExtTCPTimeouts"), "rto retransmits vs TCPTimeouts")
        ctx.eq(cinfo["total_retrans"], 4, "scenario: client tcp_info total_retrans")
        cev = checks.state_sequence(ctx, trc, pair.client, cookie,
                                    [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"),
                                     ("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                                     ("LAST_ACK", "CLOSE")], "client socket")
        checks.lifeline(ctx, ev.lifeline_of(ctx, trc, pair.client.inode, cookie, "client"), "client",
                        states=["SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"], end="closed",
                        owner=(cli.pid, "tl-client", "exact"), family="ipv4", tup=ctup,
                        retransmits=segs, state_events=cev)
        drops_agree(ctx, trs, pair.server, dropped)
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 1, "TcpRetransSegs": 4, "TcpOutRsts": 0})
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s, {"TcpPassiveOpens": 1})


@slow
def test_retransmit_syn_timeout(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        pair.client.sysctl("net.ipv4.tcp_syn_linear_timeouts", 0)
        nft.drop_input(pair.server, "tcp flags & (syn | ack) == syn")
        tcli = sc.tracer(netns=pair.client)
        tsrv = sc.tracer(netns=pair.server)
        before_c, before_s = nstat.read(pair.client), nstat.read(pair.server)
        cli = sc.peer(pair.client, "tl-client")
        t0 = time.monotonic()
        reply = cli.call("connect", "c", pair.server4, PORT, "bind=" + pair.client4, "syncnt=2",
                         expect_ok=False, timeout=30)
        took = time.monotonic() - t0
        ctx.require(reply.get("error") == "ETIMEDOUT", "scenario: connect should time out, got %r" % reply)
        ctx.note("connect timed out after %.2f s" % took)
        ctup = {"laddr": pair.client4, "lport": reply["lport"], "raddr": pair.server4, "rport": PORT}
        dropped = nft.dropped(pair.server)
        sleep(0.3)
        after_c, after_s = nstat.read(pair.client), nstat.read(pair.server)
        trc, trs = tcli.stop(), tsrv.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        checks.trace_health(ctx, trs, "server tcpline", pair.server)
        ctx.eq(dropped, 3, "scenario: SYNs dropped by nft")

        cookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
        cev = checks.state_sequence(ctx, trc, pair.client, cookie,
                                    [("CLOSE", "SYN_SENT"), ("SYN_SENT", "CLOSE")], "client socket")
        rt = trc.select("retransmit", netns=pair.client.inode)
        ctx.eq([(r.get("cookie"), r.get("state"), r.get("segs"), r.get("kind")) for r in rt],
               [(cookie, "SYN_SENT", 1, "syn")] * 2,
               "client retransmit events (cookie, state, segs, kind)")
        ll = ev.lifeline_of(ctx, trc, pair.client.inode, cookie, "client")
        checks.lifeline(ctx, ll, "client", states=["SYN_SENT"], end="timed_out", error="ETIMEDOUT",
                        owner=(cli.pid, "tl-client", "exact"), family="ipv4", tup=ctup,
                        retransmits=2, state_events=cev)
        # the SYN timer gave up after its 2 retransmits; TCPTimeouts also counts the last firing
        ctx.eq((ll.get("timeout"), ll.get("timeout_attempts")), ("syn", 2), "client lifeline timeout")
        ctx.eq(ll.get("timeout_attempts"), nstat.delta(before_c, after_c, "TcpRetransSegs"),
               "timeout_attempts vs TcpRetransSegs")
        ctx.eq(ll.get("timeout_attempts"), nstat.delta(before_c, after_c, "TcpExtTCPTimeouts") - 1,
               "timeout_attempts vs TCPTimeouts - 1 (the firing that gave up)")
        ctx.between(ll.get("timeout_after_ns"), int((took - 0.5) * 1e9), int((took + 0.5) * 1e9),
                    "client lifeline timeout_after_ns (from the first SYN) vs connect() %.2f s" % took)
        syn_dwell = (ll.get("states") or [{}])[0].get("dwell_ns")
        ctx.between(syn_dwell, int((took - 0.5) * 1e9), int((took + 0.5) * 1e9),
                    "client lifeline SYN_SENT dwell_ns vs connect() duration %.2f s" % took)
        drops_agree(ctx, trs, pair.server, dropped)
        ctx.eq(trs.select("state", netns=pair.server.inode), [], "state events in the server netns")
        checks.nstat_agreement(ctx, trc, pair.client, before_c, after_c,
                               {"TcpActiveOpens": 1, "TcpRetransSegs": 2, "TcpAttemptFails": 1})
        checks.nstat_agreement(ctx, trs, pair.server, before_s, after_s, {"TcpOutRsts": 0})
