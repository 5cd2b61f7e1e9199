"""``scripts/dev``: the whole platform on this machine, and nothing left running after it.

``dg dev`` from the repository root (a dg workspace of every location) serves the UI, the
daemon and one code server per location. Two things make it unfit to run unattended as is:
started in the background of a script, it inherits an *ignored* SIGINT (POSIX does that to
background jobs of non-interactive shells), and Dagster maps SIGTERM onto SIGINT's handler, so
it ignores both; and its code servers outlive it if it is killed. This supervisor starts it in
a process group of its own with default signal handling, forwards SIGINT/SIGTERM to the whole
group (what Ctrl-C in a terminal does), and kills whatever is left after a grace period.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

GRACE_SECONDS = 30


def _default_signals() -> None:
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def supervise(command: Sequence[str], grace_seconds: float = GRACE_SECONDS) -> int:
    """Run ``command`` in its own process group until it ends or this process is told to stop."""
    child = subprocess.Popen(command, start_new_session=True, preexec_fn=_default_signals)
    stopping: list[float] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        if not stopping:
            stopping.append(time.monotonic())
            _signal_group(child.pid, signal.SIGINT)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while child.poll() is None:
        if stopping and time.monotonic() - stopping[0] > grace_seconds:
            _signal_group(child.pid, signal.SIGKILL)
        time.sleep(0.5)
    # The leader is gone; its code servers may not be: end the group either way.
    deadline = time.monotonic() + (grace_seconds if stopping else 0)
    while _group_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    _signal_group(child.pid, signal.SIGKILL)
    return 0 if stopping else child.returncode


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(supervise(sys.argv[1:]))
