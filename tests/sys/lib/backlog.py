"""`tcpline backlog` in the tests: running it, driving listen-queue load, and
checking its listener records against the namespace's own counters."""
import json
import os
import re
import subprocess
import sys

from .tracer import Tracer
from .util import sleep

LOAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backlog_load.py")
INTERVAL = "0.5"


class Load:
    """A backlog_load.py process in namespace ns (killed by the scope)."""

    def __init__(self, sc, ns, *args):
        self.proc = subprocess.Popen(ns.exec_argv([sys.executable, LOAD] + [str(a) for a in args]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        sc.defer(self.kill)
        self.hello = self.reply()
        self.port = int(args[2]) if args[0] == "server" else None

    def reply(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("backlog_load.py exited: %s" % self.proc.stderr.read())
        return json.loads(line)

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.reply()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass


def start(sc, ns, *extra):
    """tcpline backlog --json for ns, attached, with its first sample taken."""
    t = Tracer(sc.ctx.tcpline, ["backlog", "--json", "--interval", INTERVAL, "--netns", ns.path] + list(extra))
    sc.defer(t.kill)
    t.start()
    sleep(float(INTERVAL) + 0.3)  # the first sample is the baseline
    return t


def sk_drops(ns, port):
    """The sk_drops of the listener on port in ns, as `ss -tlnm` shows it (skmem d)."""
    out = ns.run(["ss", "-Htlnm", "sport = :%d" % port]).stdout
    found = re.findall(r"skmem:\([^)]*\bd(\d+)\)", out)
    if len(found) != 1:
        raise RuntimeError("ss in %s: want one listener on port %d:\n%s" % (ns.name, port, out))
    return int(found[0])


def listener_records(trace, ns, port):
    return [r for r in trace.records if r.get("type") == "listener" and r.get("netns") == ns.inode
            and r.get("lport") == port]


def total(records, field, cause=False):
    """Sum of a member (or a cause) over records; None if any is null."""
    out = 0
    for r in records:
        v = (r.get("causes") or {}).get(field) if cause else r.get(field)
        if v is None:
            return None
        out += v
    return out


def check_run(ctx, trace, ns):
    """The run itself: exit code, clean JSON, no sanitizer report, only ns."""
    ctx.eq(trace.rc, 0, "tcpline backlog exit code")
    ctx.eq(trace.bad_lines[:3], [], "non-JSON lines on stdout")
    for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        ctx.check(mark not in trace.stderr, "sanitizer report: %s" % trace.stderr[-800:])
    others = [r for r in trace.records if r.get("netns") != ns.inode]
    ctx.eq(others[:2], [], "records of other namespaces despite --netns")


def deltas(before, after):
    from . import nstat
    return {k: nstat.delta(before, after, "TcpExt" + k) for k in
            ("ListenDrops", "ListenOverflows", "TCPReqQFullDrop", "TCPReqQFullDoCookies",
             "SyncookiesSent")}


def check_listener(ctx, recs, skd, what):
    """One listener born during the run, its sk_drops moved by skd (ss): its
    listen drops are sk_drops less what it discarded, and its records say so."""
    drops = total(recs, "drops")
    ctx.eq(total(recs, "discarded_segments"), skd - drops,
           "%s: discarded_segments vs sk_drops delta (ss) - drops" % what)
    ctx.eq(recs[-1]["drops_since_created"], drops,
           "%s: drops_since_created of the last record vs sum of drops" % what)
    closed = [r for r in recs if r.get("closed")]
    ctx.eq(len(closed), 1, "%s: records with closed: true (the listener closed once)" % what)
    ctx.eq(recs[-1].get("closed"), True, "%s: the closing record is the listener's last" % what)


def check(ctx, trace, ns, port, before, after, expect, skd):
    """Exact agreement with the namespace's counters, and the scenario's own facts.

    expect: kernel facts of the scenario, e.g. {"ListenDrops": 8, ...} (TcpExt deltas),
    "acceptq_peak"/"synq_peak": depths the kernel held, "diagnosis": a phrase,
    "discarded": discarded segments; skd: the listener's sk_drops delta (ss)."""
    check_run(ctx, trace, ns)
    recs = listener_records(trace, ns, port)
    ctx.require(recs, "no listener records for port %d in %s; stderr: %s" % (port, ns.name, trace.stderr[-500:]))
    d = deltas(before, after)
    ctx.note("%s nstat deltas: %s; sk_drops delta (ss): %d" % (ns.name, d, skd))
    ctx.note("tcpline: %s" % [(r["drops"], r["causes"], r["causes_split"], r["accept_queue_peak"],
                                r["syn_queue_peak"], r["syncookies_sent_netns"], r["discarded_segments"])
                               for r in recs if r["drops"] or r["syncookies_sent_netns"]
                               or r["discarded_segments"]])
    for name, want in expect.items():
        if name in d:
            ctx.eq(d[name], want, "scenario: nstat %s delta (kernel fact)" % name)
    ctx.eq(total(recs, "drops"), d["ListenDrops"], "sum of drops vs ListenDrops")
    unsplit = [r.get("causes_unsplit_reason") for r in recs if not r.get("causes_split")]
    ctx.eq(unsplit, [], "records whose causes are not split (one listener per namespace)")
    at_syn = total(recs, "accept_queue_full_at_syn", cause=True)
    at_ack = total(recs, "accept_queue_full_at_ack", cause=True)
    ctx.eq((at_syn or 0) + (at_ack or 0), d["ListenOverflows"], "accept queue causes vs ListenOverflows")
    ctx.eq(total(recs, "syn_queue_full", cause=True), d["TCPReqQFullDrop"], "syn_queue_full vs TCPReqQFullDrop")
    ctx.eq(total(recs, "syncookies_sent_netns"), d["SyncookiesSent"], "syncookies_sent_netns vs SyncookiesSent")
    for key, field in (("acceptq_peak", "accept_queue_peak"), ("synq_peak", "syn_queue_peak"),
                       ("at_ack", None), ("other", None), ("discarded", None)):
        if key not in expect:
            continue
        if field:
            ctx.eq(max(r[field] for r in recs), expect[key], "highest %s" % field)
        elif key == "at_ack":
            ctx.eq(at_ack, expect[key], "sum of causes.accept_queue_full_at_ack")
        elif key == "discarded":
            ctx.eq(total(recs, "discarded_segments"), expect[key], "sum of discarded_segments")
        else:
            ctx.eq(total(recs, "other", cause=True), expect[key], "sum of causes.other")
    if "diagnosis" in expect:
        diag = [r["diagnosis"] or "" for r in recs if r["drops"] or r["syncookies_sent_netns"]]
        ctx.check(diag and all(expect["diagnosis"] in t for t in diag),
                  "diagnoses should name %r: %s" % (expect["diagnosis"], diag[:2]))
    check_listener(ctx, recs, skd, "port %d" % port)
    return recs
