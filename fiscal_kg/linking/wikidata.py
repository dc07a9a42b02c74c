"""Wikidata items of divisions, looked up by their GB/T 2260 code (P442)."""

from __future__ import annotations

from collections.abc import Iterable

from fiscal_kg.divisions import (
    code_from_p442,
    wikidata_p442,
)
from loaders.vocab import WD, WDT


def lookup_wikidata(codes: Iterable[str], endpoint: str) -> tuple[dict[str, str], dict[str, str]]:
    """Wikidata items by P442 for ``codes``: ({code: qid}, {code: note for codes not mapped}).

    Asks for both Wikidata's spaced form (65 30 01) and the plain one, in
    batches; a code carried by several items gets no item (and a note).
    """
    from SPARQLWrapper import JSON, SPARQLWrapper

    codes = sorted(set(codes))
    found: dict[str, set[str]] = {}
    notes: dict[str, str] = {}
    for start in range(0, len(codes), 40):
        batch = codes[start : start + 40]
        values = " ".join(f'"{v}"' for c in batch for v in (wikidata_p442(c), c))
        sparql = SPARQLWrapper(endpoint, agent="fiscal-kg/0.1 (division linking)")
        sparql.setQuery(f"SELECT ?item ?code WHERE {{ VALUES ?code {{ {values} }} "
                        f"?item <{WDT.P442}> ?code . }}")
        sparql.setReturnFormat(JSON)
        sparql.setTimeout(60)
        try:
            result = sparql.queryAndConvert()
        except Exception as exc:  # network, HTTP or parse errors: report, keep linking
            for c in batch:
                notes[c] = f"Wikidata lookup failed: {type(exc).__name__}: {exc}"
            continue
        for b in result["results"]["bindings"]:  # type: ignore[index]
            code = code_from_p442(b["code"]["value"])
            item = b["item"]["value"]
            if code and item.startswith(str(WD)):
                found.setdefault(code, set()).add(item[len(str(WD)) :])
    items: dict[str, str] = {}
    for code in codes:
        qids = sorted(found.get(code, ()))
        if len(qids) == 1:
            items[code] = qids[0]
        elif qids:
            notes[code] = f"several Wikidata items carry P442 {wikidata_p442(code)!r}: {qids}"
        else:
            notes.setdefault(code, f"no Wikidata item with P442 {wikidata_p442(code)!r}")
    return items, notes
