"""Texts read as one UTF-8 byte stream, each encoded only when the reader reaches it.

The embedded store bulk-loads a batch of reports (≈ 50, ≈ 250k quads) from their N-Quads. Joined
and encoded at once, a batch was held three times over — the texts (2 bytes a character: they
hold Chinese), their join, its UTF-8 — ≈ 180 MB above the texts themselves at the writer's
peak. Read through this stream, only one report's bytes are held at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterable


class Utf8Stream(io.RawIOBase):
    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = iter(texts)
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._left:
            text = next(self._texts, None)
            if text is None:
                return 0  # the end
            self._left = memoryview(text.encode())
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n
