"""Command-line handling: usage errors, help, sizes as made, and --duration."""
import os
import shutil
import subprocess
import tempfile
import time

from lib import checks, recfile
from lib.scope import Scope
from lib.tracer import READY, Tracer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


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


# Bad command lines of every subcommand: each one error line, exit 2 (README: usage error).
BAD = [
    ["--port", "http"], ["--port"], ["-4", "-6"], ["--ringbuf-mb", "0"], ["--nice", "20"],
    ["--accept-owner=1"], ["--duration", "0"], ["--cgroup", "/proc"], ["--dur", "1", "extra"],
    ["record"], ["record", "-w", "x", "--max-files", "3"], ["record", "-w"],
    ["record", "-w", "x", "--rotate-time", "1d"], ["record", "-w", "x", "--interval", "1"],
    ["report"], ["report", "f", "--nice", "3"], ["report", "f", "--summary", "--events"],
    ["report", "f", "--ringbuf-mb=4"],
    ["backlog", "--interval", "0"], ["backlog", "--once=1"], ["backlog", "--port", "0"],
    ["sockets", "--top", "0"], ["sockets", "--close-wait-age", "-1"], ["sockets", "-4", "-6"],
    ["features", "--json=1"], ["features", "extra"], ["nosuchcommand"],
]


def test_cli_usage_errors_one_line_exit_2(ctx):
    for args in BAD:
        p, _ = run_tcpline(ctx, args)
        what = "tcpline %s" % " ".join(args)
        ctx.eq(p.returncode, 2, "%s: exit code (stderr %r)" % (what, p.stderr))
        lines = p.stderr.splitlines()
        ctx.check(len(lines) == 1 and lines[0].startswith("tcpline: error: "),
                  "%s: one error line on stderr, got %r" % (what, p.stderr))
        ctx.eq(p.stdout, "", "%s: stdout" % what)


def test_cli_help_of_every_command(ctx):
    for cmd in ([], ["trace"], ["record"], ["report"], ["backlog"], ["sockets"], ["features"]):
        p, _ = run_tcpline(ctx, cmd + ["--help"])
        what = "tcpline %s --help" % " ".join(cmd)
        ctx.eq((p.returncode, p.stderr), (0, ""), "%s: exit code and stderr" % what)
        ctx.check(p.stdout.startswith("Usage: tcpline") and "\n  -h, --help            this text\n"
                  in p.stdout, "%s: a usage line and -h among the options: %r" % (what, p.stdout))


def readme_usage():
    """The option lines of README.md's usage block (after its command line)."""
    with open(os.path.join(REPO, "README.md")) as f:
        text = f.read()
    block = text.split("## Usage", 1)[1].split("```", 2)[1]
    return block.strip("\n").splitlines()[2:]


def test_cli_help_matches_readme(ctx):
    """README's usage block is trace's generated help, option for option."""
    p, _ = run_tcpline(ctx, ["--help"])
    opts = p.stdout.split("\n\n")[1].splitlines()
    ctx.eq(readme_usage(), opts, "README.md usage vs tcpline --help")


def ring_buffers(pid):
    """The sizes in bytes of the BPF ring buffers process pid holds (from /proc fdinfo)."""
    sizes = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                info = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
        except OSError:
            continue
        if info.get("map_type", "").strip() == "27":  # BPF_MAP_TYPE_RINGBUF
            sizes.append(int(info["max_entries"]))
    return sizes


def test_cli_ringbuf_size_as_made(ctx):
    """--ringbuf-mb 12 makes a 16 MiB ring: stderr says so, the recording says 16."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        d = tempfile.mkdtemp(prefix="tl-cli-")
        sc.defer(lambda: shutil.rmtree(d, ignore_errors=True))
        path = os.path.join(d, "rec")
        runs = [(["--json"], "12", 16), (["record", "-w", path], "12", 16), (["--json"], "16", 16),
                (["--json"], "3", 4)]
        for head, mb, made in runs:
            what = "%s --ringbuf-mb %s" % (head[0], mb)
            t = Tracer(ctx.tcpline, head + ["--ringbuf-mb", mb, "--netns", ns.path])
            sc.defer(t.kill)
            t.start()
            sizes = ring_buffers(t.proc.pid)
            tr = t.stop()
            ctx.eq(tr.rc, 0, "%s: exit code (stderr %r)" % (what, tr.stderr))
            ctx.eq(sizes, [made << 20], "%s: the ring buffer in the kernel (bytes)" % what)
            said = [l for l in tr.stderr.splitlines() if "--ringbuf-mb" in l]
            want = [] if int(mb) == made else [
                "tcpline: --ringbuf-mb %s: the ring buffer holds %d MiB (its size is a power of two)"
                % (mb, made)]
            ctx.eq(said, want, "%s: what stderr says of the size" % what)
        ctx.eq(recfile.limits(path), (65536, 16), "the recording's META: max connections, ring MiB")
