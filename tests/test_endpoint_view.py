"""`fiscal-kg serve` serves the findings view beside the SPARQL endpoint (issues 16 and 20):
its pages under /findings/, the data's IRIs resolved at /id/…, PDF crops from --source."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import serving_002_and_04_pdf

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO / "samples" / "realworld"
DOC_002 = "doc/afbc89d0428c/2022/unstated/budget"  # 克州社会保险中心, 2022, no scope stated
DOC_04 = "doc/d47c714e45c1/2026/department/budget"  # 上海市普陀区司法局, 2026, 部门


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory):
    with serving_002_and_04_pdf(tmp_path_factory.mktemp("view"), "--source", str(REALWORLD)) as url:
        yield url


def test_the_index_lists_both_reports(base: str) -> None:
    page = requests.get(f"{base}/findings/", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "克孜勒苏柯尔克孜自治州社会保险中心" in page.text and "上海市普陀区司法局" in page.text
    bare = requests.get(f"{base}/findings", allow_redirects=False, timeout=10)
    assert bare.status_code == 308 and bare.headers["location"] == "/findings/"


def test_a_report_page_shows_the_parent_sum_finding_beside_its_row(base: str) -> None:
    page = requests.get(f"{base}/findings/{DOC_002}.html", timeout=60)
    assert page.status_code == 200
    assert 'id="cell-218-5"' in page.text and "352.15" in page.text
    assert "ARITH-PARENT-SUM" in page.text and "303.87" in page.text


def test_a_minted_iri_resolves_to_its_page_or_its_triples(base: str) -> None:
    seen = requests.get(f"{base}/id/{DOC_04}", allow_redirects=False, timeout=30)
    assert seen.status_code == 303
    assert seen.headers["location"] == f"/findings/{DOC_04}.html"
    turtle = requests.get(f"{base}/id/{DOC_04}", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200
    assert "fkg:fiscalYear 2026" in turtle.text
    assert "<https://w3id.org/fiscal-kg/code/document-scopes/department>" in turtle.text
    cell = requests.get(f"{base}/id/{DOC_04}/cell/1-1", allow_redirects=False, timeout=30)
    assert cell.status_code == 404  # an IRI the data does not use


def test_a_pdf_reports_rows_come_with_their_page_crop(base: str) -> None:
    page = requests.get(f"{base}/findings/{DOC_04}.html", timeout=60).text
    assert "16726725.44" in page  # 204 06 01 行政运行 in the 收入预算总表, page 11
    crop = page.split('src="budget/row-', 1)[1].split('"', 1)[0]
    image = requests.get(f"{base}/findings/{DOC_04.rsplit('/', 1)[0]}/budget/row-{crop}",
                         timeout=60)  # fmt: skip
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("path", [
    "/findings/../../etc/passwd", "/findings/doc/x/../../y.html", "/findings/nothing.html",
    "/id/doc/000000000000/2020/unit/budget",
])
def test_unknown_or_unsafe_paths_are_404(base: str, path: str) -> None:
    assert requests.get(base + path, allow_redirects=False, timeout=10).status_code == 404
