"""What the bench measured: plain data that travels between processes as JSON."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from bench.check import Check, PlantedCheck


@dataclass
class SizeResult:
    size: int
    runs: int
    generate_s: float = 0.0
    triples: int = 0
    load_s: list[float] = field(default_factory=list)
    load_validate_s: list[float] = field(default_factory=list)  # `fiscal-kg load --validate`
    validate_s: list[float] = field(default_factory=list)  # `fiscal-kg validate` of a stored corpus
    link_s: list[float] = field(default_factory=list)
    query_ms: dict[str, list[float]] = field(default_factory=dict)  # all reports
    unit_query_ms: dict[str, list[float]] = field(default_factory=dict)  # given one `unit`
    query_unit: str = ""  # that unit
    scan_ms: list[float] = field(default_factory=list)  # a full scan per query process
    query_rows: dict[str, int] = field(default_factory=dict)  # rows of the answer timed
    query_pages: dict[str, int] = field(default_factory=dict)  # pages of reports (0: no pages)
    # a listing's whole answer (every report, `query --all`), once: what the pages divide
    whole_ms: dict[str, float] = field(default_factory=dict)
    whole_rows: dict[str, int] = field(default_factory=dict)
    skipped_queries: dict[str, str] = field(default_factory=dict)
    writer_rss_mb: float = 0.0  # peak of the process loading the store
    validate_rss_mb: float = 0.0  # peak of the re-validation process and the ones it starts
    query_rss_mb: float = 0.0  # peak of the query processes (not in the RSS target)
    worker_rss_mb: list[float] = field(default_factory=list)  # peak of each loading subprocess
    failed_reports: list[str] = field(default_factory=list)
    planted: PlantedCheck = field(default_factory=PlantedCheck)  # of `fiscal-kg validate`
    planted_in_load: PlantedCheck = field(default_factory=PlantedCheck)  # of `load --validate`
    fast_findings: list[str] = field(default_factory=list)  # kept for the pyshacl comparison
    pyshacl_s: list[float] = field(default_factory=list)
    fast_s: list[float] = field(default_factory=list)  # the fast path as pyshacl runs: in memory
    pyshacl: Check = field(default_factory=Check)
    plain_pyshacl_s: float | None = None  # plain pyshacl (rdflib's engine), one run
    plain_pyshacl_stopped: bool = False  # True: stopped after plain_pyshacl_s (a lower bound)
    plain_pyshacl: Check = field(default_factory=Check)  # its findings, when it finished
    plain_reports: int = 0  # the reports plain pyshacl ran on (the first of the size's)
    plain_fast_s: float | None = None  # the fast path on those reports (median), its yardstick
    projected: dict[str, float] = field(default_factory=dict)  # seconds, phases not measured
    stopped: dict[str, float] = field(default_factory=dict)  # seconds after which it was stopped
    corpus: dict[str, object] = field(default_factory=dict)  # factors, calibration notes
    store_mb: float = 0.0  # the loaded embedded store on disk (last run)
    virtuoso: dict = field(default_factory=dict)  # bench.virtuoso_phase's figures at this size
    notes: list[str] = field(default_factory=list)

    def phase_medians(self) -> dict[str, float]:
        """Median seconds of each phase ("load", "validate", "link", "query:NAME")."""
        out = {"load": median(self.load_s), "validate": median(self.validate_s),
               "load-validate": median(self.load_validate_s)}
        out["link"] = median(self.link_s)
        out.update({f"query:{n}": ms / 1000 for n, ms in self.query_medians().items()})
        return {k: v for k, v in out.items() if v is not None}

    @property
    def validate_median(self) -> float | None:
        return median(self.validate_s)

    @property
    def pyshacl_median(self) -> float | None:
        return median(self.pyshacl_s)

    @property
    def fast_median(self) -> float | None:
        return median(self.fast_s)

    def query_medians(self) -> dict[str, float]:
        return medians(self.query_ms)

    def unit_query_medians(self) -> dict[str, float]:
        return medians(self.unit_query_ms)

    @property
    def peak_rss_mb(self) -> float:
        """Loading and validating as `fiscal-kg load --validate` does: the writer and its
        loading subprocesses, all alive at once. An upper bound: the writer's peak is over both
        loads, they need not peak together, and forked processes' shared pages count in each."""
        return self.writer_rss_mb + sum(self.worker_rss_mb)

    @property
    def measured_rss_mb(self) -> float | None:
        return self.peak_rss_mb if self.runs else None  # no run: nothing loaded, nothing to say

    @classmethod
    def from_json(cls, data: dict) -> SizeResult:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}  # an older run's fields dropped
        data["planted"] = PlantedCheck(**data.get("planted", {}))
        data["planted_in_load"] = PlantedCheck(**data.get("planted_in_load", {}))
        data["pyshacl"] = Check(**data.get("pyshacl", {}))
        data["plain_pyshacl"] = Check(**data.get("plain_pyshacl", {}))
        return cls(**data)


@dataclass
class Bench:
    machine: dict[str, str]
    results: list[SizeResult]
    options: dict[str, object]
    seconds: float = 0.0


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def medians(runs: dict[str, list[float]]) -> dict[str, float]:
    """Median of each name's runs (names without a run left out)."""
    return {name: statistics.median(v) for name, v in runs.items() if v}
