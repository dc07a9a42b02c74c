"""SPARQL text as the tool reads it before any engine: one small lexer (comments, strings and
IRIs skipped), where a query's WHERE groups are, its outer LIMIT (the endpoint's row cap), and
whether it uses LATERAL. ``fiscal_kg.sparql_guard`` (the endpoint's refusals) counts nesting and
operators on the same tokens.

Words follow SPARQL 1.1's own terminals, which serve both users: a prefixed name (PN_PREFIX,
PN_LOCAL) may hold ``-`` and ``.`` (not first), a variable name (VARNAME) may not, a keyword is
letters and a number digits. So ``ex:a-limit`` is one name, in which ``cap_rows`` finds no LIMIT,
while ``1-1-1…`` is INTEGER ``-`` INTEGER … and ``?a-1`` is ``?a`` ``-`` ``1``: the guard counts
the operators of such a chain (missing them would let a query overflow the engine's stack), and a
chain written inside a name is no chain for the engine either.

The lexer is a loop, not a recursive descent: any input is lexed in linear time and constant
stack (the guard runs it on whatever a client sends).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fiscal_kg.queries.catalogue import QueryError

Token = tuple[str, str, int]  # kind (word, iri, open, close, op), text, offset

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_OPENING, _CLOSING = "{([", "})]"
_OPERATOR_CHARS = "+-*/|^!&=<>"  # a run of them is one operator
_EXTRA = "\u00b7\u0300-\u036f\u203f\u2040"  # name characters besides \w (PN_CHARS, VARNAME)
_VARIABLE = re.compile(rf"[?$][\w{_EXTRA}]+")
_NUMBER = re.compile(r"\d+\.\d*[eE][+-]?\d+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_KEYWORD = re.compile(r"\w+")  # a keyword, function name or the letters before a name's "-"
# the characters a prefixed name or blank node label may hold, escapes (PLX) included
_NAME_RUN = re.compile(rf"(?:[\w{_EXTRA}.:%-]|\\[_~.\-!$&'()*+,;=/?#@%])+")
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


def lex(text: str) -> Iterator[Token]:
    """(kind, token, offset) of a query: word, iri, open, close, op; strings, comments and
    punctuation (``.``, ``,``, ``;``, ``@``) skipped.

    A run of name characters is one prefixed name only when it holds a colon; a run without one
    is read once and remembered (``plain_until``), so that ``a-a-a…`` is not rescanned from
    each of its words (that would be quadratic).
    """
    i, n = 0, len(text)
    plain_until = 0  # text[i:plain_until] is part of a run of name characters with no colon
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "<" and (m := _IRIREF.match(text, i)):
            yield "iri", m.group(), i
            i = m.end()
        elif ch in "\"'":
            i = _skip_string(text, i)
        elif ch in _OPENING:
            yield "open", ch, i
            i += 1
        elif ch in _CLOSING:
            yield "close", ch, i
            i += 1
        elif ch in _OPERATOR_CHARS:
            end = i + 1  # up to an IRI: ``:p/<x#y>``, ``^<x>`` (its "#" opens no comment)
            while end < n and text[end] in _OPERATOR_CHARS and not _IRIREF.match(text, end):
                end += 1
            yield "op", text[i:end], i
            i = end
        elif ch in "?$":
            m = _VARIABLE.match(text, i)
            if m:
                yield "word", m.group(), i
                i = m.end()
            else:  # a lone "?" is a path modifier
                yield "op", ch, i
                i += 1
        elif m := _NUMBER.match(text, i):
            yield "word", m.group(), i
            i = m.end()
        elif ch.isalnum() or ch in "_:":
            end = plain_until if i < plain_until else _NAME_RUN.match(text, i).end()
            if i < plain_until or text.find(":", i, end) < 0:
                plain_until = end
                end = _KEYWORD.match(text, i).end()
            else:
                while text[end - 1] == ".":  # a name does not end in "."
                    end -= 1
            yield "word", text[i:end], i
            i = end
        else:
            i += 1


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """(token, offset) of the words and the braces and parentheses of a query: where a keyword
    stands (a variable ``?limit`` or a prefixed name ``limit:x`` is one word, never the keyword
    inside it) and how deep."""
    return ((token, at) for kind, token, at in lex(text) if kind == "word" or token in "{}()")


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


def typed_group(text: str, variable: str, class_name: str) -> int:
    """Offset of the ``{`` of the innermost group holding the pattern ``?variable a <class>``
    (the class as a prefixed name ending ``:class_name`` or an IRI ending ``#class_name>`` /
    ``/class_name>``): where the query binds that variable, so a VALUES block put there
    restricts it before anything is joined to it."""
    opened: list[int] = []
    words = [(kind, token, at) for kind, token, at in lex(text)
             if kind in ("word", "iri") or token in "{}"]  # fmt: skip
    for i, (_, token, at) in enumerate(words):
        if token == "{":
            opened.append(at)
        elif token == "}" and opened:
            opened.pop()
        elif token == variable and i + 2 < len(words) and words[i + 1][1] == "a" and opened:
            name = words[i + 2][1]
            if name.endswith((f":{class_name}", f"#{class_name}>", f"/{class_name}>")):
                return opened[-1]
    raise QueryError(f"no `{variable} a …{class_name}` pattern to page the reports by")
