"""A test's resources, released in reverse order whatever happens."""
from .drive import Peer
from .netns import Netns, Pair
from .tracer import Tracer


class Scope:
    def __init__(self, ctx):
        self.ctx = ctx
        self._cleanups = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as e:  # cleanup must go on
                self.ctx.note("cleanup error: %s" % e)

    def defer(self, fn):
        self._cleanups.append(fn)

    def netns(self):
        ns = Netns()
        self.defer(ns.delete)
        return ns

    def pair(self):
        pair = Pair.__new__(Pair)
        # register cleanup even if construction fails half-way
        try:
            Pair.__init__(pair)
        finally:
            for attr in ("client", "server"):
                ns = getattr(pair, attr, None)
                if ns is not None:
                    self.defer(ns.delete)
        return pair

    def peer(self, ns, comm):
        p = Peer(ns, comm)
        self.defer(p.close)
        return p

    def tracer(self, *args, netns=None, binary=None):
        """Start tcpline --json [--netns ns.path] args, attached and ready."""
        argv = ["--json"] + list(args)
        if netns is not None:
            argv += ["--netns", netns.path]
        t = Tracer(binary or self.ctx.tcpline, argv)
        self.defer(t.kill)
        t.start()
        return t
