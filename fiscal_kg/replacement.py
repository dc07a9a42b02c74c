"""Nothing is overwritten silently: when may a loaded file replace a stored report?

A document is its unit, scope, year and kind (``loaders.vocab.document_iri``), so two files
that read as the same document would share one named graph, and the later would replace the
earlier. ``fiscal-kg load`` refuses a file

- whose document is in the store from a different source file (another ``fkg:fileName``),
  unless ``--replace`` says it is a corrected re-publication;
- that would replace a stored report with far less — no tables where there were tables, or
  fewer than half the facts (a truncated file, a misread one) — unless ``--force``;
- that claims the same document as another file of the same run (always: which of the two is
  right is for the user to say, by loading the correction alone with ``--replace``).

Each message names both files and, for far less, both counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiscal_kg.store import Store

_PREFIXES = ("PREFIX fkg: <https://w3id.org/fiscal-kg/def#>\n"
             "PREFIX prov: <http://www.w3.org/ns/prov#>\n")


@dataclass(frozen=True)
class StoredReport:
    file: str  # the fkg:fileName of its fkg:SourceFile
    tables: int
    facts: int


def _iri(text: str) -> str:
    if any(ch in text for ch in "<>\"{}|\\^` \n"):
        raise ValueError(f"not an IRI: {text!r}")
    return f"<{text}>"


def stored_reports(store: Store, documents: list[str]) -> dict[str, StoredReport]:
    """The stored reports among ``documents`` (graph IRIs): source file name, tables, facts."""
    if not documents:
        return {}
    values = " ".join(_iri(d) for d in dict.fromkeys(documents))
    rows = store.query(
        f"""{_PREFIXES}SELECT ?document ?file WHERE {{ VALUES ?document {{ {values} }}
        GRAPH ?document {{ ?document prov:wasDerivedFrom ?source . ?source fkg:fileName ?file }}
        }}""").rows
    out: dict[str, StoredReport] = {}
    for document, file in rows:
        doc = _iri(str(document))
        counts = store.query(
            f"""{_PREFIXES}SELECT ?tables ?facts WHERE {{
            {{ SELECT (COUNT(?t) AS ?tables) WHERE {{ GRAPH {doc} {{ {doc} fkg:hasTable ?t }} }} }}
            {{ SELECT (COUNT(?f) AS ?facts) WHERE {{ GRAPH {doc} {{ ?f a fkg:AmountFact }} }} }}
            }}""").rows
        tables, facts = (int(str(x)) for x in counts[0]) if counts else (0, 0)
        out[str(document)] = StoredReport(str(file), tables, facts)
    return out


def describe(summary: dict[str, Any], document: str) -> str:
    """"上海市普陀区财政局, department, 2024, final-account (IRI)" for messages."""
    scope = summary.get("scope") or "scope not stated"
    return (f"{summary.get('unit')}, {scope}, {summary.get('year')}, {summary.get('kind')}; "
            f"{document}")


def refusal(path: str, summary: dict[str, Any], document: str, stored: StoredReport | None, *,
            replace: bool, force: bool) -> str | None:
    """Why ``path`` (parsed into ``summary``) may not replace ``stored``; None when it may."""
    if stored is None:
        return None
    name = Path(path).name
    if stored.file != name and not replace:
        return (f"{path}: refused: it reads as the same document ({describe(summary, document)}) "
                f"as the stored report loaded from '{stored.file}', a different file; nothing was "
                "replaced. If it is a corrected re-publication of that report, load it with "
                "--replace")
    tables, facts = int(summary.get("tables", 0)), int(summary.get("facts", 0))
    if not force and ((stored.tables and not tables) or facts * 2 < stored.facts):
        return (f"{path}: refused: it would replace the stored report of "
                f"{describe(summary, document)} from '{stored.file}' ({stored.tables} tables, "
                f"{stored.facts} facts) with far less ({tables} tables, {facts} facts); if that is "
                "right, load it with --force")
    return None


class RunClaims:
    """Which file of this run claimed each document first."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def refusal(self, path: str, summary: dict[str, Any], document: str) -> str | None:
        first = self._first.setdefault(document, path)
        if first == path:
            return None
        return (f"{path}: refused: '{first}' in this same load reads as the same document "
                f"({describe(summary, document)}); nothing was replaced. Load the right one "
                "alone (a corrected re-publication with --replace)")
