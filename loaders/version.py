"""What made a report's graph: a digest of the loader code and the ontology and code lists.

Stored with each report (``fkg:loaderVersion`` on its source file), so that ``fiscal-kg load``
can skip a file whose graph is already in the store, made from the same bytes by the same code,
and reload it as soon as either changes.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from loaders.resources import resource_dir

_LOADERS = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def loader_version() -> str:
    digest = hashlib.sha256()
    ontology = resource_dir("ontology")
    files = [(f"loaders/{p.relative_to(_LOADERS)}", p) for p in _LOADERS.rglob("*.py")]
    files += [(f"ontology/{p.relative_to(ontology)}", p) for p in ontology.rglob("*.ttl")]
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
