"""``fiscal-kg report --out DIR`` written again into the same folder: the folder then holds only
what this run wrote — the pages and crops of reports no longer written are removed — and never
loses a file the report did not write (its manifest, fiscal_kg/report/manifest.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fiscal_kg.cli import main, run_validation
from fiscal_kg.ingest import load_paths
from fiscal_kg.report.manifest import MANIFEST, digest
from fiscal_kg.store import OxigraphStore
from tests.pdf_fixtures import sample_pdf

SAMPLE_002 = Path(__file__).resolve().parent.parent / "samples" / "reports" / (
    "002_0692fe3ff6bbe2a2.txt")
PAGE_002 = "doc/afbc89d0428c/2022/unstated/budget.html"  # 克州社会保险中心 2022
PAGE_SFJ = "doc/d47c714e45c1/2026/department/budget.html"  # 上海市普陀区司法局 2026, a PDF
CROPS_SFJ = "doc/d47c714e45c1/2026/department/budget"
SFJ_CODE_AMOUNT = "finding/6b105918be3d20ce.html"  # NARR-CODE-AMOUNT on 司法局's line 101


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """002 (text) and 司法局 2026 (PDF), loaded and validated, on disk."""
    memory = OxigraphStore()
    assert not load_paths(memory, [SAMPLE_002, sample_pdf("04_")], quiet=True).failed
    run_validation(memory)
    path = tmp_path_factory.mktemp("report-folder") / "store"
    with OxigraphStore(path) as store:
        store.add_quads(memory.quads())
    return path


def _manifest(site: Path) -> dict[str, str]:
    return json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]


def _report(store_dir: Path, site: Path, *extra: str) -> None:
    assert main(["report", "--store", str(store_dir), "--out", str(site), *extra]) == 0


def test_a_second_report_into_the_folder_leaves_only_its_own_files(
        store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    _report(store_dir, site, "--source", str(sample_pdf("04_").parent))
    first = _manifest(site)
    crops = sorted(p for p in first if p.startswith(CROPS_SFJ + "/"))
    assert PAGE_SFJ in first and PAGE_002 in first and SFJ_CODE_AMOUNT in first
    assert (len(first), len(crops)) == (149, 115)  # pages, finding pages, assets; crops
    assert all((site / p).is_file() for p in first)
    # the user's own files, one beside the pages and one inside the report's folders
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    (site / "doc" / "notes.txt").write_text("mine too", encoding="utf-8")
    edited = site / "finding" / Path(SFJ_CODE_AMOUNT).name
    edited.write_text(edited.read_text(encoding="utf-8") + "<!-- my note -->", encoding="utf-8")
    capsys.readouterr()

    _report(store_dir, site, "--document", SAMPLE_002.name)  # 002 only, and no crops
    second = _manifest(site)
    out, err = capsys.readouterr()
    gone = set(first) - set(second) - {SFJ_CODE_AMOUNT}
    assert (len(second), len(gone)) == (21, 127)
    assert f"removed 127 file(s) of the previous report in {site} that this one does not " \
           "write" in out
    assert err == ("fiscal-kg report: kept 1 file(s) of the previous report that were changed "
                   f"since it wrote them: {SFJ_CODE_AMOUNT}\n")
    assert PAGE_SFJ in gone and set(crops) <= gone
    assert not any((site / p).exists() for p in gone)
    assert not (site / CROPS_SFJ).exists()  # the crops' folder, left empty, went too
    assert all((site / p).is_file() for p in second) and PAGE_002 in second
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (site / "doc" / "notes.txt").read_text(encoding="utf-8") == "mine too"
    assert edited.read_text(encoding="utf-8").endswith("<!-- my note -->")
    # every file under the folder is this run's, the user's, or the edited one
    left = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert left == set(second) | {MANIFEST, "notes.txt", "doc/notes.txt", SFJ_CODE_AMOUNT}


def test_a_folder_without_a_manifest_loses_nothing(store_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    stray = site / "doc" / "0123456789ab" / "2020" / "unit" / "budget.html"  # an older view's?
    stray.parent.mkdir(parents=True)
    stray.write_text("<html></html>", encoding="utf-8")
    _report(store_dir, site, "--document", SAMPLE_002.name)
    assert stray.is_file() and PAGE_002 in _manifest(site)


def test_a_manifest_never_leads_a_removal_out_of_the_folder(
        store_dir: Path, tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("outside", encoding="utf-8")
    site.mkdir()
    (site / "link").symlink_to(outside, target_is_directory=True)
    (site / "edited.html").write_text("mine now", encoding="utf-8")
    listed = {"../outside/keep.txt": digest(b"outside"),
              str(outside / "keep.txt"): digest(b"outside"),
              "link/keep.txt": digest(b"outside"),
              "edited.html": digest(b"as the report wrote it")}
    (site / MANIFEST).write_text(json.dumps({"written by": "fiscal-kg report --out",
                                             "files": listed}), encoding="utf-8")
    _report(store_dir, site, "--document", SAMPLE_002.name)
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "outside"
    assert (site / "edited.html").read_text(encoding="utf-8") == "mine now"
    assert (site / "link").is_symlink()
    shutil.rmtree(site)
