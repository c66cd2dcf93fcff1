"""The least privileges of tcpline serve, as dist/tcpline.service grants them:
run as `nobody` with exactly the unit's AmbientCapabilities (setpriv), serve
must do everything it does as root (the same warnings, the TIME_WAIT gauge of
a namespace, the owners of sockets alive at start in its recording); with any
one of them taken away, what that capability is for must be lost (so none is
there for nothing). Measured here (6.18): the kernel takes CAP_SYS_ADMIN for
CAP_BPF and CAP_PERFMON, so with it those two add nothing; without it:

    CAP_SYS_ADMIN          exit status 3 (no CAP_BPF, CAP_PERFMON either)
    CAP_BPF + CAP_PERFMON instead of CAP_SYS_ADMIN: tracing works, but another
                           namespace cannot be entered (serve says so): its TIME_WAIT
                           gauge is absent, its sockets alive at start are not recorded
    CAP_SYS_PTRACE         the owner of a socket alive at start is unknown in the recording
    CAP_DAC_READ_SEARCH    likewise (/proc/PID/fd of another user's process)
    CAP_SYSLOG             the TIME_WAIT expiry hook is unavailable (/proc/kallsyms hidden)
    CAP_SYS_NICE           the reader cannot get its priority
"""
import json
import os
import shutil
import signal

from lib import serve as sv
from lib.scope import Scope
from lib.util import run, sleep

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(REPO, "dist", "tcpline.service.in")
ADDR = "127.0.0.1"
PORT = 8080


def unit_caps():
    with open(UNIT) as f:
        for line in f:
            if line.startswith("AmbientCapabilities="):
                return line.split("=", 1)[1].split()
    raise RuntimeError("no AmbientCapabilities in %s" % UNIT)


def setpriv(caps):
    c = ",".join("+" + x[len("CAP_"):].lower() for x in caps) or "-all"
    return ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=" + c, "--ambient-caps=" + c, "--bounding-set=" + c]


def prepare(sc, ns):
    """A TIME_WAIT socket and an established pair in ns, owned by tl-peer (root)."""
    p = sc.peer(ns, "tl-peer")
    p.call("listen", "l", ADDR, PORT)
    for n in (1, 2):
        p.call("connect", "c%d" % n, ADDR, PORT)
        p.call("accept", "l", "a%d" % n)
    p.call("close", "c1")
    p.call("recveof", "a1")
    p.call("close", "a1")
    return p


def warnings(err):
    """serve's warning lines, the temporary paths cut."""
    return sorted(l.split(": ", 2)[-1] for l in err.splitlines() if l.startswith("tcpline: warning:"))


def run_as(ctx, sc, ns, binary, prefix):
    """serve under prefix: (exit code, stderr, TIME_WAIT gauge of ns, owner confidences)."""
    rdir = sv.tempdir(sc, "tl-priv-rec-")
    shutil.chown(rdir, "nobody", "nogroup")
    args = ["--metrics", "127.0.0.1:0", "--interval", "0.3", "--record", rdir, "--netns", ns.path]
    try:
        s = sv.Serve(sc, args, prefix=prefix, binary=binary)
    except AssertionError as e:  # never said "tracing": its exit code tells why
        rc = int(str(e).split("(exit ")[1].split(")")[0]) if "(exit " in str(e) else None
        return rc, str(e), None, None
    sleep(0.8)
    _, _, text = s.scrape()
    tw = sv.value(sv.parse(text), "tcpline_time_wait_sockets", netns=str(ns.inode))
    tw = tw if ("tcpline_time_wait_sockets", (("netns", str(ns.inode)),)) in sv.parse(text) else None
    s.signal(signal.SIGTERM)
    rc = s.proc.wait(20)
    files = sorted(os.path.join(rdir, f) for f in os.listdir(rdir))
    rep = run([binary, "report", "--lifelines", "--json", "--port", str(PORT)] + files, check=False)
    # the listener and the established pair; a timewait socket has no owner
    owners = sorted({r["owner"]["confidence"] if r.get("owner") else "unknown"
                     for r in map(json.loads, rep.stdout.splitlines())
                     if r.get("type") == "lifeline" and r["states"][0]["state"] != "TIME_WAIT"})
    return rc, s.stderr(), tw, owners


def test_serve_least_privileges(ctx):
    caps = unit_caps()
    ctx.note("unit capabilities: %s" % " ".join(caps))
    with Scope(ctx) as sc:
        bdir = sv.tempdir(sc, "tl-priv-bin-")
        os.chmod(bdir, 0o755)
        binary = os.path.join(bdir, "tcpline")
        shutil.copy(ctx.tcpline, binary)
        os.chmod(binary, 0o755)
        ns = sc.netns()
        prepare(sc, ns)
        root = run_as(ctx, sc, ns, binary, ())
        ctx.eq(root[0], 0, "exit code as root (stderr: %s)" % root[1][-600:])
        rc, err, tw, owners = run_as(ctx, sc, ns, binary, setpriv(caps))
        ctx.eq(rc, 0, "exit code as nobody with the unit's capabilities (stderr: %s)" % err[-600:])
        ctx.eq((tw, owners), (root[2], root[3]), "TIME_WAIT gauge and owners: as nobody vs as root")
        ctx.eq((tw, owners), (1, ["exact"]), "TIME_WAIT gauge of the namespace, owners of the sockets alive at start")
        ctx.eq(warnings(err), warnings(root[1]), "warnings as nobody with the unit's capabilities vs as root")
        lost = {
            "CAP_SYS_ADMIN": lambda rc, err, tw, owners: rc == 3,
            "CAP_SYS_PTRACE": lambda rc, err, tw, owners: rc == 0 and owners == ["unknown"],
            "CAP_DAC_READ_SEARCH": lambda rc, err, tw, owners: rc == 0 and owners == ["unknown"],
            "CAP_SYSLOG": lambda rc, err, tw, owners: rc == 0 and "unavailable on this kernel: timewait" in err,
            "CAP_SYS_NICE": lambda rc, err, tw, owners: rc == 0 and "cannot set the reader's priority" in err,
        }
        ctx.eq(sorted(caps), sorted(lost), "the unit's capabilities are those this test knows the use of")
        for cap in caps:
            if cap not in lost:
                continue
            got = run_as(ctx, sc, ns, binary, setpriv([c for c in caps if c != cap]))
            ctx.check(lost[cap](*got), "without %s: expected its loss, got exit %s, TIME_WAIT %s, owners %s, "
                      "stderr: %s" % (cap, got[0], got[2], got[3], got[1][-400:]))
        alt = [c for c in caps if c != "CAP_SYS_ADMIN"] + ["CAP_BPF", "CAP_PERFMON"]
        got = run_as(ctx, sc, ns, binary, setpriv(alt))
        ctx.eq((got[0], got[2], got[3]), (0, None, []),
               "CAP_BPF and CAP_PERFMON instead of CAP_SYS_ADMIN: (exit, TIME_WAIT gauge of the namespace, owners)")
        ctx.check("without CAP_SYS_ADMIN" in got[1], "CAP_SYS_ADMIN missing said: %s" % got[1][-400:])
