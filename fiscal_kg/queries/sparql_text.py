"""SPARQL text as the tool reads it before any engine: a small lexer (comments, strings and
IRIs skipped), where a query's WHERE groups are, its outer LIMIT (the endpoint's row cap), and
whether it uses LATERAL.

``fiscal_kg.sparql_guard`` (the endpoint's refusals) tokenises with the same IRI and string rules
(``_IRIREF``, ``_skip_string``) but its own word rule, on purpose: it splits names at ``-`` so that
a chain ``1-1-1…`` counts as the operators it is (missing one would let a query overflow the
engine's stack), while this lexer keeps a prefixed name such as ``ex:a-limit`` whole so that no
keyword is found inside it (``cap_rows`` would take it for the query's LIMIT). One lexer for both
would need both word rules, so they stay two loops over one set of primitives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fiscal_kg.queries.catalogue import QueryError

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """(token, offset) of the words and brackets of a query; comments, strings and IRIs skipped.

    Enough of SPARQL's lexer to tell where a keyword stands: a variable (``?limit``)
    or a prefixed name (``limit:x``) is one word, never the keyword inside it.
    """
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch in "{}()":
            yield ch, i
            i += 1
        elif ch.isalnum() or ch in "_?$:":
            end = _skip_word(text, i)
            yield text[i:end], i
            i = end
        else:
            i += 1


def where_groups(text: str) -> list[tuple[int, int]]:
    """Offsets of ``{`` and ``}`` of the query's WHERE group, then of each sub-query's WHERE
    group that is not inside a LATERAL block."""
    stack: list[tuple[int, bool, bool]] = []  # start, after WHERE, inside LATERAL
    top: list[tuple[int, int, bool]] = []
    inner: list[tuple[int, int]] = []
    previous = ""
    for token, at in _tokens(text):
        if token == "{":
            lateral = previous.upper() == "LATERAL" or bool(stack and stack[-1][2])
            stack.append((at, previous.upper() == "WHERE", lateral))
        elif token == "}" and stack:
            start, after_where, lateral = stack.pop()
            if not stack:
                top.append((start, at, after_where))
            elif after_where and not lateral:
                inner.append((start, at))
        previous = token
    # the group after WHERE; without the (optional) keyword, the first one: "SELECT * { … }"
    outer = next((g for g in top if g[2]), top[0] if top else None)
    if outer is None:
        raise QueryError("cannot find the WHERE clause to bind parameters into")
    return [outer[:2], *sorted(inner)]


def where_brace(text: str) -> int:
    """Offset of the ``{`` opening the outer WHERE group, skipping comments, strings and IRIs."""
    return where_groups(text)[0][0]


def cap_rows(text: str, max_rows: int) -> tuple[str, bool]:
    """The query with its outer LIMIT at most ``max_rows``; True when that changed it.

    Only the outermost LIMIT counts (a sub-query's is inside braces): it is lowered
    when larger, added when missing — before a trailing VALUES block, else at the end.
    ASK queries and texts that are no query are returned unchanged (the engine
    reports the syntax error). A CONSTRUCT is capped in solutions, not triples.
    """
    depth, form, grouped = 0, "", False
    limit_at: int | None = None
    values_at: int | None = None
    tokens = list(_tokens(text))
    for index, (token, at) in enumerate(tokens):
        if token in "{(":
            depth += 1
            grouped = grouped or token == "{"
        elif token in "})":
            depth -= 1
        elif depth == 0:
            word = token.upper()
            if not form and word in _FORMS:
                form = word
            elif word == "LIMIT" and index + 1 < len(tokens):
                limit_at = index + 1
            elif word == "VALUES" and grouped:
                values_at = at
    if form in ("", "ASK"):
        return text, False
    if limit_at is not None:
        number, at = tokens[limit_at]
        if not number.isdigit() or int(number) <= max_rows:
            return text, False
        return text[:at] + str(max_rows) + text[at + len(number) :], True
    at = len(text) if values_at is None else values_at
    return text[:at] + f"\nLIMIT {max_rows}\n" + text[at:], True


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_?$:-"


def _skip_word(text: str, i: int) -> int:
    while i < len(text) and _word_char(text[i]):
        i += 1
    return i


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end > 0 and text[end - 1] == "\\" and not _even_backslashes(text, end):
            end = text.find(quote * 3, end + 1)
        return len(text) if end < 0 else end + 3
    j = i + 1
    while j < len(text):
        if text[j] == "\\":
            j += 2
        elif text[j] == quote or text[j] == "\n":
            return j + 1
        else:
            j += 1
    return j


def _even_backslashes(text: str, end: int) -> bool:
    count, k = 0, end - 1
    while k >= 0 and text[k] == "\\":
        count, k = count + 1, k - 1
    return count % 2 == 0


def uses_lateral(text: str) -> bool:
    """Whether a query text uses the LATERAL keyword (comments and strings aside)."""
    return any(token.upper() == "LATERAL" for token, _ in _tokens(text))
