"""Which timer killed a connection: tcp_retries2, TCP_USER_TIMEOUT, keepalive.

The client's packets are lost on the server's input (nft) once the connection
is established; the client's lifeline must end "timed_out" with the timer
named, its attempts equal to the kernel's counters, or "keepalive_timeout".
Counters (measured on 6.18): TCPTimeouts counts every firing of the
retransmission timer, including the one that gives up, so the attempts of a
retransmission timeout are TCPTimeouts - 1 and every one of them is an "rto"
retransmit event; TcpRetransSegs also counts the tail-loss probe before them.
Keepalive probes are counted by TCPKeepAlive; each is a "keepalive" event
and the lifeline's keepalive object gives the settings in effect (the
socket's options, else the namespace's sysctls) and the probes seen.
"""
import json
import os
import shutil
import subprocess
import tempfile

from lib import checks, nft, nstat
from lib import events as ev
from lib.marks import alone
from lib.scope import Scope
from lib.tracer import Tracer
from lib.util import sleep

PORT = 8090


def established(sc, pair):
    srv = sc.peer(pair.server, "tl-server")
    cli = sc.peer(pair.client, "tl-client")
    srv.call("listen", "l", pair.server4, PORT)
    ctup = cli.call("connect", "c", pair.server4, PORT)
    srv.call("accept", "l", "a")
    return srv, cli, ctup


def client_lifeline(ctx, trc, pair, ctup):
    cookie = ev.socket_cookie(ctx, trc, pair.client.inode, ctup, "client socket")
    return cookie, ev.lifeline_of(ctx, trc, pair.client.inode, cookie, "client")


def timed_out(ctx, cli, what, seconds=30):
    """Wait for the client socket's ETIMEDOUT; @what names the scenario in the note."""
    got = cli.call("waiterr", "c", seconds, timeout=seconds + 10)
    ctx.require(got["error_name"] == "ETIMEDOUT", "scenario: client error %r" % got)
    ctx.note("%s after %.2f s" % (what, got["waited"]))
    return got


def stop_client(ctx, sc_pair, tcli, ctup):
    """The client namespace's counters, then its tracer stopped and checked: (after, trace,
    cookie, lifeline)."""
    sleep(0.3)
    after = nstat.read(sc_pair.client)
    trc = tcli.stop()
    checks.trace_health(ctx, trc, "client tcpline", sc_pair.client)
    cookie, ll = client_lifeline(ctx, trc, sc_pair, ctup)
    return after, trc, cookie, ll


def recorder(sc, ctx, ns):
    """tcpline record --live --json into a fresh file: (tracer, path)."""
    d = tempfile.mkdtemp(prefix="tl-to-")
    sc.defer(lambda: shutil.rmtree(d, ignore_errors=True))
    path = os.path.join(d, "rec")
    t = Tracer(ctx.tcpline, ["record", "-w", path, "--netns", ns.path, "--live", "--json"])
    sc.defer(t.kill)
    t.start()
    return t, path


def report_equals_live(ctx, path, live):
    """report --json on the recording prints what record --live --json printed."""
    p = subprocess.run([ctx.tcpline, "report", path, "--json"], capture_output=True, text=True,
                       timeout=60)
    ctx.eq(p.returncode, 0, "report exit code (stderr %r)" % p.stderr[-300:])

    def norm(r):
        r = dict(r)
        if r.get("type") == "stats":
            r.pop("time", None)
        return json.dumps(r, sort_keys=True)
    ctx.eq([norm(json.loads(l)) for l in p.stdout.splitlines()], [norm(r) for r in live.records],
           "report --json vs record --live --json")


