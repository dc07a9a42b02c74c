"""Whether a stated change against last year gives its reason.

The disclosure rules ask every increase or decrease of the explanations to say why:
"基本支出 313.26 万元，比上年预算增加 22.59 万元，增长 7.77%。主要原因是：在职人员工资调增…".
For each narrative claim with a change this module finds the clause that states it and looks
for a reason there or after the run of clauses it opens ("收入…增加793.14万元。支出…增加793.14
万元。财政拨款收入支出增加的主要原因是…" gives one reason for the run, across paragraphs); the
shape COMPL-CHANGE-REASON reports the changes with none. Only grammar words live here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from loaders.model import Block, ChangeReason, Claim
from loaders.performance.text import despace, ends_sentence, text_lines

_REASON_RE = re.compile(r"原因|由于|因为|主要是|主要系|系因|归因")
_SENTENCE_RE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_AMOUNT_CHANGE_RE = re.compile(r"(?:增加|减少|增长|下降)\s*-?\d")
_ITEM_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[-•])")


@dataclass
class _Sentence:
    text: str
    first: int  # source lines it spans
    last: int
    item: bool = False  # opens a list item (1、… （一）…)


def _sentences(blocks: list[Block]) -> list[_Sentence]:
    """The text's sentences in order, each with the lines it spans. Lines are joined as the
    PDF tool wrapped them (a layout text may make every line a paragraph); a line that ends a
    sentence, or a list item, starts a new one."""
    found: list[_Sentence] = []
    pieces: list[str] = []
    offsets: list[int] = []  # where each line starts in the joined text
    lines: list[int] = []
    size, previous = 0, ""
    for line, part in text_lines(blocks):
        part = despace(part)
        if previous and (ends_sentence(previous) or _ITEM_RE.match(part)):
            pieces.append("\n")
            size += 1
        offsets.append(size)
        lines.append(line)
        pieces.append(part)
        size += len(part)
        previous = part
    text = "".join(pieces)
    for m in _SENTENCE_RE.finditer(text):
        if not m.group().strip():
            continue
        first = lines[bisect_right(offsets, m.start()) - 1]
        last = lines[bisect_right(offsets, max(m.end() - 1, m.start())) - 1]
        item = m.start() == 0 or text[m.start() - 1] == "\n"
        found.append(_Sentence(m.group().strip(), first, last,
                               item and bool(_ITEM_RE.match(m.group()))))
    return found


def find_reasons(blocks: list[Block], claims: list[Claim]) -> list[ChangeReason]:
    sentences = _sentences(blocks)
    by_line: dict[int, list[int]] = {}  # line → the change-stating clauses that span it
    for k, s in enumerate(sentences):
        if _states_change(s.text):
            for line in range(s.first, s.last + 1):
                by_line.setdefault(line, []).append(k)
    reasons: list[ChangeReason] = []
    for index, claim in enumerate(claims):
        if claim.change is None or claim.change == 0:
            continue
        # the clause on the claim's line that states the change; with two on one line, the one
        # printing its amount ("基本支出…增加22.59万元…；项目支出…增加545.12万元")
        on_line = by_line.get(claim.line, [])
        amount = format(abs(claim.change), "f")
        at = next((k for k in on_line if amount in _plain(sentences[k].text)),
                  on_line[0] if on_line else None)
        if at is None:
            continue
        reason = next((s for s in _window(sentences, at, amount)
                       if _REASON_RE.search(s.text)), None)
        reasons.append(ChangeReason(claim_index=index, line=claim.line,
                                    reason_line=reason.first if reason else None,
                                    sentence=sentences[at].text[:120]))
    return reasons


_MAX_RUN = 8  # sentences a run of changes may take before its reason


def _window(sentences: list[_Sentence], at: int, amount: str) -> list[_Sentence]:
    """The clause and the run that shares its reason: more clauses of its paragraph or the
    next ("收入…增加24,558.18万元；事业收入0万元。支出…增加24,491.71万元。…收入支出增加的主要原因
    是…"), or a breakdown ("…增加25万元。其中：（一）…主要原因是…"). A new list item, or a clause
    with a change amount and a reason of its own, ends the run: another item, another reason."""
    window = [sentences[at]]
    breakdown = sentences[at].text.rstrip().endswith(("：", ":"))
    for s in sentences[at + 1 : at + 1 + _MAX_RUN]:
        if s.item and not breakdown:
            break
        if _REASON_RE.search(s.text):
            if breakdown or _explains_run(s.text, window[-1], window[0], amount):
                window.append(s)
            break
        joined = window[-1].text.rstrip().endswith(("；", ";"))  # a clause of the same sentence
        window.append(s)
        if s.text.rstrip().endswith(("：", ":")) and _continues(window[-2].text):
            breakdown = True
        elif not (breakdown or joined or _continues(s.text)):
            break
    return window


def _explains_run(reason: str, previous: _Sentence, first: _Sentence, amount: str) -> bool:
    """Whether a reason after a run explains the run's first change. One with a subject of its
    own ("财政拨款收入支出增加的主要原因是…") explains the run; a bare "主要原因是…" explains the
    change just before it, so it is the first one's only when that change is the first or
    restates its amount; one printing a change amount of its own is another item's."""
    if _AMOUNT_CHANGE_RE.search(reason):
        return False
    head = reason[: _REASON_RE.search(reason).start()]  # type: ignore[union-attr]
    if len(re.sub(r"[^\u4e00-\u9fff]", "", head.replace("主要", ""))) >= 2:
        return True
    return previous is first or not _AMOUNT_CHANGE_RE.search(previous.text) or (
        amount in _plain(previous.text))


def _plain(text: str) -> str:
    """Numbers without thousands separators or spaces, as the claim's amount prints."""
    return re.sub(r"(?<=\d)[,，\s](?=\d)", "", text)


def _continues(text: str) -> bool:
    return _states_change(text) or "持平" in text


def _states_change(text: str) -> bool:
    return bool(re.search(r"增加|减少|增长|下降|上升|降低", text))
