"""Network-namespace fixtures: uniquely named namespaces and veth pairs.

Every namespace created here is registered; Scope.close() (and the atexit
hook) deletes it, also after a failure or KeyboardInterrupt.
"""
import atexit
import itertools
import os
import threading

from .util import run

_counter = itertools.count(1)
_lock = threading.Lock()
_live = set()


def _next_index():
    with _lock:
        return next(_counter)


class Netns:
    """One network namespace named tlt-<pid>-<n>, with lo up."""

    def __init__(self, tag=""):
        self.index = _next_index()
        self.name = "tlt-%d-%d%s" % (os.getpid(), self.index, tag)
        run(["ip", "netns", "add", self.name])
        with _lock:
            _live.add(self.name)
        self.path = "/run/netns/" + self.name
        self.inode = os.stat(self.path).st_ino
        self.ip("link", "set", "lo", "up")

    def ip(self, *args):
        return run(["ip", "-n", self.name] + list(args))

    def exec_argv(self, argv):
        """argv that runs a command inside this namespace."""
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, check=True, timeout=30, input=None):
        return run(self.exec_argv(argv), check=check, timeout=timeout, input=input)

    def sysctl(self, name, value):
        self.run(["sysctl", "-q", "-w", "%s=%s" % (name, value)])

    def delete(self):
        with _lock:
            if self.name not in _live:
                return
            _live.discard(self.name)
        run(["ip", "netns", "del", self.name], check=False)

    def __repr__(self):
        return "Netns(%s, inode %d)" % (self.name, self.inode)


class Pair:
    """A server and a client namespace joined by a veth pair.

    Server: 10.200.X.1/24 and fd00:200:X::1/64; client: .2 and ::2 (X is
    derived from the fixture index; the subnets live in private namespaces).
    """

    def __init__(self):
        self.server = Netns("s")
        self.client = Netns("c")
        x = self.server.index % 250
        self.x = x
        self.server4 = "10.200.%d.1" % x
        self.client4 = "10.200.%d.2" % x
        self.server6 = "fd00:200:%d::1" % x
        self.client6 = "fd00:200:%d::2" % x
        self.client.ip("link", "add", "veth0", "type", "veth",
                       "peer", "name", "veth0", "netns", self.server.name)
        for ns, a4, a6 in ((self.server, self.server4, self.server6),
                           (self.client, self.client4, self.client6)):
            ns.ip("addr", "add", a4 + "/24", "dev", "veth0")
            ns.ip("-6", "addr", "add", a6 + "/64", "dev", "veth0", "nodad")
            ns.ip("link", "set", "veth0", "up")

    def add_client_addr(self, addr4):
        self.client.ip("addr", "add", addr4 + "/24", "dev", "veth0")

    def add_server_addr(self, addr4):
        self.server.ip("addr", "add", addr4 + "/24", "dev", "veth0")

    def delete(self):
        self.client.delete()
        self.server.delete()


def delete_all():
    with _lock:
        names = list(_live)
        _live.clear()
    for name in names:
        run(["ip", "netns", "del", name], check=False)


def delete_stale():
    """Delete tlt-<pid>-* namespaces left behind by runs whose process is gone."""
    try:
        names = os.listdir("/run/netns")
    except FileNotFoundError:
        return
    for name in names:
        parts = name.split("-")
        if len(parts) < 3 or parts[0] != "tlt" or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid != os.getpid() and not os.path.exists("/proc/%d" % pid):
            run(["ip", "netns", "del", name], check=False)


atexit.register(delete_all)
