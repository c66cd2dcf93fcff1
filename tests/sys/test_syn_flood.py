"""A SYN flood stays bounded, and backlog names it and its listener.

Raw SYNs from the client namespace over the veth to one listener (backlog
128) in the server namespace, from 65,536 spoofed sources the server routes
back to the client namespace, where nothing answers (lib/synflood.py: one
Python thread, ~70k SYNs/s here), for FLOOD seconds with syncookies on, then
FLOOD seconds with syncookies off (tcp_synack_retries=1, so that requests
expire in ~3 s). `trace` and `backlog` watch the server namespace.

Asserted: each one's RSS stays under RSS_BOUND and grows by at most
RSS_GROWTH over its pre-flood value; the memory of its BPF maps (the sum of
`memlock` in /proc/PID/fdinfo, which 6.x computes from what a map holds) is
the same after the flood as before it; backlog's syncookies and drops,
summed over its intervals, equal the namespace's SyncookiesSent and
ListenDrops (nstat); every interval of the flood's body is split as
SYN-queue drops, and their sum is TCPReqQFullDrop but for the few drops of
intervals at the flood's edges (64 or fewer each), whose cause the
counters' read skew hides; its diagnosis names the flood and the listener;
the SYN queue is empty again at the end.
"""
import json
import os
import subprocess
import sys
import threading
import time

from lib import nstat
from lib.marks import alone
from lib.scope import Scope
from lib.tracer import Tracer

FLOOD = 5  # seconds per phase
PORT = 8400
RSS_BOUND = 64 << 20  # with the default 8 MiB ring, mapped twice by libbpf: 16 MiB of it
RSS_GROWTH = 8 << 20
SENDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib", "synflood.py")


def rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) << 10
    return 0


def map_memory(pid):
    total = 0
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                text = f.read()
        except OSError:
            continue
        if "map_id:" in text:
            for line in text.splitlines():
                if line.startswith("memlock:"):
                    total += int(line.split()[1])
    return total


class Sampler(threading.Thread):
    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = {p: 0 for p in pids}
        self.maps_peak = {p: 0 for p in pids}
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.1):
            for p in self.pids:
                try:
                    self.peak[p] = max(self.peak[p], rss(p))
                    self.maps_peak[p] = max(self.maps_peak[p], map_memory(p))
                except OSError:
                    pass


def flood(ctx, pair, seconds):
    p = pair.client.run(["/usr/bin/python3", SENDER, pair.server4, str(PORT), str(seconds),
                         "10.77"], timeout=seconds + 30)
    r = json.loads(p.stdout)
    ctx.note("%d SYNs in %.1f s (%.0f/s)" % (r["sent"], r["seconds"], r["sent"] / r["seconds"]))
    return r["sent"]


