"""The findings view's query page (``/findings/query``): forms in, an HTML table, CSV or XLSX out.

The named queries (``queries/*.rq``, read by ``fiscal_kg.queries``) are listed by title; the one
chosen shows its parameters as form fields, typed as its header declares them, and its values
are bound as RDF terms (``fiscal_kg.queries.bind``, as ``fiscal-kg query --param``), never pasted
into the text. A free-text box starts with the prefixes the named queries declare. A listing
(a named query with ``# pages: ?doc``, ``fiscal_kg.queries.paging``) is answered a page of
reports at a time, as ``fiscal-kg query --page N --page-size N --all``: form fields ``page``,
``size`` and ``all``, and links to the pages beside it, to every report and to their downloads.

This module only reads forms, binds and renders: running a query is the server's, which sends
the text through the endpoint's own ``/query`` handler (guard, row cap, time limit; see
``fiscal_kg.endpoint_view.QueryPage``), so the page opens no second path to the store. The
results it renders are the engine's SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from string import Template
from urllib.parse import urlencode

import pyoxigraph as ox
from openpyxl import Workbook
from openpyxl.styles import Font

from fiscal_kg import csv_safe
from fiscal_kg import queries as q
from fiscal_kg.queries.paging import PAGE_SIZE, Page
from fiscal_kg.report.pages import HERE
from fiscal_kg.report.paths import ID, page_path
from fiscal_kg.report.spreadsheet import BOM, as_text

_SKELETON = Template((HERE / "templates" / "page.html").read_text("utf-8"))
PAGE = "query"  # under the view's mount
FORMATS = ("html", "csv", "xlsx")
XSD = q.XSD
INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                              "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
FLOATS = {XSD + "double", XSD + "float"}
NUMERIC = INTEGERS | FLOATS | {XSD + "decimal"}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE | re.M)
EXAMPLE = """SELECT ?document ?unitName ?year ?file WHERE {
  ?document a fkg:FiscalDocument ; fkg:fiscalYear ?year .
  GRAPH ?document { ?document fkg:unit/skos:prefLabel ?unitName }
  OPTIONAL { ?document prov:wasDerivedFrom/fkg:fileName ?file }
}
ORDER BY ?unitName ?year
LIMIT 100
"""
# what a form field looks like for each parameter type (the server checks the value again)
INPUTS = {"year": 'type="number" min="1900" max="2999"', "integer": 'type="number"',
          "decimal": 'inputmode="decimal"', "code": 'inputmode="numeric" pattern="[0-9]{1,12}"',
          "iri": 'size="60"', "string": ""}

MAX_PAGE_SIZE = 1000  # reports a page at most: a bigger page is the whole answer, ask for "all"
LONG = 30  # characters: a longer text cell wraps, shorter cells and IRIs stay on one line
Term = dict[str, str]  # one term of SPARQL 1.1 Query Results JSON: type, value, datatype…


class NoSuchQuery(q.QueryError):
    """A ``name`` that is no named query (404)."""


@dataclass
class Ask:
    """What the form asked for: a named query with values, or a query text; and in which form."""

    name: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    format: str = "html"
    edit: str | None = None  # a named query to open in the free-text box
    run: bool = False  # a named query chosen from the list shows its form; its buttons run it
    # a listing's page (``fiscal_kg.queries.paging``): number and size as typed, checked by
    # ``paging`` only for a query that comes in pages (the others ignore them, as before)
    page: str = ""
    size: str = ""
    all: bool = False  # every report at once, not a page


@dataclass
class Results:
    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    capped_at: int | None = None  # the endpoint's row cap, when it cut the result


def read_form(pairs: list[tuple[str, str]], queries: dict[str, q.NamedQuery]) -> Ask:
    """The form's fields (URL and body) as an Ask; an empty parameter field means "not given"."""
    fields = dict(pairs)
    ask = Ask(name=fields.get("name") or None, text=fields.get("query"),
              format=fields.get("format", "html"), edit=fields.get("edit") or None,
              run="run" in fields or "format" in fields, page=fields.get("page", "").strip(),
              size=fields.get("size", "").strip(), all="all" in fields)
    if ask.format not in FORMATS:
        raise q.QueryError(f"format {ask.format!r}: one of {', '.join(FORMATS)}")
    named = queries.get(ask.name) if ask.name else None
    if ask.name and named is None:
        raise NoSuchQuery(f"no named query {ask.name!r}; the list on this page shows them")
    if named is not None:
        ask.values = {p.name: fields[p.name].strip() for p in named.params
                      if fields.get(p.name, "").strip()}  # fmt: skip
    return ask


