"""A recording is untrusted input: report's summary prints its strings by the one escaping rule.

The summary's header repeats what the recording says of itself (host,
kernel, the recorder's command line, the hooks' reasons): a command line
carrying a terminal escape (here a --comm filter value) reached the terminal
raw from `report` while trace escaped the same bytes. Text output: only
printable ASCII and newlines, the value in its escaped form; JSON: it reads
back exactly.
"""
import json
import os
import subprocess
import tempfile

NAME = "\x1b[2J\x07\x1b]52;c;eA==\x07"


def test_report_summary_escapes_recorded_strings(ctx):
    d = tempfile.mkdtemp(prefix="tl-hostile-rec-")
    path = os.path.join(d, "r.tlr")
    try:
        p = subprocess.run([ctx.tcpline, "record", "-w", path, "--comm", NAME[:15],
                            "--duration", "0.3"], capture_output=True, timeout=30)
        ctx.require(p.returncode == 0, "record: exit %d (%r)" % (p.returncode, p.stderr[-300:]))
        text = subprocess.run([ctx.tcpline, "report", path], capture_output=True, timeout=30)
        js = subprocess.run([ctx.tcpline, "report", "--summary", "--json", path],
                            capture_output=True, timeout=30)
    finally:
        subprocess.run(["rm", "-rf", d])
    ctx.eq(text.returncode, 0, "report exit code")
    bad = sorted({b for b in text.stdout if not (0x20 <= b < 0x7f or b == 0x0a)})
    ctx.eq(bad, [], "report: bytes a terminal acts on")
    esc = "".join(c if 0x20 <= ord(c) < 0x7f else "\\x%02x" % ord(c) for c in NAME[:15])
    ctx.check(("--comm " + esc).encode() in text.stdout,
              "the command line escaped: %r" % text.stdout[:400])
    summary = json.loads(js.stdout)
    ctx.check("--comm " + NAME[:15] in summary["command"],
              "JSON: the command line reads back exactly: %r" % summary["command"])
