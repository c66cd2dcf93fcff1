#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""tcpline benchmarks: overhead and capacity against an untraced baseline.

Each round runs every configuration once, in an order rotated from round to
round (A B C, B C A, ...), each in a fresh network namespace with the churn
load generator (bench/churn.c) saturating loopback. Results are medians and
min-max over rounds; the churn rate of a traced run is divided by the
untraced run of the same round, because this 2-core machine is shared and
noisy. Then: start-up and memory with 100k idle connections, the listener
sampler's cost there, and report's decode speed.

    bench/run.py [--rounds N] [--seconds S] [--out BENCHMARKS.md]
    bench/run.py --ab "trace --json,trace --json --accept-owner" [--rounds N]
Needs root. Prints the table; writes it with the machine's description.
"""
import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from losses import LOSSES, loss_total, per_run_losses, tcpline_losses
from targets import HOOKS_ONLY, med, targets

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
TCPLINE = os.environ.get("TCPLINE", os.path.join(TOP, "tcpline"))
CHURN = os.environ.get("CHURN", os.path.join(TOP, ".output", "churn"))
SYSCALLS = os.environ.get("SYSCALLS", os.path.join(TOP, ".output", "syscalls"))
READY = "tcpline: tracing"
# A second binary, for a before/after in the same interleaved rounds: configurations
# ending in " @B" run it (e.g. --ab "trace --json,trace --json @B").
TCPLINE_B = os.environ.get("TCPLINE_B")
AT_B = " @B"
SUMMARY = re.compile(r"summary: events (\d+), lost (\d+)")
def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Netns:
    def __init__(self):
        self.name = "tlbench-%d-%d" % (os.getpid(), time.monotonic_ns() % 100000)
        sh(["ip", "netns", "add", self.name])
        sh(["ip", "-n", self.name, "link", "set", "lo", "up"])
        self.path = "/run/netns/" + self.name
        self.inode = os.stat(self.path).st_ino

    def argv(self, cmd):
        return ["ip", "netns", "exec", self.name] + cmd

    def close(self):
        subprocess.run(["ip", "netns", "del", self.name], check=False)


def prog_ids():
    out = subprocess.run(["bpftool", "prog", "list", "--json"], capture_output=True, text=True)
    try:
        return {p["id"]: p for p in json.loads(out.stdout or "[]")}
    except ValueError:
        return {}


def bpf_run_time(ids):
    """run_time_ns and run_cnt summed over the programs with these ids."""
    now = prog_ids()
    t = n = 0
    for i in ids:
        p = now.get(i, {})
        t += p.get("run_time_ns", 0)
        n += p.get("run_cnt", 0)
    return t, n


class Tracer:
    """A tracer process: started, ready, stopped with SIGINT, measured."""

    def __init__(self, argv, stdout, ready_marker=READY, shell=False):
        self.argv = argv
        before = set(prog_ids())
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                     shell=shell, start_new_session=True)
        self.err = []
        self.startup = None
        if ready_marker:
            for line in self.proc.stderr:
                self.err.append(line)
                if line.startswith(ready_marker):
                    self.startup = time.monotonic() - self.t0
                    break
            else:
                raise RuntimeError("%s exited before it was ready: %s" % (argv, "".join(self.err)))
        else:
            time.sleep(3)  # bpftrace says "Attaching N probes..." before it is attached
        # the programs this tracer loaded (on a quiet machine, nobody else loads any)
        self.progs = set(prog_ids()) - before

    def stop(self):
        bpf = bpf_run_time(self.progs)
        os.killpg(self.proc.pid, signal.SIGINT)
        _, status, ru = os.wait4(self.proc.pid, 0)
        self.err += self.proc.stderr.readlines()
        self.proc.returncode = status
        return {"cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss, "bpf_ns": bpf[0],
                "bpf_runs": bpf[1], "stderr": "".join(self.err)}


def cpu_times():
    with open("/proc/stat") as f:
        return [int(x) for x in f.readline().split()[1:]]


def churn(ns, seconds, extra=()):
    """A churn run; also the host's idle share meanwhile (saturated: near 0)."""
    t0 = cpu_times()
    out = sh(ns.argv([CHURN, "-d", str(seconds)] + list(extra)), timeout=seconds + 120).stdout
    d = [b - a for a, b in zip(t0, cpu_times())]
    m = re.search(r"conns (\d+) failed (\d+) seconds ([\d.]+) rate (\d+)", out)
    return {"conns": int(m.group(1)), "rate": float(m.group(4)),
            "idle": 100.0 * (d[3] + d[4]) / sum(d) if sum(d) else None}


