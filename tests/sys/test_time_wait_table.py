"""TIME_WAIT beyond the live connection table.

A namespace whose kernel keeps at most 200 timewait sockets
(net.ipv4.tcp_max_tw_buckets), 300 connections closed by the server first,
tcpline with a live table of 64 connections (enough for the listener and
the closes waiting out their 20 ms for a late reset): the kernel keeps 200 timewait
sockets (ss) and closes the other 100 at once (nstat TCPTimeWaitOverflow).
tcpline keeps every timewait socket's lifeline in its TIME_WAIT table, sized
from that namespace's tcp_max_tw_buckets, not in the live table: nothing is
evicted, and the lifelines still in TIME_WAIT when tracing stops are exactly
the ones ss shows, and as many as the kernel made.
"""
from lib import checks
from lib import events as ev
from lib import nstat
from lib.scope import Scope
from lib.util import sleep

PORT = 9700
N = 300
TW_MAX = 200
LIVE = 64

# N connections in turn; the server closes first, so its end goes TIME_WAIT
SERVER_CLOSES_FIRST = """
import socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", %d)); srv.listen(64)
for _ in range(int(sys.argv[1])):
    c = socket.create_connection(("127.0.0.1", %d)); a = srv.accept()[0]
    a.close(); c.recv(1); c.close()
""" % (PORT, PORT)


def tw_tuples(ns):
    out = ns.run(["ss", "-tanH", "state", "time-wait"]).stdout
    found = set()
    for line in out.splitlines():
        words = line.split()
        if len(words) >= 4:
            (l, _, lp), (r, _, rp) = words[2].rpartition(":"), words[3].rpartition(":")
            found.add((ev.norm_addr(l.strip("[]")), int(lp), ev.norm_addr(r.strip("[]")), int(rp)))
    return found


def tuple_of(r):
    return (ev.norm_addr(r.get("laddr")), r.get("lport"), ev.norm_addr(r.get("raddr")), r.get("rport"))


def test_time_wait_beyond_the_live_table(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        ns.sysctl("net.ipv4.tcp_max_tw_buckets", TW_MAX)
        before = nstat.read(ns)
        t = sc.tracer("--max-conns", str(LIVE), "--lifelines", netns=ns)
        ns.run(["python3", "-c", SERVER_CLOSES_FIRST, str(N)], timeout=60)
        sleep(0.5)
        after = nstat.read(ns)
        in_ss = tw_tuples(ns)
        tr = t.stop()
        checks.trace_health(ctx, tr, "tcpline", ns)

        overflow = nstat.delta(before, after, "TcpExtTCPTimeWaitOverflow")
        ctx.eq(nstat.delta(before, after, "TcpPassiveOpens"), N, "scenario: connections accepted")
        ctx.eq(len(in_ss), TW_MAX, "scenario: the kernel keeps tcp_max_tw_buckets timewait sockets")
        ctx.eq(overflow, N - TW_MAX, "scenario: TCPTimeWaitOverflow counts the rest")
        final = tr.final_stats or {}
        ctx.eq(final.get("table_evictions"), 0, "table evictions with %d TIME_WAIT and a live "
               "table of %d" % (TW_MAX, LIVE))
        server = [r for r in tr.lifelines(netns=ns.inode)
                  if r.get("lport") == PORT and r["states"][0]["state"] != "LISTEN"]
        evicted = [r for r in tr.lifelines(netns=ns.inode) if r.get("end") == "evicted"]
        ctx.eq(len(evicted), 0, "lifelines ending 'evicted': %r" % evicted[:2])
        ctx.eq(len(server), N, "server lifelines, one per connection")
        timewait = [r for r in server if any(s["state"] == "TIME_WAIT" for s in r["states"])]
        ctx.eq(len(timewait), N - overflow, "server lifelines through TIME_WAIT: every timewait "
               "socket the kernel made (N - TCPTimeWaitOverflow)")
        still = [r for r in timewait if r.get("end") == "open"]
        ctx.check(all(r["states"][-1]["state"] == "TIME_WAIT" and r["states"][-1]["dwell_ns"] is None
                      for r in still), "open ones end in TIME_WAIT, its dwell not over yet")
        ctx.eq(set(tuple_of(r) for r in still), in_ss,
               "lifelines still in TIME_WAIT at the stop are the timewait sockets ss shows")
        closed = [r for r in server if r not in timewait]
        ctx.check(all(r.get("end") == "closed" for r in closed),
                  "the %d closed without a timewait socket end 'closed': %r"
                  % (len(closed), [r.get("end") for r in closed][:5]))
