"""tcpline record / report against real traffic in a network namespace.

The recorder runs with --live --json, so what it printed live and what
`report` prints from the file come from the same run: they must be the
same lines. Then the file's crash safety (SIGKILL, a full disk), rotation,
and how the output file is created.
"""
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time

from lib.marks import slow, smoke
from lib.scope import Scope
from lib.tracer import Tracer
from lib.util import run, sleep

# Real traffic: orderly closes both ways, a refused connect, a reset
# (SO_LINGER 0), IPv6. Prints the client ports, one per line.
TRAFFIC = r"""
import socket, struct, sys, time
n = int(sys.argv[1]); pause = float(sys.argv[2])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 8080)); srv.listen(64)
l6 = socket.socket(socket.AF_INET6); l6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l6.bind(("::1", 8081)); l6.listen(64)
for i in range(n):
    lis = l6 if i % 3 == 2 else srv
    c = socket.socket(lis.family); c.connect(lis.getsockname()[:2]); a, _ = lis.accept()
    print(c.getsockname()[1], flush=True)
    c.sendall(b"x" * 100); a.recv(100)
    if i % 4 == 3:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    (a if i % 2 else c).close(); time.sleep(0.01); (c if i % 2 else a).close()
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except OSError:
        pass
    time.sleep(pause)
"""


def traffic(ns, n, pause=0.0, timeout=60):
    p = ns.run(["python3", "-c", TRAFFIC, str(n), str(pause)], timeout=timeout)
    return [int(x) for x in p.stdout.split()]


def report(ctx, *args, binary=None):
    p = subprocess.run([binary or ctx.tcpline, "report"] + list(args), capture_output=True,
                       text=True, timeout=60)
    return p


def lines(stdout, drop_stats_time=True):
    out = []
    for l in stdout.splitlines():
        o = json.loads(l)
        if drop_stats_time and o.get("type") == "stats":
            o.pop("time", None)  # when it was written: now, in both runs
        out.append(json.dumps(o, sort_keys=True))
    return out


def same(ctx, got, want, what):
    """Equal lists of lines; on a difference, say where briefly."""
    if got == want:
        return True
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    ctx.fail("%s: %d lines vs %d expected; first difference at line %d:\n  got:  %s\n  want: %s"
             % (what, len(got), len(want), first, got[first][:400] if first < len(got) else "-",
                want[first][:400] if first < len(want) else "-"))
    return False


def recorder(sc, ctx, path, ns, *args):
    t = Tracer(ctx.tcpline, ["record", "-w", path, "--netns", ns.path] + list(args))
    sc.defer(t.kill)
    t.start()
    return t


