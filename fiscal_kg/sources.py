"""Which files are reports: files named on the command line, and the report files of a folder.

Shared by ``load`` (``fiscal_kg.ingest``) and ``validate FILE…`` (``fiscal_kg.validation.cli``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# What a folder yields: the files some reader reads (loaders.readers: PDF, the text
# layouts, HTML). A file named on the command line is always tried, whatever its name.
READABLE_SUFFIXES = (".pdf", ".txt", ".md", ".tsv", ".html", ".htm")


def _skip_notice(path: Path, reason: str) -> None:
    print(f"{path}: skipped: {reason}", file=sys.stderr)


def report_files(
    paths: Sequence[str | Path], on_skip: Callable[[Path, str], None] | None = _skip_notice
) -> list[Path]:
    """Files as given, folders expanded to the files the readers read (sorted,
    recursively); every other file of a folder is passed to ``on_skip`` with the reason
    (hidden files and folders are passed over silently)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if not p.is_dir():
            files.append(p)
            continue
        for x in sorted(p.rglob("*")):
            if not x.is_file() or any(part.startswith(".") for part in x.relative_to(p).parts):
                continue
            if x.suffix.lower() in READABLE_SUFFIXES:
                files.append(x)
            elif on_skip is not None:
                kinds = ", ".join(READABLE_SUFFIXES)
                on_skip(x, f"not a report format the readers read ({kinds})")
    return files
