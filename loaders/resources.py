"""Find the declarative artefacts (ontology/, shapes/, queries/, samples/).

In a checkout they sit at the repository root; in an installed wheel they are
packaged under ``fiscal_kg/_data`` (see pyproject's force-include).
"""

from __future__ import annotations

from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent
_WHEEL_DATA = _REPO_ROOT / "fiscal_kg" / "_data"


def resource_dir(name: str) -> Path:
    """Directory ``name`` (ontology, shapes, queries, samples) wherever it was installed."""
    for base in (_WHEEL_DATA, _REPO_ROOT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource directory {name!r} not found under {_REPO_ROOT}")
