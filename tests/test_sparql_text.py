"""The one SPARQL lexer (``fiscal_kg.queries.sparql_text.lex``) and its two users: the row cap
and the endpoint's guard. Words split as SPARQL 1.1's grammar splits them."""

from __future__ import annotations

import pytest

from fiscal_kg.queries import cap_rows
from fiscal_kg.queries.sparql_text import lex
from fiscal_kg.sparql_guard import GuardLimits, QueryRefused, check_query


def kinds(text: str) -> list[tuple[str, str]]:
    return [(kind, token) for kind, token, _ in lex(text)]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("1-1-1", [("word", "1"), ("op", "-"), ("word", "1"), ("op", "-"), ("word", "1")]),
        ("?a-1", [("word", "?a"), ("op", "-"), ("word", "1")]),  # VARNAME holds no "-"
        ("ex:a-limit", [("word", "ex:a-limit")]),  # PN_LOCAL does
        ("limit-x:a.b.", [("word", "limit-x:a.b")]),  # so does PN_PREFIX; no name ends in "."
        ("a-b", [("word", "a"), ("op", "-"), ("word", "b")]),  # no colon: keywords
        ("1.5e-3 .5", [("word", "1.5e-3"), ("word", ".5")]),
        (r"ex:a\(b", [("word", r"ex:a\(b")]),  # an escaped "(" opens nothing
        ("ex:p/<urn:x#y>", [("word", "ex:p"), ("op", "/"), ("iri", "<urn:x#y>")]),
        (":p? ?o", [("word", ":p"), ("op", "?"), ("word", "?o")]),
    ],
)
def test_words_split_as_sparql_splits_them(text: str, tokens: list[tuple[str, str]]) -> None:
    assert kinds(text) == tokens


def test_offsets_point_at_the_tokens() -> None:
    text = 'SELECT ?a # c\n{ "s" ?a-1 }'
    assert [(token, text[at : at + len(token)]) for _, token, at in lex(text)] == [
        (token, token) for _, token, _ in lex(text)]  # fmt: skip
    assert [at for _, _, at in lex(text)] == [0, 7, 14, 20, 22, 23, 25]


def test_the_guard_counts_a_chain_of_numbers_not_a_name() -> None:
    def operators(text: str) -> int:
        return check_query(text, GuardLimits()).operators

    assert operators("SELECT ?a { FILTER(1-1-1) }") == 5  # { FILTER ( - -
    assert operators("SELECT ?a { FILTER(?a-1) }") == 4
    assert operators("SELECT ?a { ?a ex:a-b-c ?o }") == 1  # {
    chain = "SELECT * WHERE { FILTER(1" + "-1" * 1_000 + ") }"
    with pytest.raises(QueryRefused, match="more than 1,000 operators"):
        check_query(chain, GuardLimits())


def test_the_guard_sees_a_service_after_an_iri_holding_a_hash() -> None:
    # "/<…#…>" is an operator then an IRI: its "#" opens no comment hiding what follows
    text = "SELECT * { ?s ex:p/<urn:x#y> ?o . SERVICE <http://10.0.0.1/> { ?a ?b ?c } }"
    with pytest.raises(QueryRefused, match=r"names http://10\.0\.0\.1/"):
        check_query(text, GuardLimits())


def test_a_limit_inside_a_prefixed_name_is_no_limit() -> None:
    for text in ("PREFIX ex: <urn:x#> SELECT * WHERE { ?s ?p ?o } ORDER BY ex:a-limit(?o)",
                 "PREFIX limit-x: <urn:x#> SELECT * WHERE { ?s limit-x:p ?o }"):  # fmt: skip
        assert cap_rows(text, 10) == (text + "\nLIMIT 10\n", True)
    text = "SELECT ?a WHERE { ?a ?p ?o } ORDER BY (?a-1) LIMIT 50"
    assert cap_rows(text, 10) == (text[:-2] + "10", True)
