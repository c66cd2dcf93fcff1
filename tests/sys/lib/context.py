"""Per-test context: the binary under test, notes, and soft assertions.

Soft assertions record a failure and let the test go on, so one run lists
every way tcpline disagreed with the kernel; require() stops the test when
later checks would be meaningless.
"""
from .util import TestFailure


class Context:
    def __init__(self, name, tcpline):
        self.name = name
        self.tcpline = tcpline
        self.notes = []
        self.failures = []

    def note(self, text):
        self.notes.append(text)

    def fail(self, text):
        self.failures.append(text)

    def require(self, cond, text):
        if not cond:
            self.failures.append(text)
            raise TestFailure(text)

    def check(self, cond, text):
        if not cond:
            self.fail(text)
        return bool(cond)

    def eq(self, actual, expected, what):
        return self.check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))

    def between(self, actual, low, high, what):
        ok = actual is not None and low <= actual <= high
        return self.check(ok, "%s: expected within [%s, %s], got %r" % (what, low, high, actual))
