"""The mechanical SPARQL 1.1 forms (queries/portable/) are generated from the LATERAL forms by
fiscal_kg.queries.portable, and the checked-in files are exactly what it generates.

That the forms give the same rows as the LATERAL ones, on Oxigraph and on rdflib, is
tests/test_portable_queries.py's part.
"""

from __future__ import annotations

import pytest

from fiscal_kg.queries import named_queries, queries_dir, uses_lateral
from fiscal_kg.queries.portable import MARKER, generated_forms, is_generated, main, portable_form

QUERIES = named_queries()
GENERATED = {path.stem: text for path, text in generated_forms().items()}


def test_the_mechanical_forms_are_generated_and_the_others_kept_by_hand() -> None:
    lateral = {name for name, q in QUERIES.items() if uses_lateral(q.text)}
    hand_kept = {name for name in lateral if name not in GENERATED}
    assert set(GENERATED) | hand_kept == lateral
    mechanical = {"budget-vs-final", "code-across-units", "load-warnings",
                  "report-completeness", "sangong-by-unit", "totals-by-class", "where-from"}
    assert mechanical <= set(GENERATED)
    # a hand-kept form is one the generator would not give (else it should be generated)
    for name in hand_kept:
        assert QUERIES[name].portable != portable_form(QUERIES[name].text, name), name


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_checked_in_file_is_the_generated_one(name: str) -> None:
    on_disk = (queries_dir() / "portable" / f"{name}.rq").read_text(encoding="utf-8")
    assert is_generated(on_disk, name)
    assert on_disk == GENERATED[name], f"run python -m fiscal_kg.queries.portable ({name}.rq)"


def test_the_check_command_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_lateral_optional_becomes_a_left_join_and_lateral_a_group() -> None:
    text = """# title: t
# question: q?
# param unit: string — u
PREFIX fkg: <https://w3id.org/fiscal-kg/def#>
SELECT ?doc ?n ?label
WHERE {
  ?doc a fkg:FiscalDocument .
  # LATERAL: per report
  LATERAL { OPTIONAL { SELECT ?doc (COUNT(?f) AS ?n)
    WHERE { GRAPH ?doc { ?f fkg:rawText "LATERAL { }" } } GROUP BY ?doc } }
  LATERAL { GRAPH ?doc { ?doc fkg:note "{" } }
  LATERAL { OPTIONAL { ?doc fkg:a ?label } OPTIONAL { ?doc fkg:b ?label } }
  LATERAL { SELECT ?doc ?w WHERE { ?doc fkg:w ?w } LIMIT 1 }
}
"""
    out = portable_form(text, "t")
    assert not uses_lateral(out)
    assert "  OPTIONAL { SELECT ?doc (COUNT(?f) AS ?n)\n" in out
    assert 'GROUP BY ?doc }\n' in out and '"LATERAL { }"' in out  # strings left alone
    assert '  GRAPH ?doc { ?doc fkg:note "{" }\n' in out
    # spliced into the enclosing group: both left-join on ?doc, a FILTER would see ?unit
    assert "  OPTIONAL { ?doc fkg:a ?label } OPTIONAL { ?doc fkg:b ?label }\n" in out
    assert "  { SELECT ?doc ?w WHERE { ?doc fkg:w ?w } LIMIT 1 }\n" in out
    assert "  # in the LATERAL form: per report\n" in out
    header = out.splitlines()[:5]
    assert header[3:] == ["# SPARQL 1.1 form of ../t.rq: the same rows, for stores without "
                          "LATERAL", MARKER.format(name="t")]
