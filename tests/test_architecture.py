"""The seams of ``fiscal_kg``: no import cycle between its modules, one term converter, no
reaching past the ``Store`` protocol.

Imports are read from the source (AST), in-function and ``TYPE_CHECKING`` imports included: an
import hidden in a function is still a dependency, only a later one. Importing ``a.b.c`` from
outside ``a.b`` also runs ``a.b``'s ``__init__``, so that counts as an import of ``a.b`` too.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fiscal_kg"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The fiscal_kg modules ``module`` imports, anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    named: set[str] = set()  # what an import statement names: a module, or a name in one
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            named.add(base)
            named.update(f"{base}.{alias.name}" for alias in node.names)  # maybe a submodule
    out: set[str] = set()
    for name in named:
        parts = name.split(".")
        deepest = next((".".join(parts[:i]) for i in range(len(parts), 0, -1)
                        if ".".join(parts[:i]) in known), None)
        if deepest is None:
            continue
        out.add(deepest)
        # its enclosing packages run too, unless the importer is inside them (then they are
        # being imported already)
        for i in range(1, deepest.count(".") + 1):
            prefix = ".".join(parts[:i])
            if not module.startswith(prefix + "."):
                out.add(prefix)
    out.discard(module)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imported(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_sees_hidden_imports() -> None:
    graph = import_graph()
    # in-function imports count (fiscal_kg.store.open imports the remote store only when opened)
    assert "fiscal_kg.store.remote" in graph["fiscal_kg.store.open"]
    # importing a submodule from outside its package runs the package's __init__ too…
    assert {"fiscal_kg.validation", "fiscal_kg.validation.findings"} <= graph["fiscal_kg.ingest"]
    # …but not from inside it (the package is being imported already)
    assert "fiscal_kg.validation" not in graph["fiscal_kg.validation.fastpath"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_between_fiscal_kg_modules() -> None:
    assert cycles(import_graph()) == []


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    names = sorted(n for n in _modules() if not n.endswith("__main__"))
    script = "import importlib\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


def test_no_module_reaches_past_the_store_protocol() -> None:
    """Application code uses the ``Store`` protocol: no ``store.raw`` (pyoxigraph's store
    behind the embedded one) and no store typed ``object``; nor do the tests and the bench
    (a test that makes the store's own pyoxigraph store fail, or reads the endpoint engine's
    JSON, opens or wraps pyoxigraph itself and says why)."""
    pattern = re.compile(r"store\.raw\b|store: object")
    this = Path(__file__).resolve()
    found = [f"{p.relative_to(ROOT)}:{i}"
             for folder in (PACKAGE, ROOT / "loaders", ROOT / "tests", ROOT / "bench")
             for p in sorted(folder.rglob("*.py")) if p.resolve() != this
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []


RDFLIB_TERMS = {"URIRef", "BNode", "Literal", "Variable"}
OX_TERMS = {"NamedNode", "BlankNode", "Literal", "Variable"}


def _is_ox(node: ast.expr) -> str | None:
    """``ox.NamedNode`` → "NamedNode"; anything else → None."""
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "ox" and node.attr in OX_TERMS):
        return node.attr
    return None


def _converts(function: ast.AST) -> bool:
    """Whether a function turns rdflib terms into pyoxigraph ones or back: it tests a term for
    one library's class and builds a term of the other's."""
    tests_rdflib = tests_ox = builds_rdflib = builds_ox = False
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "isinstance" and len(node.args) == 2:
            kinds = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            tests_rdflib |= any(isinstance(k, ast.Name) and k.id in RDFLIB_TERMS for k in kinds)
            tests_ox |= any(_is_ox(k) for k in kinds)
        elif isinstance(node.func, ast.Name) and node.func.id in RDFLIB_TERMS:
            builds_rdflib = True
        elif _is_ox(node.func):
            builds_ox = True
    return (tests_rdflib and builds_ox) or (tests_ox and builds_rdflib)


def converters() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _converts(node):
                found.append(f"{_module_name(path)}.{node.name}")
    return found


def test_rdflib_and_pyoxigraph_terms_are_converted_in_one_module() -> None:
    """``fiscal_kg.store.terms`` is the converter; everyone imports it."""
    hidden = "def f(t):\n if isinstance(t, (BNode, URIRef)):\n  return ox.NamedNode(str(t))"
    assert _converts(ast.parse(hidden)) and not _converts(ast.parse("def g(t): return URIRef(t)"))
    assert converters() == ["fiscal_kg.store.terms.to_ox", "fiscal_kg.store.terms.from_ox"]


SPARQL_WORDS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|PREFIX|WHERE)\b")


def test_the_command_line_module_holds_no_sparql() -> None:
    """``fiscal_kg/cli.py`` parses arguments and calls the application; queries live in
    ``queries/*.rq`` or in the application modules."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    texts = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert [t for t in texts if SPARQL_WORDS.search(t)] == []


# what only the application does: store engines, files, module loading
CLI_FORBIDDEN_IMPORTS = ("pyoxigraph", "rdflib", "SPARQLWrapper", "importlib", "fiscal_kg.store.")
CLI_FORBIDDEN_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes",
                       "import_module", "OxigraphStore", "RemoteStore"}


def _forbidden_import(name: str) -> bool:
    # "fiscal_kg.store." forbids the store's modules, not the package ``fiscal_kg.store``
    return any(name.startswith(f) if f.endswith(".") else name == f or name.startswith(f + ".")
               for f in CLI_FORBIDDEN_IMPORTS)


def thick_cli_parts(source: str) -> list[str]:
    """What in a CLI module is application work rather than arguments and printing: an import
    of a store engine, an RDF library or importlib (``importlib.metadata`` for ``--version``
    excepted), a store module past ``fiscal_kg.store``, a file opened, read or written, a
    store built directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""])
            found += [f"import {n}" for n in names
                      if n != "importlib.metadata" and _forbidden_import(n)]
        elif isinstance(node, ast.Call):
            func = node.func
            name = (func.id if isinstance(func, ast.Name)
                    else func.attr if isinstance(func, ast.Attribute) else "")
            if name in CLI_FORBIDDEN_CALLS:
                found.append(f"{name}()")
    return found


def test_the_command_line_module_only_parses_calls_and_prints() -> None:
    """``fiscal_kg/cli.py`` opens no file and no store engine itself and loads no module by
    name: how a store is opened is ``fiscal_kg/store/open.py``, where an export goes
    ``fiscal_kg/export.py``, optional parts ``fiscal_kg/optional_parts.py``."""
    thick = ("import importlib\nimport pyoxigraph as ox\nfrom fiscal_kg.store.embedded import X\n"
             "def f(p):\n with p.open('w', encoding='utf-8-sig') as fh: OxigraphStore(p)\n")
    assert thick_cli_parts(thick) == ["import importlib", "import pyoxigraph",
                                      "import fiscal_kg.store.embedded", "open()",
                                      "OxigraphStore()"]
    thin = ("from importlib.metadata import version\nfrom fiscal_kg.store import open_store\n"
            "def g(a): print(open_store(a.store))\n")
    assert thick_cli_parts(thin) == []
    assert thick_cli_parts((PACKAGE / "cli.py").read_text(encoding="utf-8")) == []
