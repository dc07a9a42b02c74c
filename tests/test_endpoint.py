"""`fiscal-kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the sample store."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from conftest import free_port, stop, wait_for_sparql

COUNT_DOCS = (
    "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> "
    "SELECT ?unit ?year WHERE { ?d a fkg:FiscalDocument ; fkg:fiscalYear ?year ; "
    "fkg:unit/<http://www.w3.org/2004/02/skos/core#prefLabel> ?unit } ORDER BY ?unit"
)
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def endpoint(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """`python -m fiscal_kg serve` on a free loopback port, on a copy of the sample store."""
    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(sample_store_dir, store)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fiscal_kg", "serve", "--store", str(store),
         "--port", str(port), "--timeout", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_sparql(base, proc)
        yield base, proc
    finally:
        stop(proc)  # `serve` execs the server, so this PID is the server's


def test_prints_its_query_url(endpoint) -> None:
    base, proc = endpoint
    first = proc.stdout.readline().decode("utf-8")
    assert first.startswith(f"SPARQL endpoint: {base}/query")


def test_get_with_json_results(endpoint) -> None:
    base, _ = endpoint
    response = requests.get(f"{base}/query", params={"query": COUNT_DOCS},
                            headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(JSON)
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 5  # the union of the named graphs is the default graph
    years = {b["unit"]["value"]: b["year"]["value"] for b in bindings}
    assert years["阿图什市社会保险中心"] == "2023" and years["奇台县社会保险管理局"] == "2024"


def test_post_with_csv_and_tsv_results(endpoint) -> None:
    base, _ = endpoint
    form = requests.post(f"{base}/query", data={"query": COUNT_DOCS},
                         headers={"Accept": "text/csv"}, timeout=30)  # fmt: skip
    assert form.status_code == 200 and form.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(form.content.decode("utf-8"))))
    assert [r["unit"] for r in table][:1] == ["乌鲁木齐市社会保险中心"] and len(table) == 5
    direct = requests.post(
        f"{base}/query", data=COUNT_DOCS.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"},
        timeout=30,
    )  # fmt: skip
    assert direct.status_code == 200
    assert direct.content.decode("utf-8").splitlines()[0] == "?unit\t?year"


def test_construct_as_turtle(endpoint) -> None:
    base, _ = endpoint
    query = (
        "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> CONSTRUCT { ?d fkg:fiscalYear ?y } "
        "WHERE { ?d a fkg:FiscalDocument ; fkg:fiscalYear ?y }"
    )
    response = requests.get(f"{base}/query", params={"query": query},
                            headers={"Accept": "text/turtle"}, timeout=30)  # fmt: skip
    assert response.status_code == 200 and "turtle" in response.headers["Content-Type"]
    assert response.text.count("fiscalYear") == 5


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
    # Oxigraph has already sent 200 and the results header when it cancels,
    # so the cancellation shows as the end of the body.
    assert response.text.rstrip().endswith("The SPARQL operation has been cancelled")
    assert '"bindings":[{' not in response.text  # no count came back


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