def query_text(ask: Ask, queries: dict[str, q.NamedQuery],
               resolve: Callable[[q.NamedQuery, dict[str, str]], dict[str, str]]) -> str | None:
    """The text to run: the named query with its values bound (``resolve`` turns a report's file
    name into its IRI, as the CLI does), or the free text; None when nothing is asked yet."""
    if ask.name is not None:
        if not ask.run:
            return None
        named = queries[ask.name]
        q.bind(named, {k: v for k, v in ask.values.items() if k != "document"})  # check first
        return q.bind(named, resolve(named, ask.values))
    if ask.text is not None and ask.text.strip():
        return ask.text
    return None


def paging(ask: Ask) -> tuple[int, int | None]:
    """A listing's page number and page size (None: every report), as ``paged_text`` takes
    them; QueryError for a value that is no whole number in range."""
    number = _whole("page", ask.page, 1, None)
    size = _whole("size", ask.size, PAGE_SIZE, MAX_PAGE_SIZE)
    return number, None if ask.all else size


def _whole(name: str, text: str, default: int, most: int | None) -> int:
    if not text:
        return default
    if re.fullmatch(r"[0-9]{1,12}", text) and 1 <= int(text) <= (most or int(text)):
        return int(text)
    span = f"1 to {most:,}" if most else "1 or more"
    raise q.QueryError(f"{name} {text!r}: a whole number, {span}")


def prefixes(queries: dict[str, q.NamedQuery]) -> str:
    """The PREFIX lines of every prefix the named queries declare, and the tool's short forms."""
    found = {p: ns for text in (nq.text for nq in queries.values())
             for p, ns in _PREFIX.findall(text)}  # fmt: skip
    found |= {short.rstrip(":"): ns for ns, short in q.COMPACT_PREFIXES.items()}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(found.items()))


# ---------------------------------------------------------------------------
# the engine's answer
# ---------------------------------------------------------------------------


def parse_results(content_type: str, body: bytes, capped_at: int | None = None) -> Results:
    """The engine's SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) as rows."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/sparql-results+json":
        data = json.loads(body)
        if "boolean" in data:
            return Results(["boolean"], [], boolean=bool(data["boolean"]))
        names = data["head"].get("vars", [])
        rows = [[b.get(v) for v in names] for b in data["results"]["bindings"]]
        return Results(names, rows, capped_at=capped_at)
    if kind == "application/n-triples":
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        rows = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in triples]
        return Results(["subject", "predicate", "object"], rows, capped_at=capped_at)
    raise ValueError(f"the engine answered {kind or 'without a Content-Type'}")


def _term(term: object) -> Term:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != q.XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "bnode", "value": str(term)}


def _numeric(term: Term | None) -> bool:
    return term is not None and term.get("datatype") in NUMERIC


def plain(term: Term | None) -> str:
    """A cell as text: the value alone (``5955``, not ``"5955"^^xsd:integer``), IRIs in full."""
    return "" if term is None else term["value"]


def typed(term: Term | None) -> object:
    """A cell for a spreadsheet: numbers as numbers, everything else as text."""
    if term is None:
        return None
    value, datatype = term["value"], term.get("datatype")
    try:
        if datatype in INTEGERS:
            return int(value)
        if datatype == XSD + "decimal":
            return Decimal(value)
        if datatype in FLOATS:
            return float(value)
    except ValueError:
        pass
    return value


# ---------------------------------------------------------------------------
# downloads
# ---------------------------------------------------------------------------


def csv_bytes(results: Results) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese right), CRLF line ends, plain values (text
    that a spreadsheet would run as a formula starts with ': ``fiscal_kg.csv_safe``)."""
    out = io.StringIO()
    writer = csv_safe.writer(out)
    writer.writerow(results.variables)
    if results.boolean is not None:
        writer.writerow(["true" if results.boolean else "false"])
    writer.writerows([plain(t) for t in row] for row in results.rows)
    return (BOM + out.getvalue()).encode("utf-8")


