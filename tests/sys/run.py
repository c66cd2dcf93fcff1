#!/usr/bin/env python3
"""Root system tests for tcpline against the real kernel.

    tests/sys/run.py [PATTERN]

Runs every test_* function of tests/sys/test_*.py (only those whose name
matches the regular expression PATTERN, if given). The binary is $TCPLINE
(default ./tcpline at the repository root); if $TCPLINE_ASAN is set, the
tests marked smoke run again with that binary, named "<test>[asan]".
Tests marked slow run in background threads while the others run.
Prints "ok/FAIL/SKIP name" per test and ends with "N passed, N failed,
N skipped"; exits 1 if any test failed.
"""
import glob
import importlib
import os
import re
import signal
import sys
import threading
import time
import traceback

sys.dont_write_bytecode = True  # keep the tree free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from lib import netns as netns_mod  # noqa: E402
from lib.context import Context  # noqa: E402
from lib.util import ABORT, TestFailure, TestSkip  # noqa: E402

_print_lock = threading.Lock()


def out(text):
    with _print_lock:
        print(text, flush=True)


def discover(pattern):
    tests = []
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        module = importlib.import_module(os.path.basename(path)[:-3])
        funcs = [f for name, f in vars(module).items() if name.startswith("test_") and callable(f)]
        funcs.sort(key=lambda f: f.__code__.co_firstlineno)
        tests.extend(funcs)
    if pattern:
        tests = [f for f in tests if re.search(pattern, f.__name__)]
    return tests


# A failed test runs once more (TL_SYS_RETRIES, default 1) and is reported either way: its
# failed run is printed as RETRY, a pass on re-run is named flaky before the closing line.
# Counts compared with the kernel's have missed single tracepoint firings now and then with
# no loss counter moving (closing notes of sessions 3 and 5): a bug of ours or the kernel's,
# being chased; the retry keeps it visible without hiding a failure that repeats.
RETRIES = int(os.environ.get("TL_SYS_RETRIES", "1"))
FLAKY = []


def attempt(func, name, binary):
    """One run of a test: (status, output lines); KeyboardInterrupt propagates."""
    ctx = Context(name, binary)
    start = time.monotonic()
    status, reason = "ok", ""
    try:
        if os.geteuid() != 0:
            raise TestSkip("needs root (network namespaces, BPF)")
        func(ctx)
    except TestSkip as e:
        status, reason = "SKIP", str(e)
    except TestFailure:
        status = "FAIL"
    except KeyboardInterrupt:
        raise
    except Exception:
        status, reason = "FAIL", traceback.format_exc().strip()
    if status == "ok" and ctx.failures:
        status = "FAIL"
    took = time.monotonic() - start
    lines = ["%s %s (%.1f s)%s" % (status, name, took, (": " + reason.splitlines()[-1]) if reason else "")]
    if status == "FAIL":
        lines += ["    - " + f for f in ctx.failures]
        if reason and len(reason.splitlines()) > 1:
            lines += ["    " + l for l in reason.splitlines()]
    lines += ["    . " + n for n in ctx.notes]
    return status, lines


def run_one(func, name, binary, results):
    try:
        for n in range(RETRIES + 1):
            status, lines = attempt(func, name, binary)
            if status != "FAIL" or n == RETRIES or ABORT.is_set():
                break
            out("\n".join(["RETRY " + lines[0][len("FAIL "):]] + lines[1:]))
    except KeyboardInterrupt:
        results.append("FAIL")
        out("FAIL %s: interrupted" % name)
        if threading.current_thread() is threading.main_thread():
            raise
        return
    if status == "ok" and n > 0:
        FLAKY.append(name)
        lines[0] += " (failed once, passed on re-run: flaky)"
    out("\n".join(lines))
    results.append(status)


def on_sigterm(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else None
    binary = os.path.abspath(os.environ.get("TCPLINE", os.path.join(REPO, "tcpline")))
    asan = os.environ.get("TCPLINE_ASAN")
    signal.signal(signal.SIGTERM, on_sigterm)
    if os.geteuid() == 0:
        netns_mod.delete_stale()
    jobs = []
    for func in discover(None):
        jobs.append((func, func.__name__, binary))
        if asan and getattr(func, "smoke", False):
            jobs.append((func, func.__name__ + "[asan]", os.path.abspath(asan)))
    if pattern:
        jobs = [j for j in jobs if re.search(pattern, j[1])]
    out("tcpline system tests: %d tests, binary %s%s"
        % (len(jobs), binary, ", asan " + asan if asan else ""))
    results = []
    background = []
    try:
        for func, name, b in jobs:
            if getattr(func, "slow", False):
                t = threading.Thread(target=run_one, args=(func, name, b, results), name=name)
                t.start()
                background.append(t)
        for func, name, b in jobs:
            if not getattr(func, "slow", False) and not getattr(func, "alone", False):
                run_one(func, name, b, results)
        for t in background:
            while t.is_alive():
                t.join(0.5)
        for func, name, b in jobs:
            if getattr(func, "alone", False):
                run_one(func, name, b, results)
    except KeyboardInterrupt:
        ABORT.set()
        for t in background:
            t.join(30)
        out("interrupted")
    finally:
        netns_mod.delete_all()
    if FLAKY:
        out("flaky (failed once, passed on re-run): %s" % ", ".join(FLAKY))
    passed, failed, skipped = (results.count(s) for s in ("ok", "FAIL", "SKIP"))
    if len(results) < len(jobs):
        failed += len(jobs) - len(results)
    out("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
