"""Running tcpline and parsing its JSON Lines output."""
import json
import os
import signal
import subprocess
import threading
import time

READY = "tcpline: tracing"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ERROR: UndefinedBehaviorSanitizer")


class TracerError(AssertionError):
    pass


class Trace:
    """What one tcpline run printed."""

    def __init__(self, records, bad_lines, rc, stderr):
        self.records = records
        self.bad_lines = bad_lines
        self.rc = rc
        self.stderr = stderr
        stats = [r for r in records if r.get("type") == "stats"]
        finals = [r for r in stats if r.get("final")]
        self.final_stats = finals[-1] if finals else None
        self.final_count = len(finals)

    def select(self, type=None, netns=None, cookie=None, **fields):
        out = []
        for r in self.records:
            if type is not None and r.get("type") != type:
                continue
            if netns is not None and r.get("netns") != netns:
                continue
            if cookie is not None and r.get("cookie") != cookie:
                continue
            if any(r.get(k) != v for k, v in fields.items()):
                continue
            out.append(r)
        return out

    def events(self, netns=None):
        return [r for r in self.records if r.get("type") not in ("lifeline", "stats")
                and (netns is None or r.get("netns") == netns)]

    def lifelines(self, netns=None):
        return self.select("lifeline", netns=netns)


class Tracer:
    def __init__(self, binary, argv, env=None):
        self.binary = binary
        self.argv = [binary] + list(argv)
        self.env = env
        self.proc = None
        self._out = []
        self._err = []
        self._ready = threading.Event()
        self._threads = []

    def _read_stdout(self):
        for line in self.proc.stdout:
            self._out.append(line)

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._err.append(line)
            if line.startswith(READY):
                self._ready.set()

    def start(self, timeout=30):
        if not os.path.exists(self.binary):
            raise TracerError("tcpline binary %s does not exist" % self.binary)
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=self.env)
        for fn in (self._read_stdout, self._read_stderr):
            t = threading.Thread(target=fn, daemon=True)
            t.start()
            self._threads.append(t)
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.05):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                rc = self.proc.poll()
                self.kill()
                raise TracerError("%s: no '%s' line on stderr (exit %s) within %d s; stderr: %s"
                                  % (" ".join(self.argv), READY, rc, timeout,
                                     "".join(self._err).strip()[-2000:]))
        return self

    def stop(self, timeout=20):
        """SIGINT, wait for exit, parse everything; returns a Trace."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TracerError("%s did not exit within %d s after SIGINT" % (self.argv[0], timeout))
        for t in self._threads:
            t.join(5)
        records, bad = [], []
        for line in self._out:
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not an object")
                records.append(obj)
            except ValueError:
                bad.append(line.rstrip("\n"))
        return Trace(records, bad, rc, "".join(self._err))

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
