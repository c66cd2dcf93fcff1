"""The precise tier of `tcpline backlog` (docs/backlog.md): SYN-time causes
per listener from fentry/fexit (or kprobes) on tcp_conn_request.

On this host (6.18, lockdown, no CONFIG_KPROBES) the tier is absent: backlog
must say so once on stderr with the kernel's reason, split as before from
the namespace's counters, and agree with them exactly. In Debian 12's 6.1
under qemu (tests/kernel/precise-6.1.sh) it is present: three listeners drop
SYNs for three different causes in the same intervals, and each listener's
causes must add up to the guest's own counters.
"""
import json
import os
import subprocess

from lib import backlog as bl
from lib import nstat
from lib.marks import alone
from lib.scope import Scope
from lib.util import TestSkip, sleep

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(REPO, "tests", "kernel", "precise-6.1.sh")
WORK = os.path.join(REPO, ".output", "precise-6.1")
PORT = 7000
TIER = "tcpline: backlog: causes "


def tier_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith(TIER)]


def lockdown():
    """The kernel's lockdown mode ("none" if it has no LSM for it)."""
    try:
        with open("/sys/kernel/security/lockdown") as f:
            text = f.read()
    except OSError:
        return "none"
    return text[text.index("[") + 1:text.index("]")] if "[" in text else "none"


def test_precise_tier_absent_here(ctx):
    """An accept queue full at SYN time, traced with --precise auto."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = bl.start(sc, ns)
        before = nstat.read(ns)
        server = bl.Load(sc, ns, "server", "127.0.0.1", PORT, 1)
        clients = bl.Load(sc, ns, "clients", "127.0.0.1", PORT, 10)
        sleep(1.6)
        clients.kill()
        skd = bl.sk_drops(ns, PORT)
        server.send("close")
        sleep(0.3)
        after = nstat.read(ns)
        sleep(float(bl.INTERVAL) + 0.2)
        trace = t.stop()
        lines = tier_lines(trace.stderr)
        ctx.require(len(lines) == 1, "one line on stderr saying which tier: %r" % lines)
        ctx.note(lines[0])
        recs = bl.listener_records(trace, ns, PORT)
        sources = {r["causes_source"] for r in recs if r["causes_split"]}
        if "precise tier absent: " in lines[0]:
            why = lines[0].split("precise tier absent: ", 1)[1].rstrip(")")
            ctx.check(why.strip(), "a reason for the absent tier: %r" % lines[0])
            if lockdown() != "none":
                ctx.check("lockdown: %s" % lockdown() in why,
                          "the reason names the kernel's lockdown (%s): %r" % (lockdown(), why))
            if not os.path.exists("/sys/bus/event_source/devices/kprobe") and \
                    not os.path.exists("/sys/kernel/tracing/kprobe_events"):
                ctx.check("kprobes not configured" in why, "the reason says no kprobes: %r" % why)
            ctx.eq(sources, {"netns"}, "causes_source of split records without the tier")
        else:
            ctx.eq(sources, {"precise"}, "causes_source of split records with the tier")
        ctx.eq([r["causes_source"] for r in recs if not r["causes_split"]],
               [None] * sum(not r["causes_split"] for r in recs), "no source when not split")
        bl.check(ctx, trace, ns, PORT, before, after,
                 {"ListenDrops": 16, "ListenOverflows": 16, "TCPReqQFullDrop": 0, "at_ack": 0,
                  "acceptq_peak": 2, "diagnosis": "accept queue of"}, skd)


def test_precise_options(ctx):
    """--precise off is said as such; a bad mode is one usage error."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = bl.start(sc, ns, "--precise", "off")
        trace = t.stop()
        ctx.eq(trace.rc, 0, "exit code with --precise off")
        ctx.eq(tier_lines(trace.stderr),
               [TIER + "from the namespace counters (precise tier absent: turned off "
                "(--precise off))"], "stderr with --precise off")
    p = subprocess.run([ctx.tcpline, "backlog", "--precise", "always"], capture_output=True,
                       text=True, timeout=30)
    ctx.eq(p.returncode, 2, "exit code of --precise always")
    ctx.eq(p.stderr.splitlines(),
           ["tcpline: error: invalid --precise: 'always' (auto, fentry, kprobe or off)"],
           "the usage error")


