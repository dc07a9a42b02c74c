"""Synthetic reports from the bundled samples, with planted errors.

Two levels: ``generate`` (model objects, for tests of the validator on graphs) and
``write_corpus`` (report text files, for the bench and tests through the loaders).
"""

from bench.synthetic.corpus import Corpus, CorpusFile, write_corpus
from bench.synthetic.model import Planted, SyntheticReport, generate, sample_paths, synthesize
from bench.synthetic.planting import KINDS, RULE_OF

__all__ = [
    "KINDS", "RULE_OF", "Corpus", "CorpusFile", "Planted", "SyntheticReport", "generate",
    "sample_paths", "synthesize", "write_corpus",
]
