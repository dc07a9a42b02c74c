"""``fiscal-kg review FINDING --verdict confirmed|false-alarm --note …``: a reviewer's mark.

A review is RDF in its own graph (``graph/reviews``): ``fkg:reviewOf`` the finding, a
``fkg:verdict`` concept, ``fkg:reviewNote``, ``fkg:reviewedAt``. Validation rewrites only the
validation graph, and a finding's IRI is a digest of what it says, so a mark stays attached
while the finding stays the same; the latest mark of a finding is the one in force.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox

from fiscal_kg.store import Store

REVIEWS_GRAPH = "https://w3id.org/fiscal-kg/graph/reviews"
VALIDATION_GRAPH = "https://w3id.org/fiscal-kg/graph/validation"
RESULT = "https://w3id.org/fiscal-kg/id/validation/report/result/"
REVIEW = "https://w3id.org/fiscal-kg/id/review/"
VERDICT = "https://w3id.org/fiscal-kg/code/review-verdicts/"
VERDICTS = ("confirmed", "false-alarm")
FKG = "https://w3id.org/fiscal-kg/def#"


class ReviewError(ValueError):
    """A finding or verdict that cannot be marked (the message is for the user)."""


def finding_iri(store: Store, name: str) -> str:
    """The finding named by its IRI, ``id:validation/report/result/…`` or its digest."""
    digest = name.rsplit("/", 1)[-1].strip()
    if not digest or not all(c in "0123456789abcdef" for c in digest):
        raise ReviewError(f"not a finding: {name!r} (give its IRI or digest, as "
                          "`fiscal-kg query validation-findings` shows them)")
    iri = RESULT + digest
    ask = (f"ASK {{ GRAPH <{VALIDATION_GRAPH}> {{ <{iri}> a "
           "<http://www.w3.org/ns/shacl#ValidationResult> } }")
    if not store.query(ask).boolean:
        raise ReviewError(f"no finding {digest} in the store's validation report")
    return iri


def add_review(store: Store, finding: str, verdict: str, note: str = "",
               when: datetime | None = None) -> str:
    """Mark ``finding`` (an IRI in the validation graph); returns the review's IRI."""
    if verdict not in VERDICTS:
        raise ReviewError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    when = when or datetime.now(UTC)
    stamp = when.strftime("%Y%m%dT%H%M%S%fZ")  # to the microsecond: two marks, two reviews
    review = ox.NamedNode(f"{REVIEW}{finding.rsplit('/', 1)[-1]}/{stamp}")
    time = ox.Literal(when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                      datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    triples = [
        (review, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         ox.NamedNode(FKG + "Review")),
        (review, ox.NamedNode(FKG + "reviewOf"), ox.NamedNode(finding)),
        (review, ox.NamedNode(FKG + "verdict"), ox.NamedNode(VERDICT + verdict)),
        (review, ox.NamedNode(FKG + "reviewedAt"), time),
    ]
    if note:
        triples.append((review, ox.NamedNode(FKG + "reviewNote"), ox.Literal(note)))
    body = " ".join(f"{s} {p} {o} ." for s, p, o in triples)  # N-Triples: escaped by pyoxigraph
    store.update(f"INSERT DATA {{ GRAPH <{REVIEWS_GRAPH}> {{ {body} }} }}")
    return review.value
