"""The named queries (queries/*.rq) and their comment headers.

A named query starts with a comment header::

    # title: Totals by function class
    # question: How much does each unit spend per 类 in each year?
    # param code: code — a function/economic notation, e.g. 2080109 (default: 208)
    # pages: ?doc — the answer comes a page of reports at a time

``pages`` names the variable that holds the report a row is about: such a query (a listing of
rows of every report) is answered a page of reports at a time (``fiscal_kg.queries.paging``).

A query that uses ``LATERAL`` (SEP-0006: Oxigraph, Jena >= 4.7) has a second, SPARQL 1.1
form with the same rows in ``queries/portable/NAME.rq``, read here beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from loaders.resources import resource_dir

PARAM_TYPES = ("iri", "string", "integer", "decimal", "code", "year")

_HEADER = re.compile(r"#\s*(title|question)\s*:\s*(.*)")
_PAGES = re.compile(r"#\s*pages\s*:\s*(\?[A-Za-z_][A-Za-z0-9_]*)")
_PARAM = re.compile(r"#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z]+)\s*(?:—|--|-|:)?\s*(.*)")
_DEFAULT = re.compile(r"\(default:\s*([^)]*)\)\s*$")
_REQUIRED = re.compile(r"\(required\)\s*$")


class QueryError(ValueError):
    """A bad query name, parameter name or parameter value (message is for the user)."""


@dataclass
class Param:
    name: str
    type: str
    meaning: str = ""
    default: str | None = None
    required: bool = False  # "(required)" at the end of the meaning


@dataclass
class NamedQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    question: str = ""
    params: list[Param] = field(default_factory=list)
    portable: str | None = None  # the SPARQL 1.1 form, when ``text`` uses LATERAL
    pages: str | None = None  # the report variable of a listing answered a page at a time

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def form(self, portable: bool) -> str:
        """The text to send: the SPARQL 1.1 form when asked for and there is one."""
        return self.portable if portable and self.portable is not None else self.text


def parse_query(text: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """Read the comment header (title, question, params) of a query text."""
    query = NamedQuery(name=name, path=path, text=text)
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break  # the header ends at the first line of SPARQL
        if m := _PARAM.match(line):
            pname, ptype, meaning = m.groups()
            if ptype not in PARAM_TYPES:
                raise QueryError(f"{name}: parameter {pname} has unknown type {ptype!r}")
            default = None
            if d := _DEFAULT.search(meaning):
                default = d.group(1).strip().strip('"')
            required = bool(_REQUIRED.search(meaning))
            query.params.append(Param(pname, ptype, meaning.strip(), default, required))
        elif m := _PAGES.match(line):
            query.pages = m.group(1)
        elif m := _HEADER.match(line):
            setattr(query, m.group(1), m.group(2).strip())
    return query


def queries_dir() -> Path:
    return resource_dir("queries")


PORTABLE_DIR = "portable"  # beside the queries: NAME.rq's SPARQL 1.1 form


def read_query(path: Path) -> NamedQuery:
    """A .rq file with its header, and its SPARQL 1.1 form if ``portable/NAME.rq`` is beside it."""
    query = parse_query(path.read_text(encoding="utf-8"), path.stem, path)
    portable = path.parent / PORTABLE_DIR / path.name
    if portable.is_file():
        query.portable = portable.read_text(encoding="utf-8")
    return query


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every queries/*.rq by name (file name without .rq), sorted."""
    directory = directory or queries_dir()
    return {path.stem: read_query(path) for path in sorted(directory.glob("*.rq"))}


def resolve(name_or_file: str) -> NamedQuery:
    """A named query, or any .rq file (its header is read when it has one)."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return _read_query_file(path)
    queries = named_queries()
    if name_or_file in queries:
        return queries[name_or_file]
    raise QueryError(
        f"no named query {name_or_file!r} and no such .rq file; `fiscal-kg query --list` shows them"
    )


def _read_query_file(path: Path) -> NamedQuery:
    """A user's .rq file, or a QueryError saying why it is none."""
    if path.is_dir():
        raise QueryError(f"{path}: a folder, not a .rq file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QueryError(f"{path}: cannot read: {exc.strerror}") from exc
    if not data.strip():
        raise QueryError(f"{path}: empty file, expected a SPARQL query")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (invalid byte at {exc.start}), "
                         "expected a SPARQL query") from exc
    if "\x00" in text:
        raise QueryError(f"{path}: binary (NUL bytes), expected a SPARQL query")
    query = parse_query(text, path.stem, path)
    portable = path.parent / PORTABLE_DIR / path.name
    if portable.is_file():
        query.portable = portable.read_text(encoding="utf-8")
    return query


def listing(queries: dict[str, NamedQuery] | None = None) -> list[str]:
    """``fiscal-kg query --list``: one line per named query (name, title, parameters; ``*``
    marks those with a SPARQL 1.1 form), and a note on the mark."""
    queries = named_queries() if queries is None else queries
    lines = []
    for name, nq in queries.items():
        params = " ".join(
            f"{p.name}={p.type}" if p.required else f"[{p.name}={p.type}]" for p in nq.params
        )
        mark = "*" if nq.portable is not None else ""
        pages = " [pages]" if nq.pages else ""
        lines.append(f"{name + mark:<28} {nq.title}{pages}  {params}".rstrip())
    if any(nq.portable is not None for nq in queries.values()):
        lines.append("* uses LATERAL; its SPARQL 1.1 form (queries/portable/) goes to stores"
                     " without LATERAL, and with --portable")
    if any(nq.pages for nq in queries.values()):
        lines.append("[pages]: answers a page of reports at a time (--page N, --page-size N;"
                     " --all for every report)")
    return lines
