"""The old import path of ``fiscal_kg.queries`` (named queries, parameters, SPARQL text, result
formats), kept for scripts written against it; the application imports ``fiscal_kg.queries``."""

from fiscal_kg.queries import *  # noqa: F403
from fiscal_kg.queries import __all__  # noqa: F401
from fiscal_kg.queries.sparql_text import _IRIREF, _skip_string, _tokens  # noqa: F401
