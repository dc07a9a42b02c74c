"""`fiscal-kg load` skips a file whose report is in the store already, loaded from a file of the
same name and bytes by the same loader version; it loads it again when any of them changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from fiscal_kg.cli import main
from fiscal_kg.ingest import load_paths
from fiscal_kg.store import OxigraphStore
from loaders.version import loader_version

SOURCES = """SELECT ?file ?version WHERE { GRAPH ?d {
  ?d <http://www.w3.org/ns/prov#wasDerivedFrom> ?s .
  ?s <https://w3id.org/fiscal-kg/def#fileName> ?file ;
     <https://w3id.org/fiscal-kg/def#loaderVersion> ?version } } ORDER BY ?file"""


@pytest.fixture()
def folder(tmp_path: Path, sample_paths: list[Path]) -> Path:
    out = tmp_path / "reports"
    out.mkdir()
    for path in sample_paths:
        shutil.copy(path, out / path.name)
    return out


def _quads(store: OxigraphStore) -> set[object]:
    """The reports' quads (the reference graphs are read in again on each load)."""
    return {q for q in store.quads() if "/id/doc/" in q.graph_name.value}


def _named(quads: set[object]) -> set[object]:
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode)  # type: ignore[attr-defined]
            and not isinstance(q.object, ox.BlankNode)}  # type: ignore[attr-defined]


def test_a_second_load_skips_every_unchanged_file(folder: Path) -> None:
    store = OxigraphStore()
    first = load_paths(store, [folder], workers=1, quiet=True)
    assert len(first.loaded) == 5 and first.unchanged == []
    versions = store.query(SOURCES).rows
    assert [str(v) for _, v in versions] == [loader_version()] * 5
    before = _quads(store)
    again = load_paths(store, [folder], workers=1, quiet=True)
    assert again.loaded == [] and again.failed == []
    assert [p.name for p in again.unchanged] == sorted(p.name for p in folder.iterdir())
    assert _quads(store) == before
    forced = load_paths(store, [folder], workers=1, quiet=True, force=True)
    assert len(forced.loaded) == 5 and forced.unchanged == []
    # the same graphs (the load warnings' blank nodes get new ids from the store's parser)
    assert _named(_quads(store)) == _named(before) and len(_quads(store)) == len(before)


def test_a_changed_file_or_loader_version_is_loaded_again(folder: Path) -> None:
    store = OxigraphStore()
    load_paths(store, [folder], workers=1, quiet=True)
    changed = next(folder.glob("002_*.txt"))
    changed.write_bytes(changed.read_bytes() + b"\n")  # new bytes, same report
    renamed = next(folder.glob("004_*.txt"))
    renamed.rename(folder / "qitai-2024.txt")
    # a report that an older loader made
    store.update("""PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
      DELETE { GRAPH ?d { ?s fkg:loaderVersion ?v } }
      INSERT { GRAPH ?d { ?s fkg:loaderVersion "old" } }
      WHERE { GRAPH ?d { ?s fkg:fileName ?f ; fkg:loaderVersion ?v
                         FILTER(STRSTARTS(?f, "000_")) } }""")
    # the renamed file claims a report stored from another file name: --replace lets it
    summary = load_paths(store, [folder], workers=1, quiet=True, replace=True)
    assert sorted(Path(p.path).name for p in summary.loaded) == sorted(
        [changed.name, "qitai-2024.txt", next(folder.glob("000_*.txt")).name])
    assert sorted(p.name for p in summary.unchanged) == sorted(
        p.name for p in folder.glob("00[13]_*.txt"))
    files = [str(f) for f, _ in store.query(SOURCES).rows]
    assert "qitai-2024.txt" in files and len(files) == 5  # 004 replaced under its new name


def test_the_command_line_says_what_it_skipped(folder: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert main(["load", "--store", store, str(folder)]) == 0
    capsys.readouterr()
    assert main(["load", "--store", store, str(folder)]) == 0
    assert "loaded 0 report(s), 0 failed, 5 unchanged" in capsys.readouterr().out
    assert main(["load", "--store", store, "--force", str(folder)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("loaded 5 report(s), 0 failed")
