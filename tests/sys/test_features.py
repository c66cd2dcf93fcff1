"""`tcpline features`: what this kernel gives tcpline, told as it is.

The list must be what a tracing run then does: every program features calls
refused is named on a tracer's stderr with the same reason, the hooks the
tracer says it attached are the ones features calls active, and a program
the kernel refuses (this host's build refuses map-element iterators with
EPERM) never stops tracing nor reads as "missing privileges". Missing
privileges are told from the capabilities: a process without them gets exit
3 and a line naming what it lacks.
"""
import json
import os
import platform
import shutil
import subprocess
import tempfile

from lib.marks import smoke
from lib.scope import Scope

STATUSES = {"active", "refused", "absent", "unused", "other-variant"}


def features(ctx, *args, user=None):
    argv = [ctx.tcpline, "features"] + list(args)
    if user:
        argv = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


@smoke
def test_features_json_matches_a_tracing_run(ctx):
    p = features(ctx, "--json")
    ctx.require(p.returncode == 0, "features --json: exit %d, stderr %r" % (p.returncode, p.stderr))
    lines = p.stdout.splitlines()
    ctx.require(len(lines) == 1, "features --json: one line, got %d" % len(lines))
    f = json.loads(lines[0])
    ctx.eq((f["type"], f["kernel"]["release"], f["btf"], f["can_trace"]),
           ("features", platform.release(), True, True), "type, kernel, btf, can_trace")
    ctx.eq(f["privileges"]["ok"], True, "privileges as root")
    tracefs = "/sys/kernel/tracing" if os.path.isdir("/sys/kernel/tracing/events") else None
    if tracefs:
        ctx.eq(f["kprobes"], os.path.exists(tracefs + "/kprobe_events"),
               "kprobes as tracefs shows them")
    progs = {p["program"]: p for p in f["programs"]}
    ctx.eq(progs["handle_set_state"]["status"], "active", "the state hook")
    ctx.check(all(p["status"] in STATUSES for p in f["programs"]), "statuses: %r" % f["programs"])
    for p in f["programs"]:
        ctx.check((p["reason"] is not None) == (p["status"] in ("refused", "absent")),
                  "%s: a reason exactly when refused or absent: %r" % (p["program"], p))
    hooks = {h["hook"]: h for h in f["hooks"]}
    for h in hooks.values():
        mine = [p for p in f["programs"] if p["hook"] == h["hook"]]
        if h["hook"] == "timewait":
            want = all(p["status"] == "active" for p in mine if p["status"] != "unused")
        else:
            want = any(p["status"] == "active" for p in mine)
        ctx.eq(h["available"], bool(mine) and want, "hook %s available as its programs say" % h["hook"])
    ctx.check(all(v["name"] and isinstance(v["present"], bool) for v in f["variants"]),
              "variants: %r" % f["variants"])

    # a tracing run that wants every program features loads: the same fates
    with Scope(ctx) as sc:
        ns = sc.netns()
        t = sc.tracer("--lifelines", "--comm", "tl-none", "--netns", ns.path)
        trace = t.stop()
    ctx.eq(trace.rc, 0, "a tracer with an owner filter and --lifelines runs (stderr %r)" % trace.stderr[-300:])
    ready = [l for l in trace.stderr.splitlines() if l.startswith("tcpline: tracing TCP (hooks: ")]
    ctx.require(ready, "the tracing line: %r" % trace.stderr[-300:])
    attached = set(ready[0].split("(hooks: ")[1].split(")")[0].split())
    alias = {"timewait-end": "timewait", "accept4": "accept"}
    ctx.eq({alias.get(h, h) for h in attached},
           {h for h, v in hooks.items() if v["available"] and h not in ("sampler", "dump", "flush")},
           "the hooks the tracer attached vs those features calls available (run on demand aside)")
    for p in f["programs"]:
        said = "the kernel refused %s (%s): %s" % (p["program"], p["attach"], p["reason"])
        ctx.eq(said in trace.stderr, p["status"] == "refused",
               "%s (%s): named on the tracer's stderr exactly when refused" % (p["program"], p["status"]))
    ctx.check("not permitted to load" not in trace.stderr, "no false 'missing privileges'")
    if progs["flush_kept_states"]["status"] == "refused":
        ctx.eq(f["flush_via"], "flush_kept_tcp", "the iter/tcp flush stands in")
        ctx.check("namespace by namespace (iter/tcp)" in trace.stderr,
                  "the tracer says which flush it uses: %r" % trace.stderr[-400:])


def test_features_text(ctx):
    p = features(ctx)
    ctx.eq(p.returncode, 0, "features: exit code (stderr %r)" % p.stderr)
    for head in ("kernel ", "btf ", "lockdown ", "privileges ", "tier ", "can trace    yes",
                 "\nHOOK ", "\nKERNEL VARIANT ", "\nMISSING HOOK "):
        ctx.check(head in p.stdout, "features text has %r" % head)
    ctx.check("handle_set_state" in p.stdout and "active" in p.stdout, "the state hook row")


def test_missing_privileges_are_told_by_capabilities(ctx):
    nobody = 65534
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        binary = os.path.join(d, "tcpline")
        shutil.copy(ctx.tcpline, binary)
        os.chmod(binary, 0o755)
        p = subprocess.run(["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nobody,
                            "--clear-groups", binary, "--duration", "1"],
                           capture_output=True, text=True, timeout=30)
        ctx.eq(p.returncode, 3, "trace as nobody: exit code (stderr %r)" % p.stderr)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        ctx.eq(len(lines), 1, "trace as nobody: one line on stderr: %r" % lines)
        ctx.check(lines and "the effective capabilities lack CAP_BPF, CAP_PERFMON" in lines[0],
                  "trace as nobody names what it lacks: %r" % lines)
        p = subprocess.run(["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nobody,
                            "--clear-groups", binary, "features", "--json"],
                           capture_output=True, text=True, timeout=30)
        ctx.eq(p.returncode, 3, "features as nobody: exit code")
        f = json.loads(p.stdout)
        ctx.eq((f["can_trace"], f["privileges"]["ok"], f["hooks"]), (False, False, None),
               "features as nobody: cannot trace, hooks unknown")