def tmpdir(sc):
    d = tempfile.mkdtemp(prefix="tl-rec-")
    sc.defer(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


@smoke
def test_record_report_equals_live(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        path = os.path.join(d, "rec")
        t = recorder(sc, ctx, path, ns, "--live", "--json")
        ports = traffic(ns, 9)
        sleep(0.3)
        live = t.stop()
        ctx.eq(live.rc, 0, "record exit code (stderr %r)" % live.stderr[-500:])
        ctx.eq(live.bad_lines, [], "live lines that are not JSON")
        ctx.eq(stat.S_IMODE(os.lstat(path).st_mode), 0o600, "recording file mode")
        live_lines = [json.dumps(r, sort_keys=True) for r in live.records
                      if r.get("type") == "lifeline"]
        ctx.require(len(live_lines) >= 2 * len(ports), "live lifelines: %d" % len(live_lines))
        p = report(ctx, path, "--lifelines", "--json")
        ctx.eq(p.returncode, 0, "report exit code (stderr %r)" % p.stderr[-500:])
        got = [l for l in lines(p.stdout) if json.loads(l)["type"] == "lifeline"]
        same(ctx, got, live_lines, "report --lifelines --json vs live lifelines")
        # everything, events and stats included, in the same order
        p = report(ctx, path, "--json")
        want = []
        for r in live.records:
            r = dict(r)
            if r.get("type") == "stats":
                r.pop("time", None)
            want.append(json.dumps(r, sort_keys=True))
        same(ctx, lines(p.stdout), want, "report --json vs live --json")
        # the text columns too
        ctx.check(report(ctx, path, "--lifelines").stdout.count("\n") >= len(live_lines),
                  "report --lifelines prints text lifelines")
        s = report(ctx, path)
        ctx.eq(s.returncode, 0, "summary exit code")
        for what in ("Connections by outcome", "Time in state", "TIME_WAIT", "Lost events"):
            ctx.check(what in s.stdout, "summary has %r: %s" % (what, s.stdout[:2000]))
        ctx.check("refused" in s.stdout and "reset_" in s.stdout,
                  "summary counts refused and reset connections: %s" % s.stdout[:1000])
        # the summary as JSON: its counts are those of the lifelines report prints
        j = report(ctx, path, "--summary", "--json")
        ctx.eq(j.returncode, 0, "--summary --json exit code (stderr %r)" % j.stderr[-300:])
        ctx.eq(len(j.stdout.splitlines()), 1, "--summary --json is one line")
        summ = json.loads(j.stdout)
        ends = {}
        for l in got:
            e = json.loads(l)["end"]
            ends[e] = ends.get(e, 0) + 1
        ctx.eq((summ.get("type"), summ.get("lifelines"), summ.get("outcomes")),
               ("summary", len(got), ends), "summary type, lifelines and outcomes vs the lifelines")
        ctx.eq(summ.get("lost", {}).get("complete"), True, "summary: nothing lost")
        ctx.check(any(x["state"] == "ESTABLISHED" and x["n"] > 0 for x in summ["time_in_state"]),
                  "summary: time in ESTABLISHED: %r" % summ.get("time_in_state"))


@slow
def test_record_sigkill_keeps_what_is_older_than_a_second(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        ns.sysctl("net.ipv4.tcp_max_tw_buckets", 0)  # closed clients end at once
        path = os.path.join(d, "rec")
        t = recorder(sc, ctx, path, ns)
        early = traffic(ns, 6)
        sleep(1.5)
        late = subprocess.Popen(ns.exec_argv(["python3", "-c", TRAFFIC, "200", "0.01"]),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sc.defer(late.kill)
        sleep(0.5)
        t.proc.send_signal(signal.SIGKILL)
        t.proc.wait(10)
        size = os.path.getsize(path)
        p = report(ctx, path, "--lifelines", "--json")
        ctx.eq(p.returncode, 5, "report exit code of a cut recording (stderr %r)" % p.stderr)
        m = re.search(r"truncated at byte (\d+)", p.stderr)
        ctx.check(m and int(m.group(1)) == size,
                  "a warning names the cut at byte %d: %r" % (size, p.stderr))
        seen = {(o["lport"], o["end"]) for o in map(json.loads, p.stdout.splitlines())
                if o["type"] == "lifeline"}
        for port in early:
            ctx.check(any(lp == port and end != "open" for lp, end in seen),
                      "client port %d, closed 2 s before the kill, has its lifeline" % port)


@slow
def test_record_rotation_keeps_n_files_read_as_one(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        path = os.path.join(d, "rec")
        t = recorder(sc, ctx, path, ns, "--rotate-time", "0.7s", "--max-files", "3",
                     "--live", "--json")
        traffic(ns, 30, 0.12)
        live = t.stop()
        ctx.eq(live.rc, 0, "record exit code")
        files = sorted(os.listdir(d))
        ctx.eq(files, ["rec.0", "rec.1", "rec.2"], "files left by a ring of 3")
        paths = [os.path.join(d, f) for f in files]
        for f in paths:
            p = report(ctx, f, "--json")
            ctx.eq(p.returncode, 0, "%s reports on its own (stderr %r)" % (f, p.stderr[-300:]))
        a = report(ctx, *paths, "--json")
        b = report(ctx, *reversed(paths), "--json")
        ctx.eq(a.returncode, 0, "the set reports (stderr %r)" % a.stderr[-300:])
        same(ctx, lines(a.stdout), lines(b.stdout), "the set is one timeline, whatever the order")
        # what the set shows was shown live: the last seconds of the run. What
        # the set cannot know about a connection older than its first file is
        # relaxed, and only for such connections (first event in the set not
        # its birth): a dwell time whose previous change was rotated away
        # (null), and an owner known live from a rotated-away connect/accept
        # when the first file's socket dump found no holder in /proc (the
        # socket was closed between the dump's passes): null.
        def key(r, dwell=True, owner=True):
            drop = set() if dwell else {"dwell_ns"}
            drop |= set() if owner else {"pid", "comm"}
            return json.dumps({k: v for k, v in r.items() if k not in drop}, sort_keys=True)
        live_events = set()
        for r in live.records:
            if r["type"] not in ("lifeline", "stats"):
                live_events |= {key(r, d, o) for d in (True, False) for o in (True, False)}
        events = [json.loads(l) for l in lines(a.stdout)]
        events = [e for e in events if e["type"] not in ("lifeline", "stats")]
        ctx.check(len(events) > 10, "the set holds events: %d" % len(events))
        older, seen = set(), set()
        for e in events:
            if e.get("cookie") not in seen and not (e["type"] == "state" and e["old"] == "CLOSE"):
                older.add(e["cookie"])
            seen.add(e.get("cookie"))
        def shown(e):
            old = e.get("cookie") in older
            return key(e, dwell=not (old and e.get("dwell_ns") is None),
                       owner=not (old and e.get("pid") is None)) in live_events
        ctx.eq([e for e in events if not shown(e)], [], "events not shown live")
        ctx.check(any(e.get("cookie") not in older and e.get("pid") for e in events),
                  "connections born in the set show their owner")


def test_record_output_file_safety(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        path, target = os.path.join(d, "rec"), os.path.join(d, "target")
        with open(path, "w") as f:
            f.write("precious")
        argv = [ctx.tcpline, "record", "-w", path, "--netns", ns.path, "--duration", "0.5"]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        ctx.eq(p.returncode, 1, "exit code over an existing file")
        ctx.check("--force" in p.stderr, "the refusal mentions --force: %r" % p.stderr)
        ctx.eq(open(path).read(), "precious", "existing file untouched")
        p = subprocess.run(argv + ["--force"], capture_output=True, text=True, timeout=30)
        ctx.eq(p.returncode, 0, "--force exit code (stderr %r)" % p.stderr[-300:])
        ctx.eq(stat.S_IMODE(os.lstat(path).st_mode), 0o600, "mode after --force")
        ctx.eq(report(ctx, path).returncode, 0, "the replaced file reports")
        os.unlink(path)
        with open(target, "w") as f:
            f.write("target")
        os.symlink(target, path)
        for extra in ([], ["--force"]):
            p = subprocess.run(argv + extra, capture_output=True, text=True, timeout=30)
            ctx.eq(p.returncode, 1, "exit code for a symlink %s" % extra)
            ctx.check("symbolic link" in p.stderr, "says symlink: %r" % p.stderr)
        ctx.eq(open(target).read(), "target", "symlink target untouched")
        ctx.check(os.path.islink(path), "the symlink is left in place")
        p = report(ctx, target)
        ctx.eq(p.returncode, 1, "report of a file that is not a recording")
        ctx.check("not a tcpline recording" in p.stderr, "says why: %r" % p.stderr)


@slow
def test_record_full_disk_stops_cleanly(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        run(["mount", "-t", "tmpfs", "-o", "size=64k", "tl-rec-full", d])
        sc.defer(lambda: run(["umount", "-l", d], check=False))
        path = os.path.join(d, "rec")
        t = recorder(sc, ctx, path, ns)
        gen = subprocess.Popen(ns.exec_argv(["python3", "-c", TRAFFIC, "100000", "0"]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sc.defer(gen.kill)
        try:
            t.proc.wait(40)
        except subprocess.TimeoutExpired:
            ctx.fail("the recorder did not stop when the disk was full")
        gen.kill()
        res = t.wait(10)
        errors = [l for l in res.stderr.splitlines() if "error" in l]
        ctx.eq(res.rc, 1, "exit code on a full disk")
        ctx.eq(len(errors), 1, "one error line: %r" % errors)
        ctx.check(errors and "No space left on device" in errors[0], "says why: %r" % errors)
        p = report(ctx, path, "--lifelines", "--json")
        ctx.eq(p.returncode, 5, "a recording cut by a full disk reports as cut")
        ctx.check(len(p.stdout.splitlines()) > 10,
                  "the file still reports: %d lifelines" % len(p.stdout.splitlines()))


def test_record_report_since_until(ctx):
    with Scope(ctx) as sc:
        ns, d = sc.netns(), tmpdir(sc)
        path = os.path.join(d, "rec")
        t = recorder(sc, ctx, path, ns, "--live", "--json")
        traffic(ns, 4)
        sleep(1.5)
        mark = time.time()  # between the two bursts, nothing happens around it
        sleep(1.5)
        traffic(ns, 4)
        sleep(0.3)
        live = t.stop()
        ctx.eq(live.rc, 0, "record exit code (stderr %r)" % live.stderr[-500:])
        cut = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(mark)) + \
            (".%09dZ" % int((mark % 1) * 1e9))
        lls = [r for r in live.records if r.get("type") == "lifeline"]
        early = [r for r in lls if r["time"] < cut]
        late = [r for r in lls if r["time"] >= cut]
        ctx.require(early and late, "scenario: lifelines on both sides of %s: %d / %d"
                    % (cut, len(early), len(late)))
        p = report(ctx, path, "--lifelines", "--json", "--since", cut)
        ctx.eq(p.returncode, 0, "report --since exit code (stderr %r)" % p.stderr[-300:])
        got = [l for l in lines(p.stdout) if json.loads(l)["type"] == "lifeline"]
        same(ctx, got, [json.dumps(r, sort_keys=True) for r in late],
             "report --since: exactly the lifelines that ended after it")
        p = report(ctx, path, "--lifelines", "--json", "--until", cut)
        ctx.eq(p.returncode, 0, "report --until exit code (stderr %r)" % p.stderr[-300:])
        got = [json.loads(l) for l in lines(p.stdout) if json.loads(l)["type"] == "lifeline"]
        closed = [r for r in got if r["end"] != "open"]
        same(ctx, [json.dumps(r, sort_keys=True) for r in closed],
             [json.dumps(r, sort_keys=True) for r in early if r["end"] != "open"],
             "report --until: the lifelines that ended before it")
        ctx.check(all(r["time"] <= cut for r in got),
                  "report --until: nothing after %s: %r" % (cut, [r["time"] for r in got][-3:]))
        late_ports = {r["lport"] for r in late} | {r["rport"] for r in late}
        ctx.check(not any(r["end"] != "open" and r["lport"] in late_ports and r["time"] >= cut
                          for r in got), "report --until shows no connection of the second burst")
