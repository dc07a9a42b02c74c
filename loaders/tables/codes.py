"""Classification codes of table rows.

Codes come printed in many shapes: split 类/款/项 columns ("208 | 01 | 04"),
one 7-digit column, class and 款 plus the full economic code in a third
column ("301 | 03 | 3010301"), a unit-code column beside them (316002),
digits broken over two lines ("20" over "8"), a class printed only on the
first row of its group, or no code at all on 类/款 group rows (the code is
then the prefix of the coded rows below, checked against the
function-classification labels).
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.tables import lookup
from loaders.text import label_key

_LEVELS = (3, 5, 7)  # 类, 款, 项 (also economic 类/款 and 7-digit sub-items)


@dataclass
class CodeCell:
    position: int  # 0 for the first code column of the row, 1 for the next, …
    digits: str
    unit_column: bool  # the header names a unit code (单位代码/单位编码)


def digits_of(text: str) -> str:
    s = text.replace(" ", "")
    return s if s.isdigit() else ""


def assemble(cells: list[CodeCell], previous: str | None) -> tuple[str | None, str | None]:
    """(classification code, unit code) of one row's code cells."""
    chain = ""
    unit: str | None = None
    for cell in cells:
        d = cell.digits
        if not d or (chain and chain.startswith(d)):
            continue  # empty, or a part already in the code (301 | 01 | 30101)
        if chain and d.startswith(chain):
            chain = d  # the full code printed after its parts
        elif chain and len(chain) in (3, 5) and len(d) in (1, 2) and not cell.unit_column:
            chain += d.zfill(2)  # a 款/项 printed without its leading zero ("301 | 2")
        elif not chain and len(d) in _LEVELS and not (cell.unit_column and len(d) == 6):
            chain = d
        elif not chain and len(d) == 2 and previous and cell.position in (1, 2):
            # Class (and 款) printed once for the group: inherit them.
            keep = 3 if cell.position == 1 else 5
            if len(previous) >= keep:
                chain = previous[:keep] + d
        elif len(d) not in _LEVELS or cell.unit_column or chain:
            unit = unit or d
    return (chain or None), unit


def complete_truncated(parts: list[list[str]]) -> None:
    """Complete class cells cut short by the extraction ("20" for "208").

    A class cell with fewer than 3 digits takes the digits of the nearest
    class cell in the same table that starts with it, following rows first.
    Modifies ``parts`` (one list of code-cell digits per row) in place.
    """
    classes = [p[0] if p else "" for p in parts]
    for r, cls in enumerate(classes):
        if not cls or len(cls) >= 3:
            continue
        order = list(range(r + 1, len(classes))) + list(range(r - 1, -1, -1))
        for k in order:
            other = classes[k]
            if len(other) == 3 and other.startswith(cls):
                parts[r][0] = other
                break


def label_matches(code: str, label: str) -> bool:
    return label_key(label) in lookup.code_labels("function", code)


def infer_group_codes(
    labels: list[str], codes: list[str | None], candidates: list[bool]
) -> list[tuple[int, str, str]]:
    """Codes of group rows that print only a name ("教育支出", "普通教育").

    A run of such rows stands above the first coded row after it; their
    codes are prefixes of that row's code. When the function code list
    knows the prefixes, the row whose name is a prefix's label gets it (so
    a 项-level group row over its projects works too). Without the list,
    the run takes the deepest levels shorter than the coded row, except
    that a class not seen yet comes first. Returns (row, code, how).
    """
    out: list[tuple[int, str, str]] = []
    known = lookup.has_labels("function")
    open_class = ""
    r, n = 0, len(codes)
    while r < n:
        if codes[r]:
            open_class = codes[r][:3]
            r += 1
            continue
        if not candidates[r]:
            r += 1
            continue
        run = [r]
        k = r + 1
        while k < n and not codes[k] and candidates[k]:
            run.append(k)
            k += 1
        nxt = codes[k] if k < n else None
        if nxt:
            assigned = _assign_run(run, labels, nxt, open_class, known)
            out.extend(assigned)
            open_class = next((c for _, c, _ in assigned if len(c) == 3), open_class)
        else:
            for row in run:
                found = [c for c in lookup.function_codes_by_name(labels[row]) if c.isdigit()]
                if len(found) == 1:
                    out.append((row, found[0], "label"))
        r = k
    return out


def _assign_run(run: list[int], labels: list[str], nxt: str, open_class: str,
                known: bool) -> list[tuple[int, str, str]]:
    prefixes = [nxt[:w] for w in _LEVELS if w <= len(nxt)]
    if known:
        out = []
        for row in run:
            hit = [p for p in prefixes if label_matches(p, labels[row])]
            if hit:
                out.append((row, hit[0], "label"))
        return out
    shorter = [p for p in prefixes if len(p) < len(nxt)]
    if not shorter:
        return []
    if len(run) >= len(shorter) or nxt[:3] != open_class:
        chosen = shorter[: len(run)]
    else:
        chosen = shorter[-len(run):]
    return [(row, code, "position") for row, code in zip(run, chosen, strict=False)]