def xlsx_bytes(results: Results) -> bytes:
    """One sheet: the variables as a bold, frozen header, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    sheet.append(results.variables)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if results.boolean is not None:
        sheet.append([results.boolean])
    for row in results.rows:
        sheet.append([typed(t) for t in row])
    as_text(sheet)  # a value starting with "=" is data, not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def page(ask: Ask, queries: dict[str, q.NamedQuery], root: str, *,
         results: Results | None = None, error: str | None = None,
         documents: Sequence[tuple[str, str]] = (), part: Page | None = None) -> str:  # fmt: skip
    """The whole page: the list of named queries, the chosen one's form, the free-text box and
    the results (or the error) under the form that asked. ``documents``: (IRI, label) for a
    ``document`` parameter's suggestions; ``root``: where the view is mounted; ``part``: which
    page of a listing ``results`` are (None with results of a listing: every report)."""
    action = root + PAGE
    listing = "".join(
        f'<li{" class=chosen" if name == ask.name else ""}><a href="{_e(action)}?name={_e(name)}"'
        f' title="{_e(nq.question)}">{_e(nq.title or name)}</a> <code>{_e(name)}</code></li>'
        for name, nq in queries.items())  # fmt: skip
    named = queries.get(ask.name) if ask.name else None
    paged = named is not None and named.pages is not None and results is not None
    pager = _pager(ask, part, action) if paged and error is None else ""
    outcome = _outcome(results, error, root, pager)
    chosen = _named_form(named, ask, action, documents) if named else ""
    edit = queries.get(ask.edit) if ask.edit else None
    box = ask.text if ask.text is not None else (edit.text if edit else prefixes(queries) + EXAMPLE)
    free = (f'<section id="free-text"><h2>SPARQL 查询 query</h2>'
            f'<form method="post" action="{_e(action)}" id="free-form">'
            f'<textarea name="query" rows="18" cols="100" spellcheck="false">{_e(box)}</textarea>'
            f"<p>{_buttons()}</p></form>"
            '<p class="note">Run as on the endpoint <code>/query</code>, with its limits '
            "(row cap, time limit; SERVICE only to the allowed services).</p></section>")
    sections = (chosen + outcome + free) if named else (chosen + free + outcome)
    body = (f"<h1>查询 Query</h1><div class=query-layout><nav class=queries>"
            f"<h2>命名查询 Named queries</h2><ul>{listing}</ul></nav>"
            f"<div class=query-main>{sections}</div></div>")
    title = f"{named.title} · 查询 query" if named else "fiscal-kg 查询 query"
    style = f'<link rel="stylesheet" href="{_e(root)}assets/query.css">'
    return _SKELETON.substitute(title=_e(title), body=body, root=root, head=style)


def _buttons() -> str:
    return ('<button type="submit" name="run" value="1">运行 Run</button> '
            '<button type="submit" name="format" value="csv">CSV</button> '
            '<button type="submit" name="format" value="xlsx">XLSX</button>')


def _named_form(named: q.NamedQuery, ask: Ask, action: str,
                documents: Sequence[tuple[str, str]]) -> str:  # fmt: skip
    fields = []
    for p in named.params:
        value = ask.values.get(p.name, "")
        hint = f" placeholder=\"{_e(p.default)}\"" if p.default else ""
        suggest = ' list="documents"' if p.name == "document" and documents else ""
        fields.append(
            f'<p><label>{_e(p.name)} <small>({_e(p.type)})</small> '
            f'<input name="{_e(p.name)}" value="{_e(value)}" {INPUTS.get(p.type, "")}{hint}'
            f'{suggest}{" required" if p.required else ""}></label> '
            f"<small>{_e(p.meaning)}</small></p>")
    if named.pages:
        fields.append(_paging_fields(ask))
    options = "".join(f'<option value="id:{_e(iri.removeprefix(ID))}">{_e(label)}</option>'
                      for iri, label in documents)  # fmt: skip
    datalist = f'<datalist id="documents">{options}</datalist>' if options else ""
    return (f'<section id="named"><h2>{_e(named.title or named.name)}</h2>'
            f"<p>{_e(named.question)}</p>"
            f'<form method="get" action="{_e(action)}" id="named-form">'
            f'<input type="hidden" name="name" value="{_e(named.name)}">'
            f"{''.join(fields) or '<p>无参数 no parameters</p>'}{datalist}<p>{_buttons()}</p>"
            f"</form><details><summary>SPARQL</summary><pre>{_e(named.text)}</pre>"
            f'<a href="{_e(action)}?edit={_e(named.name)}#free-text">在文本框中编辑 '
            "edit as free text</a></details></section>")


def _paging_fields(ask: Ask) -> str:
    """A listing's page, page size and "every report" fields (``fiscal-kg query --page``)."""
    every = " checked" if ask.all else ""
    return (f'<p><label>page <input name="page" value="{_e(ask.page)}" type="number" min="1" '
            f'placeholder="1"></label> <label>size <input name="size" value="{_e(ask.size)}" '
            f'type="number" min="1" max="{MAX_PAGE_SIZE}" placeholder="{PAGE_SIZE}"></label> '
            f'<label><input name="all" value="1" type="checkbox"{every}> all</label> '
            f"<small>the answer comes {PAGE_SIZE} reports a page; all: every report at once"
            "</small></p>")


