"""``serve`` and writers on one store: a writer is refused while a server holds the store.

Oxigraph documents a read-only opening beside a writing process as undefined behaviour, and a
server that kept answering from its old view of the store (5 reports while a load had brought it
to 205) gave no sign of it. So ``fiscal-kg serve`` holds an exclusive ``flock`` on a file in the
store folder for as long as it runs, and every opening of the store for writing (load, validate,
link, demo) takes a shared one for as long as it is open: a load is refused, naming the server,
while the store is served, and a server does not start while a load writes. The kernel drops the
lock with the process, so a killed server leaves nothing to clean up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not POSIX: no lock, as before (stop serve before loading)
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "fiscal-kg-serve.lock"


def hold_for_serving(store_dir: Path, address: str) -> IO[str]:
    """The open, exclusively locked lock file (keep it open while serving), else OSError."""
    handle = (store_dir / LOCK_NAME).open("a+", encoding="utf-8")
    if fcntl is None:
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise OSError(f"cannot serve {store_dir}: another process is writing to it (a load, "
                      "validate or link); start serve when it has finished") from exc  # fmt: skip
    handle.truncate(0)
    handle.write(f"pid {os.getpid()}, {address}\n")
    handle.flush()
    return handle


def hold_for_writing(store_dir: Path) -> IO[str] | None:
    """A shared lock on the store for a writer (None for a store not created yet), or OSError
    naming the server that holds it."""
    if fcntl is None or not (store_dir / "CURRENT").is_file():
        return None  # no store yet, so no server on it (serve creates it while holding no lock)
    handle = (store_dir / LOCK_NAME).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        holder = handle.read().strip() or "a running server"
        handle.close()
        raise OSError(f"cannot write to store {store_dir}: `fiscal-kg serve` ({holder}) is "
                      "serving it; stop the server, write, then start it again") from exc
    return handle


def is_served(store_dir: Path) -> bool:
    """Whether a running `fiscal-kg serve` holds the store (a reader may still open it)."""
    try:
        handle = hold_for_writing(store_dir)
    except OSError:
        return True
    if handle is not None:
        handle.close()
    return False
