"""I/O faults: a full filesystem while recording and while rotating, the
recording removed underneath, EPIPE and EAGAIN on stdout.

Each stops the run with one error line and a documented exit code
(docs/recording.md, README), except a closed pipe, which is the reader's
choice (`tcpline | head`): exit 0, nothing said. What was written before the
fault reads back: a recording cut by a full disk ends on a block boundary
and its events are exactly the first ones the same run printed live; a file
closed by rotation reads back whole; every complete line in a full pipe
parses.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from lib.marks import slow
from lib.scope import Scope

CHURN = r"""
import socket, sys, time
end = time.monotonic() + float(sys.argv[1])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 8301)); l.listen(512)
while time.monotonic() < end:
    c = socket.create_connection(("127.0.0.1", 8301)); a, _ = l.accept(); a.close(); c.close()
    if len(sys.argv) > 2: time.sleep(float(sys.argv[2]))
"""


def churn(sc, ns, seconds, pause=None):
    p = subprocess.Popen(ns.exec_argv(["/usr/bin/python3", "-c", CHURN, str(seconds)]
                                      + ([str(pause)] if pause else [])))
    sc.defer(lambda: (p.kill(), p.wait()))
    return p


def tmpfs(sc, options):
    d = tempfile.mkdtemp(prefix="tl-io-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", d], check=True)
    sc.defer(lambda: (subprocess.run(["umount", "-l", d]), os.rmdir(d)))
    return d


def errors(stderr):
    return [l for l in stderr.splitlines() if l.startswith("tcpline: error")]


def report(ctx, *args):
    return subprocess.run([ctx.tcpline, "report"] + list(args), capture_output=True, text=True,
                          timeout=60)


def events(lines):
    out = []
    for l in lines.splitlines():
        r = json.loads(l)
        if r.get("type") not in ("lifeline", "stats"):
            out.append(r)
    return out


@slow
def test_disk_full_while_recording(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        d = tmpfs(sc, "size=64k")
        path = os.path.join(d, "r.tlr")
        rec = subprocess.Popen([ctx.tcpline, "record", "-w", path, "--live", "--json", "--events",
                                "--netns", ns.path, "--duration", "30"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        churn(sc, ns, 20)
        live, err = rec.communicate(timeout=40)
        ctx.eq(rec.returncode, 1, "record exit code on a full disk (stderr %r)" % err[-300:])
        ctx.eq(errors(err), ["tcpline: error: writing %s: No space left on device: recording "
                             "stopped; what was written stays readable" % path], "the error line")
        size = os.path.getsize(path)
        p = report(ctx, path, "--json", "--events")
        ctx.eq(p.returncode, 5, "report on the cut file: exit code (stderr %r)" % p.stderr[-300:])
        ctx.check(re.search(r"truncated at byte %d: no trailer" % size, p.stderr),
                  "cut at its end (%d), on a block boundary: %r" % (size, p.stderr[-300:]))
        got, want = events(p.stdout), events(live)
        ctx.check(len(got) >= 1000, "events in the cut file: %d" % len(got))
        ctx.check(len(got) < len(want), "the live view saw more than the file: %d, %d"
                  % (len(got), len(want)))
        ctx.check(got == want[:len(got)], "the file's events are the first the run printed live")
        ctx.note("%d bytes on a 64k tmpfs: %d of %d live events" % (size, len(got), len(want)))


def test_disk_full_while_rotating(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        # one inode for the directory, one for the first file: rotation finds the disk full
        d = tmpfs(sc, "size=4m,nr_inodes=2")
        path = os.path.join(d, "r.tlr")
        churn(sc, ns, 10, pause=0.01)
        p = subprocess.run([ctx.tcpline, "record", "-w", path, "--rotate-time", "1", "--netns",
                            ns.path, "--duration", "10"], capture_output=True, text=True,
                           timeout=30)
        ctx.eq(p.returncode, 1, "record exit code")
        ctx.eq(errors(p.stderr), ["tcpline: error: writing %s.1: No space left on device: "
                                  "recording stopped; what was written stays readable" % path],
               "the error line")
        ctx.eq(sorted(os.listdir(d)), ["r.tlr.0"], "files")
        r = report(ctx, path + ".0", "--json", "--events")
        ctx.eq(r.returncode, 0, "the file closed at rotation reads back whole (stderr %r)"
               % r.stderr[-300:])
        ctx.check(len(events(r.stdout)) >= 10, "its events: %d" % len(events(r.stdout)))


def test_recording_removed_underneath(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        churn(sc, ns, 10, pause=0.01)
        # the directory removed: the next flush (once a second) finds the file nameless
        d = tempfile.mkdtemp(prefix="tl-io-rm-")
        rec = subprocess.Popen([ctx.tcpline, "record", "-w", d + "/r.tlr", "--netns", ns.path,
                                "--duration", "20"], stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        shutil.rmtree(d)
        t0 = time.monotonic()
        _, err = rec.communicate(timeout=20)
        took = time.monotonic() - t0
        ctx.eq(rec.returncode, 1, "record exit code when its directory is removed")
        ctx.eq(errors(err), ["tcpline: error: writing %s/r.tlr: it or its directory was "
                             "removed: recording stopped" % d], "the error line")
        ctx.check(took < 2.5, "stopped within a flush: %.2f s" % took)
        # the directory moved away while rotating: what it holds reads back
        d = tempfile.mkdtemp(prefix="tl-io-mv-")
        moved = d + ".moved"
        sc.defer(lambda: shutil.rmtree(moved, ignore_errors=True))
        rec = subprocess.Popen([ctx.tcpline, "record", "-w", d + "/r.tlr", "--rotate-time",
                                "0.5", "--netns", ns.path, "--duration", "20"],
                               stderr=subprocess.PIPE, text=True)
        time.sleep(1.8)
        os.rename(d, moved)
        _, err = rec.communicate(timeout=20)
        ctx.eq(rec.returncode, 1, "record exit code when its directory moves")
        errs = errors(err)
        ctx.check(len(errs) == 1 and re.match(
            r"tcpline: error: writing %s/r\.tlr\.\d+: (No such file or directory: recording "
            r"stopped; what was written stays readable|it or its directory was removed: "
            r"recording stopped)$" % re.escape(d), errs[0]), "the error line: %r" % errs)
        files = sorted(os.listdir(moved))
        ctx.check(len(files) >= 2, "files rotated before the move: %r" % files)
        for f in files:
            r = report(ctx, os.path.join(moved, f))
            ctx.check(r.returncode in (0, 5), "%s reads back: exit %d (%r)" % (
                f, r.returncode, r.stderr[-200:]))


def test_stdout_epipe_and_eagain(ctx):
    with Scope(ctx) as sc:
        ns = sc.netns()
        for mode in ("epipe", "eagain"):
            r, w = os.pipe()
            if mode == "eagain":
                fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
            p = subprocess.Popen([ctx.tcpline, "--json", "--events", "--netns", ns.path,
                                  "--duration", "20"], stdout=w, stderr=subprocess.PIPE,
                                 text=True)
            os.close(w)
            line = p.stderr.readline()
            ctx.require(line.startswith("tcpline: tracing"), "%s: started: %r" % (mode, line))
            ch = churn(sc, ns, 5)
            if mode == "epipe":
                os.read(r, 100)
                os.close(r)
            t0 = time.monotonic()
            rest = p.communicate(timeout=30)[1]
            took = time.monotonic() - t0
            ctx.check(took < 3, "%s: stopped at once: %.2f s" % (mode, took))
            ch.kill()
            ch.wait()
            if mode == "epipe":
                ctx.eq((p.returncode, errors(rest)), (0, []),
                       "a closed pipe: exit 0, nothing said")
                continue
            ctx.eq(p.returncode, 1, "EAGAIN: exit code")
            ctx.eq(errors(rest), ["tcpline: error: writing the output: Resource temporarily "
                                  "unavailable (it is non-blocking and its reader did not keep "
                                  "up): stopped"], "EAGAIN: the error line")
            fcntl.fcntl(r, fcntl.F_SETFL, os.O_NONBLOCK)
            data = b""
            try:
                while True:
                    chunk = os.read(r, 65536)
                    if not chunk:
                        break
                    data += chunk
            except BlockingIOError:
                pass
            os.close(r)
            whole = data.split(b"\n")[:-1]
            bad = 0
            for l in whole:
                try:
                    json.loads(l)
                except ValueError:
                    bad += 1
            ctx.check(len(whole) >= 100 and bad == 0,
                      "every complete line written before EAGAIN parses: %d lines, %d bad"
                      % (len(whole), bad))


def test_closed_pipe_every_command(ctx):
    """backlog and sockets agree with trace: a reader that has gone is no error."""
    with Scope(ctx) as sc:
        ns = sc.netns()
        sc.peer(ns, "tl-listener").call("listen", "l", "127.0.0.1", 8302)  # backlog prints it
        for argv in (["backlog", "--once", "--interval", "0.2"], ["sockets"]):
            r, w = os.pipe()
            os.close(r)
            p = subprocess.run([ctx.tcpline] + argv + ["--json", "--netns", ns.path], stdout=w,
                               stderr=subprocess.PIPE, text=True, timeout=30)
            os.close(w)
            ctx.eq((p.returncode, errors(p.stderr)), (0, []), "%s into a closed pipe" % argv[0])
