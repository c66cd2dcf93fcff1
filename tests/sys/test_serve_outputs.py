"""tcpline serve's other outputs, all from the same session: the textfile read
by Debian's prometheus-node-exporter (textfile collector, on 127.0.0.1), the
flight recording read back by `tcpline report`, SIGHUP (outputs reopened: the
recording moves to its next file) and SIGTERM (a clean stop, exit 0, the
recording closed with its trailer). The RSTs of three refused connects must
be 3 in the textfile, in node_exporter's page, in the recording and in the
namespace's TcpOutRsts."""
import glob
import json
import os
import signal

from lib import nstat
from lib import serve as sv
from lib.marks import smoke
from lib.scope import Scope
from lib.util import run, sleep

ADDR = "127.0.0.1"
CLOSED_PORT = 8081
REFUSED = 3
SENT = 'tcpline_resets_total{direction="sent",reason="NO_SOCKET"}'


def refuse(sc, ns, n):
    p = sc.peer(ns, "tl-peer")
    for i in range(n):
        reply = p.call("connect", "r%d" % i, ADDR, CLOSED_PORT, expect_ok=False)
        if reply.get("error") != "ECONNREFUSED":
            raise RuntimeError("scenario: connect should be refused, got %r" % reply)


def textfile_value(path, line_start):
    with open(path) as f:
        for line in f:
            if line.startswith(line_start + " "):
                return float(line.split()[-1])
    return None


@smoke
def test_serve_textfile_node_exporter_record_signals(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        tdir, rdir = sv.tempdir(sc, "tl-textfile-"), sv.tempdir(sc, "tl-rec-")
        srv = sv.Serve(sc, ["--textfile", tdir, "--record", rdir, "--rotate-size", "64M",
                            "--interval", str(sv.INTERVAL), "--netns", ns.path])
        prom = os.path.join(tdir, "tcpline.prom")
        before = nstat.read(ns)
        refuse(sc, ns, REFUSED)
        sleep(0.3)
        after = nstat.read(ns)
        ctx.eq(nstat.delta(before, after, "TcpOutRsts"), REFUSED, "scenario: TcpOutRsts delta (kernel fact)")
        sleep(sv.INTERVAL + 0.3)
        ctx.eq(sorted(os.listdir(tdir)), ["tcpline.prom"], "textfile directory: only the finished file")
        with open(prom) as f:
            text = f.read()
        rc, out = sv.promtool_check(text)
        ctx.eq(rc, 0, "promtool check metrics on the textfile (output: %s)" % out[:500])
        ctx.eq(textfile_value(prom, SENT), REFUSED, "textfile: resets sent without a socket")

        port = sv.free_port()
        ne = sv.background(sc, ["prometheus-node-exporter", "--web.listen-address=127.0.0.1:%d" % port,
                                "--collector.disable-defaults", "--collector.textfile",
                                "--collector.textfile.directory=" + tdir])
        page = sv.wait_http("http://127.0.0.1:%d/metrics" % port, 15)
        ctx.require(page is not None, "node_exporter did not answer on 127.0.0.1:%d: %s" % (port, sv.log_of(ne)))
        m = sv.parse(page)
        ctx.eq(sv.value(m, "node_textfile_scrape_error"), 0, "node_exporter: node_textfile_scrape_error")
        ctx.eq(sv.value(m, "tcpline_resets_total", direction="sent", reason="NO_SOCKET"), REFUSED,
               "node_exporter: resets sent without a socket")
        ctx.eq(sv.value(m, "tcpline_build_info"), 1, "node_exporter: tcpline_build_info")
        ctx.check(sv.value(m, "tcpline_connect_duration_seconds_count") >= REFUSED,
                  "node_exporter: the connect duration histogram (count %s)"
                  % sv.value(m, "tcpline_connect_duration_seconds_count"))

        files = sorted(glob.glob(os.path.join(rdir, "tcpline-*.rec.*")))
        ctx.eq([f[-2:] for f in files], [".0"], "recording files before SIGHUP")
        srv.signal(signal.SIGHUP)
        sleep(0.5)
        ctx.require(srv.proc.poll() is None, "serve exited after SIGHUP: %s" % srv.stderr()[-500:])
        ctx.check("SIGHUP: outputs reopened; recording into " in srv.stderr(),
                  "SIGHUP said on stderr: %s" % srv.stderr()[-500:])
        files = sorted(glob.glob(os.path.join(rdir, "tcpline-*.rec.*")))
        ctx.eq([f[-2:] for f in files], [".0", ".1"], "recording files after SIGHUP (the next one started)")
        ctx.eq(srv.terminate(), 0, "exit code after SIGTERM")
        srv.sanitizer_clean(ctx)
        ctx.check("recorded " in srv.stderr(), "the recording closed: %s" % srv.stderr()[-300:])
        rep = run([ctx.tcpline, "report", "--events", "--json"] + files, check=False)
        ctx.eq(rep.returncode, 0, "report exit code on the recording (stderr: %s)" % rep.stderr[-300:])
        resets = [r for r in map(json.loads, rep.stdout.splitlines())
                  if r.get("type") == "reset" and r.get("netns") == ns.inode and r.get("dir") == "sent"]
        ctx.eq(len(resets), REFUSED, "resets sent in the recording")
        ctx.eq(textfile_value(prom, SENT), REFUSED, "textfile after the stop")
