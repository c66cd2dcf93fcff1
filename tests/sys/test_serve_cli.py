"""tcpline serve's command line and HTTP surface: usage errors exit 2 with one
line, runtime errors (a directory missing, an address in use) exit 1 before
anything is loaded; an IPv6 address takes IPv4 too (dual stack); over IPv6 loopback, GET and HEAD /metrics, / and 404,
405 with Allow for other methods; and the series cap: with --max-series 2 and
five listeners, the queue gauges hold two series and "other", the folded
counter moves, and the page still passes promtool."""
import socket

from lib import serve as sv
from lib.scope import Scope
from lib.util import run, sleep

USAGE = [
    ([], "nothing to serve"),
    (["--metrics", "localhost:9464"], "invalid --metrics"),
    (["--metrics", "127.0.0.1:99999"], "invalid --metrics"),
    (["--metrics", "127.0.0.1:0", "--metrics-port", "0"], "invalid --metrics-port"),
    (["--metrics", "127.0.0.1:0", "--max-series", "0"], "invalid --max-series"),
    (["--metrics", "127.0.0.1:0", "--interval", "0"], "invalid --interval"),
    (["--metrics", "127.0.0.1:0", "--rotate-size", "1M"], "go with --record"),
    (["--record", "/tmp", "--max-files", "3"], "--max-files needs"),
    (["--metrics", "127.0.0.1:0", "--bogus"], "unknown option"),
    (["--metrics", "127.0.0.1:0", "extra"], "unexpected argument"),
]


def test_serve_cli_errors(ctx):
    for args, words in USAGE:
        p = run([ctx.tcpline, "serve"] + args, check=False)
        ctx.eq(p.returncode, 2, "exit code of serve %s" % " ".join(args))
        lines = p.stderr.strip().splitlines()
        ctx.check(len(lines) == 1 and words in lines[0], "serve %s: one line with %r: %r"
                  % (" ".join(args), words, p.stderr.strip()))
    p = run([ctx.tcpline, "serve", "--help"], check=False)
    ctx.eq((p.returncode, p.stdout.startswith("Usage: tcpline serve")), (0, True), "serve --help")
    p = run([ctx.tcpline, "serve", "--textfile", "/nonexistent-dir"], check=False)
    ctx.eq(p.returncode, 1, "exit code with a missing --textfile directory")
    ctx.check("No such file or directory" in p.stderr and "tracing" not in p.stderr,
              "missing directory said before loading: %r" % p.stderr)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        p = run([ctx.tcpline, "serve", "--metrics", "127.0.0.1:%d" % port], check=False)
    ctx.eq(p.returncode, 1, "exit code with the metrics address in use")
    ctx.check("Address already in use" in p.stderr and "tracing" not in p.stderr,
              "address in use said before loading: %r" % p.stderr)


def test_serve_http_ipv6_and_series_cap(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        p = sc.peer(ns, "tl-peer")
        for i in range(5):
            p.call("listen", "l%d" % i, "127.0.0.1", 9000 + i)
        s = sv.Serve(sc, ["--metrics", "[::1]:0", "--interval", "0.3", "--max-series", "2", "--netns", ns.path])
        ctx.require(s.host == "[::1]" and s.port, "serve said where it listens: %s" % s.stderr()[-300:])
        sleep(1.0)
        status, ctype, text = s.scrape()
        ctx.eq((status, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"), "GET /metrics over [::1]")
        rc, out = sv.promtool_check(text)
        ctx.eq(rc, 0, "promtool check metrics with folded series (output: %s)" % out[:300])
        m = sv.parse(text)
        got = sorted((x["listener"], x["queue"]) for x in sv.series(m, "tcpline_listen_queue_limit"))
        ctx.eq(len(got), 3, "queue limit series with --max-series 2: two and other (%s)" % got)
        ctx.check(("other", "other") in got, "an 'other' series: %s" % got)
        ctx.eq(sv.value(m, "tcpline_listen_queue_limit"), 5 * 2 * 16,
               "the five listeners' limits (16 for each queue), folded or not")
        ctx.check(sv.value(m, "tcpline_metrics_series_folded_total", family="tcpline_listen_queue_limit") > 0,
                  "folded counter of tcpline_listen_queue_limit moved")
        status, ctype, body = s.scrape(method="HEAD")
        ctx.eq((status, ctype, body), (200, "text/plain; version=0.0.4; charset=utf-8", ""), "HEAD /metrics")
        ctx.eq(s.scrape("/")[0], 200, "GET /")
        ctx.eq(s.scrape("/nope")[0], 404, "GET /nope")
        ctx.eq(s.scrape(method="POST")[0], 405, "POST /metrics")
        ctx.eq(s.terminate(), 0, "exit code after SIGTERM")
        s.sanitizer_clean(ctx)


def test_serve_ipv6_address_takes_ipv4(ctx):
    """An IPv6 address is bound dual-stack, as [::]:9464 is meant to be: shown on
    loopback with the IPv4-mapped 127.0.0.1, scraped over IPv4."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        s = sv.Serve(sc, ["--metrics", "[::ffff:127.0.0.1]:0", "--interval", "0.3", "--netns", ns.path])
        ctx.require(s.port, "serve said where it listens: %s" % s.stderr()[-300:])
        status, ctype, text = s.scrape(host="127.0.0.1")
        ctx.eq((status, text.startswith("# HELP tcpline_")), (200, True), "GET /metrics over IPv4")
        ctx.eq(s.terminate(), 0, "exit code after SIGTERM")
