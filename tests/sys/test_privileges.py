"""Least privilege (docs/privileges.md).

Once attached, with its outputs open and the sockets dumped, a running
trace, record and backlog keep only the capabilities of what they still do
(read in /proc/PID/task/*/status: CapEff, CapPrm, CapBnd, NoNewPrivs, Uid),
and go on working: a connection made after the drop is traced, rotation
dumps the sockets again with their owners from /proc, backlog reads its
namespace's counters. As a non-root user with exactly the documented ambient
capabilities each command works with no warning; with one required
capability less it stops with the documented one-line error and exit code 3;
with an optional one less it says what is missing. --user switches uid, gid
and groups, and rotation goes on as that user.
"""
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time

from lib.scope import Scope
from lib.tracer import Tracer

CAPS = {"dac_read_search": 2, "setgid": 6, "setuid": 7, "setpcap": 8, "sys_ptrace": 19,
        "sys_admin": 21, "sys_nice": 23, "syslog": 34, "perfmon": 38, "bpf": 39}
# what each command needs to work fully as a non-root user (docs/privileges.md)
FULL = ["bpf", "perfmon", "sys_admin", "sys_ptrace", "dac_read_search", "syslog", "sys_nice"]
SOCKETS = ["bpf", "perfmon", "sys_admin", "sys_ptrace", "dac_read_search"]
MINIMAL = ["bpf", "perfmon"]
NOBODY = 65534
PORT = 8261


def mask(*names):
    m = 0
    for n in names:
        m |= 1 << CAPS[n]
    return m


def bpf_gated():
    """Before 6.5 every bpf() command checks CAP_BPF (unprivileged BPF disabled)."""
    major, minor = (int(x) for x in platform.release().split(".")[:2])
    return (major, minor) < (6, 5)


def as_nobody(caps):
    spec = "-all" + "".join(",+" + c for c in caps)
    return ["/usr/bin/setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
            "--inh-caps=" + spec, "--ambient-caps=" + spec]


def statuses(pid):
    """Each thread's status fields."""
    out = []
    for tid in os.listdir("/proc/%d/task" % pid):
        fields = {}
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            for line in f:
                k, _, v = line.partition(":")
                fields[k] = v.split()
        out.append(fields)
    return out


def check_dropped(ctx, what, pid, keep, uid=0, bounding=True):
    """The reader keeps exactly @keep; other threads no more (with --user: none).

    The bounding set is emptied where the process had CAP_SETPCAP (root):
    it keeps a uid 0 process from regaining everything at an exec."""
    threads = statuses(pid)
    ctx.check(threads, "%s: no threads in /proc/%d" % (what, pid))
    for t in threads:
        main = t["Pid"] == [str(pid)]
        for k in ("CapEff", "CapPrm"):
            v = int(t[k][0], 16)
            ctx.check(v == keep if main else v & ~keep == 0,
                      "%s: %s of %s thread: %#x, kept %#x" % (what, k, "the main" if main
                                                              else "another", v, keep))
        if bounding and main:
            ctx.eq(int(t["CapBnd"][0], 16), keep, "%s: CapBnd" % what)
        ctx.eq(int(t["CapAmb"][0], 16), 0, "%s: CapAmb" % what)
        ctx.eq(t["NoNewPrivs"], ["1"], "%s: NoNewPrivs" % what)
        ctx.eq([int(x) for x in t["Uid"]], [uid] * 4, "%s: Uid" % what)
    return len(threads)


def start(ctx, argv, prefix=()):
    t = Tracer(prefix[0] if prefix else ctx.tcpline, list(prefix[1:]) +
               ([ctx.tcpline] if prefix else []) + argv)
    t.start()
    return t


