"""The findings view: each report's tables, findings and PDF crops as static HTML pages.

``fiscal-kg report`` writes them (``static.write_report``); a server answers the same pages
with ``live.view`` (a request path → a response) and resolves every minted IRI with
``live.resolve_iri`` (303 to ``paths.page_path``, or Turtle).
"""

from fiscal_kg.report.paths import page_path

__all__ = ["page_path"]