def guest_sections(lines):
    """{"netstat before": [...], "auto": [...], ...} from the guest console."""
    out, name = {}, None
    for line in lines:
        if line.startswith("=== "):
            name = line[4:]
            out[name] = []
        elif name:
            out[name].append(line)
    return out


def tcpext(lines):
    for names, values in zip(lines, lines[1:]):
        if names.startswith("TcpExt:") and values.startswith("TcpExt:") and \
                not values.split()[1].isalpha():
            return dict(zip(names.split()[1:], map(int, values.split()[1:])))
    raise AssertionError("no TcpExt lines in %r" % lines[:4])


@alone
def test_precise_tier_on_kernel_6_1(ctx):
    p = subprocess.run([SCRIPT, ctx.tcpline, WORK], capture_output=True, text=True, timeout=600)
    if p.returncode == 77:
        raise TestSkip("no 6.1 kernel, qemu or static libc here: %s" % p.stderr.strip()[-200:])
    ctx.require(p.returncode == 0, "the 6.1 guest did not finish: rc %d, stderr %r, console %r"
                % (p.returncode, p.stderr[-500:], p.stdout[-1500:]))
    lines = p.stdout.splitlines()
    ctx.require(lines and lines[0].startswith("=== begin 6.1."), "guest kernel: %r" % lines[:1])
    ctx.note("guest kernel %s" % lines[0][len("=== begin "):])
    sec = guest_sections(lines[1:])
    before, after = tcpext(sec.get("netstat before", [])), tcpext(sec.get("netstat after", []))
    d = {k: after[k] - before[k] for k in ("ListenDrops", "ListenOverflows", "TCPReqQFullDrop")}
    ctx.note("guest nstat deltas: %s" % d)
    # the scenario itself (precise_load.c): all three causes happened
    ctx.check(all(d.values()), "every counter moved in the guest: %s" % d)
    for tracer, hooks in (("auto", "fentry/fexit"), ("kprobe", "kprobe/kretprobe")):
        out = sec.get(tracer, [])
        ctx.eq([l for l in out if l.startswith(TIER)],
               [TIER + "per listener from the precise tier (%s on tcp_conn_request)" % hooks],
               "%s: the tier in use" % tracer)
        recs = [json.loads(l) for l in out if l.startswith("{")]
        recs = [r for r in recs if r.get("type") == "listener" and r["lport"] in (7001, 7002, 7003)]
        ctx.require(recs, "%s: listener records: %r" % (tracer, out[:5]))
        ctx.eq({(r["causes_split"], r["causes_source"]) for r in recs}, {(True, "precise")},
               "%s: every record split, by the precise tier" % tracer)
        per = {}
        for r in recs:
            c = per.setdefault(r["lport"], [0, 0, 0])
            for i, k in enumerate(("accept_queue_full_at_syn", "syn_queue_full", "other")):
                c[i] += r["causes"][k]
        ctx.note("%s: per listener (at_syn, syn_queue_full, other): %s" % (tracer, per))
        # each listener dropped for its own cause only
        for port, cause in ((7001, 0), (7002, 1), (7003, 2)):
            got = per.get(port, [0, 0, 0])
            ctx.check(got[cause] > 0 and sum(got) == got[cause],
                      "%s: port %d dropped only for cause %d: %s" % (tracer, port, cause, got))
        ctx.eq(sum(c[0] for c in per.values()), d["ListenOverflows"],
               "%s: sum of accept_queue_full_at_syn vs ListenOverflows" % tracer)
        ctx.eq(sum(c[1] for c in per.values()), d["TCPReqQFullDrop"],
               "%s: sum of syn_queue_full vs TCPReqQFullDrop" % tracer)
        ctx.eq(sum(sum(c) for c in per.values()), d["ListenDrops"],
               "%s: sum of the causes vs ListenDrops" % tracer)
        # the point of the tier: several listeners dropped in one interval, still split
        by_time = {}
        for r in recs:
            if r["drops"]:
                by_time.setdefault(r["time"], set()).add(r["lport"])
        ctx.check(any(len(p) > 1 for p in by_time.values()),
                  "%s: an interval in which several listeners dropped: %s" % (tracer, by_time))
