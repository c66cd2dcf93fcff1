"""Latency by port (issue 15, item 5): trace --latency at exit, and
report --summary on a recording of the same kind of run.

Known delays: the server accepts 200 ms after its clients connected and
closes 300 ms after their FIN (CLOSE_WAIT on a listener's port); a client
closes 300 ms after the server's FIN (CLOSE_WAIT on a client's port). Each
p50 must fall in the bucket of its delay: at least the delay, at most the
top of its log bucket (19 % above) plus scheduling slack. The accept wait is
measured only where the accept hook runs: null, never 0, elsewhere.
"""
import json
import os
import subprocess
import tempfile

from lib import checks, nstat
from lib.scope import Scope
from lib.tracer import Tracer
from lib.util import sleep

SLOW, FAST, BACK = 8080, 8081, 9090
ACCEPT_DELAY, CLOSE_DELAY = 0.2, 0.3
N_SLOW = 3


def _in_bucket(ctx, m, delay, what):
    ctx.check(m is not None, "%s: measured" % what)
    if m is None:
        return
    p50 = m.get("p50_ns")
    lo, hi = delay * 1e9, delay * 1e9 * 1.19 + 0.1e9
    ctx.check(p50 is not None and lo <= p50 <= hi and p50 <= m.get("max_ns"),
              "%s: p50_ns %r should be in [%d, %d] (the bucket of %.1f s)" % (what, p50, lo, hi, delay))


def _row(ctx, rows, port, what):
    got = [r for r in rows if r.get("port") == port]
    ctx.eq(len(got), 1, "%s: one row for port %d in %r" % (what, port, rows))
    return got[0] if got else {}


def _scenario(pair, srv, cli):
    """Slow accepts and a slow close on SLOW, a slow client close on FAST,
    a connection back from the server's namespace to a listener in the client's."""
    srv.call("listen", "l", pair.server4, SLOW)
    srv.call("listen", "f", pair.server4, FAST)
    cli.call("listen", "b", pair.client4, BACK)
    for i in range(N_SLOW):
        cli.call("connect", "c%d" % i, pair.server4, SLOW)
    sleep(ACCEPT_DELAY)
    for i in range(N_SLOW):
        srv.call("accept", "l", "a%d" % i)
    for i in range(N_SLOW):
        cli.call("close", "c%d" % i)
    sleep(CLOSE_DELAY)
    for i in range(N_SLOW):
        srv.call("close", "a%d" % i)
    cli.call("connect", "fc", pair.server4, FAST)
    srv.call("accept", "f", "fa")
    srv.call("close", "fa")
    sleep(CLOSE_DELAY)
    cli.call("close", "fc")
    srv.call("connect", "bc", pair.client4, BACK)
    cli.call("accept", "b", "ba")
    srv.call("close", "bc")
    cli.call("close", "ba")
    sleep(0.3)


def _check_server(ctx, lat, label):
    ctx.eq(lat.get("accept_hook"), True, "%s: accept_hook (--accept-owner)" % label)
    rows = lat.get("listeners") or []
    slow = _row(ctx, rows, SLOW, label + " listeners")
    ctx.eq(slow.get("connections"), N_SLOW, "%s: connections on %d" % (label, SLOW))
    ctx.eq((slow.get("handshake") or {}).get("n"), N_SLOW, "%s: handshakes on %d" % (label, SLOW))
    ctx.eq((slow.get("accept_wait") or {}).get("n"), N_SLOW, "%s: accept waits on %d" % (label, SLOW))
    _in_bucket(ctx, slow.get("accept_wait"), ACCEPT_DELAY, "%s: accept_wait on %d" % (label, SLOW))
    _in_bucket(ctx, slow.get("close_wait"), CLOSE_DELAY, "%s: close_wait on %d" % (label, SLOW))
    fast = _row(ctx, rows, FAST, label + " listeners")
    aw = fast.get("accept_wait") or {}
    ctx.check(aw.get("n") == 1 and aw.get("max_ns") is not None and aw["max_ns"] < 0.1e9,
              "%s: one quick accept wait on %d, got %r" % (label, FAST, aw))
    ctx.eq(fast.get("close_wait"), None, "%s: no CLOSE_WAIT on %d (the server closed first)" % (label, FAST))
    back = _row(ctx, lat.get("clients") or [], BACK, label + " clients")
    ctx.eq((back.get("connect") or {}).get("n"), 1, "%s: connects to %d" % (label, BACK))
    ctx.check("accept_wait" not in back, "%s: no accept_wait member for a client row" % label)


