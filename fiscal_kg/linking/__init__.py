"""Link budget units to the administrative division they serve, and to Wikidata.

- ``resolver``: a unit name (and its report's text) → one division, or why not;
- ``wikidata``: divisions' Wikidata items by P442;
- ``writer``: ``link_store`` resolves every unit of a store and writes the links and the
  divisions (with their Wikidata items) into their named graphs.
"""

from fiscal_kg.linking.resolver import (
    AMBIGUOUS,
    LINKED,
    UNRESOLVED,
    DivisionRef,
    Resolution,
    abbreviations,
    agency_suffixes,
    ethnic_groups,
    resolve,
    short_forms,
    split_agency,
    sub_area_words,
)
from fiscal_kg.linking.wikidata import lookup_wikidata
from fiscal_kg.linking.writer import LinkResult, link_store

__all__ = [
    "AMBIGUOUS", "LINKED", "UNRESOLVED", "DivisionRef", "LinkResult", "Resolution",
    "abbreviations", "agency_suffixes", "ethnic_groups", "link_store", "lookup_wikidata",
    "resolve", "short_forms", "split_agency", "sub_area_words",
]
