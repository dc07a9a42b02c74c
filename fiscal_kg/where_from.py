"""``fiscal-kg query where-from --source``: the report lines a where-from result points at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fiscal_kg.store import QueryResult


def source_excerpts(result: QueryResult, source: Path) -> Iterator[tuple[str, bool]]:
    """For each distinct (file, line) of the result's rows, the lines around it, read from
    ``source`` (the report file, or the file of that name under a folder; a PDF is rendered
    again): (text, False); or why it cannot be shown: (message, True)."""
    from loaders.readers.pdf.source import lines_around, report_lines

    seen: set[tuple[str, int]] = set()
    cache: dict[Path, list[str]] = {}
    for row in result.dicts():
        name, line = row.get("file"), row.get("line")
        if name is None or line is None or (str(name), int(line)) in seen:
            continue
        seen.add((str(name), int(line)))
        path = source if source.is_file() else next(source.rglob(str(name)), None)
        if path is None:
            yield f"{name}: not found under {source}", True
            continue
        try:
            lines = cache.setdefault(path, report_lines(path))
        except (OSError, ValueError) as exc:
            yield f"{path}: {exc}", True
            continue
        page = f", page {row['page']}" if row.get("page") is not None else ""
        yield f"\n{path}, line {int(line)}{page}:\n" + "\n".join(lines_around(lines, int(line))), \
            False
