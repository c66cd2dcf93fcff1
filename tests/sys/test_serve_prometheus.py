"""A real Prometheus server (Debian's prometheus, on 127.0.0.1, its TSDB in a
temporary directory) scraping `tcpline serve` every second; queried over its
HTTP API, its view of the resets sent must equal the namespace's TcpOutRsts
delta, and the connect durations' count the connects made. Bounded: 25 s
for the server to start and the value to arrive."""
import json
import os
import time
import urllib.parse
import urllib.request

from lib import nstat
from lib import serve as sv
from lib.scope import Scope
from lib.util import sleep

ADDR = "127.0.0.1"
CLOSED_PORT = 8081
REFUSED = 4
DEADLINE_S = 25

CONFIG = """global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: tcpline
    static_configs:
      - targets: ['127.0.0.1:%d']
"""


def query(port, expr):
    """The value of an instant vector query with one result, or None."""
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": expr}))
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            body = json.loads(r.read().decode())
    except OSError:
        return None
    res = body.get("data", {}).get("result", [])
    return float(res[0]["value"][1]) if body.get("status") == "success" and len(res) == 1 else None


def wait_value(port, expr, want, deadline):
    got = None
    while time.monotonic() < deadline:
        got = query(port, expr)
        if got == want:
            break
        sleep(0.5)
    return got


def test_serve_prometheus_scrape(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        srv = sv.start(sc, ns, "--metrics-port", str(CLOSED_PORT))
        ctx.require(srv.port, "serve did not say its port: %s" % srv.stderr()[-500:])
        tmp = sv.tempdir(sc, "tl-prometheus-")
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(CONFIG % srv.port)
        pport = sv.free_port()
        deadline = time.monotonic() + DEADLINE_S
        prom = sv.background(sc, ["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + tmp + "/data",
                                  "--web.listen-address=127.0.0.1:%d" % pport])
        up = wait_value(pport, 'up{job="tcpline"}', 1.0, deadline)
        ctx.require(up == 1.0, "Prometheus: up{job=\"tcpline\"} %r within %d s; log: %s"
                    % (up, DEADLINE_S, sv.log_of(prom)))
        before = nstat.read(ns)
        p = sc.peer(ns, "tl-peer")
        for i in range(REFUSED):
            reply = p.call("connect", "r%d" % i, ADDR, CLOSED_PORT, expect_ok=False)
            ctx.require(reply.get("error") == "ECONNREFUSED", "scenario: refused connect, got %r" % reply)
        sleep(0.3)
        want = nstat.delta(before, nstat.read(ns), "TcpOutRsts")
        ctx.eq(want, REFUSED, "scenario: TcpOutRsts delta (kernel fact)")
        got = wait_value(pport, 'sum(tcpline_resets_total{job="tcpline",direction="sent"})', float(want), deadline)
        ctx.eq(got, float(want), "Prometheus: sum(tcpline_resets_total{direction=\"sent\"}) vs TcpOutRsts delta")
        got = wait_value(pport, 'tcpline_connect_duration_seconds_count{port="%d"}' % CLOSED_PORT,
                         float(REFUSED), deadline)
        ctx.eq(got, float(REFUSED), "Prometheus: connect durations to port %d" % CLOSED_PORT)
        ctx.eq(query(pport, 'sum(tcpline_events_lost_total{job="tcpline"})'), 0.0, "Prometheus: events lost")
