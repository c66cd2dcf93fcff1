"""Filters: each one keeps one kind of traffic and excludes another.

Every scenario makes two client connections in the client namespace that
differ only in what the filter looks at; each ends by the server closing
first, so the client socket's whole life (5 transitions and a lifeline)
happens under tracing. The kept connection must appear completely, the
other not at all.
"""
import os

from lib import checks
from lib import events as ev
from lib.scope import Scope
from lib.util import sleep

KEPT_STATES = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"), ("ESTABLISHED", "CLOSE_WAIT"),
               ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSE")]


def exchange(srv, cli, saddr, port, bind=None, slot="c"):
    """One connection from cli to srv's listener on saddr:port, server closes first."""
    extra = ["bind=" + bind] if bind else []
    ctup = cli.call("connect", slot, saddr, port, *extra)
    srv.call("accept", "l%d" % port, "a")
    cli.call("send", slot, 100)
    srv.call("recv", "a", 100)
    srv.call("close", "a")
    cli.call("recveof", slot)
    cli.call("close", slot)
    return ctup


def judge(ctx, trace, ns, kept, excluded, label):
    """kept: client tuple that must be fully present; excluded: must be absent."""
    checks.trace_health(ctx, trace, label, ns)
    cookie = ev.socket_cookie(ctx, trace, ns.inode, kept, "%s: kept connection" % label)
    evs = checks.state_sequence(ctx, trace, ns, cookie, KEPT_STATES, "%s: kept connection" % label)
    ll = ev.lifeline_of(ctx, trace, ns.inode, cookie, "%s: kept connection" % label)
    checks.lifeline(ctx, ll, "%s: kept" % label, states=["SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK"],
                    end="closed", tup=kept, state_events=evs)
    leaked = [r for r in trace.records if r.get("type") != "stats" and ev.touches(r, excluded)]
    ctx.eq(leaked[:3], [], "%s: records of the excluded connection %s:%s -> %s:%s"
           % (label, excluded["laddr"], excluded["lport"], excluded["raddr"], excluded["rport"]))
    return ll


def listen(srv, addr, port):
    srv.call("listen", "l%d" % port, addr, port)


