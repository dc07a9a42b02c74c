"""Worker processes for loading and validation.

Workers come from a fork server that has imported ``preload`` once: they start fast, and they are
never forked from a process holding an open RocksDB store (forking a process with running threads
can leave a lock held in the child). Entry points must be guarded by ``if __name__ == "__main__"``,
as with any non-fork start method.

Workers die with the process that started them. When ``fiscal-kg load`` is killed (SIGKILL
cannot be caught), its workers used to live on, waiting for work that never came (some for over
an hour, issue 14). PR_SET_PDEATHSIG (as ``server.py`` uses for its child) does not reach them:
their parent is the fork server, and the fork server stays alive as long as any worker holds
the end of its "alive" pipe that multiprocessing hands to every child. So each worker watches
the starting process itself: a daemon thread waits on a pidfd of it (Linux ≥ 5.3; elsewhere
it polls once a second) and ends the worker when it is gone; the fork server then exits too.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

POLL_SECONDS = 1.0  # without pidfds: how often a worker looks for its parent


def _wait_for_exit(pid: int) -> None:
    """Block until process ``pid`` has ended."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # no pidfds here: poll
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            except PermissionError:
                pass
            time.sleep(POLL_SECONDS)
    select.select([fd], [], [])  # a pidfd becomes readable when the process ends


def die_with(pid: int) -> None:
    """End this process (at once, no clean-up: its parent is gone) when process ``pid`` ends."""

    def watch() -> None:
        _wait_for_exit(pid)
        os._exit(1)

    threading.Thread(target=watch, name=f"die-with-{pid}", daemon=True).start()


def _start(parent: int, initializer: Callable[..., object] | None,
           initargs: tuple[object, ...]) -> None:
    die_with(parent)
    if initializer is not None:
        initializer(*initargs)


def process_pool(workers: int, preload: Sequence[str],
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[object, ...] = ()) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))
