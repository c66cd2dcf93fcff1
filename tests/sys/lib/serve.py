"""`tcpline serve` in the tests: running it, scraping /metrics (loopback only),
parsing the exposition format, and the Debian tools that read it (promtool,
Prometheus, node_exporter)."""
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from .tracer import SANITIZER_MARKS, Tracer
from .util import run, sleep

INTERVAL = 0.5
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Serve(Tracer):
    """tcpline serve ARGS, attached ("tracing" said); .port: the metrics port."""

    def __init__(self, sc, args, prefix=(), binary=None):
        """prefix: a command that runs tcpline (e.g. setpriv ...), binary: tcpline's path."""
        argv = list(prefix[1:]) + [binary or sc.ctx.tcpline, "serve"] + list(args)
        super().__init__(prefix[0] if prefix else argv.pop(0), argv)
        sc.defer(self.kill)
        self.start()
        self.port = None
        for line in self._err:
            m = re.search(r"metrics on http://(\S+):(\d+)/metrics", line)
            if m:
                self.host, self.port = m.group(1), int(m.group(2))

    def stderr(self):
        return "".join(self._err)

    def scrape(self, path="/metrics", method="GET", host=None):
        """(status, content type, body) of METHOD path; an HTTP error is a status too."""
        req = urllib.request.Request("http://%s:%d%s" % (host or self.host, self.port, path), method=method)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.headers.get("Content-Type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()

    def sanitizer_clean(self, ctx):
        """No sanitizer report on stderr (the ASan build of the smoke tests)."""
        err = self.stderr()
        ctx.check(not any(m in err for m in SANITIZER_MARKS), "sanitizer report: %s" % err[-1500:])

    def signal(self, sig):
        self.proc.send_signal(sig)

    def terminate(self, timeout=20):
        """SIGTERM; return the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout)
        for t in self._threads:
            t.join(5)
        return rc


def start(sc, ns, *extra, interval=INTERVAL):
    """serve --metrics 127.0.0.1:0 for ns, attached, with its first interval begun."""
    s = Serve(sc, ["--metrics", "127.0.0.1:0", "--interval", str(interval),
                   "--netns", ns.path] + list(extra))
    sleep(interval + 0.3)  # the first listener sample is the baseline
    return s


def parse(text):
    """{(name, ((label, value), ...)): float} from an exposition page."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError("not a sample line: %r" % line)
        labels = tuple(sorted(LABEL.findall(m.group(3) or "")))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def value(samples, name, **labels):
    """The sum of name's samples whose labels include `labels` (0 if none)."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


def series(samples, name):
    """[dict of labels] of name's samples."""
    return [dict(ls) for (n, ls), _ in samples.items() if n == name]


def promtool_check(text):
    """(exit code, output) of promtool check metrics on text."""
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=30)
    return p.returncode, (p.stdout + p.stderr).strip()


def free_port():
    """A TCP port free on 127.0.0.1 now (for a tool that cannot take port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout):
    """GET url until it answers 200 or timeout; return the body or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return r.read().decode()
        except OSError:
            pass
        sleep(0.2)
    return None


def tempdir(sc, prefix):
    d = tempfile.TemporaryDirectory(prefix=prefix)
    sc.defer(d.cleanup)
    return d.name


def count_state(ns, state):
    """Sockets of ns in `state` (ss state filter name, e.g. time-wait), as ss sees them."""
    return len(ns.run(["ss", "-Htan", "state", state]).stdout.splitlines())


def background(sc, argv):
    """A tool (prometheus, node_exporter) in the background, killed by the scope."""
    log = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)

    def stop():
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()

    sc.defer(stop)
    p.log = log
    return p


def log_of(p):
    p.log.seek(0)
    return p.log.read()[-2000:]


__all__ = ["Serve", "start", "parse", "value", "series", "promtool_check", "free_port",
           "wait_http", "tempdir", "count_state", "background", "log_of", "run"]
