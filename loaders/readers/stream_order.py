"""Which column each amount of a full stream row is in, when the header's order is not sure.

A cell stream keeps the order of a row's amounts (they share a text line) and of header
labels printed on one line, but a label wrapped over two lines starts higher on the page
and the text tool moves it ahead ("事业单位" / "经营收入" before "事业收入"). The total
column comes first (as every template prints it); the single-line labels keep their order;
a wrapped label may stand anywhere among them. Every such order whose column sums hold
(a column is the sum of the columns ``columns.ttl`` puts under it) is a possible reading;
an amount is placed only in a column that gets the same value in every one of them.
"""

from __future__ import annotations

from decimal import Decimal

from loaders.numbers import parse_amount
from loaders.readers.stream_tokens import Token
from loaders.tables import lookup, placement

_MAX_ORDERS = 5_000


def part_orders(columns: list[Token]) -> list[tuple[int, ...]] | None:
    """Left-to-right orders of the columns after the total the header allows (None: too
    many to try)."""
    parts = range(1, len(columns))
    orders = [tuple(c for c in parts if not columns[c].wrapped)]
    for c in (c for c in parts if columns[c].wrapped):
        orders = [(*o[:i], c, *o[i:]) for o in orders for i in range(len(o) + 1)]
        if len(orders) > _MAX_ORDERS:
            return None
    return orders


def _parts(columns: list[Token]) -> list[tuple[int, list[int]]]:
    """Each column with parts among the printed columns, and those parts (the columns whose
    nearest printed broader column it is), the total first."""
    keys = [t.column or "" for t in columns]
    out = []
    for p, parent in enumerate(keys):
        kids = [c for c, k in enumerate(keys) if c != p
                and next((a for a in lookup.ancestors("columns", k) if a in keys), None) == parent]
        if kids:
            out.append((p, kids))
    return out


def _sums_hold(values: dict[int, Token], columns: list[Token]) -> bool:
    """Each column with parts among the printed columns is their sum."""
    for p, kids in _parts(columns):
        texts = [values[c].text for c in (p, *kids)]
        got = sum((parse_amount(values[c].text) or Decimal(0) for c in kids), Decimal(0))
        want = parse_amount(values[p].text) or Decimal(0)
        if abs(got - want) > placement.half_unit(texts) * (len(kids) + 1):
            return False
    return True


def certain_cells(amounts: list[Token], columns: list[Token]) -> dict[int, Token] | None:
    """Column → amount for the columns every possible reading agrees on; None when no
    reading adds up (the amounts are not this row's, or not all of them)."""
    orders = part_orders(columns)
    if orders is None or len(amounts) != len(columns):
        return {}
    readings = []
    for order in orders:
        values = {0: amounts[0], **{c: amounts[k] for k, c in enumerate(order, start=1)}}
        if _sums_hold(values, columns):
            readings.append(values)
    if not readings:
        return None
    out: dict[int, Token] = {}
    for c in range(len(columns)):
        texts = {parse_amount(r[c].text) for r in readings}
        if len(texts) == 1:
            out[c] = readings[0][c]
    for p, kids in _parts(columns):
        # A column with only some of its parts placed would read as a row that does not
        # add up: its parts stay unplaced (named in the warning) unless all are certain.
        if p in out and not all(k in out for k in kids):
            for k in kids:
                out.pop(k, None)
    return out
