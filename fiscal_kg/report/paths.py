"""Where each IRI the data mints (``https://w3id.org/fiscal-kg/id/…``) has its page.

Pure functions of the IRI, so a static folder and a live server agree: a report is one page,
the things in it (cells, claims, tables, sections …) are anchors on that page, a unit and a
finding (whose IRI does not name its report) have small pages of their own.
"""

from __future__ import annotations

ID = "https://w3id.org/fiscal-kg/id/"
DOC_PARTS = 5  # doc/{unit hash}/{year}/{scope}/{kind}
RESULT_PREFIX = "validation/report/result/"
REVIEW_PREFIX = "review/"


class NotMintedError(ValueError):
    """An IRI outside https://w3id.org/fiscal-kg/id/ (the message is for the user)."""


def page_path(iri: str) -> str:
    """The page of a minted IRI, relative to the report folder, with its ``#anchor`` if any.

    >>> page_path("https://w3id.org/fiscal-kg/id/doc/afbc89d0428c/2022/unstated/budget/cell/218-5")
    'doc/afbc89d0428c/2022/unstated/budget.html#cell-218-5'
    """
    if not iri.startswith(ID):
        raise NotMintedError(f"not an IRI minted by fiscal-kg (no {ID} prefix): {iri}")
    local = iri[len(ID):].strip("/")
    parts = local.split("/")
    if parts[0] == "doc" and len(parts) >= DOC_PARTS:
        page = "/".join(parts[:DOC_PARTS]) + ".html"
        rest = parts[DOC_PARTS:]
        return f"{page}#{anchor_id(rest)}" if rest else page
    if parts[0] == "unit" and len(parts) == 2:
        return f"unit/{parts[1]}.html"
    if local.startswith(RESULT_PREFIX):
        return f"finding/{local[len(RESULT_PREFIX):]}.html"
    if local.startswith(REVIEW_PREFIX):  # review/{result digest}/{time}: the finding's page
        return f"finding/{local[len(REVIEW_PREFIX):].split('/')[0]}.html"
    return "index.html"  # the validation report itself, and anything not paged on its own


def anchor_id(rest: list[str]) -> str:
    """An HTML id for a thing inside a report: ``cell/218-5`` → ``cell-218-5``."""
    return "-".join(rest).replace(".", "_")


def local_anchor(iri: str) -> str | None:
    """The ``#anchor`` part of an IRI's page, or None when it has its own page."""
    try:
        path = page_path(iri)
    except NotMintedError:
        return None
    return path.partition("#")[2] or None


def relative(from_page: str, to_path: str) -> str:
    """A link from one page of the folder to another (both relative to the folder)."""
    depth = from_page.count("/")
    return "../" * depth + to_path