def _check_client(ctx, lat, label):
    ctx.eq(lat.get("accept_hook"), False, "%s: accept_hook (not asked for)" % label)
    rows = lat.get("clients") or []
    slow = _row(ctx, rows, SLOW, label + " clients")
    ctx.eq((slow.get("connect") or {}).get("n"), N_SLOW, "%s: connects to %d" % (label, SLOW))
    ctx.eq(slow.get("close_wait"), None, "%s: no CLOSE_WAIT to %d (the client closed first)" % (label, SLOW))
    fast = _row(ctx, rows, FAST, label + " clients")
    _in_bucket(ctx, fast.get("close_wait"), CLOSE_DELAY, "%s: close_wait to %d" % (label, FAST))
    back = _row(ctx, lat.get("listeners") or [], BACK, label + " listeners")
    ctx.eq((back.get("handshake") or {}).get("n"), 1, "%s: handshakes on %d" % (label, BACK))
    ctx.eq(back.get("accept_wait", "absent"), None, "%s: accept_wait without the accept hook" % label)


def _opens(ctx, lat, before, after, ns):
    """Every connection opened in the namespace is in one row: nstat's opens."""
    for side, name in (("listeners", "TcpPassiveOpens"), ("clients", "TcpActiveOpens")):
        ours = sum(r.get("connections", 0) for r in lat.get(side) or [])
        ctx.eq(ours, nstat.delta(before, after, name), "%s: %s connections vs nstat %s" % (ns.name, side, name))


def test_trace_latency_exit_record(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        tsrv = sc.tracer("--accept-owner", "--latency", netns=pair.server)
        tcli = sc.tracer("--latency", netns=pair.client)
        b_s, b_c = nstat.read(pair.server), nstat.read(pair.client)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        _scenario(pair, srv, cli)
        a_s, a_c = nstat.read(pair.server), nstat.read(pair.client)
        for tr, ns, check, before, after in ((tsrv, pair.server, _check_server, b_s, a_s),
                                             (tcli, pair.client, _check_client, b_c, a_c)):
            trs = tr.stop()
            label = "trace in %s" % ns.name
            checks.trace_health(ctx, trs, label, ns)
            lats = trs.select("latency")
            ctx.eq(len(lats), 1, "%s: one latency record" % label)
            if lats:
                ctx.eq(trs.records[-2].get("type"), "latency",
                       "%s: the latency record just before the final stats" % label)
                check(ctx, lats[0], label)
                _opens(ctx, lats[0], before, after, ns)


def test_trace_latency_text_on_stderr(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        tsrv = Tracer(ctx.tcpline, ["--latency", "--netns", pair.server.path])
        sc.defer(tsrv.kill)
        tsrv.start()
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, SLOW)
        cli.call("connect", "c", pair.server4, SLOW)
        srv.call("accept", "l", "a")
        cli.call("close", "c")
        srv.call("close", "a")
        sleep(0.3)
        trs = tsrv.stop()
        ctx.eq(trs.rc, 0, "trace --latency exit code")
        err = trs.stderr.splitlines()
        rows = [ln.split() for ln in err if ln.startswith("  listen ")]
        ctx.check(["listen", str(SLOW), "handshake"] in [r[:3] for r in rows],
                  "stderr: a handshake line for listener %d, got %r" % (SLOW, err))
        ctx.check(["listen", str(SLOW), "accept_wait", "-", "-", "-", "-", "-"] in rows,
                  "stderr: accept_wait '-' without the accept hook, got %r" % rows)
        ctx.check(bool(err) and err[-1].startswith("tcpline: summary:"),
                  "stderr: the summary line stays last, got %r" % err[-3:])


def test_report_summary_latency(ctx):
    with Scope(ctx) as sc, tempfile.TemporaryDirectory(prefix="tl-lat-") as d:
        pair = sc.pair()
        path = os.path.join(d, "rec")
        rec = Tracer(ctx.tcpline, ["record", "-w", path, "--netns", pair.server.path, "--accept-owner"])
        sc.defer(rec.kill)
        rec.start()
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        _scenario(pair, srv, cli)
        ctx.eq(rec.stop().rc, 0, "record exit code")
        p = subprocess.run([ctx.tcpline, "report", "--summary", "--json", path], capture_output=True,
                           text=True, timeout=60)
        ctx.eq(p.returncode, 0, "report --summary --json exit code (stderr %r)" % p.stderr[-300:])
        s = json.loads(p.stdout)
        ctx.eq(s.get("type"), "summary", "report --summary --json: type")
        _check_server(ctx, s.get("latency") or {}, "report")
        p = subprocess.run([ctx.tcpline, "report", "--summary", path], capture_output=True, text=True,
                           timeout=60)
        rows = [ln.split() for ln in p.stdout.splitlines() if ln.startswith("  listen ")]
        ctx.check(["listen", str(SLOW), "accept_wait"] in [r[:3] for r in rows],
                  "report --summary: an accept_wait line for %d, got %r" % (SLOW, p.stdout[-1500:]))
