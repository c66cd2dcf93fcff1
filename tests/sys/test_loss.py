"""Lost events are never silent; memory stays bounded under floods.

A stopped reader lets a small ring buffer overflow: the loss must show in
the live stats record, in a stderr line and in the final counters. A tiny
connection table under many connections must evict, count every eviction
and end each evicted lifeline with "evicted".
"""
import os
import signal
import subprocess

from lib import nstat

from lib.marks import alone
from lib.scope import Scope
from lib.util import sleep

# connections from one process to a local listener, as fast as Python goes
CHURN = """
import socket, sys, threading, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 9500)); srv.listen(4096)
def serve():
    while True:
        a, _ = srv.accept(); a.close()
threading.Thread(target=serve, daemon=True).start()
n, end = 0, time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    c = socket.create_connection(("127.0.0.1", 9500)); c.recv(1); c.close(); n += 1
print(n)
"""

# n connections held open until stdin closes, then all closed
HOLD = """
import socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", 9600)); srv.listen(4096)
n = int(sys.argv[1]); cs = []
for _ in range(n):
    cs.append(socket.create_connection(("127.0.0.1", 9600))); cs.append(srv.accept()[0])
sys.stdin.read()
for c in cs: c.close()
"""


def test_ring_overflow_is_reported(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = sc.tracer("--ringbuf-mb", "1", "--events", netns=ns)
        os.kill(t.proc.pid, signal.SIGSTOP)
        try:
            n = int(ns.run(["python3", "-c", CHURN, "2"], timeout=30).stdout)
        finally:
            os.kill(t.proc.pid, signal.SIGCONT)
        sleep(1.5)  # a stats interval passes with the loss visible
        tr = t.stop()
        ctx.note("%d connections while the reader was stopped" % n)
        ctx.require(n > 2000, "scenario: expected > 2000 connections in 2 s, got %d" % n)
        final = tr.final_stats or {}
        ctx.check(final.get("rb_lost", 0) > 0,
                  "final stats: rb_lost should be > 0 after a 1 MiB ring overflowed, got %r" % final)
        live = [r for r in tr.records if r.get("type") == "stats" and not r.get("final")]
        ctx.check(any(r.get("rb_lost", 0) > 0 for r in live),
                  "a live stats record should report the loss, got %r" % live[:3])
        ctx.check("events lost" in tr.stderr and "lost %d" % final.get("rb_lost", -1) in tr.stderr,
                  "stderr should say events were lost, and the summary their number; got %r"
                  % tr.stderr[-600:])
        hints = [l for l in tr.stderr.splitlines() if "ring buffer overflowed" in l]
        ctx.eq(len(hints), 1, "one line explains the first loss: %r" % hints)
        ctx.check(hints and "the 1 MiB ring buffer" in hints[0] and "--ringbuf-mb" in hints[0],
                  "it names the ring's size and what to change: %r" % hints)
        # 1 MiB of 128-byte records: the kernel queued at most 8192 while the reader slept
        got = len([r for r in tr.records if r.get("type") not in ("stats",)])
        ctx.check(got + final.get("rb_lost", 0) >= 4 * n,
                  "events shown (%d) + lost (%r) should cover at least 4 per connection (%d)"
                  % (got, final.get("rb_lost"), n))
        ctx.eq(tr.rc, 0, "tcpline exit code")


def test_connection_table_is_bounded(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = sc.tracer("--max-conns", "16", "--lifelines", netns=ns)
        holder = ns.run(["python3", "-c", HOLD, "40"], input="", timeout=30)
        ctx.eq(holder.returncode, 0, "scenario: 40 connections opened and closed")
        sleep(0.5)
        tr = t.stop()
        final = tr.final_stats or {}
        evicted = [r for r in tr.lifelines(netns=ns.inode) if r.get("end") == "evicted"]
        ctx.check(final.get("table_evictions", 0) >= 80 - 16,
                  "81 sockets through a 16-entry table: >= 65 evictions expected, got %r"
                  % final.get("table_evictions"))
        ctx.eq(len(evicted), final.get("table_evictions"),
               "every eviction ends a lifeline with end 'evicted'")
        ctx.check("table evictions %d" % final.get("table_evictions", -1) in tr.stderr,
                  "the exit summary names the evictions: %r" % tr.stderr[-400:])


# n sequential connections to a local listener, spread over s seconds
SPREAD = """
import socket, sys, time
srv = socket.socket(); srv.bind(("127.0.0.1", 9700)); srv.listen(64)
n, s = int(sys.argv[1]), float(sys.argv[2])
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", 9700)); a, _ = srv.accept()
    c.close(); a.close(); time.sleep(s / n)
"""


def flood_elsewhere(ctx, args, stop_reader):
    """40 connections in a quiet namespace traced with @args while churn floods another
    namespace (the reader stopped meanwhile if @stop_reader): every one of them seen,
    nothing counted as lost."""
    churn = os.environ.get("CHURN") or os.path.join(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))), ".output", "churn")
    ctx.require(os.access(churn, os.X_OK), "%s is missing: build it with make" % churn)
    with Scope(ctx) as sc:
        quiet, busy = sc.netns(), sc.netns()
        t = sc.tracer("--ringbuf-mb", "1", "--events", *args(quiet))
        if stop_reader:
            os.kill(t.proc.pid, signal.SIGSTOP)
        try:
            flood = subprocess.Popen(busy.exec_argv([churn, "-d", "4", "-c", "4", "-s", "2"]),
                                     stdout=subprocess.PIPE, text=True)
            before = nstat.read(quiet)
            done = quiet.run(["python3", "-c", SPREAD, "40", "3"], timeout=30)
            after = nstat.read(quiet)
            out, _ = flood.communicate(timeout=30)
        finally:
            if stop_reader:
                os.kill(t.proc.pid, signal.SIGCONT)
        sleep(0.5)
        tr = t.stop()
        final = tr.final_stats or {}
        ctx.eq(done.returncode, 0, "scenario: 40 connections in the quiet namespace")
        ctx.note("flood in the other namespace: %s" % out.strip())
        rate = float(out.split("rate")[-1]) if "rate" in out else 0
        ctx.require(rate > 2000, "scenario: the flood ran at > 2000 connections/s, got %r" % out)
        opens = nstat.delta(before, after, "TcpActiveOpens")
        ctx.eq(opens, 40, "scenario: TcpActiveOpens in the quiet namespace")
        syn_sent = [r for r in tr.events(netns=quiet.inode)
                    if r.get("type") == "state" and r.get("new") == "SYN_SENT"]
        ctx.eq(len(syn_sent), opens, "CLOSE -> SYN_SENT events = the namespace's TcpActiveOpens")
        ctx.eq(final.get("rb_lost"), 0, "final stats rb_lost (the flood is not this tracer's)")


@alone  # its flood would slow the others' scenarios
def test_filtered_out_flood_loses_nothing(ctx):
    """A tracer of one port on a host flooded elsewhere: the flood's records, reserved
    and discarded in the kernel, must not fill its ring (1 MiB) between two polls and
    cost it its own events (the discards wake the reader as submits do)."""
    flood_elsewhere(ctx, lambda ns: ["--port", "9700"], stop_reader=False)


@alone
def test_stopped_reader_of_one_namespace_loses_nothing_to_a_flood_elsewhere(ctx):
    """--netns is decided before a record is reserved: a flood in another namespace
    takes no ring space even while the reader is stopped."""
    flood_elsewhere(ctx, lambda ns: ["--netns", ns.path], stop_reader=True)