def tcpline_counts(stderr):
    m = SUMMARY.search(stderr)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


MIX = " (mix)"
# The mixed load: 10 % of connections reset by the client, 0.2 % of data
# segments lost (retransmits); more clients keep the cores busy through the
# stalls that loss causes.
MIX_CHURN = ["-r", "10", "-c", "40", "-s", "8"]
# The plain load: enough client and server threads to leave no core idle
# untraced (2 + 2 leave ~12 % idle on 2 cores, which a tracer would use for free),
# to 16 server addresses: one address pair has only the ephemeral range's ~28k
# 4-tuples, and each new connection recycles the server's TIME_WAIT of its
# 4-tuple, so TIME_WAIT never passed ~28k; with 16 it reaches the namespace's
# own cap (net.ipv4.tcp_max_tw_buckets, 131072) after ~5 s (connect() takes even
# ports first: 8 addresses stopped at ~100k).
PLAIN_CHURN = ["-c", "8", "-s", "4", "-a", "16"]
MIX_LOSS = ("table inet tlbench {\n  chain in {\n"
            "    type filter hook input priority 0; policy accept;\n"
            "    meta l4proto tcp meta length > 100 numgen random mod 1000 < 2 counter drop\n"
            "  }\n}\n")


def run_config(name, seconds, tmp):
    ns = Netns()
    binary = TCPLINE
    if name.endswith(AT_B):
        if not TCPLINE_B:
            raise RuntimeError("%r needs TCPLINE_B=<the other binary>" % name)
        name, binary = name[:-len(AT_B)], TCPLINE_B
    extra = PLAIN_CHURN
    if name.endswith(MIX):
        name = name[:-len(MIX)]
        sh(ns.argv(["nft", "-f", "-"]), input=MIX_LOSS)
        extra = MIX_CHURN
    try:
        tracer, out, path = None, None, None
        if name != "untraced":
            if name == "bpftrace":
                # one line per state change, scoped to the benchmark's namespace
                prog = ("tracepoint:sock:inet_sock_set_state /args->protocol == 6 && "
                        "((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == %d/ "
                        "{ printf(\"%%llx %%d %%d %%d %%d\\n\", args->skaddr, args->sport, "
                        "args->dport, args->oldstate, args->newstate); }" % ns.inode)
                out = open(os.path.join(tmp, "bpftrace.out"), "w")
                tracer = Tracer(["bpftrace", "-e", prog], out, ready_marker=None)
            else:
                args = {"trace --json": ["--json"], "trace text": [],
                        "trace --json --accept-owner": ["--json", "--accept-owner"],
                        "trace --lifelines": ["--lifelines", "--json"],
                        # the kernel side alone: every event is filtered out in BPF
                        # (reserved, filled, discarded), nothing reaches the reader
                        HOOKS_ONLY: ["--json", "--port", "1"],
                        "record": None}[name]
                if args is None:
                    path = os.path.join(tmp, "rec-%d.tlr" % time.monotonic_ns())
                    argv = [binary, "record", "-w", path, "--netns", ns.path]
                else:
                    argv = [binary] + args + ["--netns", ns.path]
                tracer = Tracer(argv, subprocess.DEVNULL)
        res = churn(ns, seconds, extra)
        if tracer:
            time.sleep(0.3)
            res.update(tracer.stop())
            if name == "bpftrace":
                out.close()
                with open(out.name) as f:
                    res["events"] = sum(1 for _ in f)
                m = re.search(r"Lost (\d+) events", res["stderr"])
                res["lost"] = int(m.group(1)) if m else 0
            else:
                res["events"], res["lost"] = tcpline_counts(res["stderr"])
                res["losses"] = tcpline_losses(res["stderr"])
            if path:
                res["bytes"] = os.path.getsize(path) if os.path.exists(path) else None
                res["file"] = path
        return res
    finally:
        ns.close()


