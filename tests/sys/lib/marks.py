"""Test markers read by run.py."""


def slow(func):
    """Runs in a background thread, concurrently with the other tests."""
    func.slow = True
    return func


def smoke(func):
    """Also runs with the ASan build ($TCPLINE_ASAN)."""
    func.smoke = True
    return func
