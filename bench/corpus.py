"""A size's corpus: written by ``bench.synthetic.write_corpus``, with what it must yield.

The files are the samples re-issued for other units and years with their amounts scaled (the
identities still hold) and errors planted at known lines; the corpus records, per file, its
document, sample, factor, planted (rule, line) and the sample's own findings. ``check.py``
compares the validator's findings with that.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.synthetic import Corpus, write_corpus

ERRORS_PER_REPORT = 2


def write(size: int, directory: Path, seed: int) -> tuple[Corpus, dict[str, object]]:
    """Write ``size`` report files into ``directory``: the corpus, and what the table says of it."""
    corpus = write_corpus(size, directory, seed=seed, errors=ERRORS_PER_REPORT)
    by_factor = Counter(f.factor for f in corpus.files)
    info: dict[str, object] = {
        "reports": len(corpus.files),
        "planted": corpus.planted,
        "own": sum(len(f.own) for f in corpus.files),
        "factors": corpus.factors,
        "reports_by_factor": {str(k): by_factor[k] for k in sorted(by_factor)},
        # reports whose sample can only be re-issued unscaled (see the notes for why)
        "unscalable": sum(1 for f in corpus.files if corpus.factors[f.source] == [1]),
        "notes": corpus.notes,
    }
    return corpus, info
