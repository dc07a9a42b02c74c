"""``make bench`` (``python -m bench``): load, validate and query a synthetic corpus.

For each size (default 10, 100 and 1,000 reports) the bench writes a synthetic corpus of report
text files (``corpus``: the samples re-issued for other units and years, amounts scaled, errors
planted at known lines), then, in a fresh Python process per size (``measure``), repeats
``--runs`` times on a new on-disk store: load with ``fiscal_kg.ingest.load_paths``, link units,
validate with ``fiscal_kg.validation.validate`` and check that it found exactly the planted
errors (``check``), and time every named query (``phases``). At the pyshacl size (default 10)
the reference validator runs on the same reports. Medians, growth 100 → 1,000, peak RSS and the
targets of issue 8 go to stdout and, as Markdown and JSON, to ``--out`` (``render``,
``targets``). ``--budget`` keeps it within 10 minutes (``budget``).

Modules: corpus, check, measure, phases, rss, budget, results, figures, targets, render, run;
``synthetic`` (the synthetic reports and corpus); ``pdf`` (the PDF phase);
``virtuoso_phase`` (at ``--virtuoso-size`` reports: shards, Virtuoso's bulk load, every named
query on the server; ``python -m bench.virtuoso_phase`` runs it alone beside an embedded
store); the measuring scripts ``measure_queries`` and ``measure_store`` (``python -m
bench.measure_queries …``).
Not shipped in the wheel: run from a checkout (``make bench``).
"""

from bench.run import build_parser, main

__all__ = ["build_parser", "main"]
