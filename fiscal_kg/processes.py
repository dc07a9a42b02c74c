"""Stopping a child process we started: by its PID, politely first.

One place for the pattern the test servers, the bench's Virtuoso and any other child share:
SIGTERM lets the child flush and remove what it holds (a store's lock, a temporary directory);
SIGKILL follows only when it has not ended in time, so a hung child never hangs its parent.
"""

from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    """End ``proc`` if it still runs: SIGTERM, then SIGKILL after ``timeout`` seconds; reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
