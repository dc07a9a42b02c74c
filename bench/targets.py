"""The targets of issue 8, and whether the measured (or projected) figures meet them."""

from __future__ import annotations

from collections.abc import Sequence

from bench.figures import growth_pair, phase_s, slowest_query, validation_in_load
from bench.results import SizeResult, median

TARGET_REPORTS_PER_S = 50.0
TARGET_VALIDATE_MS = 50.0  # per report, median, at the largest size
TARGET_SPEEDUP = 100.0  # fast path vs pyshacl on the same reports
TARGET_QUERY_MS = 300.0  # every named query over all reports, at the largest size (issue 18)
TARGET_UNIT_QUERY_MS = 100.0  # every named query given one unit
TARGET_SCAN_SHARE = 0.10  # every named query, of one full scan timed in the same process
TARGET_RSS_MB = 1024.0
TARGET_GROWTH = 12.0  # time growth from 100 to 1,000 reports (10x the reports)

def targets(results: Sequence[SizeResult], largest: SizeResult) -> list[tuple[str, str, str]]:
    """(target, measured, MET / MISSED / n/a) for each target of issue 8; ~ = projected."""
    out: list[tuple[str, str, str]] = []

    def check(name: str, figure: tuple[float | None, str], limit: float, unit: str) -> None:
        """``name`` reads "<what> ≥|≤ <limit> ...": its comparison is the second word."""
        value, mark = figure
        if value is None:
            out.append((name, "n/a", "n/a"))
            return
        met = value >= limit if name.split(" ")[1] == "≥" else value <= limit
        status = ("MET" if met else "MISSED") + {"~": " (projected)", ">": " (stopped)"}.get(
            mark, ""
        )
        out.append((name, f"{mark}{value:,.1f}{unit}", status))

    n = largest.size
    load, load_p = phase_s(largest, "load")
    val, val_p = phase_s(largest, "validate")
    in_load, in_load_p = validation_in_load(largest)
    check(
        f"load ≥ {TARGET_REPORTS_PER_S:.0f} reports/s at {n}",
        (n / load if load else None, load_p),
        TARGET_REPORTS_PER_S,
        " reports/s",
    )
    check(
        f"validation in load ≤ {TARGET_VALIDATE_MS:.0f} ms/report at {n}",
        (in_load, in_load_p),
        TARGET_VALIDATE_MS,
        " ms",
    )
    check(
        f"re-validate ≤ {TARGET_VALIDATE_MS:.0f} ms/report at {n}",
        (1000 * val / n if val is not None else None, val_p),
        TARGET_VALIDATE_MS,
        " ms",
    )
    shacl = next((r for r in results if r.pyshacl_s or r.plain_pyshacl_s), None)
    fast = shacl and (shacl.fast_median or shacl.validate_median)
    plain = shacl.plain_pyshacl_s if shacl else None
    if shacl and fast and plain and shacl.plain_fast_s:
        speed = plain / shacl.plain_fast_s  # on the reports plain pyshacl ran on
        if not shacl.plain_pyshacl_stopped:
            check(f"fast-path ≥ {TARGET_SPEEDUP:.0f}× pyshacl", (speed, ""), TARGET_SPEEDUP, "×")
        else:  # pyshacl was stopped: the speed-up is at least this
            name = f"fast-path ≥ {TARGET_SPEEDUP:.0f}× pyshacl"
            status = "MET (lower bound)" if speed >= TARGET_SPEEDUP else "n/a (stopped too soon)"
            out.append((name, f"≥{speed:,.1f}× (pyshacl stopped at {plain:,.0f} s)", status))
    else:
        check(f"fast-path ≥ {TARGET_SPEEDUP:.0f}× pyshacl", (None, ""), TARGET_SPEEDUP, "×")
    if shacl and fast and shacl.pyshacl_median:
        out.append(("fast-path vs pyshacl with Oxigraph as its SPARQL engine (context)",
                    f"{shacl.pyshacl_median / fast:,.1f}×", "-"))
    if shacl:
        status = "MET" if shacl.pyshacl.ok else "MISSED"
        out.append(("same findings as pyshacl", shacl.pyshacl.status, status))
    _, query_ms, query_p = slowest_query(largest)
    check(
        f"queries ≤ {TARGET_QUERY_MS:.0f} ms each at {n}",
        (query_ms, query_p),
        TARGET_QUERY_MS,
        " ms",
    )
    unit_ms = largest.unit_query_medians()
    check(
        f"queries ≤ {TARGET_UNIT_QUERY_MS:.0f} ms each at {n}, given one unit",
        (max(unit_ms.values()) if unit_ms else None, ""),
        TARGET_UNIT_QUERY_MS,
        " ms",
    )
    scan = median(largest.scan_ms)
    check(
        f"queries ≤ {TARGET_SCAN_SHARE:.0%} of a full scan each at {n}",
        (100 * query_ms / scan if scan and query_ms is not None else None, query_p),
        100 * TARGET_SCAN_SHARE,
        " %",
    )
    check(
        f"RSS ≤ {TARGET_RSS_MB:.0f} MB at {n} (load --validate)",
        (largest.measured_rss_mb, ""),
        TARGET_RSS_MB,
        " MB",
    )
    check(
        f"RSS ≤ {TARGET_RSS_MB:.0f} MB at {n} (re-validate)",
        (largest.validate_rss_mb or None, ""),
        TARGET_RSS_MB,
        " MB",
    )
    if pair := growth_pair(results):
        small, large = pair
        for label in ("load", "load-validate", "validate"):
            a, b = phase_s(small, label), phase_s(large, label)
            grow = b[0] / a[0] if a[0] and b[0] is not None else None
            check(
                f"{label} ≤ ×{TARGET_GROWTH:.0f} time from {small.size} to {large.size}",
                (grow, a[1] or b[1]),
                TARGET_GROWTH,
                "×",
            )
    checks = [c for r in results for c in (r.planted, r.planted_in_load)]
    ran = [c for c in checks if c.ran]
    planted_ok = "n/a" if not ran else "MET" if all(c.ok for c in ran) else "MISSED"
    statuses = ", ".join(f"{r.size}: load --validate {r.planted_in_load.status}, validate "
                         f"{r.planted.status}" for r in results)
    out.append(("validation finds exactly the planted errors", statuses, planted_ok))
    return out
