"""Figures the table shows, from a size's results: medians, or what stands in for them."""

from __future__ import annotations

from collections.abc import Sequence

from bench.results import SizeResult


def phase_s(r: SizeResult, phase: str) -> tuple[float | None, str]:
    """Median seconds of ``phase`` (mark ""), else the time after which it was stopped (">":
    a lower bound), else its projection ("~")."""
    measured = r.phase_medians().get(phase)
    if measured is not None:
        return measured, ""
    if phase in r.stopped:
        return r.stopped[phase], ">"
    if phase in r.projected:
        return r.projected[phase], "~"
    return None, ""


def validation_in_load(r: SizeResult) -> tuple[float | None, str]:
    """What validating in the loading workers adds to the load, in ms per report."""
    load, load_p = phase_s(r, "load")
    both, both_p = phase_s(r, "load-validate")
    if load is None or both is None:
        return None, ""
    return 1000 * (both - load) / r.size, load_p or both_p



def show(value: float | None, mark: str = "", digits: int = 1) -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.{digits}f}"
    return {"~": f"~{text} (projected)", ">": f">{text} (stopped)"}.get(mark, text)


def ratio(a: tuple[float | None, str], b: tuple[float | None, str]) -> str:
    if a[0] is None or b[0] is None or a[0] <= 0:
        return "n/a"
    return f"{'~' if a[1] or b[1] else ''}×{b[0] / a[0]:.1f}"


def query_names(r: SizeResult) -> set[str]:
    marked = {p for p in (*r.projected, *r.stopped) if p.startswith("query:")}
    return {p[len("query:") :] for p in marked} | set(r.query_ms)


def slowest_query(r: SizeResult) -> tuple[str | None, float | None, str]:
    """(name, ms, mark) of the slowest query, measured, stopped or projected."""
    best: tuple[str | None, float | None, str] = (None, None, "")
    for name in query_names(r):
        seconds, mark = phase_s(r, f"query:{name}")
        if seconds is not None and (best[1] is None or seconds * 1000 > best[1]):
            best = (name, seconds * 1000, mark)
    return best



def growth_pair(results: Sequence[SizeResult]) -> tuple[SizeResult, SizeResult] | None:
    """The 100 → 1,000 pair when both ran, else the two largest sizes."""
    by_size = {r.size: r for r in results}
    if 100 in by_size and 1000 in by_size:
        return by_size[100], by_size[1000]
    ordered = sorted(results, key=lambda r: r.size)
    return (ordered[-2], ordered[-1]) if len(ordered) >= 2 else None