def _pager(ask: Ask, part: Page | None, action: str) -> str:
    """Which page of a listing the results are, links to the pages beside it and to every
    report, and downloads of this page and of every report."""
    def link(label: str, **more: str) -> str:
        fields = [("name", ask.name or ""), *ask.values.items()]
        fields += [("format", more.pop("format"))] if "format" in more else [("run", "1")]
        if ask.size and ask.size != str(PAGE_SIZE):
            fields.append(("size", ask.size))
        return f'<a href="{_e(action + "?" + urlencode(fields + list(more.items())))}">{label}</a>'

    def downloads(**more: str) -> str:
        return " ".join(link(f.upper(), format=f, **more) for f in FORMATS if f != "html")

    every = f"全部报告 every report {downloads(all='1')}"
    if part is None:
        return (f'<p class="pages">全部报告 every report · {link("分页 in pages", page="1")}</p>'
                f'<p class="downloads">下载 download: {every}</p>')
    steps = [_e(part.describe())]
    if part.number > 1:
        steps.append(link("← 上一页 previous", page=str(part.number - 1)))
    if not part.is_last:
        steps.append(link("下一页 next →", page=str(part.number + 1)))
    if part.count > 1:
        steps.append(link("全部报告 every report", all="1"))
    this = f"本页 this page {downloads(page=str(part.number))} · " if part.count > 1 else ""
    return (f'<p class="pages">{" · ".join(steps)}</p>'
            f'<p class="downloads">下载 download: {this}{every}</p>')


def _outcome(results: Results | None, error: str | None, root: str, pager: str) -> str:
    if error is not None:
        return f'<section id="results"><p class="error" role="alert">{_e(error)}</p></section>'
    if results is None:
        return ""
    if results.boolean is not None:
        return f'<section id="results"><p class="boolean">{_e(str(results.boolean).lower())}</p>' \
               "</section>"
    count = f"{len(results.rows):,} 行 rows"
    if results.capped_at is not None and len(results.rows) >= results.capped_at:
        count += f" (cut at the endpoint's cap of {results.capped_at:,})"
    numeric = [any(_numeric(r[i]) for r in results.rows)
               and all(_numeric(r[i]) for r in results.rows if r[i] is not None)
               for i in range(len(results.variables))]  # fmt: skip
    head = "".join(f'<th class="sortable{" numeric" if n else ""}">{_e(v)}</th>'
                   for v, n in zip(results.variables, numeric, strict=True))  # fmt: skip
    rows = "".join("<tr>" + "".join(_cell(t, root) for t in row) + "</tr>" for row in results.rows)
    return (f'<section id="results">{pager}<p class="count">{count}</p>'
            f'<div class="scroll"><table class="results"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div></section>")


def _cell(term: Term | None, root: str) -> str:
    if term is None:
        return "<td></td>"
    value = term["value"]
    if _numeric(term):
        return f'<td class="amount">{_e(value)}</td>'
    if term["type"] == "uri":
        short = next((p + value[len(ns):] for ns, p in q.COMPACT_PREFIXES.items()
                      if value.startswith(ns)), value)  # fmt: skip
        if value.startswith(ID):
            return f'<td><a href="{_e(root + page_path(value))}">{_e(short)}</a></td>'
        return f'<td title="{_e(value)}">{_e(short)}</td>'
    return f'<td class="text">{_e(value)}</td>' if len(value) > LONG else f"<td>{_e(value)}</td>"