def test_filter_port(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        t = sc.tracer("--port", "7070,8080", netns=pair.client)
        srv, cli = sc.peer(pair.server, "tl-server"), sc.peer(pair.client, "tl-client")
        listen(srv, pair.server4, 8080)
        listen(srv, pair.server4, 9090)
        kept = exchange(srv, cli, pair.server4, 8080)
        excluded = exchange(srv, cli, pair.server4, 9090)
        sleep(0.3)
        tr = t.stop()
        judge(ctx, tr, pair.client, kept, excluded, "--port 7070,8080")
        for r in tr.records:
            if r.get("type") != "stats":
                ctx.check(8080 in (r.get("lport"), r.get("rport")), "--port: record without port 8080: %r" % r)


def test_filter_laddr(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        other = "10.200.%d.3" % pair.x
        pair.add_client_addr(other)
        t = sc.tracer("--laddr", pair.client4 + "/32", netns=pair.client)
        srv, cli = sc.peer(pair.server, "tl-server"), sc.peer(pair.client, "tl-client")
        listen(srv, pair.server4, 8080)
        kept = exchange(srv, cli, pair.server4, 8080, bind=pair.client4)
        excluded = exchange(srv, cli, pair.server4, 8080, bind=other)
        sleep(0.3)
        judge(ctx, t.stop(), pair.client, kept, excluded, "--laddr")


def test_filter_raddr(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        other = "10.200.%d.4" % pair.x
        pair.add_server_addr(other)
        t = sc.tracer("--raddr", "%s/32" % other, netns=pair.client)
        srv, cli = sc.peer(pair.server, "tl-server"), sc.peer(pair.client, "tl-client")
        listen(srv, "0.0.0.0", 8080)
        kept = exchange(srv, cli, other, 8080)
        excluded = exchange(srv, cli, pair.server4, 8080)
        sleep(0.3)
        judge(ctx, t.stop(), pair.client, kept, excluded, "--raddr")


def family_filter(ctx, flag):
    with Scope(ctx) as sc:
        pair = sc.pair()
        t = sc.tracer(flag, netns=pair.client)
        srv, cli = sc.peer(pair.server, "tl-server"), sc.peer(pair.client, "tl-client")
        listen(srv, pair.server4, 8080)
        listen(srv, pair.server6, 8086)
        c4 = exchange(srv, cli, pair.server4, 8080)
        c6 = exchange(srv, cli, pair.server6, 8086)
        sleep(0.3)
        tr = t.stop()
        kept, excluded, fam = (c4, c6, "ipv4") if flag == "-4" else (c6, c4, "ipv6")
        judge(ctx, tr, pair.client, kept, excluded, flag)
        fams = sorted({r.get("family") for r in tr.records if r.get("type") != "stats"}, key=str)
        ctx.eq(fams, [fam], "%s: families in the output" % flag)


def test_filter_ipv4_only(ctx):
    family_filter(ctx, "-4")


def test_filter_ipv6_only(ctx):
    family_filter(ctx, "-6")


def test_filter_netns(ctx):
    with Scope(ctx) as sc:
        a, b = sc.pair(), sc.pair()
        t = sc.tracer(netns=a.client)
        ka = (sc.peer(a.server, "tl-server"), sc.peer(a.client, "tl-client"))
        kb = (sc.peer(b.server, "tl-server"), sc.peer(b.client, "tl-client"))
        listen(ka[0], a.server4, 8080)
        listen(kb[0], b.server4, 8080)
        kept = exchange(ka[0], ka[1], a.server4, 8080)
        excluded = exchange(kb[0], kb[1], b.server4, 8080)
        sleep(0.3)
        tr = t.stop()
        judge(ctx, tr, a.client, kept, excluded, "--netns")
        ctx.eq(tr.select(netns=b.client.inode) + tr.select(netns=b.server.inode) + tr.select(netns=a.server.inode),
               [], "--netns: records from the other namespaces")


CGROUP2_MAGIC = 0x63677270


def cgroup2_root():
    """The cgroup v2 mount: /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts."""
    for path in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        # cgroup.controllers exists only in cgroup v2 directories
        if os.path.exists(os.path.join(path, "cgroup.controllers")):
            return path
    return None


def owner_cgroup(sc, pid):
    """A fresh cgroup v2 directory holding process pid, removed at the end."""
    root = cgroup2_root()
    if root is None:
        raise RuntimeError("no cgroup v2 hierarchy mounted")
    path = os.path.join(root, "tlt-%d-%d" % (os.getpid(), pid))
    os.mkdir(path)
    sc.defer(lambda: os.rmdir(path))
    with open(os.path.join(path, "cgroup.procs"), "w") as f:
        f.write(str(pid))
    # moved back before the directory goes, so rmdir works even if the peer lives on
    sc.defer(lambda: open(os.path.join(root, "cgroup.procs"), "w").write(str(pid)))
    return path


def owner_filter(ctx, how):
    with Scope(ctx) as sc:
        pair = sc.pair()
        srv = sc.peer(pair.server, "tl-server")
        alpha, beta = sc.peer(pair.client, "tl-alpha"), sc.peer(pair.client, "tl-beta")
        if how == "pid":
            args = ("-p", str(alpha.pid))
        elif how == "comm":
            args = ("--comm", "tl-alpha")
        else:
            args = ("--cgroup", owner_cgroup(sc, alpha.pid))
        t = sc.tracer(*args, netns=pair.client)
        listen(srv, pair.server4, 8080)
        kept = exchange(srv, alpha, pair.server4, 8080)
        excluded = exchange(srv, beta, pair.server4, 8080)
        sleep(0.3)
        tr = t.stop()
        ll = judge(ctx, tr, pair.client, kept, excluded, " ".join(args))
        o = ll.get("owner") or {}
        ctx.eq((o.get("pid"), o.get("comm"), o.get("confidence")), (alpha.pid, "tl-alpha", "exact"),
               "%s: kept lifeline owner" % " ".join(args))


def test_filter_pid(ctx):
    owner_filter(ctx, "pid")


def test_filter_comm(ctx):
    owner_filter(ctx, "comm")


def test_filter_cgroup(ctx):
    owner_filter(ctx, "cgroup")
