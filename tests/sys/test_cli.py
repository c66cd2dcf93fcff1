"""Command-line handling: usage errors and --duration."""
import subprocess
import time

from lib import checks
from lib.scope import Scope
from lib.tracer import READY, Tracer


def run_tcpline(ctx, args, timeout=30):
    t0 = time.monotonic()
    p = subprocess.run([ctx.tcpline] + args, capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - t0


def test_cli_unknown_flag(ctx):
    p, _ = run_tcpline(ctx, ["--no-such-flag"])
    ctx.eq(p.returncode, 2, "exit code for an unknown flag")
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    ctx.eq(len(lines), 1, "stderr lines for an unknown flag (got %r)" % p.stderr)
    ctx.eq(p.stdout, "", "stdout for an unknown flag")


def test_cli_bad_netns(ctx):
    p, _ = run_tcpline(ctx, ["--json", "--netns", "/nonexistent"])
    ctx.eq(p.returncode, 2, "exit code for --netns /nonexistent (stderr %r)" % p.stderr.strip())
    ctx.check(p.stderr.strip() != "", "--netns /nonexistent: expected a message on stderr, got none")
    ctx.eq(p.stdout, "", "stdout for --netns /nonexistent")


def test_cli_duration(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = Tracer(ctx.tcpline, ["--json", "--duration", "1", "--netns", ns.path])
        sc.defer(t.kill)
        t0 = time.monotonic()
        t.start()
        ready = time.monotonic()
        trace = t.wait(20)
        took = time.monotonic() - ready
        ctx.check(READY in trace.stderr, "--duration 1: no '%s' line" % READY)
        ctx.between(round(took, 2), 0.9, 5.0, "--duration 1: seconds from ready to exit")
        ctx.note("--duration 1: %.2f s from start to exit" % (time.monotonic() - t0))
        checks.trace_health(ctx, trace, "--duration 1", ns)
        ctx.eq([r for r in trace.records if r.get("type") != "stats"], [], "--duration 1: records in an idle netns")