def data_timeout(ctx, sysctls, setup, want_timeout, record=False):
    """Lose everything the client sends after 1000 bytes; return the lifeline and counters."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        for k, v in sysctls.items():
            pair.client.sysctl(k, v)
        if record:
            tcli, path = recorder(sc, ctx, pair.client)
        else:
            tcli = sc.tracer(netns=pair.client)
        srv, cli, ctup = established(sc, pair)
        setup(cli)
        before = nstat.read(pair.client)
        nft.drop_input(pair.server, "ip saddr %s" % pair.client4)
        sc.defer(lambda: nft.clear(pair.server))
        cli.call("send", "c", 1000)
        got = timed_out(ctx, cli, "client timed out")
        after, trc, cookie, ll = stop_client(ctx, pair, tcli, ctup)
        if record:
            report_equals_live(ctx, path, trc)
        ctx.eq((ll.get("end"), ll.get("error"), ll.get("timeout")),
               ("timed_out", "ETIMEDOUT", want_timeout), "client lifeline end, error, timeout")
        rt = trc.select("retransmit", netns=pair.client.inode, cookie=cookie)
        rto = sum(r.get("segs") or 0 for r in rt if r.get("kind") == "rto")
        ctx.eq(ll.get("timeout_attempts"), nstat.delta(before, after, "TcpExtTCPTimeouts") - 1,
               "timeout_attempts vs TCPTimeouts - 1 (the firing that gave up)")
        ctx.eq(ll.get("timeout_attempts"), rto, "timeout_attempts vs rto retransmit events")
        ctx.eq(sum(r.get("segs") or 0 for r in rt), nstat.delta(before, after, "TcpRetransSegs"),
               "retransmit segs vs TcpRetransSegs")
        ctx.eq(sum(1 for r in rt if r.get("kind") == "tlp"),
               nstat.delta(before, after, "TcpExtTCPLossProbes"), "tlp events vs TCPLossProbes")
        return ll, got["waited"]


def test_timeout_retransmit(ctx):
    ll, waited = data_timeout(ctx, {"net.ipv4.tcp_retries2": 3}, lambda cli: None, "retransmit")
    after = ll.get("timeout_after_ns")
    ctx.eq(ll.get("keepalive"), None, "lifeline keepalive without SO_KEEPALIVE")
    # from the first retransmitted segment's send time (the original, at send()) to death
    ctx.between(after, int((waited - 0.5) * 1e9), int((waited + 0.5) * 1e9),
                "timeout_after_ns vs the client's wait %.2f s" % waited)


def test_timeout_orphan(ctx):
    """The owner closes with data unacknowledged: the orphan's retransmits give up
    (tcp_orphan_retries=1) and the lifeline names the orphan timer."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        pair.client.sysctl("net.ipv4.tcp_orphan_retries", 1)
        tcli = sc.tracer(netns=pair.client)
        srv, cli, ctup = established(sc, pair)
        before = nstat.read(pair.client)
        nft.drop_input(pair.server, "ip saddr %s" % pair.client4)
        sc.defer(lambda: nft.clear(pair.server))
        cli.call("send", "c", 1000)
        cli.call("close", "c")
        sleep(4.0)  # RTO 200 ms doubling: the orphan's boundary for 1 retry is well inside
        after = nstat.read(pair.client)
        trc = tcli.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        cookie, ll = client_lifeline(ctx, trc, pair, ctup)
        ctx.eq((ll.get("end"), ll.get("error"), ll.get("timeout")),
               ("timed_out", "ETIMEDOUT", "orphan"), "client lifeline end, error, timeout")
        ctx.eq([s.get("state") for s in ll.get("states") or []],
               ["SYN_SENT", "ESTABLISHED", "FIN_WAIT1"], "client lifeline states")
        rt = trc.select("retransmit", netns=pair.client.inode, cookie=cookie)
        ctx.eq(ll.get("timeout_attempts"), nstat.delta(before, after, "TcpExtTCPTimeouts") - 1,
               "timeout_attempts vs TCPTimeouts - 1 (the firing that gave up)")
        ctx.eq(ll.get("timeout_attempts"), sum(1 for r in rt if r.get("kind") == "rto"),
               "timeout_attempts vs rto retransmit events")


def test_timeout_user_timeout(ctx):
    # recorded: the kinds and the timer come back from the file as they were printed live
    ll, waited = data_timeout(ctx, {}, lambda cli: cli.call("usertimeout", "c", 1500),
                              "user_timeout", record=True)
    ctx.between(ll.get("timeout_after_ns"), 1500 * 10**6, 4000 * 10**6,
                "timeout_after_ns: at least TCP_USER_TIMEOUT (1.5 s)")


