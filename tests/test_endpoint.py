"""`fiscal-kg serve`: a read-only SPARQL 1.1 Protocol endpoint with a row cap and a time limit."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import free_port, serving, stop, wait_for_sparql
from rdflib.plugins.sparql import prepareQuery

from fiscal_kg.queries import cap_rows

COUNT_DOCS = (
    "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> "
    "SELECT ?unit ?year WHERE { ?d a fkg:FiscalDocument ; fkg:fiscalYear ?year ; "
    "fkg:unit/<http://www.w3.org/2004/02/skos/core#prefLabel> ?unit } ORDER BY ?unit"
)
JSON = "application/sparql-results+json"
CAP = 3  # the sample store has 5 reports, so COUNT_DOCS is cut to 3 rows


@pytest.fixture(scope="module")
def endpoint(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """`python -m fiscal_kg serve` on a free loopback port, on a copy of the sample store."""
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(sample_store_dir, store)
    # the flag wins over the environment's default
    env = {**os.environ, "FISCAL_KG_MAX_ROWS": str(CAP * 1000)}
    with serving(store, "--timeout", "1", "--max-rows", str(CAP), output=subprocess.PIPE,
                 env=env) as served:
        yield served


def test_prints_its_query_url(endpoint) -> None:
    base, proc = endpoint
    first = proc.stdout.readline().decode("utf-8")
    assert first.startswith(f"SPARQL endpoint: {base}/query")
    assert f"at most {CAP} result rows" in proc.stdout.readline().decode("utf-8")


def test_get_with_json_results_is_capped(endpoint) -> None:
    base, _ = endpoint
    response = requests.get(f"{base}/query", params={"query": COUNT_DOCS},
                            headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(JSON)
    assert response.headers["X-SPARQL-MaxRows"] == str(CAP)
    bindings = response.json()["results"]["bindings"]
    # 5 reports (the union of the named graphs is the default graph), the first 3 in order
    assert [b["unit"]["value"] for b in bindings] == [
        "乌鲁木齐市社会保险中心", "克孜勒苏柯尔克孜自治州社会保险中心", "奇台县社会保险管理局"]
    assert bindings[2]["year"]["value"] == "2024"


def test_a_smaller_limit_is_kept_and_offset_pages_on(endpoint) -> None:
    base, _ = endpoint
    small = requests.get(f"{base}/query", params={"query": COUNT_DOCS + " LIMIT 2"},
                         headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert len(small.json()["results"]["bindings"]) == 2
    assert "X-SPARQL-MaxRows" not in small.headers
    rest = requests.get(f"{base}/query", params={"query": COUNT_DOCS + " OFFSET 3"},
                        headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert [b["unit"]["value"] for b in rest.json()["results"]["bindings"]] == [
        "苍溪县社会保险事务中心", "阿图什市社会保险中心"]


def test_post_with_csv_and_tsv_results(endpoint) -> None:
    base, _ = endpoint
    form = requests.post(f"{base}/query", data={"query": COUNT_DOCS},
                         headers={"Accept": "text/csv"}, timeout=30)  # fmt: skip
    assert form.status_code == 200 and form.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(form.content.decode("utf-8"))))
    assert [r["unit"] for r in table][:1] == ["乌鲁木齐市社会保险中心"] and len(table) == CAP
    direct = requests.post(
        f"{base}/query", data=COUNT_DOCS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"},
        timeout=30,
    )  # fmt: skip
    assert direct.status_code == 200 and direct.headers["X-SPARQL-MaxRows"] == str(CAP)
    lines = direct.content.decode("utf-8").splitlines()
    assert lines[0] == "?unit\t?year" and len(lines) == 1 + CAP


def test_construct_as_turtle(endpoint) -> None:
    base, _ = endpoint
    query = (
        "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> CONSTRUCT { ?d fkg:fiscalYear ?y } "
        "WHERE { ?d a fkg:FiscalDocument ; fkg:fiscalYear ?y }"
    )
    response = requests.get(f"{base}/query", params={"query": query},
                            headers={"Accept": "text/turtle"}, timeout=30)  # fmt: skip
    assert response.status_code == 200 and "turtle" in response.headers["Content-Type"]
    assert response.text.count("fiscalYear") == CAP  # capped in solutions


def test_ask_is_not_capped(endpoint) -> None:
    base, _ = endpoint
    response = requests.get(f"{base}/query", params={"query": "ASK { ?s ?p ?o }"},
                            headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert response.json()["boolean"] is True and "X-SPARQL-MaxRows" not in response.headers


def test_updates_are_refused(endpoint) -> None:
    base, _ = endpoint
    update = "INSERT DATA { <urn:x> <urn:p> 1 }"
    refused = requests.post(f"{base}/update", data=update.encode(),
                            headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert refused.status_code == 403 and "read-only" in refused.text
    put = requests.put(f"{base}/store", params={"default": ""}, data=b"<urn:x> <urn:p> 1 .",
                       headers={"Content-Type": "text/turtle"}, timeout=30)  # fmt: skip
    assert put.status_code == 403
    after = requests.get(f"{base}/query", params={"query": "ASK { <urn:x> ?p ?o }"},
                         headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert after.json()["boolean"] is False


def test_a_too_long_query_is_stopped(endpoint) -> None:
    base, _ = endpoint
    amount = "<https://w3id.org/fiscal-kg/def#amount>"
    endless = (  # ~10^9 combinations: far more than the 1 s limit allows
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a {amount} ?b . ?c {amount} ?d . ?e {amount} ?f }}"
    )
    response = requests.get(f"{base}/query", params={"query": endless},
                            headers={"Accept": JSON}, timeout=120)  # fmt: skip
    # the whole response is held until it is complete, so running out of time is a status
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "1 s time limit" in response.text
    after = requests.get(f"{base}/query", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert after.json()["boolean"] is True  # and the endpoint goes on answering


def test_query_page(endpoint) -> None:
    base, _ = endpoint
    page = requests.get(f"{base}/", timeout=30)
    assert page.status_code == 200 and "yasgui" in page.text.lower()
    script = requests.get(f"{base}/yasgui.min.js", timeout=30)  # bundled: no internet needed
    assert script.status_code == 200 and len(script.content) > 10_000


def test_serve_refuses_a_locked_store(tmp_path: Path) -> None:
    from fiscal_kg.cli import main
    from fiscal_kg.store import OxigraphStore

    with OxigraphStore(tmp_path / "busy"):  # a writer (e.g. a running load) holds it
        assert main(["serve", "--store", str(tmp_path / "busy"), "--port", "1"]) == 1


# ---------------------------------------------------------------------------
# The cap itself: only the outermost LIMIT, checked with rdflib's parser
# ---------------------------------------------------------------------------


def _outer_limit(query: str) -> int | None:
    """The LIMIT of the query's outermost Slice, as rdflib's algebra sees it."""
    algebra = prepareQuery(query).algebra
    part = algebra.p
    while part is not None and part.name != "Slice":
        part = part.get("p")
    return None if part is None else part.length


@pytest.mark.parametrize(
    ("query", "limit", "capped"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", 10, True),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", 5, False),
        ("select * { ?s ?p ?o } order by ?s limit 50000 offset 3", 10, True),
        ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 99999 } } # LIMIT 3", 10, True),
        ('SELECT ?limit WHERE { ?limit ?p "LIMIT 3" } ORDER BY ?limit VALUES ?p { <urn:x> }',
         10, True),
        ("CONSTRUCT WHERE { ?s ?p ?o }", 10, True),
        ("PREFIX limit: <urn:l#> SELECT * WHERE { ?s limit:x ?o }", 10, True),
    ],
)
def test_cap_rows_sets_the_outer_limit(query: str, limit: int, capped: bool) -> None:
    text, changed = cap_rows(query, 10)
    assert changed is capped
    assert _outer_limit(text) == limit


def test_cap_rows_leaves_ask_and_non_queries_alone() -> None:
    assert cap_rows("ASK { ?s ?p ?o }", 10) == ("ASK { ?s ?p ?o }", False)
    assert cap_rows("INSERT DATA { <urn:a> <urn:b> 1 }", 10)[1] is False


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def test_a_killed_server_takes_its_oxigraph_child_along(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    child = 0
    try:
        wait_for_sparql(f"http://127.0.0.1:{port}", proc)
        (child,) = _children(proc.pid)
        assert _alive(child)
        proc.kill()  # SIGKILL: serve cannot stop its child itself
        proc.wait(timeout=20)
        for _ in range(100):
            if not _alive(child):
                break
            time.sleep(0.1)
        assert not _alive(child), "the Oxigraph child outlived a server killed with SIGKILL"
    finally:
        stop(proc)
        if child and _alive(child):
            os.kill(child, signal.SIGKILL)  # a failed check leaves no server behind
