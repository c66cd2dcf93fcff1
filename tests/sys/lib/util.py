"""Small shared helpers: running commands, failing with context, aborting."""
import subprocess
import threading

# Set when the run is interrupted: long waits poll it and give up early.
ABORT = threading.Event()


class TestFailure(AssertionError):
    """An assertion about tcpline or the kernel did not hold."""


class TestSkip(Exception):
    """The test cannot run here at all (e.g. not root); never used for failures."""


def run(cmd, check=True, timeout=30, input=None):
    """Run cmd (a list); return CompletedProcess with text output."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)
    if check and proc.returncode != 0:
        raise RuntimeError("command %s failed with exit %d: %s"
                           % (" ".join(cmd), proc.returncode, proc.stderr.strip()))
    return proc


def sleep(seconds):
    """Sleep, but raise KeyboardInterrupt promptly if the run is aborted."""
    if ABORT.wait(seconds):
        raise KeyboardInterrupt("run aborted")
