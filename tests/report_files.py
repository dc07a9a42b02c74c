"""Paths and cached readings of the bundled reports, shared by the tests that pin their findings."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from loaders.model import Report
from loaders.pipeline import load_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "reports"
REAL = ROOT / "samples" / "realworld"


def sample(prefix: str) -> Path:
    """The sample text whose name starts with ``prefix`` ("004")."""
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


def real_layouts() -> list[Path]:
    """The six Shanghai reports' ``pdftotext -layout`` texts, in folder order."""
    return [next(d.glob("*.layout.txt")) for d in sorted(REAL.iterdir()) if d.is_dir()]


@cache
def loaded(path: Path) -> Report:
    return load_report(path)
