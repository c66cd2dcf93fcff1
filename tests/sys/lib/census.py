"""`tcpline sockets` in the tests: running it, and ss's view of the same namespace."""
import collections
import json
import subprocess

from .util import run

# ss -tan state column -> the kernel's state names tcpline uses. ss shows request
# sockets (NEW_SYN_RECV) as SYN-RECV too, and timewait sockets in their substate.
SS_STATES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
    "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2", "TIME-WAIT": "TIME_WAIT",
    "UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT", "LAST-ACK": "LAST_ACK",
    "LISTEN": "LISTEN", "CLOSING": "CLOSING",
}


def ss_counts(ns):
    """Per-state counts of `ss -tanH` inside ns, with tcpline's names."""
    out = ns.run(["ss", "-tanH"]).stdout
    counts = collections.Counter()
    for line in out.splitlines():
        words = line.split()
        if words:
            counts[SS_STATES.get(words[0], words[0])] += 1
    return dict(counts)


def ss_comparable(states):
    """tcpline's states folded the way ss shows them (half-open is SYN-RECV), zeros dropped."""
    folded = collections.Counter()
    for name, n in states.items():
        folded["SYN_RECV" if name == "NEW_SYN_RECV" else name] += n
    return {k: v for k, v in folded.items() if v}


def sockets(ctx, *args, timeout=30):
    """Run tcpline sockets ARGS; return (CompletedProcess, parsed JSON or None)."""
    p = subprocess.run([ctx.tcpline, "sockets"] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    doc = None
    if "--json" in args and p.returncode == 0:
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            ctx.fail("tcpline sockets %s: stdout is not one JSON document (%s): %r"
                     % (" ".join(args), e, p.stdout[:500]))
    return p, doc


def netns_entry(ctx, doc, ns):
    rows = [r for r in (doc or {}).get("netns", []) if r.get("netns") == ns.inode]
    ctx.eq(len(rows), 1, "census: entries for netns %s" % ns.name)
    return rows[0] if rows else {}


def run_as_nobody(argv):
    return run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv, check=False)
