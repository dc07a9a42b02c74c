"""Validation on worker processes gives the same findings as in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore
from fiscal_kg.validation import validate
from fiscal_kg.validation.fastpath import BATCH
from loaders.pipeline import load_report

COPIES = 2 * BATCH + 3  # more than two batches: the parallel path is taken


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_paths: list[Path]) -> Path:
    """The samples re-issued for other units (unit name replaced), one file each."""
    folder = tmp_path_factory.mktemp("copies")
    for i in range(COPIES):
        sample = sample_paths[i % len(sample_paths)]
        unit = load_report(sample).unit_name
        text = sample.read_text(encoding="utf-8").replace(unit, f"{unit}{i:03d}")
        (folder / f"{i:03d}_{sample.name}").write_text(text, encoding="utf-8")
    return folder


def test_parallel_validation_finds_what_one_process_finds(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fiscal_kg.validation as validation

    calls: list[int] = []
    real = validation.run_parallel

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validation, "run_parallel", counted)
    with OxigraphStore(tmp_path / "store") as store:
        summary = load_paths(store, [corpus], workers=2, quiet=True)
        assert len(summary.loaded) == COPIES and not summary.failed
        parallel = validate(store, workers=2, write_report=False)
        single = validate(store, workers=1, write_report=False)
    assert calls == [1]  # the first run went to the workers, the second did not
    assert [f.sort_key() for f in parallel] == [f.sort_key() for f in single]
    # each copy of 002 carries the sample's own table error (表五 20801 basic 352.15 ≠ Σ 303.87)
    parent_sum = [f for f in parallel if f.rule == "ARITH-PARENT-SUM" and f.line == 218]
    copies_of_002 = sum(1 for i in range(COPIES) if i % 5 == 2)
    assert len(parent_sum) == copies_of_002
    assert {str(f.found) for f in parent_sum} == {"352.15"}
