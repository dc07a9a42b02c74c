"""Listings answered a page of reports at a time.

A named query whose header says ``# pages: ?doc`` lists rows of every report (findings, load
warnings, the economic rows of each basic-expenditure table …). Its whole answer grows with the
store — 21,220 findings at 1,000 reports — and no query plan returns thousands of rows in a few
hundred milliseconds (docs/architecture.md, "Named queries at 1,000 reports": each row costs
index lookups and terms, whatever the model). So such a query is answered for a page of reports:
``queries/paging/reports.rq`` lists the reports in the order the listings sort their rows (unit
name, year, kind), a page is a slice of that list, and the query runs with ``VALUES ?doc { … }``
put in the group that binds ``?doc a fkg:FiscalDocument`` — so it reads those reports only. The
pages together hold every row of the whole answer; each page is in the query's own order.

A listing may also read ``?page`` (the page number; unbound for the whole answer): the findings
about no report in particular come with the first page only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from fiscal_kg.queries.catalogue import NamedQuery, QueryError, queries_dir, read_query
from fiscal_kg.queries.parameters import XSD, bind, inject_values
from fiscal_kg.queries.running import wants_portable
from fiscal_kg.queries.sparql_text import _tokens, typed_group
from fiscal_kg.store import QueryResult, Store

PAGE_SIZE = 10  # reports a page: ≤ ≈ 450 rows of the longest listings, ≤ ≈ 130 ms at 1,000 reports
REPORT_CLASS = "FiscalDocument"


@dataclass(frozen=True)
class Page:
    """Which reports of a listing one answer covers."""

    number: int  # 1 for the first
    size: int  # reports a page
    reports: int  # reports the whole listing covers
    documents: tuple[str, ...]  # this page's reports, in listing order

    @property
    def count(self) -> int:
        """Pages in all (one, empty, when no report matches)."""
        return max(1, math.ceil(self.reports / self.size))

    @property
    def is_last(self) -> bool:
        return self.number >= self.count

    def describe(self) -> str:
        """``page 2 of 50: reports 21–40 of 1,000``."""
        first = (self.number - 1) * self.size + 1
        last = first + len(self.documents) - 1
        span = f"reports {first:,}–{last:,}" if self.documents else "no reports"
        return f"page {self.number:,} of {self.count:,}: {span} of {self.reports:,}"


@dataclass(frozen=True)
class PagedResult:
    result: QueryResult
    page: Page | None  # None: the whole answer (a query without pages, or all pages asked for)


@cache  # read once: every page of every listing starts with it
def report_order_query() -> NamedQuery:
    return read_query(queries_dir() / "paging" / "reports.rq")


def report_order(store: Store, query: NamedQuery, values: dict[str, str]) -> list[str]:
    """The reports ``query``'s listing covers, in listing order: the unit and year values it was
    given that the report list also takes (a page holds only reports the listing would show)."""
    order = report_order_query()
    given = {k: v for k, v in values.items()
             if order.param(k) is not None and query.param(k) is not None}  # fmt: skip
    return [str(row[0]) for row in store.query(bind(order, given)).rows]


def page_text(text: str, variable: str, documents: list[str], number: int) -> str:
    """``text`` reading only ``documents``: a VALUES block where it binds ``variable`` as a
    report, and the page number as ``?page`` where the text reads it."""
    at = typed_group(text, variable, REPORT_CLASS)
    iris = " ".join(str(ox.NamedNode(d)) for d in documents)
    text = f"{text[:at + 1]} VALUES {variable} {{ {iris} }}\n{text[at + 1:]}"
    if any(token == "?page" for token, _ in _tokens(text)):
        number_term = ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
        text = inject_values(text, {"page": number_term})
    return text


def paged_text(store: Store, query: NamedQuery, values: dict[str, str], text: str, *,
               page: int = 1, size: int | None = PAGE_SIZE) -> tuple[str, Page | None]:
    """The text to send for one page of ``query`` (``text``: the query as bound, in the form the
    store runs) and which page it is; ``text`` itself and None for a query without pages or when
    ``size`` is None (the whole answer). For callers that send the text themselves (the
    endpoint's query page); QueryError for a page past the last."""
    if query.pages is None or size is None:
        return text, None
    if size < 1 or page < 1:
        raise QueryError("a page number and a page size are 1 or more")
    reports = report_order(store, query, values)
    chosen = Page(page, size, len(reports), tuple(reports[(page - 1) * size:page * size]))
    if page > chosen.count:
        raise QueryError(f"{query.name}: there is no page {page:,}: {len(reports):,} report(s) "
                         f"make {chosen.count:,} page(s) of {size:,}")
    return page_text(text, query.pages, list(chosen.documents), page), chosen


def run_page(
    store: Store,
    query: NamedQuery,
    values: dict[str, str] | None = None,
    *,
    page: int = 1,
    size: int | None = PAGE_SIZE,
    portable: bool = False,
) -> PagedResult:
    """One page of a listing (``size`` reports, the ``page``-th slice), or the whole answer of
    a query without pages or when ``size`` is None. QueryError for a page past the last."""
    values = values or {}
    text = bind(query, values, portable=wants_portable(query, store, portable))
    text, chosen = paged_text(store, query, values, text, page=page, size=size)
    return PagedResult(store.query(text), chosen)
