"""Cell kinds of a grid that are not amounts: classification codes and column-numbering rows.

What an amount cell prints is parsed by ``loaders.numbers.parse_amount``.
"""

from __future__ import annotations

from loaders.text import nfkc

_MARKERS = frozenset({"※", "*", "★", "☆", "#"})
_INDEX_WORDS = frozenset({"栏次", "行次", "序号", "编号"})


def is_code_digits(text: str) -> bool:
    """Digits only, as classification and unit codes print ("208", "01", "316002")."""
    s = text.replace(" ", "")
    return s.isdigit() and len(s) <= 12


def is_numbering_row(texts: list[str]) -> bool:
    """A column-numbering row ("※ ※ 1 2 3", "栏次 1 2 3"), not data.

    Its integers are column numbers, so none of them is an amount.
    """
    cells = [nfkc(t) for t in texts if t.strip()]
    if len(cells) < 2:
        return False
    markers = [c for c in cells if c in _MARKERS or c in _INDEX_WORDS]
    numbers = [c for c in cells if c not in _MARKERS and c not in _INDEX_WORDS]
    if not all(n.isdigit() for n in numbers):
        return False
    ints = [int(n) for n in numbers]
    consecutive = bool(ints) and ints == list(range(ints[0], ints[0] + len(ints)))
    if markers:
        return consecutive or not ints
    return len(ints) >= 3 and consecutive and ints[0] in (0, 1)
