"""The findings view: each report's tables, findings and PDF crops as static HTML pages.

``fiscal-kg report`` writes them (``static.write_report``); the server mounts the same page
functions (``pages.index_page``, ``pages.document_page``) and resolves every minted IRI
with ``paths.page_path``.
"""

from fiscal_kg.report.paths import page_path

__all__ = ["page_path"]
