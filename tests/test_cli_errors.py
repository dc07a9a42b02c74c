"""Issue 14 point 5: every command answers bad input with one line on stderr and a non-zero exit,
never a traceback and never a clean-looking result.

Each command gets a PDF-as-text (a .txt holding PDF bytes), an empty file, a missing path, a
folder (with no report in it) and a binary, where it takes a path: the report files of ``load``
and ``validate FILE``, the ``.rq`` file of ``query``, the report named by ``where-from``, the
``--store`` of the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fiscal_kg.cli import main

INPUTS = ("pdf", "empty", "missing", "folder", "binary")
NO_REPORT = ("fiscal-kg query: no report '{name}' in the store (5 report(s) there); name one by "
             "its IRI, its id:doc/… form or its file name (`fiscal-kg query documents` lists them)")
NOT_A_STORE = "fiscal-kg: {path} is a file, not a store folder"
NO_STORE = ("fiscal-kg: no store at {path} (create one with fiscal-kg load --store {path} "
            "REPORT…)")
# the one line each input gives, per kind of place it was given to
REPORT_ERRORS = {
    "pdf": "{path}: truncated or damaged PDF (no %%EOF at the end of the file); download it again",
    "empty": "{path}: empty: the file holds no text (expected the text of a report)",
    "missing": "{path}: cannot read file: No such file or directory",
    "binary": "{path}: binary: contains NUL bytes",
}
STORE_ERRORS = {"pdf": NOT_A_STORE, "empty": NOT_A_STORE, "binary": NOT_A_STORE,
                "missing": NO_STORE, "folder": NO_STORE}
QUERY_ERRORS = {
    "pdf": "fiscal-kg query: {path}: not UTF-8 text (invalid byte at 10), expected a SPARQL query",
    "empty": "fiscal-kg query: {path}: empty file, expected a SPARQL query",
    "missing": ("fiscal-kg query: no named query '{path}' and no such .rq file; "
                "`fiscal-kg query --list` shows them"),
    "folder": "fiscal-kg query: {path}: a folder, not a .rq file",
    "binary": ("fiscal-kg query: {path}: not UTF-8 text (invalid byte at 0), expected a SPARQL "
               "query"),
}
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n"
BINARY_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"


def bad_input(kind: str, folder: Path, suffix: str) -> Path:
    path = folder / f"{kind}{suffix}"
    if kind == "pdf":
        path.write_bytes(PDF_BYTES)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(BINARY_BYTES)
    return path  # "missing": not created


def expected(command: str, kind: str, path: Path) -> tuple[str, int]:
    """(the one stderr line, the exit code)."""
    if command == "load":
        if kind == "folder":
            return (f"fiscal-kg load: nothing to load: no report file (PDF, .txt, .md, .tsv, "
                    f".html) in {path}", 1)
        return REPORT_ERRORS[kind].format(path=path), 1
    if command == "validate FILE":
        if kind == "folder":
            return f"{path}: a folder with no report files in it", 2
        return REPORT_ERRORS[kind].format(path=path), 2
    if command == "query FILE":
        return QUERY_ERRORS[kind].format(path=path), 2
    if command == "where-from":
        return NO_REPORT.format(name=path), 2
    shown = path.resolve() if kind in ("pdf", "empty", "binary") else path
    return STORE_ERRORS[kind].format(path=shown), 2


COMMANDS = ("load", "validate FILE", "validate", "query FILE", "query NAME", "export", "link",
            "where-from", "serve")


def argv(command: str, path: Path, store: Path, new_store: Path) -> list[str]:
    return {
        "load": ["load", "--store", str(new_store), str(path)],
        "validate FILE": ["validate", str(path)],
        "validate": ["validate", "--store", str(path)],
        "query FILE": ["query", str(path), "--store", str(store)],
        "query NAME": ["query", "documents", "--store", str(path)],
        "export": ["export", "--format", "csv", "--store", str(path)],
        "link": ["link", "--store", str(path)],
        "where-from": ["query", "where-from", "--store", str(store), "--param",
                       f"document={path}", "--param", "line=1"],
        "serve": ["serve", "--port", "0", "--store", str(path)],
    }[command]


@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_bad_input_is_one_line_and_a_non_zero_exit(
        command: str, kind: str, tmp_path: Path, sample_store_dir: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = bad_input(kind, tmp_path, ".rq" if command == "query FILE" else ".txt")
    new_store = tmp_path / "new-store"
    code = main(argv(command, path, sample_store_dir, new_store))
    out, err = capsys.readouterr()
    line, exit_code = expected(command, kind, path)
    assert (err, code) == (line + "\n", exit_code)
    assert "Traceback" not in out + err
    if command == "load":  # nothing stored, and no findings that could look clean
        assert out == "loaded 0 report(s), 1 failed\n" if kind != "folder" else \
            out == "loaded 0 report(s), 0 failed\n"


def test_a_store_that_is_a_file_for_load(tmp_path: Path, sample_paths: list[Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    store.write_text("not a store", encoding="utf-8")
    assert main(["load", "--store", str(store), str(sample_paths[0])]) == 1
    assert capsys.readouterr().err == (
        f"fiscal-kg load: store {store} is a file, not a store folder\n")
    assert store.read_text(encoding="utf-8") == "not a store"


def test_a_query_with_a_syntax_error_is_one_line(tmp_path: Path, sample_store_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "mine.rq"
    query.write_text("SELECT * WHERE { ?s ?p }\n", encoding="utf-8")
    assert main(["query", str(query), "--store", str(sample_store_dir)]) == 2
    assert capsys.readouterr().err == "fiscal-kg query: mine: error at 2:1: expected OPTIONAL\n"
