"""Every export and report-page query orders its rows totally: two runs write the same bytes.

A tie in ORDER BY leaves the order of the tied rows to the engine, which may change it between
two runs in one process (CI once saw `export --format csv` and `export --excel` differ by two
claims of one source line swapped). The check: project every ORDER BY variable beside the row
and require that rows with equal keys are equal rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from fiscal_kg import queries as q
from loaders.resources import resource_dir

QUERIES = resource_dir("queries")
ORDERED = sorted(path for pattern in ("*.rq", "export/*.rq", "report/*.rq")
                 for path in QUERIES.glob(pattern))  # fmt: skip
ORDERED.remove(QUERIES / "federated-wikidata.rq")  # asks Wikidata: no network in the tests
REQUIRED = {"code-across-units": {"code": "2080109"}, "project-indicators": {"project": "伤残津贴"}}


def _with_order_keys(text: str) -> tuple[str, list[str]]:
    """The query with its ORDER BY variables added to the projection, and those variables."""
    order = re.search(r"^ORDER BY (.*?)\s*(?:#.*)?$", text, re.M)
    select = re.search(r"^SELECT (?:DISTINCT )?(.*)$", text, re.M)
    assert order and select, "one SELECT and one ORDER BY line"
    keys = re.findall(r"\?(\w+)", order.group(1))
    head = text[:text.index("WHERE")]
    missing = [k for k in keys if not re.search(rf"\?{k}\b", head)]
    return text[:select.end()] + "".join(f" ?{k}" for k in missing) + text[select.end():], keys


def _ties(rows: list[dict], keys: list[str]) -> dict[tuple, set[tuple]]:
    by_key: dict[tuple, set[tuple]] = defaultdict(set)
    for row in rows:
        by_key[tuple(str(row.get(k)) for k in keys)].add(tuple(sorted(map(str, row.items()))))
    return {k: v for k, v in by_key.items() if len(v) > 1}


@pytest.mark.parametrize("path", ORDERED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rows_with_equal_order_keys_are_equal_rows(sample_store, path: Path) -> None:
    named = q.read_query(path)
    per_report = named.param("document") is not None  # a report page: one report at a time
    documents = ([str(r["document"]) for r in sample_store.query(
        "SELECT DISTINCT ?document { ?document a <https://w3id.org/fiscal-kg/def#FiscalDocument> }"
    ).dicts()] if per_report else [None])
    assert len(documents) == (5 if per_report else 1)
    counted = 0
    for document in documents:
        text = q.bind(named, {"document": document} if document else REQUIRED.get(path.stem, {}))
        widened, keys = _with_order_keys(text)
        rows = sample_store.query(widened).dicts()
        counted += len(rows)
        ties = _ties(rows, keys)
        assert not ties, (f"{path.name} ({document}): {len(ties)} ORDER BY keys shared by "
                          f"different rows, e.g. {next(iter(ties.items()))}")
    # the named queries about units linked to divisions, carryovers and staff give no rows on
    # the samples; every export and report-page query does
    assert counted >= 5 or path.parent == QUERIES, "the samples give rows to order"
