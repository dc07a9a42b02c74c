"""CSV that a spreadsheet opens as data, never as formulas (CSV injection).

Excel and LibreOffice read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and a leading tab or carriage return can hide one), so a unit name such as
``=HYPERLINK("http://…","点击")`` in a report would open as a live link in every export. Such a
cell is written with a leading apostrophe (``'=HYPERLINK(…)``), which both read as "this is
text" (OWASP's advice); so is printed text such as an indicator's ``=100%``. A number is left
alone: ``-12.50`` or ``+3`` in an amount column is a number, not a formula, and stays one; so
is a lone sign (``-``: a table's "none"; ``=``: an indicator's operator). Every CSV the project
writes goes through ``writer``: ``query --format csv``, ``export --format csv|indicators-csv``
and the findings view's download. (XLSX cells are typed instead: ``report.spreadsheet``.)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

# what a spreadsheet takes for the start of a formula (tab and CR: OWASP's list)
FORMULA_START = frozenset("=+-@\t\r")
# a plain number as a spreadsheet reads it: sign, digits (maybe grouped), fraction,
# exponent, percent — "-12.50", "+3", "-1,234.5", "1e-3", "-3.2%"
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet cannot run: text that would start a formula gets
    a leading apostrophe; numbers (and text that is a plain number) are left as they are."""
    if not isinstance(value, str) or not value:
        return value
    bare = value.strip(" ")  # "  =1+1": LibreOffice may trim spaces on import
    if value[0] not in FORMULA_START and bare[:1] not in FORMULA_START:
        return value
    if any(ch.isdigit() for ch in bare) and _NUMBER.fullmatch(bare):
        return value  # a number
    if not bare.strip("=+-@"):
        return value  # "-" (a table's "none"), "=" (an indicator's operator): no formula
    return "'" + value


class SafeWriter:
    """``csv.writer`` whose rows go through ``safe_cell``."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: IO[str], **options: Any) -> SafeWriter:
    """A CSV writer for a file someone may open in a spreadsheet (see the module's note)."""
    return SafeWriter(out, **options)
