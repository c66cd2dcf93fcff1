"""Who owns an accepted connection, with and without the accept() hook.

A pre-forked server: tl-server listens, a forked tl-worker accepts. By
default tcpline attaches no syscall tracepoint (one would send every system
call of the host through the kernel's slow path): an accepted connection
has its listener's owner (confidence "listener") until its owner's close()
names it exactly. --accept-owner (implied by owner filters) adds the accept()
hook: the worker owns it from accept() on.

Connection 1: the worker accepts, the client resets it (the worker never
closes it). Connection 2: the worker accepts and closes it first.
"""
from lib import checks
from lib import events as ev
from lib.scope import Scope
from lib.util import sleep

PORT = 8080


def owner(ll):
    o = ll.get("owner") or {}
    return (o.get("pid"), o.get("comm"), o.get("confidence"))


def hooks(trace):
    ready = [l for l in trace.stderr.splitlines() if l.startswith("tcpline: tracing")]
    return ready[0].split("hooks: ")[1].split(")")[0].split() if ready else []


def test_accept_owner(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        lean = sc.tracer(netns=pair.server)
        hooked = sc.tracer("--accept-owner", netns=pair.server)
        srv = sc.peer(pair.server, "tl-server")
        cli = sc.peer(pair.client, "tl-client")
        srv.call("listen", "l", pair.server4, PORT)
        cli.call("connect", "c1", pair.server4, PORT)
        w1 = srv.call("worker", "l", "a1", "tl-worker")
        cli.call("linger0", "c1")
        cli.call("close", "c1")
        cli.call("connect", "c2", pair.server4, PORT)
        w2 = srv.call("worker", "l", "a2", "tl-worker")
        sleep(0.1)
        srv.call("worker_close", "a2")
        cli.call("recveof", "c2")
        cli.call("close", "c2")
        srv.call("worker_close", "a1")
        sleep(0.3)
        tl, th = lean.stop(), hooked.stop()
        checks.trace_health(ctx, tl, "default tcpline", pair.server)
        checks.trace_health(ctx, th, "--accept-owner tcpline", pair.server)
        ctx.check(not [h for h in hooks(tl) if h.startswith("accept")],
                  "no accept() hook by default: %r" % hooks(tl))
        ctx.check("accept4" in hooks(th), "--accept-owner attaches accept4: %r" % hooks(th))

        worker = (w1["pid"], "tl-worker", "exact")
        ctx.require(w1["pid"] != srv.pid, "scenario: the worker is another process")
        for tr, label, want1 in ((tl, "default", (srv.pid, "tl-server", "listener")),
                                 (th, "--accept-owner", worker)):
            c1 = ev.socket_cookie(ctx, tr, pair.server.inode, w1, "%s: connection 1" % label)
            c2 = ev.socket_cookie(ctx, tr, pair.server.inode, w2, "%s: connection 2" % label)
            ll1 = ev.lifeline_of(ctx, tr, pair.server.inode, c1, "%s: connection 1" % label)
            ll2 = ev.lifeline_of(ctx, tr, pair.server.inode, c2, "%s: connection 2" % label)
            ctx.eq(ll1.get("end"), "reset_by_peer", "%s: connection 1 end" % label)
            ctx.eq(owner(ll1), want1, "%s: owner of the connection the worker never closed" % label)
            ctx.eq(owner(ll2), (w2["pid"], "tl-worker", "exact"),
                   "%s: owner of the connection the worker closed" % label)
            reset = [e for e in ev.states_of(tr, pair.server.inode, c1) if e.get("new") == "CLOSE"]
            ctx.eq([(e.get("pid"), e.get("comm")) for e in reset], [want1[:2]],
                   "%s: owner on connection 1's reset by the peer (softirq)" % label)
