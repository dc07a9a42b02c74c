"""The PDF phase of ``make bench``: the PDF reader against pdfplumber, and memory.

For each real PDF bundled in ``samples/realworld`` it measures CPU time
(``time.process_time``, median of ``runs``) of

- the project's reader (``loaders.readers.pdf.read_pdf``: characters, ruling,
  tables, text lines, rendering),
- the whole load (``loaders.pipeline.load_report``: the reader plus every
  interpreter), and
- pdfplumber's ``extract_tables()`` plus ``extract_text()`` on every page, the
  reference it was chosen against (issue 21; one run: 5-8× slower, noise does not matter,
  and five runs of it were 26 s of ``make bench``),

per report and per page; then the peak resident memory of ``fiscal-kg load``
(the writer and its worker processes) over a folder of the PDFs repeated to
``copies`` files. Copies of one report claim the same document, so the loader
parses all of them and stores one: the figure is the parsing side's peak.
Run alone: ``python -m bench.pdf``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.rss import TreeWatch

TARGET_S_PER_25_PAGES = 0.5
TARGET_RSS_MB = 1024


@dataclass
class PdfTiming:
    name: str
    pages: int
    reader_s: float
    load_s: float
    pdfplumber_s: float | None  # None when pdfplumber is not installed


PLUMBER_RUNS = 1  # the reference's time: one run (see the module's docstring)


def sample_pdfs() -> list[Path]:
    from loaders.resources import resource_dir

    return sorted((resource_dir("samples") / "realworld").glob("*/*.pdf"))


def _median_cpu(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _pdfplumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()


def time_pdfs(paths: list[Path], runs: int = 5) -> list[PdfTiming]:
    from loaders.pipeline import load_report
    from loaders.readers.pdf import read_pdf

    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        have_plumber = False
    else:
        have_plumber = True
    out = []
    for path in paths:
        data = path.read_bytes()
        pages = read_pdf(data, str(path)).pages
        out.append(
            PdfTiming(
                path.parent.name,
                pages,
                _median_cpu(lambda d=data, p=path: read_pdf(d, str(p)), runs),
                _median_cpu(lambda p=path: load_report(p), runs),
                _median_cpu(lambda p=path: _pdfplumber(p), PLUMBER_RUNS) if have_plumber else None,
            )
        )
    return out


def load_rss(paths: list[Path], copies: int = 100) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of the load's process tree, files) for ``fiscal-kg
    load`` of ``copies`` files cycling through ``paths``, into a fresh store."""
    with tempfile.TemporaryDirectory(prefix="fiscal-kg-pdf-rss-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for k in range(copies):
            src = paths[k % len(paths)]
            shutil.copyfile(src, folder / f"{k:03d}-{src.name}")
        cmd = [sys.executable, "-m", "fiscal_kg", "load", "--store", str(Path(tmp) / "store"),
               str(folder)]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with TreeWatch(proc.pid) as watch:
            proc.wait()
        return time.perf_counter() - start, watch.total_mb(), copies


def render_pdf_section(timings: list[PdfTiming], rss: tuple[float, float, int] | None) -> str:
    lines = [
        "## PDF ingest (the six real reports in samples/realworld)",
        "",
        "CPU seconds (`time.process_time`), median of the runs (pdfplumber: one run); target: "
        "a 25-page report read "
        f"in ≤ {TARGET_S_PER_25_PAGES} s.",
        "",
        "| report | pages | reader s | reader ms/page | load s | pdfplumber s | "
        "pdfplumber ms/page | pdfplumber ÷ reader |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        plumber = (f"{t.pdfplumber_s:.2f} | {1000 * t.pdfplumber_s / t.pages:.1f} | "
                   f"{t.pdfplumber_s / t.reader_s:.1f}×") if t.pdfplumber_s else "– | – | –"
        lines.append(f"| {t.name} | {t.pages} | {t.reader_s:.3f} | "
                     f"{1000 * t.reader_s / t.pages:.1f} | {t.load_s:.3f} | {plumber} |")
    if timings:
        per_page = statistics.median(t.reader_s / t.pages for t in timings)
        lines += ["", f"reader median {1000 * per_page:.1f} ms/page → "
                  f"{25 * per_page:.2f} s for 25 pages (target ≤ {TARGET_S_PER_25_PAGES} s)"]
    if rss is not None:
        seconds, peak, files = rss
        lines += ["", f"`fiscal-kg load` of {files} PDF files: {seconds:.1f} s wall, peak RSS "
                  f"{peak:.0f} MB (writer + workers; target ≤ {TARGET_RSS_MB} MB)"]
    return "\n".join(lines) + "\n"


def pdf_phase(runs: int = 5, copies: int = 100) -> str:
    paths = sample_pdfs()
    if not paths:
        return "## PDF ingest\n\nno PDFs in samples/realworld\n"
    return render_pdf_section(time_pdfs(paths, runs), load_rss(paths, copies) if copies else None)


if __name__ == "__main__":
    sys.stdout.write(pdf_phase(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5,
        int(sys.argv[2]) if len(sys.argv) > 2 else 100,
    ))
