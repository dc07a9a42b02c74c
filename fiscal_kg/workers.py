"""Worker processes for loading and validation.

Workers come from a fork server that has imported ``preload`` once: they start fast, and they are
never forked from a process holding an open RocksDB store (forking a process with running threads
can leave a lock held in the child). Entry points must be guarded by ``if __name__ == "__main__"``,
as with any non-fork start method.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int, preload: Sequence[str],
                 initializer: Callable[..., object] | None = None,
                 initargs: tuple[object, ...] = ()) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=initializer, initargs=initargs)
