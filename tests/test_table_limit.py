"""The limit on tables per report (loaders/limits.py): a file of many reports run together is
refused with one line naming the file and the limit, and nothing of it is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiscal_kg.cli import main
from fiscal_kg.store import OxigraphStore
from loaders import limits

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "reports"
SAMPLE_000 = SAMPLES / "000_f35cf930234f7c72.txt"
FISCAL_DOCUMENT = "https://w3id.org/fiscal-kg/def#FiscalDocument"


def test_500_tables_pass_and_501_are_refused() -> None:
    limits.check_tables(range(500))
    with pytest.raises(ValueError) as info:
        limits.check_tables(range(501))
    assert str(info.value) == ("501 tables, over the limit of 500 for one report (several "
                               "reports run together in one file?)")


def test_63_copies_of_a_sample_in_one_file_are_refused_and_not_stored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # sample 000 has 8 tables: 63 copies run together read as one report of 504
    path = tmp_path / "000_x63.txt"
    path.write_text(SAMPLE_000.read_text(encoding="utf-8") * 63, encoding="utf-8")
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: 504 tables, over the limit of 500 for one report (several reports run "
        "together in one file?)"]
    with OxigraphStore(store, read_only=True) as opened:
        documents = opened.query(f"SELECT ?d WHERE {{ ?d a <{FISCAL_DOCUMENT}> }}")
        assert list(documents.rows) == []
