"""The same binary on another kernel: Debian 12's 6.1, booted under qemu.

tcpline claims one BPF object that loads on any kernel with BTF, choosing
per kernel the program variants whose tracepoint arguments match. Here the
binary under test runs in a 6.1 guest (tests/kernel/run-6.1.sh) against
real loopback traffic: a connection served by a listener, closed, and a
refused connect. The guest's output must be what 6.18 gives for the same
traffic; a second tracer with --lifelines --comm nc (an owner filter keeps
socket storage, so state changes are batched in the kernel) must print the
same lifelines.
"""
import json
import os
import subprocess

from lib.marks import alone
from lib.util import TestSkip

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(REPO, "tests", "kernel", "run-6.1.sh")
WORK = os.path.join(REPO, ".output", "kernel-6.1")


@alone
def test_same_binary_on_kernel_6_1(ctx):
    p = subprocess.run([SCRIPT, ctx.tcpline, WORK], capture_output=True, text=True, timeout=600)
    if p.returncode == 77:
        raise TestSkip("no 6.1 kernel or qemu here: %s" % p.stderr.strip()[-200:])
    ctx.require(p.returncode == 0, "the 6.1 guest did not finish: rc %d, stderr %r, console %r"
                % (p.returncode, p.stderr[-500:], p.stdout[-1500:]))
    lines = p.stdout.splitlines()
    batched = []
    if "=== lifelines only" in lines:
        cut = lines.index("=== lifelines only")
        lines, batched = lines[:cut], lines[cut + 1:]
    ctx.require(lines and lines[0].startswith("=== begin 6.1."), "guest kernel: %r" % lines[:1])
    ctx.note("guest kernel %s" % lines[0][len("=== begin "):])
    ready = [l for l in lines if l.startswith("tcpline: tracing")]
    ctx.require(ready, "no 'tracing' line from the guest: %r" % lines[:20])
    for hook in ("state", "retransmit", "synack", "reset-sent", "reset-received", "drop",
                 "timewait"):
        ctx.check(" %s " % hook in ready[0].replace("(hooks: ", " ").replace(")", " "),
                  "hook %s attached on 6.1: %s" % (hook, ready[0]))
    summary = [l for l in lines if l.startswith("tcpline: summary")]
    ctx.check(summary and " lost 0 " in summary[0], "summary without losses: %r" % summary)
    recs = [json.loads(l) for l in lines if l.startswith("{")]
    lls = [r for r in recs if r.get("type") == "lifeline"]
    listener = [r for r in lls if r["lport"] == 8080 and r["rport"] == 0]
    ctx.eq([[s["state"] for s in r["states"]] for r in listener], [["LISTEN"]],
           "the listener's lifeline: its own states only")
    child = [r for r in lls if r["lport"] == 8080 and r["rport"] != 0]
    ctx.require(len(child) == 1, "one accepted connection: %r" % child)
    ctx.eq([s["state"] for s in child[0]["states"]][:2], ["SYN_RECV", "ESTABLISHED"],
           "the accepted connection's first states")
    ctx.check(child[0]["cookie"] not in [r["cookie"] for r in listener],
              "the accepted connection has its own cookie, not its listener's")
    client = [r for r in lls if r["rport"] == 8080]
    ctx.require(len(client) == 1, "one client connection: %r" % client)
    ctx.eq([s["state"] for s in client[0]["states"]][:2], ["SYN_SENT", "ESTABLISHED"],
           "the client's first states")
    ctx.eq((client[0]["owner"]["comm"], client[0]["owner"]["confidence"]), ("nc", "exact"),
           "the client's owner")
    refused = [r for r in lls if r["rport"] == 9]
    ctx.eq([(r["end"], r["error"]) for r in refused], [("refused", "ECONNREFUSED")],
           "the refused connect's lifeline")
    # 6.1's tcp_send_reset does not fire for socket-less resets; the client sees one arrive
    ctx.check(any(r.get("type") == "reset" and r["dir"] == "received" and r["rport"] == 9
                  for r in recs), "the reset the refused client received")
    # --lifelines --comm nc: the same lifelines, from changes batched in the kernel
    ctx.check(any(l.startswith("tcpline: summary") and " lost 0 " in l for l in batched),
              "--lifelines tracer: summary without losses: %r" % batched[:5])
    brecs = [json.loads(l) for l in batched if l.startswith("{")]
    ctx.eq([r for r in brecs if r.get("type") not in ("lifeline", "stats")], [],
           "--lifelines prints no events")

    def shape(r):
        return (r["lport"], r["rport"], r["cookie"], [s["state"] for s in r["states"]],
                r["end"], r["error"], r["owner"], r["bytes_acked"], r["bytes_received"])
    ctx.eq(sorted(map(shape, (r for r in brecs if r.get("type") == "lifeline")), key=str),
           sorted(map(shape, lls), key=str), "--lifelines (batched) vs every change sent")
