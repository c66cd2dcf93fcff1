"""The BPF programs run by BPF_PROG_TEST_RUN (.output/tl-prog-run, built by
`make`; $PROG_RUN overrides), inside a namespace with a listener whose
accept queue is full, checked against the namespace's own counters.

What the kernel test-runs (measured, 6.18): raw_tp programs (the listener
sampler: sample_listeners, sample_listener_by_key; that is how tcpline runs
them). It refuses tp_btf programs (every event hook) and iterators with
EFAULT (bpf_prog_test_run_tracing() runs only fentry/fexit/fmod_ret) and
classic tracepoint programs (the accept hooks) with ENOTSUPP (no test_run).
So the in-kernel filters are tested through the sampler, whose records pass
the same tuple filter (filter.bpf.h) as every event; the event hooks are
tested by the other system tests, on real traffic.
"""
import json
import os

from lib import backlog as bl
from lib import nstat
from lib.scope import Scope
from lib.util import sleep

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELPER = os.environ.get("PROG_RUN") or os.path.join(REPO, ".output", "tl-prog-run")
PORT = 7100
TCP_LISTEN = 10
TL_LF_FIRST = 0x02


def prog_run(ctx, ns, *args):
    """Run the helper in ns; return (records, runs) parsed from its output."""
    ctx.require(os.access(HELPER, os.X_OK), "%s is missing: build it with make" % HELPER)
    out = ns.run([HELPER] + [str(a) for a in args]).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return [x for x in lines if "via" in x], [x for x in lines if "run" in x]


def full_listener(sc):
    """A namespace with a listener on PORT, backlog 1, and 3 clients: two fill
    its accept queue (it holds backlog+1), the third's SYN is dropped."""
    ns = sc.netns()
    bl.Load(sc, ns, "server", "127.0.0.1", PORT, 1)
    bl.Load(sc, ns, "clients", "127.0.0.1", PORT, 3)
    sleep(0.3)
    return ns


def test_bpf_sampler_test_run(ctx):
    """sample_listeners and sample_listener_by_key, test-run: one record of the
    listener with its real queue depth, limit and listen drops (= ListenDrops:
    the namespace has no other listener)."""
    with Scope(ctx) as sc:
        ns = full_listener(sc)
        before = nstat.read(ns)
        recs, runs = prog_run(ctx, ns)
        after = nstat.read(ns)
        for r in runs[:3]:
            ctx.eq(r["rc"], 0, "test run of %s (arg %d)" % (r["run"], r["arg"]))
        whole = [r for r in recs if r["via"] == "sample_listeners"]
        ctx.require(len(whole) == 1, "sample_listeners records: expected 1, got %r" % recs)
        r = whole[0]
        ctx.eq((r["lport"], r["netns"], r["family"], r["state"]), (PORT, ns.inode, 2, TCP_LISTEN),
               "the listener (port, netns, family, state)")
        ctx.eq((r["acceptq"], r["limit"], r["acceptq_peak"], r["synq"]), (2, 1, 2, 0),
               "accept queue depth, limit, peak; SYN queue")
        ctx.check(r["flags"] & TL_LF_FIRST, "first record of a listener older than tracing")
        ctx.check(before["TcpExtListenDrops"] >= 1, "the third client's SYN was dropped")
        ctx.between(r["drops"], before["TcpExtListenDrops"], after["TcpExtListenDrops"],
                    "listen drops (nstat ListenDrops before/after)")
        by_key = [x for x in recs if x["via"] == "sample_listener_by_key"]
        ctx.eq([x["cookie"] for x in by_key], [r["cookie"]],
               "sample_listener_by_key: one record, for the listener's cookie only")
        if by_key:
            ctx.eq((by_key[0]["acceptq"], by_key[0]["flags"] & TL_LF_FIRST), (2, 0),
                   "by key, sampled again: same depth, no longer the first record")


def test_bpf_filters_test_run(ctx):
    """The tuple filter in the kernel (the knobs set before load), seen through
    the sampler's records: kept where it matches the listener, dropped where
    not."""
    with Scope(ctx) as sc:
        ns = full_listener(sc)
        cases = [
            ([], 1),
            (["--port", PORT], 1),
            (["--port", PORT + 1], 0),
            (["--port", PORT + 1, "--port", PORT], 1),
            (["--netns", ns.inode], 1),
            (["--netns", ns.inode + 1], 0),
            (["--family", 2], 1),
            (["--family", 10], 0),
            (["--laddr", "127.0.0.0/8"], 1),
            (["--laddr", "127.0.0.2/32"], 0),
            (["--laddr", "10.0.0.0/8"], 0),
            (["--laddr", "::1/128"], 0),
        ]
        for args, want in cases:
            recs, _ = prog_run(ctx, ns, *args)
            got = len([r for r in recs if r["via"] == "sample_listeners"])
            ctx.eq(got, want, "sampler records with filter %s" % (" ".join(map(str, args)) or
                                                                  "none"))


def test_bpf_tracing_programs_refuse_test_run(ctx):
    """tp_btf, iter and classic tracepoint programs load but cannot be
    test-run: if a kernel ever runs them, this says so (and they get tests)."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        _, runs = prog_run(ctx, ns)
        rcs = {r["run"]: r["rc"] for r in runs}
        ctx.eq(rcs.get("sample_listeners"), 0, "raw_tp sampler test-runs")
        for prog, kind in (("handle_set_state", "tp_btf"), ("dump_tcp", "iter"),
                           ("handle_accept4_exit", "tracepoint")):
            ctx.check(rcs.get(prog) is not None and rcs[prog] < 0,
                      "%s (%s): expected the kernel to refuse a test run, got %r"
                      % (prog, kind, rcs.get(prog)))