def records(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


def serve(sc, ns):
    """A listener with one established connection, all owned by one peer."""
    peer = sc.peer(ns, "tl-priv")
    peer.call("listen", "l", "127.0.0.1", PORT)
    peer.call("connect", "c", "127.0.0.1", PORT)
    peer.call("accept", "l", "a")
    return peer


def churn_one(peer):
    peer.call("connect", "c2", "127.0.0.1", PORT)
    peer.call("accept", "l", "a2")
    peer.call("close", "c2")
    peer.call("close", "a2")


def report(ctx, *args):
    return subprocess.run([ctx.tcpline, "report"] + list(args), capture_output=True, text=True,
                          timeout=30)


def snapshot_owner(ctx, path, ns):
    """The owners a file's socket dump gave the peer's connection (lport PORT, ESTABLISHED)."""
    p = report(ctx, path, "--lifelines", "--json")
    ctx.eq(p.returncode, 0, "report %s exit code (stderr %r)" % (path, p.stderr[-300:]))
    return {r.get("pid") for r in records(p.stdout)
            if r.get("netns") == ns.inode and r.get("lport") == PORT and r.get("rport")}


def test_privileges_dropped_once_set_up(ctx):
    base = mask("bpf") if bpf_gated() else 0
    d = tempfile.mkdtemp(prefix="tl-priv-")
    with Scope(ctx) as sc:
        ns = sc.netns()
        peer = serve(sc, ns)
        runs = {
            "trace": (start(ctx, ["--json", "--netns", ns.path]), base),
            "backlog": (start(ctx, ["backlog", "--json", "--interval", "0.5", "--netns",
                                    ns.path]), base | mask("sys_admin", "sys_ptrace")),
            "record": (start(ctx, ["record", "-w", d + "/r.tlr", "--rotate-time", "1",
                                   "--netns", ns.path]),
                       base | mask("sys_admin", "sys_ptrace", "dac_read_search")),
            "record, no rotation": (start(ctx, ["record", "-w", d + "/one.tlr", "--netns",
                                                ns.path]), base),
        }
        threads = {}
        for what, (t, keep) in runs.items():
            threads[what] = check_dropped(ctx, what, t.proc.pid, keep)
        # record's syncer thread dropped too, not only the reader
        ctx.check(threads["record"] >= 2, "record has its syncer thread: %r" % threads)
        churn_one(peer)
        time.sleep(2.5)
        done = {what: t.stop() for what, (t, _) in runs.items()}
    try:
        check_runs(ctx, done, ns, peer, d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_runs(ctx, done, ns, peer, d):
    for what, tr in done.items():
        ctx.eq(tr.rc, 0, "%s exit code (stderr %r)" % (what, tr.stderr[-400:]))
    mine = [r for r in done["trace"].lifelines(netns=ns.inode)
            if PORT in (r.get("lport"), r.get("rport"))]
    ctx.eq(len(mine), 5, "trace: the dumped listener and connection, and the connection made "
           "after the drop: %r" % [(r.get("lport"), r.get("rport"), r.get("end")) for r in mine])
    ls = done["backlog"].select("listener", netns=ns.inode, lport=PORT)
    ctx.check(len(ls) >= 3, "backlog: the listener reported each interval after the drop: %d"
              % len(ls))
    files = sorted(f for f in os.listdir(d) if f.startswith("r.tlr."))
    ctx.check(len(files) >= 3, "record rotated at least twice after the drop: %r" % files)
    # a file begun after the drop dumps the sockets again, owners from /proc
    ctx.eq(snapshot_owner(ctx, os.path.join(d, files[-1]), ns), {peer.pid},
           "owner of the connection in %s's socket dump" % files[-1])


def test_user_switch_with_rotation(ctx):
    d = tempfile.mkdtemp(prefix="tl-priv-user-")
    root_dir = tempfile.mkdtemp(prefix="tl-priv-root-")
    os.chown(d, NOBODY, NOBODY)
    keep = (mask("bpf") if bpf_gated() else 0) | mask("sys_admin", "sys_ptrace",
                                                      "dac_read_search")
    try:
        user_switch(ctx, d, root_dir, keep)
    finally:
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(root_dir, ignore_errors=True)


def user_switch(ctx, d, root_dir, keep):
    with Scope(ctx) as sc:
        ns = sc.netns()
        peer = serve(sc, ns)
        rec = start(ctx, ["record", "-w", d + "/u.tlr", "--rotate-time", "1", "--max-files",
                          "3", "--user", "nobody", "--netns", ns.path])
        # a directory only root may write: the first rotation fails, as documented
        bad = start(ctx, ["record", "-w", root_dir + "/u.tlr", "--rotate-time", "1",
                          "--user", "nobody", "--netns", ns.path])
        # backlog as nobody still reads its namespace's counters and sysctls from inside it
        bl = start(ctx, ["backlog", "--json", "--interval", "0.5", "--user", "nobody",
                         "--netns", ns.path])
        check_dropped(ctx, "backlog --user", bl.proc.pid,
                      (mask("bpf") if bpf_gated() else 0) | mask("sys_admin", "sys_ptrace"),
                      uid=NOBODY)
        check_dropped(ctx, "record --user", rec.proc.pid, keep, uid=NOBODY)
        for t in statuses(rec.proc.pid):
            ctx.eq(t["Gid"], [str(NOBODY)] * 4, "record --user: Gid")
            ctx.eq(t["Groups"], [str(NOBODY)], "record --user: supplementary groups")
        churn_one(peer)
        time.sleep(4.5)
        tr = rec.stop()
        bad_tr = bad.wait(10)
        bl_tr = bl.stop()
    ctx.eq(bl_tr.rc, 0, "backlog --user exit code (stderr %r)" % bl_tr.stderr[-300:])
    rows = bl_tr.select("listener", netns=ns.inode, lport=PORT)
    ctx.check(len(rows) >= 5 and all(r["sysctls"]["somaxconn"] is not None and
                                     r["causes_unsplit_reason"] != "no_mib" for r in rows),
              "backlog --user: the listener each interval, its namespace read: %r"
              % [(r["sysctls"], r["causes_unsplit_reason"]) for r in rows][:3])
    ctx.eq(tr.rc, 0, "record --user exit code (stderr %r)" % tr.stderr[-400:])
    files = sorted(os.listdir(d))
    ctx.eq(files, ["u.tlr.0", "u.tlr.1", "u.tlr.2"], "rotated files kept (--max-files 3)")
    for f in files:
        ctx.eq(os.stat(os.path.join(d, f)).st_uid, NOBODY, "%s created by the new user" % f)
    ctx.eq(snapshot_owner(ctx, os.path.join(d, files[-1]), ns), {peer.pid},
           "owner of the connection in the socket dump of a file begun as nobody")
    p = report(ctx, *[os.path.join(d, f) for f in files])
    ctx.eq(p.returncode, 0, "report on the rotated set (stderr %r)" % p.stderr[-300:])
    errs = [l for l in bad_tr.stderr.splitlines() if "error" in l]
    ctx.eq(bad_tr.rc, 1, "record --user into a root-only directory: exit code")
    ctx.check(len(errs) == 1 and "Permission denied" in errs[0] and "stays readable" in errs[0],
              "one error line naming the refusal: %r" % errs)
    p = report(ctx, root_dir + "/u.tlr.0")
    ctx.eq(p.returncode, 0, "what was written before the refusal reads back (stderr %r)"
           % p.stderr[-300:])
    p = subprocess.run([ctx.tcpline, "--user", "no-such-user-tl", "--duration", "1"],
                       capture_output=True, text=True, timeout=30)
    ctx.eq((p.returncode, p.stderr), (2, "tcpline: error: --user 'no-such-user-tl': no such user\n"),
           "an unknown user")


def run_nobody(ctx, caps, argv, timeout=30):
    return subprocess.run(as_nobody(caps) + [ctx.tcpline] + argv, capture_output=True, text=True,
                          timeout=timeout)


def test_nonroot_with_ambient_capabilities(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        peer = serve(sc, ns)
        # exactly the documented set: everything works, nothing is said missing
        t = start(ctx, ["--json", "--netns", ns.path], prefix=as_nobody(FULL))
        # setpriv executes tcpline in its own process
        check_dropped(ctx, "trace as nobody", t.proc.pid, mask("bpf") if bpf_gated() else 0,
                      NOBODY, bounding=False)
        churn_one(peer)
        time.sleep(0.5)
        tr = t.stop()
        ctx.eq(tr.rc, 0, "trace as nobody: exit code")
        ctx.eq([l for l in tr.stderr.splitlines() if "warning" in l or "error" in l], [],
               "trace as nobody with the documented capabilities: nothing missing")
        mine = [r for r in tr.lifelines(netns=ns.inode) if PORT in (r.get("lport"),
                                                                    r.get("rport"))]
        # the dumped listener and connection, open; the new one: its closer in TIME_WAIT
        ctx.eq(len(mine), 5, "lifelines on port %d" % PORT)
        ctx.eq(sum(r.get("end") != "open" for r in mine), 1, "ended lifelines")
        ctx.eq({r.get("pid") for r in mine if r.get("end") == "open"}, {peer.pid},
               "owners of the dumped sockets from /proc")
        for cmd, caps in (("sockets", SOCKETS), ("backlog", FULL)):
            argv = [cmd, "--netns", ns.path] + (["--once", "--interval", "0.3"]
                                                if cmd == "backlog" else [])
            p = run_nobody(ctx, caps, argv)
            ctx.eq(p.returncode, 0, "%s as nobody: exit code (stderr %r)" % (cmd, p.stderr))
            ctx.eq([l for l in p.stderr.splitlines() if "warning" in l], [],
                   "%s as nobody: nothing missing" % cmd)
        p = run_nobody(ctx, [], ["features"])
        ctx.eq(p.returncode, 3, "features with no capabilities: exit code")
        ctx.check("privileges   missing: the effective capabilities lack CAP_BPF, CAP_PERFMON"
                  in p.stdout, "features says what is missing: %r" % p.stdout[:400])
        # CAP_BPF and CAP_PERFMON are the least: they work, with what is missing said
        p = run_nobody(ctx, MINIMAL, ["--netns", ns.path, "--duration", "0.5"])
        ctx.eq(p.returncode, 0, "trace with %s only: exit code (stderr %r)" % (MINIMAL, p.stderr))
        # one of them less: one line, exit 3, before anything is loaded or written
        for gone in MINIMAL:
            for cmd in (["--duration", "1"], ["record", "-w", "/tmp/tl-no-such-dir/x"],
                        ["backlog", "--duration", "1"], ["sockets"]):
                p = run_nobody(ctx, [c for c in MINIMAL if c != gone], cmd)
                ctx.eq((p.returncode, p.stderr),
                       (3, "tcpline: error: not permitted to load BPF programs: the effective "
                        "capabilities lack CAP_%s (CAP_BPF and CAP_PERFMON at least: "
                        "docs/privileges.md)\n" % gone.upper()),
                       "%s without CAP_%s" % (cmd[0], gone.upper()))
        # an optional one less: said, once, by what it costs
        said = {
            "sys_admin": "cannot enter 1 network namespace (Operation not permitted; "
                         "CAP_SYS_ADMIN is needed)",
            "sys_ptrace": "cannot read the descriptors of",
            "dac_read_search": "cannot read the descriptors of",
            "syslog": "CAP_SYSLOG shows it",
            "sys_nice": "cannot set the reader's priority to nice -10",
        }
        for gone, text in said.items():
            p = run_nobody(ctx, [c for c in FULL if c != gone],
                           ["--netns", ns.path, "--duration", "0.5"])
            warns = [l for l in p.stderr.splitlines() if "warning" in l]
            ctx.eq(p.returncode, 0, "trace without CAP_%s: exit code" % gone.upper())
            ctx.check(any(text in l for l in warns),
                      "trace without CAP_%s says %r: %r" % (gone.upper(), text, warns))
        p = subprocess.run([ctx.tcpline, "report", "--user", "x", "f"], capture_output=True,
                           text=True, timeout=30)
        ctx.eq(p.returncode, 2, "report takes no --user")
