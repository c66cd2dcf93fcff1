"""make install / make uninstall, like a system tool: with PREFIX (a real install
into a temporary prefix, whose unit systemd-analyze verifies and whose man
pages man renders without a warning) and with DESTDIR (a staging tree, whose
files uninstall removes, all of them). Every command has its page, and every
option its --help lists is in that page; bash completion completes commands
and options from the installed binary."""
import os
import re
import subprocess
import tempfile

from lib.util import run

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COMMANDS = ["trace", "record", "report", "backlog", "sockets", "serve", "features"]
OPTION = re.compile(r"(?:^|[ ,])(--[a-zA-Z][a-zA-Z0-9-]*|-[a-zA-Z0-9])(?=[ ,=]|$)", re.M)


def make(*args):
    return run(["make", "-s", "-C", REPO] + list(args), timeout=600)


def files_under(root):
    out = []
    for d, _, names in os.walk(root):
        out += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(out)


def test_install_prefix_man_unit_completion(ctx):
    with tempfile.TemporaryDirectory(prefix="tl-prefix-") as prefix:
        make("install", "PREFIX=" + prefix)
        binary = os.path.join(prefix, "bin", "tcpline")
        ctx.eq(run([binary, "--version"]).stdout.split()[0], "tcpline", "installed binary runs")
        mandir = os.path.join(prefix, "share", "man", "man8")
        listed = [l.split()[0] for l in run([binary, "help"]).stdout.splitlines() if l.startswith("  ")]
        ctx.eq(sorted(listed), sorted(COMMANDS), "commands `tcpline help` lists")
        pages = ["tcpline.8"] + ["tcpline-%s.8" % c for c in listed]
        ctx.eq(sorted(os.listdir(mandir)), sorted(pages), "man pages: tcpline(8) and one per command")
        for page in sorted(os.listdir(mandir)):
            p = subprocess.run(["man", "--warnings", "-l", os.path.join(mandir, page)],
                               capture_output=True, text=True, timeout=30, env=dict(os.environ, MANWIDTH="80"))
            ctx.eq((p.returncode, p.stderr.strip()), (0, ""), "man --warnings -l %s (exit, warnings)" % page)
        for cmd in listed:
            helptext = run([binary, cmd, "--help"], check=False).stdout
            with open(os.path.join(mandir, "tcpline-%s.8" % cmd)) as f:
                src = f.read().replace("\\-", "-")
            missing = [o for o in sorted(set(OPTION.findall(helptext))) if not re.search(re.escape(o) + r"\b", src)]
            ctx.eq(missing, [], "options of `tcpline %s --help` missing from tcpline-%s.8" % (cmd, cmd))

        unit = os.path.join(prefix, "lib", "systemd", "system", "tcpline.service")
        with open(unit) as f:
            text = f.read()
        ctx.check("ExecStart=%s serve " % binary in text, "the unit runs the installed binary")
        p = subprocess.run(["systemd-analyze", "verify", unit], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, MANPATH=os.path.join(prefix, "share", "man")))
        ctx.eq((p.returncode, (p.stdout + p.stderr).strip()), (0, ""), "systemd-analyze verify (exit, output)")

        comp = os.path.join(prefix, "share", "bash-completion", "completions", "tcpline")
        script = ('source %s; PATH=%s:$PATH\n'
                  'c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tcpline; echo "${COMPREPLY[*]}"; }\n'
                  'c tcpline se; c tcpline serve --met; c tcpline backlog --precise ""; c tcpline sockets -4 --cl\n'
                  % (comp, os.path.dirname(binary)))
        out = run(["bash", "-c", script]).stdout.splitlines()
        ctx.eq(out, ["serve", "--metrics --metrics-port", "auto fentry kprobe off", "--close-wait-age"],
               "bash completion of: tcpline se, serve --met, backlog --precise, sockets -4 --cl")
        make("uninstall", "PREFIX=" + prefix)
        ctx.eq(files_under(prefix), [], "files left by make uninstall")


def test_install_destdir_uninstall(ctx):
    with tempfile.TemporaryDirectory(prefix="tl-destdir-") as dest:
        make("install", "DESTDIR=" + dest, "PREFIX=/usr")
        man = ["usr/share/man/man8/tcpline%s.8" % ("-" + c if c else "") for c in [""] + COMMANDS]
        ctx.eq(files_under(dest), sorted(["usr/bin/tcpline", "usr/lib/systemd/system/tcpline.service",
                                          "usr/share/bash-completion/completions/tcpline"] + man),
               "files installed under DESTDIR with PREFIX=/usr")
        with open(os.path.join(dest, "usr/lib/systemd/system/tcpline.service")) as f:
            ctx.check("ExecStart=/usr/bin/tcpline serve " in f.read(), "the unit names /usr/bin/tcpline, not DESTDIR")
        ctx.eq(oct(os.stat(os.path.join(dest, "usr/bin/tcpline")).st_mode & 0o777), "0o755", "binary mode")
        make("uninstall", "DESTDIR=" + dest, "PREFIX=/usr")
        ctx.eq(files_under(dest), [], "files left by make uninstall")