def keepalive(ctx, drop, sysctls=None, opts=(1, 1, 2), record=False):
    with Scope(ctx) as sc:
        pair = sc.pair()
        for k, v in (sysctls or {}).items():
            pair.client.sysctl(k, v)
        if record:
            tcli, path = recorder(sc, ctx, pair.client)
        else:
            tcli = sc.tracer(netns=pair.client)
        srv, cli, ctup = established(sc, pair)
        before = nstat.read(pair.client)
        cli.call("keepalive", "c", *opts)
        if drop:
            # the peer vanishes: its answers are lost on the client's input
            nft.drop_input(pair.client, "ip saddr %s" % pair.server4)
            sc.defer(lambda: nft.clear(pair.client))
            got = timed_out(ctx, cli, "keepalive gave up", seconds=15)
            ctx.between(got["waited"], 2.5, 5.0, "scenario: idle 1 s + 2 probes 1 s apart")
        else:
            got = cli.call("waiterr", "c", 3.5, timeout=10)
            ctx.eq(got["error_name"], None, "client socket error with the peer alive")
            srv.call("close", "a")
            cli.call("recveof", "c")
            cli.call("close", "c")
        sleep(0.3)
        after = nstat.read(pair.client)
        trc = tcli.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        if record:
            report_equals_live(ctx, path, trc)
        cookie, ll = client_lifeline(ctx, trc, pair, ctup)
        probes = nstat.delta(before, after, "TcpExtTCPKeepAlive")
        kev = trc.select("keepalive", netns=pair.client.inode, cookie=cookie)
        # probes are seen as the keepalive timer's arms (timer_start): a lower bound, since
        # the kernel traces no arm of a pending timer into the same wheel bucket, and 1 run
        # in ~8 saw one probe fewer (docs/json.md; the closing note)
        seen = (ll.get("keepalive") or {}).get("probes")
        ctx.eq(len(kev), seen, "keepalive events vs the lifeline's keepalive.probes")
        if probes:
            ctx.check(seen is not None and 1 <= seen <= probes,
                      "lifeline keepalive.probes %r: at least 1, at most TCPKeepAlive %d"
                      % (seen, probes))
        return ll, probes


# Alone (after the background tests): while other tracers attached and detached on the same
# tracepoints (a loop of short tcpline runs), 1 run in 8 missed one timer_start firing (a keepalive
# probe) with no recursion miss counted; not understood yet, said in the closing note.
@alone
def test_keepalive_timeout(ctx):
    # recorded: keepalive events and the lifeline come back from the file as printed live
    ll, probes = keepalive(ctx, drop=True, record=True)
    ctx.eq((ll.get("end"), ll.get("error"), ll.get("timeout"), ll.get("timeout_attempts")),
           ("keepalive_timeout", "ETIMEDOUT", "keepalive", 2), "client lifeline")
    ctx.eq({k: v for k, v in (ll.get("keepalive") or {}).items() if k != "probes"},
           {"idle_ns": 10**9, "interval_ns": 10**9, "count": 2},
           "lifeline keepalive: the socket's options")
    ctx.eq(ll.get("timeout_attempts"), probes, "timeout_attempts vs TCPKeepAlive")
    ctx.eq(ll.get("timeout_after_ns"), None, "timeout_after_ns: no loss to count from")


@alone
def test_keepalive_answered_stays_open(ctx):
    # only SO_KEEPALIVE: the namespace's sysctls are the settings in effect
    ll, probes = keepalive(ctx, drop=False, opts=(0, 0, 0),
                           sysctls={"net.ipv4.tcp_keepalive_time": 1,
                                    "net.ipv4.tcp_keepalive_intvl": 1,
                                    "net.ipv4.tcp_keepalive_probes": 3})
    ctx.eq({k: v for k, v in (ll.get("keepalive") or {}).items() if k != "probes"},
           {"idle_ns": 10**9, "interval_ns": 10**9, "count": 3},
           "lifeline keepalive: the namespace's sysctls")
    ctx.check(probes >= 2, "scenario: keepalive probes sent and answered (TCPKeepAlive %d)" % probes)
    ctx.eq((ll.get("end"), ll.get("error"), ll.get("timeout")), ("closed", None, None),
           "client lifeline after an orderly close")


