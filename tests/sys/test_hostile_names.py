"""Process names any local user sets (prctl PR_SET_NAME) never reach a terminal raw.

Three servers name themselves with what a terminal would act on: CSI (clear
screen), OSC 52 (write the clipboard), BEL, CR, DEL, a lone C1 byte, an
invalid byte, and U+202E (right-to-left override). Each one's listener and
its CLOSE_WAIT connection are shown by trace, sockets and backlog: in text,
every output byte is printable ASCII or a newline and the name appears in the
one escaped form (format.h: \\xNN for every other byte, a backslash doubled);
in JSON the lines parse and a name that is valid UTF-8 reads back exactly.
"""
import json
import os
import subprocess
import time

from lib.scope import Scope

NAMES = [b"\x1b[2J\x07\r\x7f\x9b\xffx", b"\x1b]52;c;eA==\x07", b"ab\xe2\x80\xaecd\\"]
PORTS = [8181, 8182, 8183]


def escaped(name):
    out = ""
    for c in name:
        out += chr(c) if 0x20 <= c < 0x7f and c != 0x5c else "\\\\" if c == 0x5c else "\\x%02x" % c
    return out


def only_safe(ctx, data, what):
    bad = sorted({b for b in data if not (0x20 <= b < 0x7f or b == 0x0a)})
    ctx.eq(bad, [], "%s: bytes a terminal acts on" % what)


def run(ctx, argv, timeout=30):
    return subprocess.run([ctx.tcpline] + argv, capture_output=True, timeout=timeout)


def start(ctx, argv):
    p = subprocess.Popen([ctx.tcpline] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    line = p.stderr.readline()
    while b"tcpline: tracing" not in line and time.monotonic() < deadline and line:
        line = p.stderr.readline()
    ctx.require(b"tcpline: tracing" in line, "%s did not start: %r" % (argv, line))
    return p


def test_hostile_process_names(ctx):
    with Scope(ctx) as sc:
        pair = sc.pair()
        text = start(ctx, ["--netns", pair.server.path, "--duration", "6"])
        js = start(ctx, ["--json", "--netns", pair.server.path, "--duration", "6"])
        srvs = []
        for name, port in zip(NAMES, PORTS):
            srv = sc.peer(pair.server, os.fsdecode(name))
            cli = sc.peer(pair.client, "tl-client")
            srv.call("listen", "l", pair.server4, port)
            cli.call("connect", "c", pair.server4, port)
            srv.call("accept", "l", "a")
            cli.call("close", "c")  # the server's socket stays in CLOSE_WAIT
            srvs.append(srv)
        time.sleep(0.5)
        socks = run(ctx, ["sockets", "--close-wait-age", "0", "--netns", pair.server.path])
        socks_js = run(ctx, ["sockets", "--json", "--close-wait-age", "0", "--netns",
                             pair.server.path])
        backlog = run(ctx, ["backlog", "--once", "--interval", "0.5", "--netns",
                            pair.server.path])
        backlog_js = run(ctx, ["backlog", "--once", "--json", "--interval", "0.5", "--netns",
                               pair.server.path])
        for s in srvs:
            s.call("close", "a")
            s.call("close", "l")
        out_text, err_text = text.communicate(timeout=20)
        out_js, _ = js.communicate(timeout=20)

    for what, p in (("sockets", socks), ("sockets --json", socks_js), ("backlog", backlog),
                    ("backlog --json", backlog_js)):
        ctx.eq(p.returncode, 0, "%s: exit code (stderr %r)" % (what, p.stderr[-300:]))
    for what, data in (("trace", out_text), ("trace stderr", err_text),
                       ("sockets", socks.stdout), ("backlog", backlog.stdout),
                       ("sockets stderr", socks.stderr), ("backlog stderr", backlog.stderr)):
        only_safe(ctx, data, what)
    for name in NAMES:
        # trace's COMM column is 16 wide: an escaped name is whole only at the line's end
        for what, data in (("sockets", socks.stdout), ("backlog", backlog.stdout)):
            ctx.check(escaped(name).encode() in data,
                      "%s shows %r as %s: %r" % (what, name, escaped(name), data[-600:]))
        ctx.check(escaped(name)[:12].encode() in out_text,
                  "trace shows %r escaped: %r" % (name, out_text[-600:]))
    # JSON: every line parses; a valid UTF-8 name reads back exactly
    for what, data in (("trace --json", out_js), ("sockets --json", socks_js.stdout),
                       ("backlog --json", backlog_js.stdout)):
        lines = [l for l in data.decode("utf-8").splitlines() if l.strip()]
        docs = []
        for l in lines:
            try:
                docs.append(json.loads(l))
            except ValueError as e:
                ctx.fail("%s: not JSON (%s): %r" % (what, e, l[:200]))
        for name in NAMES:
            try:
                want = name.decode("utf-8")
            except UnicodeDecodeError:
                continue
            comms = set()

            def walk(o):
                if isinstance(o, dict):
                    for k, v in o.items():
                        if k == "comm" and isinstance(v, str):
                            comms.add(v)
                        walk(v)
                elif isinstance(o, list):
                    for v in o:
                        walk(v)
            walk(docs)
            ctx.check(want in comms, "%s: the name %r reads back exactly: %r" % (what, name, comms))
