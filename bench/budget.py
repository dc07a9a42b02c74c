"""The time budget: measure what fits, project the rest from the smaller sizes.

``make bench`` must finish in 10 minutes: ``--budget`` seconds are shared out over the sizes; a
phase that, projected from the smaller sizes, would not fit is not run and its projection is
shown marked ``~``; extra runs stop when the next would not fit in the size's share.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.results import SizeResult

DEFAULT_BUDGET_S = 530.0  # `make bench` must finish in 10 minutes on a fresh clone, setup included
# (the PDF phase and the processes' start-up come on top: ≈ 30 s)
MIN_SHARE = 0.15  # of the time left, that a size's extra runs may take however small it is
SETUP_RESERVE_S = 20.0  # per size: writing its corpus, starting its process


def project(history: Sequence[dict], phase: str, size: int) -> float | None:
    """Seconds ``phase`` should take at ``size``, from its medians at the smaller sizes.

    Two sizes give the growth exponent (clamped to 1..2.5: never better than
    linear, so a projection errs on the slow side); one size scales linearly.
    """
    points = [(h["size"], h["phases"][phase]) for h in history if h["phases"].get(phase)]
    if not points:
        return None
    n2, t2 = points[-1]
    exponent = 1.0
    if len(points) >= 2:
        n1, t1 = points[-2]
        if n2 > n1 and t1 > 0:
            exponent = min(2.5, max(1.0, math.log(t2 / t1) / math.log(n2 / n1)))
    return t2 * (size / n2) ** exponent


@dataclass
class Clock:
    """The child's time: ``hard_s`` for its first run, ``share_s`` before another run starts."""

    hard_s: float
    share_s: float
    start: float = field(default_factory=time.perf_counter)

    def left(self) -> float:
        return self.hard_s - (time.perf_counter() - self.start)

    def another_run_fits(self, last_run_s: float) -> bool:
        return time.perf_counter() - self.start + last_run_s <= self.share_s


class Phases:
    """Runs (or, when its projection does not fit in the time left, skips) each timed phase."""

    def __init__(self, config: dict, result: SizeResult, clock: Clock) -> None:
        self.history, self.size = config["history"], config["size"]
        self.result, self.clock = result, clock

    def fits(self, phase: str, label: str) -> bool:
        guess = project(self.history, phase, self.size)
        if guess is None or guess <= self.clock.left():
            return True
        self.result.projected[phase] = guess
        self.result.notes.append(
            f"{label} not measured: projected {guess:,.1f} s, {max(0.0, self.clock.left()):,.0f} s "
            "of the time budget left"
        )
        return False


def time_shares(left: float, sizes: Sequence[int]) -> tuple[float, float]:
    """(hard, share) seconds for ``sizes[0]``, given ``left`` seconds for all of ``sizes``.

    hard: what its first run may take: all that is left but a little for each
    larger size's corpus, so a slow size is measured, and the larger ones
    projected from it, rather than no size measured; share: its part of
    ``left`` in proportion to its reports (at least ``MIN_SHARE``: small sizes
    are cheap, and their medians are what larger ones are projected from), the
    most its extra runs may take.
    """
    hard = max(0.0, left - SETUP_RESERVE_S * (len(sizes) - 1))
    share = left * max(sizes[0] / sum(sizes), MIN_SHARE)
    return hard, min(hard, share)


# -- the Virtuoso phase (bench.virtuoso_phase), inside the budget ----------------------------

VIRTUOSO_SHARE = 0.3  # of --budget kept for the Virtuoso phase until it runs (at 1,000
# reports ≈ 150 s of 530: extract --validate, server start, bulk load, each query cold and warm)
SERVER_START_S = 10.0  # a new Virtuoso database: a few seconds here
EXTRACT_PER_LOAD_VALIDATE = 1.0  # extract --validate ≈ `load --validate` (parse + shapes)
BULK_PER_LOAD = 0.5  # Virtuoso's bulk load ≈ 0.4 × the embedded load (20.6 s vs 54.1 s)
QUERY_FACTOR = 1.5  # the named queries on Virtuoso ≈ 1.25× the embedded ones in all (HTTP,
# JSON, rdflib terms; 17 s against 14 s at 1,000 reports)
COLD_EXTRA_S = 0.5  # a query's first run on Virtuoso: its plan compiled (up to 2 s; 20 s in all
# for the first runs at 1,000 reports)


def virtuoso_reserve(budget_s: float, size: int, virtuoso_size: int, sizes: Sequence[int],
                     installed: bool) -> float:
    """Seconds of the budget kept for the Virtuoso phase while ``size`` is measured: a share
    of it for the sizes up to the phase's own (it runs right after its size); none when it
    will not run."""
    if not installed or virtuoso_size not in sizes or size > virtuoso_size:
        return 0.0
    return budget_s * VIRTUOSO_SHARE


def virtuoso_clock(left_s: float, size: int, later_sizes: Sequence[int]) -> Clock:
    """The Virtuoso phase's time: all that is left after its size, but the larger sizes'
    part of it (in proportion to their reports, as ``time_shares`` shares it)."""
    hard = max(0.0, left_s - SETUP_RESERVE_S * len(later_sizes))
    if later_sizes:
        hard = min(hard, left_s * size / (size + sum(later_sizes)))
    return Clock(hard, hard)


def project_virtuoso(phases: dict[str, float]) -> dict[str, float]:
    """The Virtuoso phase's steps projected from the embedded phases' medians at the same size
    (``SizeResult.phase_medians``): "load" (extract --validate, server start, bulk load), "cold"
    (every query once, plans compiled) and "run" (every query once more)."""
    queries = [v for k, v in phases.items() if k.startswith("query:")]
    load = (EXTRACT_PER_LOAD_VALIDATE * phases.get("load-validate", phases.get("load", 0.0))
            + BULK_PER_LOAD * phases.get("load", 0.0) + SERVER_START_S)
    run = QUERY_FACTOR * sum(queries)
    return {"load": load, "cold": run + COLD_EXTRA_S * len(queries), "run": run}
