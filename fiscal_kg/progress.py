"""Progress of long runs (loading, validating thousands of reports), always on stderr.

On a terminal a tqdm bar (shown after a second, so short runs print nothing extra); otherwise
— a log file, CI, a pipe — a line every ``every`` items (``loaded 200 of 1,000 reports``) so
a long run is never silent and a log shows how far it got.
"""

from __future__ import annotations

import sys
from typing import IO, Any, Self

EVERY = 100  # items between two progress lines when stderr is not a terminal


class LineProgress:
    """tqdm's small interface (update, write, context manager) as occasional lines."""

    def __init__(self, total: int, what: str, every: int = EVERY, *, quiet: bool = False,
                 stream: IO[str] | None = None) -> None:
        self.total, self.what, self.every, self.quiet = total, what, every, quiet
        self.stream = stream or sys.stderr
        self.done = 0

    def update(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if not self.quiet and self.done // self.every > before // self.every:
            print(f"{self.what}: {self.done:,} of {self.total:,}", file=self.stream, flush=True)

    def write(self, line: str, file: IO[str] | None = None) -> None:
        print(line, file=file or sys.stdout)

    def close(self) -> None:
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress(total: int, what: str, *, unit: str = "report", quiet: bool = False,
             every: int = EVERY) -> Any:  # tqdm or LineProgress
    """A bar on a terminal, progress lines elsewhere (none when ``quiet``)."""
    if sys.stderr.isatty() and not quiet:
        from tqdm import tqdm

        return tqdm(total=total, desc=what, unit=unit, delay=1.0, file=sys.stderr)
    return LineProgress(total, what, every, quiet=quiet)
