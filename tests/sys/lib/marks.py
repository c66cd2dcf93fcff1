"""Test markers read by run.py."""


def slow(func):
    """Runs in a background thread, concurrently with the other tests."""
    func.slow = True
    return func


def alone(func):
    """Runs after every other test has finished, with nothing else running.

    For a test that loads the host heavily (a TCG guest): while one ran
    concurrently, tests that compare tcpline's counts with the kernel's saw
    events the kernel counted and the tracers missed (a retransmit bpftrace
    missed too; a SYN_SENT -> CLOSE), 3 times in ~40 runs, once in CI. Never
    without it: 25 runs, also with CPU hogs and with tracers attaching and
    detaching in a loop. Cause unknown."""
    func.alone = True
    return func


def smoke(func):
    """Also runs with the ASan build ($TCPLINE_ASAN)."""
    func.smoke = True
    return func
