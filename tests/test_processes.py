"""Stopping a child process: SIGTERM first, SIGKILL when it will not end."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from fiscal_kg.processes import stop_process


def test_a_child_ends_on_sigterm() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_process(proc)
    assert proc.returncode == -signal.SIGTERM


def test_a_child_ignoring_sigterm_is_killed_after_the_timeout() -> None:
    code = ("import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    start = time.monotonic()
    stop_process(proc, timeout=0.5)
    assert proc.returncode == -signal.SIGKILL
    assert 0.5 <= time.monotonic() - start < 10
    proc.stdout.close()
    stop_process(proc)  # an ended child: nothing to do