def fmt_range(xs, f="%.2f"):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "-"
    return (f + " (" + f + "-" + f + ")") % (statistics.median(xs), min(xs), max(xs))


def churn_table(configs, rounds, seconds, tmp):
    """Ratios from rounds run with BPF statistics off (they cost two clock reads
    per program run); BPF time per run from one more pass with them on."""
    results = {c: [] for c in configs}
    for r in range(rounds):
        order = configs[r % len(configs):] + configs[:r % len(configs)]
        runs = {}
        for c in order:
            runs[c] = run_config(c, seconds, tmp)
            ls = runs[c].get("losses", {})
            print("  round %d %-24s %8.0f conn/s  events %s %s rss %s MiB" % (
                r + 1, c, runs[c]["rate"], runs[c].get("events"),
                " ".join("%s %s" % (k, ls.get(k)) for k, _ in LOSSES) if ls else
                "lost %s" % runs[c].get("lost"),
                "%.1f" % (runs[c]["rss_kb"] / 1024) if runs[c].get("rss_kb") else "-"),
                file=sys.stderr)
        for c in configs:
            base = runs["untraced" + (MIX if MIX in c else "")]["rate"]
            runs[c]["ratio"] = runs[c]["rate"] / base if base else None
            results[c].append(runs[c])
    bpf = {}
    sh(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=1"])
    try:
        for c in configs:
            if c.startswith("untraced"):
                continue
            x = run_config(c, seconds, tmp)
            bpf[c] = x["bpf_ns"] / x["bpf_runs"] if x.get("bpf_runs") else None
            print("  bpf stats %-18s %s ns/run" % (c, bpf[c]), file=sys.stderr)
    finally:
        sh(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=0"])
    rows = []
    for c in configs:
        rs = results[c]
        ev = [x.get("events") for x in rs]
        per_s = [x["events"] / seconds if x.get("events") else None for x in rs]
        cpu_ev = [x["cpu"] / x["events"] * 1e6 if x.get("events") else None for x in rs]
        rss = [x["rss_kb"] / 1024 if x.get("rss_kb") else None for x in rs]
        bpe = [x["bytes"] / x["events"] if x.get("bytes") and x.get("events") else None
               for x in rs]
        rows.append([c, fmt_range([x["rate"] for x in rs], "%.0f"),
                     fmt_range([x.get("idle") for x in rs], "%.1f"),
                     fmt_range([x["ratio"] for x in rs]),
                     fmt_range(per_s, "%.0f") if any(ev) else "-",
                     per_run_losses(rs) if "untraced" not in c else "-",
                     fmt_range(cpu_ev) if any(cpu_ev) else "-",
                     "%.0f" % bpf[c] if bpf.get(c) else "-",
                     fmt_range(rss, "%.1f") if any(rss) else "-",
                     fmt_range(bpe, "%.1f") if any(bpe) else "-"])
    head = ["configuration", "conn/s", "host idle %", "ratio to untraced", "events/s delivered",
            "losses per run (ring/storage/recursion/evicted/truncated)",
            "tracer CPU us/event", "BPF ns/run", "peak RSS MiB", "bytes/event on disk"]
    return head, rows, results


TAX_CONFIGS = ["untraced", "trace --json", "trace --json --accept-owner", "bpftrace"]


def syscall_tax(passes=2):
    """ns per getppid() while each tracer is attached to an idle namespace:
    what it costs the processes it does not trace."""
    got = {c: [] for c in TAX_CONFIGS}
    for p in range(passes):
        order = TAX_CONFIGS[p % len(TAX_CONFIGS):] + TAX_CONFIGS[:p % len(TAX_CONFIGS)]
        for c in order:
            ns = Netns()
            tracer = None
            try:
                if c == "bpftrace":
                    prog = ("tracepoint:sock:inet_sock_set_state /args->protocol == 6 && "
                            "((struct sock *)args->skaddr)->__sk_common.skc_net.net->ns.inum == "
                            "%d/ { printf(\"%%d\\n\", args->newstate); }" % ns.inode)
                    tracer = Tracer(["bpftrace", "-e", prog], subprocess.DEVNULL, ready_marker=None)
                elif c != "untraced":
                    tracer = Tracer([TCPLINE] + c.split()[1:] + ["--netns", ns.path],
                                    subprocess.DEVNULL)
                got[c].append(float(sh([SYSCALLS, "2000000", "5"]).stdout))
                print("  syscall tax %-28s %.1f ns/call" % (c, got[c][-1]), file=sys.stderr)
            finally:
                if tracer:
                    tracer.stop()
                ns.close()
    base = med(got["untraced"])
    rows = [[c, "%.1f" % med(got[c]), "%+.1f" % (med(got[c]) - base)] for c in TAX_CONFIGS]
    return ["configuration", "ns per getppid()", "added ns per system call"], rows


def sampler_ns():
    for p in prog_ids().values():
        if p.get("name") == "sample_listeners" and p.get("run_cnt"):
            return p["run_time_ns"] / p["run_cnt"]
    return None


def idle_scale(n_idle, tmp):
    """Start-up, memory and sampler cost of trace with n_idle connections around."""
    ns = Netns()
    holder = subprocess.Popen(ns.argv([CHURN, "-i", str(max(n_idle, 1)), "-c", "0", "-d", "3600"]),
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = holder.stdout.readline()
        if not line.startswith("idle"):
            raise RuntimeError("churn could not open %d idle connections" % n_idle)
        sh(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=1"])
        tr = Tracer([TCPLINE, "--json", "--lifelines", "--netns", ns.path], subprocess.DEVNULL)
        time.sleep(5)
        sample = sampler_ns()
        res = tr.stop()
        res["sample_ns"] = sample
        res["startup"] = tr.startup
        return res
    finally:
        sh(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=0"])
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
        ns.close()


REPORTS = [("summary", []), ("--lifelines --json", ["--lifelines", "--json"]),
           ("--events --json", ["--events", "--json"])]


def report_speed(path, events):
    """report on a recording of @events events: events per CPU second (user+sys)."""
    if not path or not os.path.exists(path) or not events:
        return None
    out = {}
    for name, args in REPORTS:
        best = None
        for _ in range(3):
            p = subprocess.Popen([TCPLINE, "report"] + args + [path], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            cpu = ru.ru_utime + ru.ru_stime
            best = cpu if best is None else min(best, cpu)
        out[name] = {"cpu": best, "per_s": events / best if best else None}
    return {"events": events, "runs": out}


def has_record():
    return subprocess.run([TCPLINE, "record", "--help"], capture_output=True).returncode == 0


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return "%s, %d cores, kernel %s" % (cpu, os.cpu_count(), platform.release())


def table_md(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--idle", type=int, default=100000)
    ap.add_argument("--out", default=os.path.join(TOP, "BENCHMARKS.md"))
    ap.add_argument("--ab", metavar="CONFIGS",
                    help="only the churn table for these comma-separated configurations "
                         "(untraced is added), printed, not written: for a hand A/B")
    a = ap.parse_args()
    if os.geteuid():
        sys.exit("bench: needs root")
    if a.ab:
        configs = ["untraced"] + [c for c in a.ab.split(",") if c != "untraced"]
        with tempfile.TemporaryDirectory() as tmp:
            head, rows, _ = churn_table(configs, a.rounds, a.seconds, tmp)
        print(table_md(head, rows))
        return
    configs = ["untraced", "trace --json", "trace text", "trace --lifelines", HOOKS_ONLY,
               "bpftrace"]
    if has_record():
        configs.insert(5, "record")
    configs += ["untraced" + MIX, "trace --json" + MIX] + (["record" + MIX] if has_record() else [])
    sh(["sysctl", "-q", "-w", "kernel.bpf_stats_enabled=0"])
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        print("churn: %d rounds x %d configurations x %.0f s" % (a.rounds, len(configs), a.seconds),
              file=sys.stderr)
        head, rows, results = churn_table(configs, a.rounds, a.seconds, tmp)
        print("idle: %d connections" % a.idle, file=sys.stderr)
        idle = idle_scale(a.idle, tmp)
        few = idle_scale(1, tmp)
        print("syscall tax", file=sys.stderr)
        tax_head, tax_rows = syscall_tax()
        rec = [x for x in results.get("record", []) if x.get("file")]
        rep = report_speed(rec[-1]["file"], rec[-1].get("events")) if rec else None
    text = ["# tcpline benchmarks", "",
            "Machine: %s. Load: bench/churn.c on loopback in a fresh network namespace "
            "(connect, 64-byte request and reply, server closes first; 8 client and 4 server "
            "threads, so that no core idles untraced; to 16 server addresses, so that the "
            "namespace's TIME_WAIT reaches its cap, tcp_max_tw_buckets), %.0f s per run, "
            "and a mixed load (\"(mix)\": 10 %% of connections reset by the client, 0.2 %% of "
            "data segments dropped by nft so that they are retransmitted, 40 clients), "
            "%d rounds, configurations interleaved. Cells: median (min-max). Ratio: churn rate "
            "over the untraced run of the same round and load. Host idle: the share of both cores "
            "left idle during the run (/proc/stat). Tracer CPU: user+sys of the tracer process "
            "per delivered event. BPF ns/run: run time per program run (kernel.bpf_stats_enabled), "
            "from one more run of each configuration: statistics are off in the rounds, as they "
            "cost two clock reads per program run. Losses: each run's ring-buffer, storage, "
            "recursion-miss, table-eviction and truncated-lifeline counters; any non-zero one "
            "is a loss."
            % (machine(), a.seconds, a.rounds), "",
            "The machine is shared (other engineers' builds and tests ran meanwhile): load "
            "average %.1f at the start, %.1f at the end; untraced rates spread as the table "
            "shows, and ratio differences under ~0.08 are noise." % (load0[0], os.getloadavg()[0]),
            "", table_md(head, rows), "",
            "## %d idle established connections" % a.idle, "",
            "- start-up to \"tracing\" (load, attach, socket dump of every socket): %.2f s"
            % (idle["startup"] or -1),
            "- peak RSS of `trace --json --lifelines`: %.1f MiB" % (idle["rss_kb"] / 1024),
            "- listener sampler per run: %s ns with %d idle connections, %s ns with 1 (it "
            "visits the listener map, not the sockets)"
            % ("%.0f" % idle["sample_ns"] if idle.get("sample_ns") else "n/a", a.idle,
               "%.0f" % few["sample_ns"] if few.get("sample_ns") else "n/a"),
            "- start-up with 1 idle connection: %.2f s; peak RSS %.1f MiB"
            % (few["startup"] or -1, few["rss_kb"] / 1024), "",
            "## What tracing costs the processes it does not trace", "",
            "A cheap system call (getppid(), pinned to one CPU, median of 5 x 2M calls, "
            "2 passes) while each tracer is attached and watching an idle namespace. A syscall "
            "tracepoint attached anywhere sends every system call of the host through the "
            "kernel's slow path: tcpline attaches one (accept()) only with --accept-owner or an "
            "owner filter.", "", table_md(tax_head, tax_rows), ""]
    if rep:
        text += ["## report", "", "A recording of %d events (the last `record` run), each "
                 "report run 3 times, the fastest kept; CPU time (user+sys):" % rep["events"], ""]
        text += ["- `report %s`: %.2f s, %.0f events/s" % (n, r["cpu"], r["per_s"])
                 for n, r in rep["runs"].items()]
        text += [""]
    text += targets(results, idle, rep)
    text += ["Reproduce: `make bench` (as root; about 17 minutes)."]
    out = "\n".join(text) + "\n"
    print(out)
    with open(a.out, "w") as f:
        f.write(out)


if __name__ == "__main__":
    main()
