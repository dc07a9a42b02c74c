"""The SPARQL 1.1 form of a named query whose LATERAL blocks only tell Oxigraph to evaluate a
part per solution (see docs/architecture.md, "Named queries at 1,000 reports").

Such a form is mechanical: a ``LATERAL { X }`` becomes ``X`` in the enclosing group (an
``OPTIONAL`` in it left-joins on what is bound there, a ``FILTER`` sees the parameters) and a
``LATERAL { SELECT … }`` the sub-query ``{ SELECT … }`` (joined; fiscal_kg.queries binds the
parameters into its WHERE group). It is generated into ``queries/portable/NAME.rq`` and
checked in, so that it can be read, copied to another store and reviewed like the other
queries; tests/test_portable_generated.py fails when a generated file is not what this module
makes of its LATERAL form. Portable forms that are not mechanical (a sub-query that must come first
for rdflib, a parameter filter moved to where a VALUES block reaches it, NOT EXISTS instead of
OPTIONAL + !BOUND) have no marker line and are kept by hand.

    python -m fiscal_kg.queries.portable           # write the generated forms (and missing ones)
    python -m fiscal_kg.queries.portable --check   # exit 1 naming each generated form that differs
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from fiscal_kg.queries import queries_dir, uses_lateral
from fiscal_kg.queries.sparql_text import _tokens

PORTABLE_DIR = "portable"
HEADER = "# SPARQL 1.1 form of ../{name}.rq: the same rows, for stores without LATERAL"
_COMMENT = re.compile(r"(^|\s)#")  # a comment, not the # of an IRI
MARKER = "# generated from ../{name}.rq by `python -m fiscal_kg.queries.portable`: edit that file"


def portable_form(text: str, name: str) -> str:
    """The mechanical SPARQL 1.1 form of the LATERAL query ``text`` (named ``name``)."""
    tokens = list(_tokens(text))
    closing = _matching_braces(tokens)
    cuts: list[tuple[int, int]] = []  # spans of text to drop
    for index, (token, at) in enumerate(tokens):
        if token.upper() != "LATERAL" or index + 1 >= len(tokens) or tokens[index + 1][0] != "{":
            continue
        brace_at = tokens[index + 1][1]
        if index + 2 < len(tokens) and tokens[index + 2][0].upper() == "SELECT":
            cuts.append((at, brace_at))  # LATERAL { SELECT … } → the sub-query { SELECT … }
            continue
        # LATERAL { X } → X, in the enclosing group: its OPTIONALs left-join and its FILTERs
        # see what is bound there, as inside LATERAL; a group { X } would hide the parameters
        cuts.append(_opening(text, at, brace_at + 1))
        cuts.append(_closing(text, tokens[closing[index + 1]][1]))
    out = text
    for start, end in sorted(cuts, reverse=True):
        out = out[:start] + out[end:]
    return _with_header("".join(map(_comment, out.splitlines(keepends=True))), name)


def _comment(line: str) -> str:
    """A comment's "LATERAL: why" as "in the LATERAL form: why" (the reason is that form's)."""
    start = _COMMENT.search(line)
    if start is None:
        return line
    at = start.end() - 1
    return line[:at] + line[at:].replace("LATERAL:", "in the LATERAL form:")


def _opening(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of ``LATERAL {``: with the spaces after it, or its whole line when nothing
    else is on it."""
    while end < len(text) and text[end] in " \t":
        end += 1
    line_start = text.rfind("\n", 0, start) + 1
    if end < len(text) and text[end] == "\n" and not text[line_start:start].strip():
        return line_start, end + 1
    return start, end


def _closing(text: str, at: int) -> tuple[int, int]:
    """The span of a closing ``}`` with the spaces before it."""
    start = at
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return start, at + 1


def _matching_braces(tokens: list[tuple[str, int]]) -> dict[int, int]:
    """Token index of each ``{`` → token index of its ``}``."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for index, (token, _) in enumerate(tokens):
        if token == "{":
            stack.append(index)
        elif token == "}" and stack:
            pairs[stack.pop()] = index
    return pairs


def _with_header(text: str, name: str) -> str:
    """The two lines that say what the file is, after the title, question and parameters."""
    lines = text.splitlines(keepends=True)
    at = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        if stripped.startswith(("# title:", "# question:", "# param ")):
            at = index + 1
    added = [HEADER.format(name=name) + "\n", MARKER.format(name=name) + "\n"]
    return "".join(lines[:at] + added + lines[at:])


def is_generated(portable_text: str, name: str) -> bool:
    return MARKER.format(name=name) in portable_text


def generated_forms(directory: Path | None = None) -> dict[Path, str]:
    """Each portable file that is generated (or missing for a LATERAL query) → its text."""
    directory = directory or queries_dir()
    out = {}
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if not uses_lateral(text):
            continue
        target = directory / PORTABLE_DIR / path.name
        if target.is_file() and not is_generated(target.read_text(encoding="utf-8"), path.stem):
            continue  # kept by hand: not mechanical
        out[target] = portable_form(text, path.stem)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fiscal_kg.queries.portable", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 on a difference")
    args = ap.parse_args(argv)
    differ = []
    for path, text in generated_forms().items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        differ.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "differs from its LATERAL form" if args.check else "written"
    for path in differ:
        print(f"{path}: {verb}", file=sys.stderr)
    return 1 if args.check and differ else 0


if __name__ == "__main__":
    sys.exit(main())
