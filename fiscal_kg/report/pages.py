"""The findings view's pages as HTML text: the index, a report's page, a unit's and a finding's.

Plain functions of the store (and an IRI), so ``fiscal-kg report`` writes them to a folder and
a server can answer with them; links between pages are relative (``paths.relative``), so the
folder works opened from disk. The skeleton is ``templates/page.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from string import Template
from typing import NamedTuple

from fiscal_kg.report import data
from fiscal_kg.report.crops import RELATED, TARGET, Box
from fiscal_kg.report.paths import local_anchor, page_path, relative
from fiscal_kg.store import Store
from loaders.rdf import CURRENCY_KEY

HERE = Path(__file__).parent
_SKELETON = Template((HERE / "templates" / "page.html").read_text("utf-8"))

# A crop maker: (page, boxes of the band, boxes to mark with colours, file stem) → the image's
# path relative to the report folder, or None when the report's PDF is not at hand.
CropMaker = Callable[[int, list[Box], list[tuple[Box, tuple[int, int, int]]], str], str | None]


class Place(NamedTuple):
    """Where a cell or a sentence is printed in the PDF (column -1 for a sentence)."""

    page: int
    bbox: Box
    line: int
    column: int
    raw: str


SEVERITY_ORDER = {s: i for i, s in enumerate(data.SEVERITIES)}
CURRENCY_LABEL = {key: label for label, key in CURRENCY_KEY.items()}  # wan-yuan → 万元
COUNT_COLUMNS = ("Violation", "Warning", "Info", "open", "confirmed", "dismissed")
COUNT_LABELS = {"Violation": "违规 Violation", "Warning": "警告 Warning", "Info": "提示 Info",
                "open": "待审 open", "confirmed": "确认 confirmed", "dismissed": "误报 dismissed"}


def _page(title: str, body: str, path: str, head: str = "") -> str:
    root = relative(path, "")
    return _SKELETON.substitute(title=escape(title), body=body, root=root, head=head)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# ---------------------------------------------------------------------------
# index
# ---------------------------------------------------------------------------

INDEX_HEADERS = [("单位 unit", False), ("行政区划 division", False), ("年度 year", True),
                 ("类型 kind", False), ("范围 scope", False), ("来源文件 source file", False),
                 ("完整性 completeness", True)] + [(COUNT_LABELS[c], True) for c in COUNT_COLUMNS]


def index_page(store: Store, served: bool = False) -> str:
    """Every report with its metadata and finding counts; sortable, filterable (report.js).
    ``served``: by ``fiscal-kg serve``, which has a query page beside it (a folder has none)."""
    path = "index.html"
    docs = data.documents(store)
    head = "".join(f'<th class="sortable{" numeric" if num else ""}">{_e(h)}</th>'
                   for h, num in INDEX_HEADERS)
    rows = []
    for d in docs:
        link = relative(path, page_path(d.iri))
        score = "" if d.completeness is None else f"{d.completeness:.3f}"
        cells = [f'<td><a href="{_e(link)}">{_e(d.unit)}</a></td>',
                 f"<td>{_e(d.division)}</td>", f"<td>{_e(d.year)}</td>",
                 f"<td>{_e(d.kind)}</td>", f"<td>{_e(d.scope)}</td>",
                 f"<td>{_e(d.file)}</td>", f'<td class="amount">{score}</td>']
        cells += [f'<td class="amount count-{c}">{d.counts.get(c, 0)}</td>'
                  for c in COUNT_COLUMNS]
        row_id = "doc-" + page_path(d.iri).removeprefix("doc/").removesuffix(".html")
        rows.append(f'<tr id="{_e(row_id.replace("/", "-"))}">{"".join(cells)}</tr>')
    totals = {c: sum(d.counts.get(c, 0) for d in docs) for c in COUNT_COLUMNS}
    summary = ", ".join(f"{totals[c]} {COUNT_LABELS[c]}" for c in COUNT_COLUMNS)
    query = '<p><a href="query">查询 Query: named queries, SPARQL</a></p>' if served else ""
    body = (f"<h1>报告 Reports ({len(docs)})</h1><p>{_e(summary)}</p>{query}"
            '<label>筛选 filter: <input id="filter" type="search" '
            'placeholder="单位、年度、文件… unit, year, file…"></label>'
            f'<table id="documents"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
    return _page("fiscal-kg 报告 reports", body, path)


# ---------------------------------------------------------------------------
# a report's page
# ---------------------------------------------------------------------------


def document_page(store: Store, iri: str, crops: CropMaker | None = None,
                  annotated: str | None = None) -> str | None:
    """A report's page: metadata, its tables, its findings beside them, its narrative claims
    linked to the cells they restate; crops of the PDF when ``crops`` can make them, a link to
    its ``annotated`` PDF (relative to the page) when there is one.
    None when the store holds no such report."""
    docs = data.documents(store, iri)
    if not docs:
        return None
    doc = docs[0]
    path = page_path(iri)
    tables = data.tables(store, iri)
    claims = data.claims(store, iri)
    findings = sorted(data.findings(store, iri),  # the most severe first, then by line
                      key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.line or 0))
    cells = {c.iri: c for t in tables for c in t.cells}
    crops = crops if doc.is_pdf else None
    tables_html = "".join(_table(t, crops) for t in tables) or "<p>没有表格 no tables</p>"
    claims_html, ids = _claims(claims)
    ids |= {local_anchor(c) for c in cells} | {f"row-{c.line}" for c in cells.values()}
    places = {c.iri: Place(c.page, c.bbox, c.line, c.column, c.raw)
              for c in cells.values() if c.page and c.bbox}
    places.update({c.iri: Place(c.page, c.bbox, c.line, -1, c.raw)
                   for c in claims if c.page and c.bbox})
    findings_html = "".join(_finding(f, ids, places, crops) for f in findings)
    link = (f'<p><a href="{_e(annotated)}">批注PDF annotated PDF: {_e(annotated)}</a></p>'
            if annotated else "")
    body = (f"<h1>{_e(doc.title or doc.unit)}</h1>{_meta(doc)}{link}"
            '<div class="layout"><div class="content">'
            f"<h2>表格 Tables ({len(tables)})</h2>{tables_html}"
            f'<h2>说明 Narrative claims ({len(claims)})</h2><ol class="claims">{claims_html}</ol>'
            '</div><aside class="findings">'
            f"<h2>发现 Findings ({len(findings)})</h2>{findings_html or '<p>none</p>'}"
            "</aside></div>")
    return _page(f"{doc.unit} {doc.year} {doc.kind}", body, path)


def _meta(doc: data.Document) -> str:
    fields = [("单位 unit", doc.unit), ("行政区划 division", doc.division),
              ("年度 fiscal year", doc.year), ("类型 kind", doc.kind), ("范围 scope", doc.scope),
              ("来源文件 source file", doc.file), ("版式 layout", doc.layout),
              ("SHA-256", doc.sha256), ("发布 issued", doc.issued),
              ("完整性 completeness", "" if doc.completeness is None else doc.completeness),
              ("IRI", doc.iri)]
    counts = ", ".join(f"{doc.counts.get(c, 0)} {COUNT_LABELS[c]}" for c in COUNT_COLUMNS)
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in fields if v != "")
    return f'<dl class="meta">{items}<dt>发现 findings</dt><dd>{_e(counts)}</dd></dl>'


def _table(table: data.Table, crops: CropMaker | None) -> str:
    columns = table.columns()
    tid = local_anchor(table.iri) or f"table-{table.index}"
    head = "".join(f"<th>{_e(h)}</th>" for _, h in columns)
    print_head = "<th>原件 print</th>" if crops else ""
    rows = []
    for row in table.rows():
        by_column = {c.column: c for c in row}
        first = row[0]
        amounts = "".join(
            f'<td class="amount" id="{_e(local_anchor(by_column[i].iri))}">'
            f"{_e(by_column[i].raw)}</td>" if i in by_column else "<td></td>"
            for i, _ in columns)
        crop = ""
        if crops:
            boxes = [(c.page, c.bbox) for c in row if c.page and c.bbox]
            src = (crops(boxes[0][0], [b for p, b in boxes if p == boxes[0][0]], [],
                         f"row-{first.line}") if boxes else None)
            crop = (f'<td class="print"><a href="{_e(src)}"><img loading="lazy" '
                    f'alt="line {first.line}, page {boxes[0][0]}" src="{_e(src)}"></a></td>'
                    if src else "<td></td>")
        rows.append(f'<tr id="row-{first.line}"><td>{_e(first.code)}</td>'
                    f"<td>{_e(first.row_label)}</td>{amounts}{crop}</tr>")
    currency = CURRENCY_LABEL.get(table.currency, table.currency)
    caption = " ".join(x for x in (f"表{table.number}" if table.number else "", table.title,
                                    f"（单位：{currency}）" if currency else "") if x)
    return (f'<table id="{_e(tid)}"><caption>{_e(caption)}</caption><thead><tr>'
            f"<th>编码 code</th><th>名称 name</th>{head}{print_head}</tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>')


def _claims(claims: list[data.Claim]) -> tuple[str, set[str]]:
    """The claims as list items (ids from their IRIs, and ``line-N`` on a line's first), and
    the ids given."""
    ids: set[str] = set()
    items = []
    for claim in claims:
        cid = local_anchor(claim.iri) or ""
        line_id = f"line-{claim.line}"
        extra = "" if line_id in ids else f'<span id="{line_id}"></span>'
        ids |= {cid, line_id}
        sentence = _e(claim.sentence).replace(
            _e(claim.raw), f'<span class="amount">{_e(claim.raw)}</span>', 1)
        links = " ".join(f'<a class="goto" href="#{_e(a)}" data-target="{_e(a)}">'
                         f"{_e(a)}</a>" for a in map(local_anchor, claim.cells) if a)
        restates = f' <span class="restates">→ 表格 cells: {links}</span>' if links else ""
        items.append(f'<li id="{_e(cid)}">{extra}<small>line {claim.line}</small> '
                     f"{sentence}{restates}</li>")
    return "".join(items), ids


def finding_target(finding: data.Finding, ids: set[str]) -> str | None:
    """The page anchor a finding points at: its value, its focus node, else its line."""
    candidates = [local_anchor(finding.value) if finding.value else None,
                  local_anchor(finding.focus)]
    if finding.line is not None:
        candidates += [f"row-{finding.line}", f"line-{finding.line}"]
    return next((c for c in candidates if c and c in ids), None)


def _finding(f: data.Finding, ids: set[str], places: dict[str, Place],
             crops: CropMaker | None) -> str:
    target = finding_target(f, ids)
    related = " ".join(r for line in f.related_lines
                       for r in (f"row-{line}", f"line-{line}") if r in ids)
    numbers = " · ".join(f"{k} {_e(v)}" for k, v in (
        ("期望 expected", f.expected), ("实际 found", f.found), ("差额 difference", f.difference))
        if v)
    line = f"line {f.line}" if f.line is not None else "the whole report"
    goto = (f'<a class="goto" href="#{_e(target)}" data-target="{_e(target)}" '
            f'data-related="{_e(related)}">→ {line}</a>' if target else f"<span>{line}</span>")
    review = f'<span class="state">{_e(f.state)}</span>'
    if f.verdict:
        review += f" ({_e(f.reviewed)}){': ' + _e(f.note) if f.note else ''}"
    crop = _finding_crop(f, places, crops)
    return (f'<div class="finding sev-{_e(f.severity)} state-{_e(f.state)}" '
            f'id="finding-{_e(f.digest)}"><span class="rule">[{_e(f.severity)}] '
            f"{_e(f.rule)}</span> {goto}<p>{_e(f.message)}</p>"
            f'<p class="numbers">{numbers}</p><p class="review">{review}</p>{crop}</div>')


def _finding_crop(f: data.Finding, places: dict[str, Place], crops: CropMaker | None) -> str:
    """The page band around the finding's cell or sentence, boxed in red, the cells of the
    lines it involves (same column) in orange."""
    place = places.get(f.value) or places.get(f.focus)
    if crops is None or place is None:
        return ""
    related = [p.bbox for p in places.values() if p.line in f.related_lines
               and p.page == place.page and p.column == place.column]
    marks = [(place.bbox, TARGET)] + [(b, RELATED) for b in related]
    src = crops(place.page, [m[0] for m in marks], marks, f"finding-{f.digest}")
    if not src:
        return ""
    return (f'<p class="crop"><img alt="page {place.page}: {_e(place.raw)} boxed" '
            f'src="{_e(src)}"></p>')


# ---------------------------------------------------------------------------
# a unit's and a finding's own pages (their IRIs do not name one report)
# ---------------------------------------------------------------------------


def unit_page(store: Store, iri: str) -> str | None:
    path = page_path(iri)
    docs = [d for d in data.documents(store) if page_path(d.iri).split("/")[1]
            == path.split("/")[1].removesuffix(".html")]
    if not docs:
        return None
    items = "".join(f'<li><a href="{_e(relative(path, page_path(d.iri)))}">{_e(d.year)} '
                    f"{_e(d.kind)} {_e(d.scope)}</a> ({_e(d.file)})</li>" for d in docs)
    return _page(docs[0].unit, f"<h1>{_e(docs[0].unit)}</h1><ul>{items}</ul>", path)


def finding_page(store: Store, finding: data.Finding) -> str:
    """A finding's own page: what it says, and a link to it on its report's page."""
    path = page_path(finding.iri)
    target = relative(path, page_path(finding.document)) + f"#finding-{finding.digest}"
    head = f'<meta http-equiv="refresh" content="0; url={_e(target)}">'
    body = (f"<h1>[{_e(finding.severity)}] {_e(finding.rule)}</h1><p>{_e(finding.message)}</p>"
            f'<p><a href="{_e(target)}">→ 报告 report</a></p>')
    return _page(finding.rule, body, path, head)
