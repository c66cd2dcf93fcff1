"""Driving peer.py processes inside namespaces from the tests."""
import json
import os
import select
import subprocess
import sys
import time

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer.py")


class PeerError(RuntimeError):
    pass


class Peer:
    """A peer.py process in namespace ns, with its pid and comm known."""

    def __init__(self, ns, comm):
        self.ns = ns
        self.comm = comm
        self.proc = subprocess.Popen(ns.exec_argv([sys.executable, PEER, "--comm", comm]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        hello = self._reply(10)
        self.pid = hello["pid"]

    def _reply(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerError("%s in %s: no reply within %.1f s" % (self.comm, self.ns.name, timeout))
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    raise PeerError("%s in %s exited: %s" % (self.comm, self.ns.name,
                                                             self.proc.stderr.read()))
                return json.loads(line)

    def call(self, *words, timeout=15, expect_ok=True):
        """Send one command; return its reply (raise unless ok, if expect_ok)."""
        self.proc.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.proc.stdin.flush()
        reply = self._reply(timeout)
        if expect_ok and not reply.get("ok"):
            raise PeerError("%s: %s -> %s" % (self.comm, " ".join(map(str, words)), reply))
        return reply

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("exit\n")
                self.proc.stdin.flush()
                self.proc.wait(3)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass
