"""Memory: peak resident sets of this process and of the processes it starts.

Linux only for the processes started (/proc); elsewhere their peaks read as 0.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

SAMPLE_S = 0.5  # how often the process tree is looked at while a phase runs (≈ 10 ms a look)


def peak_rss_mb() -> float:
    """Peak resident set of this process in MB (VmHWM; getrusage where /proc is missing).

    VmHWM belongs to this address space alone, whereas Linux starts ru_maxrss
    of an exec'd child at its parent's peak.
    """
    mine = peak_of(os.getpid())
    if mine:
        return mine
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def peak_of(pid: int | None) -> float:
    """VmHWM of a live process in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def descendants(root: int) -> list[int]:
    """Processes below ``root`` (children, their children ...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            # "pid (name) state ppid ...": the name may hold spaces and brackets
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class TreeWatch:
    """While in use, the peak (VmHWM) of each process started under ``root`` (``root`` too), or
    when no root is given, of each process this one starts meanwhile (the loader's workers) —
    sampled in a thread every ``SAMPLE_S``."""

    def __init__(self, root: int | None = None) -> None:
        self.root = root
        self.peaks: dict[int, float] = {}
        self._before: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeWatch:
        if self.root is None:
            self._before = set(_safe_descendants(os.getpid()))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()  # a phase process is still there (it waits before it ends)

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(SAMPLE_S):
                return

    def sample(self) -> None:
        if self.root is None:
            pids = [p for p in _safe_descendants(os.getpid()) if p not in self._before]
        else:
            pids = [self.root, *_safe_descendants(self.root)]
        for pid in pids:
            peak = peak_of(pid)
            if peak > self.peaks.get(pid, 0.0):
                self.peaks[pid] = peak

    def total_mb(self) -> float:
        return sum(self.peaks.values())


def _safe_descendants(root: int) -> list[int]:
    try:
        return descendants(root)
    except OSError:  # no /proc: nothing to watch
        return []
