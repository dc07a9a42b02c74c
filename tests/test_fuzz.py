"""Fuzzing the loader (issue 14): mutated samples through ``loaders.pipeline.load_report`` and the
RDF builder. A file may be refused — with ``ReportLoadError`` only — or loaded; nothing else may
escape, and no file may take 10 s.

Mutations (deterministic: file n uses ``random.Random(n)``): deleted, duplicated and swapped
lines, random bytes, random pieces of report text (tabs, pipes, numbers, 合计, 万元…),
truncation, a huge row, NUL bytes, a GB18030 part in a UTF-8 file, a long number, and
combinations. ``make test`` runs ``FUZZ_FILES`` files (default 300), ``make fuzz`` 2,000.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.pipeline import ReportLoadError, load_report
from loaders.rdf import report_graph, report_nquads

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples" / "reports").glob("*.txt"))
FILES = int(os.environ.get("FUZZ_FILES", "300"))
SECONDS_PER_FILE = 10

Mutation = Callable[[random.Random, list[bytes]], list[bytes]]


def _delete(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 40)):
        if lines:
            del lines[rng.randrange(len(lines))]
    return lines


def _duplicate(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 40)):
        i = rng.randrange(len(lines))
        lines[i:i] = [lines[i]] * rng.randint(1, 5)
    return lines


def _swap(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 40)):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return lines


def _random_bytes(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(len(lines))
        line = lines[i]
        at = rng.randint(0, len(line))
        lines[i] = line[:at] + rng.randbytes(rng.randint(1, 8)) + line[at:]
    return lines


# what reports are made of: the pieces the readers and interpreters look for
PIECES = ["\t", "|", " ", "  ", ".", ",", "-", "%", "0", "1", "9", "12.50", "（", "）", "合计",
          "万元", "元", "2023年", "预算", "决算", "支出", "收入", "项目", "<td>", "</tr>", "\r",
          "一、", "表", "单位：", "增长", "减少", "比上年", "208", "20801", "\x0b", "\u3000"]


def _random_text(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 60)):
        i = rng.randrange(len(lines))
        line = lines[i].decode("utf-8", "replace")
        at = rng.randint(0, len(line))
        bit = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
        lines[i] = (line[:at] + bit + line[at + rng.randint(0, 3):]).encode("utf-8")
    return lines


def _truncate(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    data = b"\n".join(lines)
    return data[: rng.randrange(len(data))].split(b"\n")


def _huge_row(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    i = rng.randrange(len(lines))
    cells = rng.choice([50, 300, 999, 1_500, 5_000])
    lines[i] = lines[i] + b"\t" + b"\t".join(b"%d.%02d" % (rng.randint(0, 9999), k % 100)
                                             for k in range(cells))
    return lines


def _nul_bytes(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        lines[i] = lines[i].replace(b"\t", b"\t\x00", 1) + b"\x00"
    return lines


def _mixed_encoding(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    start = rng.randrange(len(lines))
    for i in range(start, min(len(lines), start + rng.randint(1, 200))):
        lines[i] = lines[i].decode("utf-8", "replace").encode("gb18030", "replace")
    return lines


def _long_number(rng: random.Random, lines: list[bytes]) -> list[bytes]:
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + b"\t" + b"9" * rng.choice([20, 41, 5_000])
    return lines


MUTATIONS: list[Mutation] = [_delete, _duplicate, _swap, _random_bytes, _random_text, _truncate,
                             _huge_row, _nul_bytes, _mixed_encoding, _long_number]
# weights: most files should get past decoding, to exercise the interpreters
WEIGHTS = [4, 4, 4, 1, 6, 3, 2, 1, 1, 1]


def mutated(n: int) -> bytes:
    """File ``n``: one sample with one to three mutations, the same on every run."""
    rng = random.Random(n)
    lines = SAMPLES[n % len(SAMPLES)].read_bytes().split(b"\n")
    for mutation in rng.choices(MUTATIONS, WEIGHTS, k=rng.randint(1, 3)):
        lines = mutation(rng, lines) or [b""]
    return b"\n".join(lines)


class TooSlow(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise TooSlow


def test_mutated_samples_load_or_are_refused(tmp_path: Path) -> None:
    """No exception but ReportLoadError, and no file over 10 s (a hard stop, not a timing)."""
    path = tmp_path / "mutated.txt"
    escaped: list[str] = []
    outcomes = {"loaded": 0, "refused": 0}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for n in range(FILES):
            path.write_bytes(mutated(n))
            signal.alarm(SECONDS_PER_FILE)
            try:
                report = load_report(path)
                report_nquads(report)
                if n % 10 == 0:  # the rdflib builder too, on a share of them (slower)
                    report_graph(report)
                outcomes["loaded"] += 1
            except ReportLoadError:
                outcomes["refused"] += 1
            except TooSlow:
                escaped.append(f"file {n}: over {SECONDS_PER_FILE} s")
            except Exception as exc:  # what the test is for: name the file to reproduce
                escaped.append(f"file {n}: {type(exc).__name__}: {exc}"[:300])
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert escaped == []
    assert outcomes["loaded"] > FILES // 4 and outcomes["refused"] > FILES // 10, outcomes


@pytest.mark.parametrize("n", [0, 1, 2])
def test_mutations_are_deterministic(n: int) -> None:
    assert mutated(n) == mutated(n)
    assert mutated(n) != SAMPLES[n % len(SAMPLES)].read_bytes()
