"""``fiscal-kg validate``: run the shapes on a store or on report files and print the findings."""

from __future__ import annotations

import argparse
import sys

from fiscal_kg.validation.findings import Finding, report_graph, to_json, to_text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fiscal-kg validate", description="run the SHACL shapes")
    p.add_argument("files", nargs="*", help="report files to validate in a temporary store")
    p.add_argument("--store", help="store folder (default ./fiscal-kg-store)")
    p.add_argument("--document", action="append", metavar="IRI", help="only this report")
    p.add_argument("--format", choices=("text", "json", "ttl"), default="text")
    p.add_argument("--severity", choices=("Violation", "Warning", "Info"), default="Info",
                   help="lowest severity to print (default: all)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    return p


def _labels(store: object) -> dict[str, str]:
    raw = getattr(store, "raw", store)
    rows = raw.query(  # type: ignore[union-attr]
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX fkg: <https://w3id.org/fiscal-kg/def#> "
        "SELECT ?d ?l WHERE { ?d a fkg:FiscalDocument ; rdfs:label ?l }",
        use_default_graph_as_union=True,
    )
    return {r["d"].value: r["l"].value for r in rows}  # type: ignore[index]


def main(argv: list[str] | None = None) -> int:
    from fiscal_kg.store import OxigraphStore, default_store_path
    from fiscal_kg.validation import load_into, validate

    args = parser().parse_args(argv)
    if args.files:
        store = OxigraphStore()
        load_into(store, args.files)
    else:
        store = OxigraphStore(args.store or default_store_path())
    try:
        findings = validate(store, args.document)
        labels = _labels(store)
    finally:
        store.close()
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    shown: list[Finding] = [f for f in findings if order[f.severity] <= order[args.severity]]
    if args.format == "json":
        text = to_json(shown)
    elif args.format == "ttl":
        text = report_graph(shown).serialize(format="turtle")
    else:
        text = to_text(shown, labels)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 1 if any(f.severity == "Violation" for f in findings) else 0
