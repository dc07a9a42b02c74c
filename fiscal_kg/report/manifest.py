"""What ``fiscal-kg report --out DIR`` wrote there, so that writing it again leaves only this run.

A report written into a folder that holds an older one would leave the older pages and crops of
reports no longer in the store (or no longer chosen with ``--document``). The folder's manifest
(``MANIFEST``: each file the report wrote, with the SHA-256 of what it wrote) says which files
are the report's own: after a run, a file of the previous run that this run did not write is
removed — only when it is still what the report wrote (a file changed since is kept, and said),
never through a link, never outside the folder. Files the report did not write are never
touched; a folder without a manifest (a first run, or one written before there was one) has
nothing removed. Folders left empty by a removal go too.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

MANIFEST = ".fiscal-kg-report.json"
_KIND = "fiscal-kg report --out"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputFolder:
    """The files one run writes under ``root``; ``finish`` removes the previous run's others."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.previous = _read(root / MANIFEST)
        self.files: dict[str, str] = {}  # relative POSIX path → SHA-256 of what was written

    def wrote(self, path: Path, data: bytes | None = None) -> None:
        """Record ``path`` (under ``root``) as written by this run, with ``data`` if known
        (else the file is read back)."""
        rel = path.relative_to(self.root).as_posix()
        self.files[rel] = digest(path.read_bytes() if data is None else data)

    def copy_tree(self, source: Path, target: Path) -> None:
        """Copy the files under ``source`` to ``target`` (under ``root``), recording them."""
        for path in sorted(source.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                self.write(target / path.relative_to(source), data)

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` (under ``root``), recording it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.wrote(path, data)

    def finish(self) -> tuple[list[str], list[str]]:
        """Remove what the previous run wrote and this one did not; save this run's manifest.
        Returns (removed, kept because changed since), as relative paths."""
        removed, changed = [], []
        for rel in sorted(set(self.previous) - set(self.files)):
            path = _own_file(self.root, rel)
            if path is None:
                continue
            if digest(path.read_bytes()) != self.previous[rel]:
                changed.append(rel)
                continue
            path.unlink()
            removed.append(rel)
            _remove_empty_parents(self.root, path.parent)
        self._save(self.files)
        return removed, changed

    def abandon(self) -> None:
        """A run that failed part way: keep the previous run's files, and remember this run's
        too, so that the next complete run can remove what it does not write again."""
        self._save({**self.previous, **self.files})

    def _save(self, files: dict[str, str]) -> None:
        target = self.root / MANIFEST
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(json.dumps({"written by": _KIND, "files": dict(sorted(files.items()))},
                                        indent=0), encoding="utf-8")
        os.replace(temporary, target)  # never half a manifest


def _read(path: Path) -> dict[str, str]:
    """The manifest's files, or none when it is missing or not one of ours."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("written by") != _KIND:
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def _own_file(root: Path, rel: str) -> Path | None:
    """The file ``rel`` names under ``root``, or None when it is gone, is not a plain file, or
    would lead out of the folder (an absolute path, "..", a link on the way)."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or rel == MANIFEST:
        return None
    path = root.joinpath(*parts)
    current = root
    for part in parts:  # no link anywhere below the root: a removal stays in the folder
        current = current / part
        if current.is_symlink():
            return None
    return path if path.is_file() else None


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()  # only when empty
        except OSError:
            return
        folder = folder.parent