@alone
def test_syn_flood_bounded(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        pair.server.ip("route", "add", "10.77.0.0/16", "via", pair.client4)
        pair.server.sysctl("net.ipv4.tcp_synack_retries", 1)
        srv = sc.peer(pair.server, "tl-flooded")
        srv.call("listen", "l", pair.server4, PORT, 128)
        tr = sc.tracer(netns=pair.server)
        bl = Tracer(ctx.tcpline, ["backlog", "--json", "--netns", pair.server.path])
        sc.defer(bl.kill)
        bl.start()
        time.sleep(1.5)
        pids = [tr.proc.pid, bl.proc.pid]
        before = {p: (rss(p), map_memory(p)) for p in pids}
        sampler = Sampler(pids)
        sampler.start()
        n0 = nstat.read(pair.server)
        sent = flood(ctx, pair, FLOOD)
        pair.server.sysctl("net.ipv4.tcp_syncookies", 0)
        time.sleep(4)  # the cookie phase's requests expire
        n1 = nstat.read(pair.server)
        sent += flood(ctx, pair, FLOOD)
        time.sleep(4)  # and this phase's
        n2 = nstat.read(pair.server)
        time.sleep(1.5)  # one more backlog interval
        sampler.done.set()
        sampler.join()
        after = {p: (rss(p), map_memory(p)) for p in pids}
        bt = bl.stop()
        tt = tr.stop()
    for what, p, t in (("trace", pids[0], tt), ("backlog", pids[1], bt)):
        ctx.eq(t.rc, 0, "%s exit code (stderr %r)" % (what, t.stderr[-300:]))
        ctx.note("%s: RSS %.1f MiB before, peak %.1f, after %.1f; maps %d KiB before, peak %d, "
                 "after %d" % (what, before[p][0] / 2**20, sampler.peak[p] / 2**20,
                               after[p][0] / 2**20, before[p][1] >> 10,
                               sampler.maps_peak[p] >> 10, after[p][1] >> 10))
        ctx.check(sampler.peak[p] <= RSS_BOUND, "%s: RSS peak %d <= %d" % (
            what, sampler.peak[p], RSS_BOUND))
        ctx.check(sampler.peak[p] - before[p][0] <= RSS_GROWTH, "%s: RSS growth %d <= %d" % (
            what, sampler.peak[p] - before[p][0], RSS_GROWTH))
        ctx.eq(after[p][1], before[p][1], "%s: BPF map memory after the flood" % what)
    cookies = nstat.delta(n0, n1, "TcpExtSyncookiesSent") + nstat.delta(n1, n2, "TcpExtSyncookiesSent")
    qfull = nstat.delta(n0, n2, "TcpExtTCPReqQFullDrop")
    ctx.note("sent %d SYNs; SyncookiesSent %d, TCPReqQFullDrop %d, ListenDrops %d" % (
        sent, cookies, qfull, nstat.delta(n0, n2, "TcpExtListenDrops")))
    ctx.check(cookies > sent // 4 and qfull > sent // 4,
              "both phases flooded the queue: %d cookies, %d drops" % (cookies, qfull))
    rows = bt.select("listener", lport=PORT)
    ctx.require(rows, "backlog reported the listener")
    for r in rows:
        ctx.note("interval: drops %s causes %s split %s (%s) cookies %s synq %s/%s peak %s" % (
            r["drops"], r["causes"], r["causes_split"], r["causes_unsplit_reason"],
            r.get("syncookies_sent_netns"), r["syn_queue"], r["syn_queue_limit"],
            r["syn_queue_peak"]))
    ctx.eq(sum(r.get("syncookies_sent_netns") or 0 for r in rows), cookies,
           "backlog's syncookies = SyncookiesSent")
    # the flood's body is split: all of its drops are SYN-queue drops; an interval at
    # its edges may hold a few drops whose cause cannot be told from the counters' skew
    body = [r for r in rows if r["drops"] > 64]
    ctx.check(body and all(r["causes_split"] and r["causes"]["syn_queue_full"] == r["drops"]
                           for r in body),
              "every interval of the flood's body split as SYN-queue drops: %r"
              % [(r["drops"], r["causes"]) for r in body])
    edges = sum(r["drops"] for r in rows if r["drops"] <= 64)
    synq = sum((r["causes"] or {}).get("syn_queue_full") or 0 for r in rows)
    ctx.note("SYN-queue drops %d, at the edges %d" % (synq, edges))
    ctx.check(abs(synq - qfull) <= edges,
              "backlog's SYN-queue-full drops (%d) = TCPReqQFullDrop (%d), but for the %d at "
              "the edges" % (synq, qfull, edges))
    ctx.eq(sum(r["drops"] for r in rows), nstat.delta(n0, n2, "TcpExtListenDrops"),
           "backlog's drops = ListenDrops")
    name = "%s:%d" % (pair.server4, PORT)
    said = [r["diagnosis"] for r in rows if r.get("diagnosis")]
    ctx.check(any("SYN queue of %s" % name in d and "a SYN flood" in d and "syncookies" in d
                  for d in said), "the cookie phase named: %r" % said[:3])
    ctx.check(any("SYN queue of %s" % name in d and "was full" in d and "a SYN flood" in d
                  for d in said), "the drop phase named: %r" % said[:3])
    ctx.eq(rows[-1]["syn_queue"], 0, "SYN queue empty at the end")
