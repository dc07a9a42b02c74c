"""A throwaway Virtuoso server for the tests (``bench.virtuoso``), one per test session.

Import the fixture into a test module (``from virtuoso_fixtures import virtuoso``). It is skipped,
with the reason, only where Debian's ``virtuoso-t`` is not installed (``make virtuoso`` installs
it when apt-get and root are available); any other failure to start is an error, not a skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.virtuoso import ISQL, VIRTUOSO_T, Virtuoso, installed


@pytest.fixture(scope="session")
def virtuoso_load_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory the server may read files from (DirsAllowed), for bulk loads."""
    return tmp_path_factory.mktemp("virtuoso-load")


@pytest.fixture(scope="session")
def virtuoso(virtuoso_load_dir: Path) -> Iterator[Virtuoso]:
    """A started server (``.sparql_url``, ``.gsp_url``, ``.isql(sql)``), stopped at the end."""
    if not installed():
        pytest.skip(
            f"Virtuoso is not installed ({VIRTUOSO_T}, {ISQL}): `make virtuoso` installs "
            "Debian's virtuoso-opensource where apt-get and root are available"
        )
    with Virtuoso(load_dirs=[virtuoso_load_dir]) as server:
        yield server