@alone
def test_zero_window_stall(ctx):
    """A reader that stops reading (SO_RCVBUF 4096): the writer's window closes, its probe0
    timer sends window probes (TCPWinProbe) until the reader drains: one stall, start and end.
    Recorded: the zero_window events come back from the file as printed live."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        tcli, path = recorder(sc, ctx, pair.client)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT, 16, 4096)
        ctup = cli.call("connect", "c", pair.server4, PORT)
        srv.call("accept", "l", "a")
        before = nstat.read(pair.client)
        # more than the reader's window and the writer's buffer hold: the window closes
        sent = cli.call("sendsome", "c", 8 << 20, 1.0, timeout=10)["sent"]
        sleep(2.5)  # window probes back off from ~200 ms: a few go out
        got = srv.call("recv", "a", sent, timeout=30)["received"]
        ctx.eq(got, sent, "scenario: the reader drains what was sent")
        sleep(0.5)
        srv.call("close", "a")
        cli.call("recveof", "c")
        cli.call("close", "c")
        sleep(0.3)
        after = nstat.read(pair.client)
        trc = tcli.stop()
        checks.trace_health(ctx, trc, "client tcpline", pair.client)
        report_equals_live(ctx, path, trc)
        cookie, ll = client_lifeline(ctx, trc, pair, ctup)
        zw = trc.select("zero_window", netns=pair.client.inode, cookie=cookie)
        phases = [z.get("phase") for z in zw]
        probes = nstat.delta(before, after, "TcpExtTCPWinProbe")
        ctx.note("client window probes (TCPWinProbe) %d; phases %s" % (probes, phases))
        ctx.check(probes >= 2, "scenario: the writer sent window probes (TCPWinProbe %d)" % probes)
        ctx.check(phases and phases[0] == "start" and phases[-1] == "end",
                  "zero_window events start ... end: %r" % phases)
        ctx.eq(phases.count("start"), phases.count("end"), "zero_window starts vs ends")
        # window probes are seen as the probe0 timer's arms: a lower bound (docs/json.md)
        ctx.check(1 <= phases.count("probe") <= probes,
                  "zero_window probe events %d: at least 1, at most TCPWinProbe %d"
                  % (phases.count("probe"), probes))
        z = ll.get("zero_window") or {}
        ctx.eq((z.get("stalls"), z.get("probes")), (phases.count("start"), phases.count("probe")),
               "lifeline zero_window stalls, probes vs its events")
        ctx.between(z.get("stalled_ns"), int(2.0e9), int(6.0e9),
                    "lifeline zero_window stalled_ns: the reader paused ~3 s")
        ctx.eq(ll.get("end"), "closed", "client lifeline end")


@alone
def test_timeout_zero_window(ctx):
    """The reader stops reading and then vanishes (its answers to the window probes are
    lost): the writer's probe0 timer gives up after tcp_retries2 probes."""
    with Scope(ctx) as sc:
        pair = sc.pair()
        pair.client.sysctl("net.ipv4.tcp_retries2", 2)
        tcli = sc.tracer(netns=pair.client)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT, 16, 4096)
        ctup = cli.call("connect", "c", pair.server4, PORT)
        srv.call("accept", "l", "a")
        before = nstat.read(pair.client)
        cli.call("sendsome", "c", 8 << 20, 1.0, timeout=10)
        nft.drop_input(pair.client, "ip saddr %s" % pair.server4)
        sc.defer(lambda: nft.clear(pair.client))
        timed_out(ctx, cli, "the window probes gave up")
        after, trc, cookie, ll = stop_client(ctx, pair, tcli, ctup)
        probes = nstat.delta(before, after, "TcpExtTCPWinProbe")
        ctx.eq((ll.get("end"), ll.get("error"), ll.get("timeout"), ll.get("timeout_after_ns")),
               ("timed_out", "ETIMEDOUT", "zero_window", None), "client lifeline end, error, timeout")
        # attempts are the probes unanswered at the end (icsk_probes_out): tcp_retries2 of them;
        # probes sent while the reader still answered count in TCPWinProbe and zero_window only
        ctx.eq(ll.get("timeout_attempts"), 2, "timeout_attempts: tcp_retries2 unanswered probes")
        ctx.check(probes >= 2, "scenario: window probes sent (TCPWinProbe %d)" % probes)
        z = ll.get("zero_window") or {}
        ctx.eq(z.get("stalls"), 1, "lifeline zero_window stalls")
        ctx.check(z.get("probes") is not None and 1 <= z["probes"] <= probes,
                  "lifeline zero_window probes %r: at least 1, at most TCPWinProbe %d"
                  % (z.get("probes"), probes))
