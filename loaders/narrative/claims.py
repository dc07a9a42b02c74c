"""The grammar of one narrative sentence: each amount, what it is, its share and change.

A sentence is read as a sequence of numbers. The words just before a number
say what it is (the "role"):

- ``增加/减少 … 万元`` → the change of the current claim (signed);
- ``增长/下降 … %`` → its growth rate (signed); ``占(X的) … %`` → its share
  (of X when X names a line item); ``差异率 … %`` → a 预决算差异率 claim;
- ``年初预算数/全年预算数 … 万元`` → an amount of that measure; ``决算数/预算数
  /执行数`` are transparent;
- ``<an earlier year>年…执行数/预算数/决算数 … 万元`` (or 上年…) → the prior amount a
  comparison starts from; the next amount without a label of its own ("2026年预算
  安排 …") is the current amount of the same claim, which restates the amount
  the paragraph's topic was given; ``比…持平`` is a growth rate of 0;
- ``价值`` takes its object from the clause before
  ("房屋 595.25 平方米，价值 112.76 万元" → 房屋价值);
- anything else → a new claim, named by the first label of the nearest
  clause before it (labels come from the code lists, see ``items``).

A change or rate whose own clause names an item ("其中：因公出国（境）费增加
0.00 万元") starts a claim of its own; otherwise it belongs to the claim
before it, or to the sentence's topic ("与上年相比，增加 457.14 万元" after a
sentence about 一般公共预算财政拨款支出). 主要原因 ends a claim: numbers in
the reason never attach to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal

from loaders.model import Claim, LoadWarning

from .items import (
    CLAUSE_SEPARATORS,
    Label,
    Match,
    find_paths,
    lookup,
    named_code,
    path_text,
    printed_code,
    resolve_path,
    scan_labels,
)
from .numbers import Number, find_numbers
from .sentences import Sentence

_VERBS = "增长率|增幅|降幅|增速|增加|减少|增长|下降|降低|上升|上涨|节约|超支|减|增"
_NEGATIVE = frozenset({"减少", "下降", "降低", "节约", "减", "降幅"})
_CHANGE_RE = re.compile(rf"(?P<verb>{_VERBS})(?:了|为)?\s*$")
_SHARE_RE = re.compile(r"占(?P<den>[^,;。:、]*?)的?(?:比重|比例)?为?\s*$")
_VARIANCE_RE = re.compile(r"差异率为?\s*$")
_MEASURE_RE = re.compile(
    r"(?P<measure>年初预算数?|全年预算数?|决算数?|预算数|预算安排|执行数|价值)(?:为|是)?\s*$"
)
# Measures that are items of their own (keys come from the line-item list).
_MEASURE_ITEMS = ("年初预算数", "全年预算数")
_VARIANCE_WORDS = "预决算差异率"
_REASON_RE = re.compile(r"原因")
# "2025年当年预算执行数为", "上年预算数": an amount of an earlier year, what a change compares
# with; the year is checked against the report's.
_PRIOR_RE = re.compile(
    r"(?:(?P<year>\d{4})\s*年度?|上一?年度?|去年)"
    r"(?P<words>[^,;。:\d]{0,8}?(?:执行数|预算数|决算数|执行|预算|决算))(?:为|是)?\s*$"
)
# After a 类/款 path, more name with no marker of its own: a deeper level, cut off.
_NAME_GOES_ON_RE = re.compile(r"[\u4e00-\u9fff]{2,}(?=\s*[-−]?\d)")
# "比" right before the prior year: the prior amount is what the claim before compares with.
_COMPARE_TAIL_RE = re.compile(r"(?:比|较|与|同)\s*$")
# "比2023年预算执行数持平", "与上年持平": no change, stated without a number.
_FLAT_RE = re.compile(r"持平")
_PARTS_RE = re.compile(r"其中")
# "比上年预算" / "比 2022 年收支预算总数同口径" / "与年初预算相比" / "较上年": the
# words between the year and the verb say budget or final account.
_COMPARE_RE = re.compile(
    r"(?:比|较|与|同)\s*(?P<what>上一?年度?|去年|\d{4}\s*年度?|年初预算|全年预算)"
    r"(?P<rest>(?:(?!增|减|下降|上升|持平|相比|相较)[^,;。:!?\d]){0,16})(?:相比|相较)?"
)
_NUMBERING_RE = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:\d+\s*[、.]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）])?\s*"
)
# The object of 价值: the word before the last quantity of the clause before
# ("房屋 595.25 平方米" → 房屋; "其中：一般公务用车0辆" → 一般公务用车).
_OBJECT_RE = re.compile(r"([^\d\s,;。:、.]+)\s*\d[\d.,]*\s*[^\d\s,;。:、]{0,4}\s*$")
_SENTENCE_MAX = 300


@dataclass
class Context:
    """What a sentence parse needs from the document."""

    kind: str  # "budget" | "final-account": the basis of a bare 比上年
    year: int | None
    unit_name: str  # folded; masked so a unit called "…财政局" names no item
    warnings: list[LoadWarning] = field(default_factory=list)


@dataclass
class _Draft:
    claim: Claim
    anchor: Number  # the number whose line the claim gets


@dataclass
class _Subject:
    label: Label | None
    text: str  # the words as printed (a topic may come from an earlier sentence)
    claim: Claim | None = None  # the first claim that gave this subject an amount


def _signed(value: Decimal, verb: str) -> Decimal:
    # 减少/下降 make a printed 150.92 a change of -150.92; a number printed with
    # its own minus sign ("增长-15.02%") is kept as printed.
    return -value if verb in _NEGATIVE and value > 0 else value


def measure_basis(words: str, kind: str) -> str:
    # 执行数 before 预算 ("预算执行数" is an execution figure, not the budget).
    if "执行" in words:
        return "prior-year-execution"
    if "决算" in words:
        return "prior-year-final"
    if "预算" in words:
        return "prior-year-budget"
    return default_basis(kind)


def default_basis(kind: str) -> str:
    # A bare "比上年" compares like with like: last year's budget in a budget,
    # last year's final account in a final account.
    return "prior-year-final" if kind == "final-account" else "prior-year-budget"


class SentenceParser:
    def __init__(self, sent: Sentence, ctx: Context, section: str | None,
                 topic: _Subject | None) -> None:
        self.sent, self.ctx, self.section = sent, ctx, section
        self.folded, self.printed = sent.folded, sent.printed
        self.topic = topic
        self.numbers = find_numbers(self.folded, self.printed)
        self.drafts: list[_Draft] = []

    # -- scanning ----------------------------------------------------------

    def _scan(self) -> None:
        f = self.folded
        self.compares = [(m.start(), m.end(), self._basis(m)) for m in _COMPARE_RE.finditer(f)]
        masked: set[int] = set()
        for n in self.numbers:
            masked.update(range(n.start, n.end))
        for start, end, _ in self.compares:
            masked.update(range(start, end))
        name = self.ctx.unit_name
        if name:
            at = f.find(name)
            while at >= 0:
                masked.update(range(at, at + len(name)))
                at = f.find(name, at + len(name))
        self.labels: list[Match] = []
        in_path: set[int] = set()
        for start, end, levels in find_paths(f):
            label = resolve_path(levels, self.ctx.year)
            if label is not None and levels[-1].level < 2 and _NAME_GOES_ON_RE.match(f, end):
                # "…养老支出（款）机关事业单位基本养老" + a number: the name of a 项 whose
                # marker the text lost; the 款 is not what the number is about.
                label = None
            named = named_code(levels, self.ctx.year)
            if label is not None and named is not None and named != label.key:
                # "住房公积金（03项）": the printed code is recorded; the name says another
                self.ctx.warnings.append(LoadWarning(
                    "classification-name-mismatch",
                    f"narrative prints {path_text(levels)} = {label.key}, but the names are "
                    f"{named} in the {label.scheme} code list",
                    self._line(start),
                ))
            printed = printed_code(levels) if label is None else None
            if printed is not None:
                # "公共安全支出（204类）司法（06款）…（01项）": the code as printed.
                label = Label("function", printed)
                self.ctx.warnings.append(LoadWarning(
                    "unlisted-classification",
                    f"narrative names {path_text(levels)} = {printed}, which the function "
                    "code list does not have",
                    self._line(start),
                ))
            elif label is None:
                self.ctx.warnings.append(LoadWarning(
                    "unresolved-classification",
                    f"narrative names {path_text(levels)}, which no classification code list has",
                    self._line(start),
                ))
            self.labels.append(Match(start, end, label, f[start:end]))
            masked.update(range(start, end))
            in_path.update(range(start, end))
        self.labels.extend(scan_labels(f, masked))
        self.labels.sort(key=lambda m: m.start)
        self.label_starts = [m.start for m in self.labels]
        # "（类：208）" holds a colon that separates nothing.
        self.separators = [
            i for i, ch in enumerate(f) if ch in CLAUSE_SEPARATORS and i not in in_path
        ]
        self.reasons = [m.end() for m in _REASON_RE.finditer(f)]
        self.parts = [m.start() for m in _PARTS_RE.finditer(f)]

    def _basis(self, m: re.Match[str]) -> str:
        what, rest = m.group("what"), m.group("rest")
        if what.startswith("年初预算"):
            return "initial-budget"
        if what.startswith("全年预算"):
            return "full-year-budget"
        return measure_basis(rest, self.ctx.kind)

    # -- positions -----------------------------------------------------------

    def _line(self, offset: int) -> int:
        return self.sent.paragraph.line_at(self.sent.start + offset)

    def _clause_start(self, pos: int) -> int:
        i = bisect_left(self.separators, pos)
        return self.separators[i - 1] + 1 if i > 0 else 0

    def _labels_in(self, lo: int, hi: int) -> list[Match]:
        i = bisect_left(self.label_starts, lo)
        out = []
        while i < len(self.labels) and self.labels[i].start < hi:
            if self.labels[i].end <= hi:
                out.append(self.labels[i])
            i += 1
        return out

    def _subject_before(self, pos: int, floor: int, skip: Label | None = None) -> Match | None:
        """First label of the clause of ``pos``, or else of the clause before it.

        Two clauses cover "…（项）：支出决算数为 3,850.59 万元" and "（项：09）；2022
        年预算数为 303.87 万元"; looking further back picks up words from
        another statement ("《失业保险条例》…每人每月 750 元").
        """
        hi = pos
        for _ in range(2):
            if hi <= floor:
                break
            lo = max(self._clause_start(hi), floor)
            found = [m for m in self._labels_in(lo, hi) if skip is None or m.label != skip]
            if found:
                return found[0]
            hi = lo - 1
        return None

    # -- claims --------------------------------------------------------------

    def _new(self, subject: _Subject | None, anchor: Number, label: str = "",
             label_of: Label | None = None) -> _Draft:
        lab = label_of if label_of is not None else (subject.label if subject else None)
        claim = Claim(line=0, sentence="", section=self.section)
        if lab is not None:
            if lab.scheme == "line-items":
                claim.item = lab.key
            else:
                claim.code = lab.key
        if label:
            claim.label = label
        elif subject is not None:
            claim.label = subject.text
        draft = _Draft(claim, anchor)
        self.drafts.append(draft)
        return draft

    def _as_subject(self, m: Match | None) -> _Subject | None:
        if m is None:
            return None
        return _Subject(m.label, self.printed[m.start : m.end].strip())

    def parse(self) -> list[Claim]:
        if not self.numbers:
            self._path_topic()
            return []
        self._scan()
        cur: _Draft | None = None
        parent: _Draft | None = None
        prev: Number | None = None
        prev_end = 0
        for num in self.numbers:
            if any(prev_end <= r <= num.start for r in self.reasons):
                cur = None  # the reason starts: nothing after it attaches to the claim
            if parent is None and any(prev_end <= p < num.start for p in self.parts):
                parent = self._last_with_amount()
            floor = max([prev_end, *[r for r in self.reasons if r <= num.start]])
            clause_lo = max(self._clause_start(num.start), prev_end)
            pre = self.folded[clause_lo : num.start]
            if num.kind == "amount":
                cur = self._amount(num, pre, clause_lo, floor, cur, parent)
            else:
                cur = self._percent(num, pre, clause_lo, floor, cur, prev)
            prev, prev_end = num, num.end
        self._flat()
        return [self._finish(d) for d in self.drafts]

    def _flat(self) -> None:
        # "…2024年预算安排10.00万元，比2023年预算执行数持平": a rate of 0 for the claim
        # just before, when a comparison names what it is flat against.
        for m in _FLAT_RE.finditer(self.folded):
            if not any(s < m.start() <= e + 2 for s, e, _ in self.compares):
                continue
            before = [d for d in self.drafts if d.anchor.end <= m.start()]
            if not before or before[-1].claim.growth_rate is not None:
                continue
            if any(before[-1].anchor.end <= r <= m.start() for r in self.reasons):
                continue
            before[-1].claim.growth_rate = Decimal(0)
            if not before[-1].claim.basis:
                before[-1].claim.basis = self._basis_at(m.start())

    def _path_topic(self) -> None:
        # "5、社会保障和就业支出（类）…行政单位离退休（项）。主要用于：…。年初预算为 85.55
        # 万元，支出决算为84.65万元。": a sentence that only names a classification path is the
        # topic of the figures that follow it in the paragraph.
        paths = find_paths(self.folded)
        if len(paths) != 1 or paths[0][2][0].level != 0:
            return
        start, end, levels = paths[0]
        label = resolve_path(levels, self.ctx.year)
        if label is None and (code := printed_code(levels)) is not None:
            label = Label("function", code)
        if label is not None:
            self.topic = _Subject(label, self.printed[start:end].strip())

    def _last_with_amount(self) -> _Draft | None:
        for d in reversed(self.drafts):
            if d.claim.amount is not None:
                return d
        return None

    def _amount(self, num: Number, pre: str, clause_lo: int, floor: int,
                cur: _Draft | None, parent: _Draft | None) -> _Draft | None:
        m = _CHANGE_RE.search(pre)
        if m:
            verb_at = clause_lo + m.start()
            target = self._change_target(num, clause_lo, verb_at, floor, cur, "change")
            target.claim.change = _signed(num.value, m.group("verb"))
            target.claim.basis = self._basis_at(num.start)
            if target.claim.amount is None:
                target.claim.currency = num.unit
            return target
        prior = _PRIOR_RE.search(pre)
        if prior and self._is_prior(prior.group("year")):
            if cur is not None and cur.claim.amount is not None and cur.claim.prior_amount is None \
                    and _COMPARE_TAIL_RE.search(pre, 0, prior.start()):
                # "预算安排1672.67万元，比2025年预算执行数1690.69万元减少1.07%"
                cur.claim.prior_amount, cur.claim.prior_raw = num.value, num.raw
                cur.claim.basis = measure_basis(prior.group("words"), self.ctx.kind)
                self._restates(cur.claim)
                return cur
            return self._prior(num, prior.group("words"), floor)
        if cur is not None and cur.claim.prior_amount is not None and cur.claim.amount is None \
                and not self._labels_in(max(clause_lo, floor), num.start):
            return self._current(cur, num)
        m = _MEASURE_RE.search(pre)
        measure = m.group("measure") if m else None
        if measure == "价值" and not self._labels_in(max(clause_lo, floor), num.start):
            return self._value_claim(num, clause_lo)
        if measure is not None and measure.rstrip("数") + "数" in _MEASURE_ITEMS:
            measure_label = lookup(measure.rstrip("数") + "数")
            subject = self._subject_before(num.start, floor, skip=measure_label)
            sub = self._as_subject(subject)
            words_start = subject.start if subject else clause_lo + m.start()
            words = self.printed[words_start : clause_lo + m.end("measure")]
            draft = self._new(sub, num, label=words, label_of=measure_label)
            if sub is not None:
                self.topic = sub
        else:
            subject = self._subject_before(num.start, floor)
            sub = self._as_subject(subject)
            if sub is None and measure is not None:
                sub = self.topic  # "决算数 10,671.52 万元": the figure of the topic
            draft = self._new(sub, num, label="" if sub else self._bare_label(clause_lo, num))
            if sub is not None:
                self.topic = sub
                if sub.claim is None:
                    sub.claim = draft.claim  # what a later "预算安排 …" of this item restates
        draft.claim.amount = num.value
        draft.claim.currency = num.unit
        if parent is not None and parent is not draft and (
            (draft.claim.item, draft.claim.code) == (parent.claim.item, parent.claim.code)
        ):
            # A part (after 其中) is never the whole: "其他车辆" is not all 车辆.
            draft.claim.item = draft.claim.code = None
        return draft

    def _is_prior(self, year: str | None) -> bool:
        if year is None:
            return True  # 上年, 去年
        return self.ctx.year is not None and int(year) < self.ctx.year

    def _prior(self, num: Number, words: str, floor: int) -> _Draft:
        # "2025年当年预算执行数为1690.69万元": the amount the comparison starts from, of the
        # item named in the clause or else of the topic.
        sub = self._as_subject(self._subject_before(num.start, floor)) or self.topic
        draft = self._new(sub, num)
        draft.claim.prior_amount = num.value
        draft.claim.prior_raw = num.raw
        draft.claim.currency = num.unit
        draft.claim.basis = measure_basis(words, self.ctx.kind)
        if sub is not None and sub is not self.topic:
            self.topic = sub
        return draft

    def _current(self, cur: _Draft, num: Number) -> _Draft:
        # "…，2026年预算安排1672.67万元": the current amount of the comparison. It states
        # again the amount the paragraph gave its item ("…（01项）1672.67万元").
        cur.claim.amount = num.value
        cur.anchor = num
        self._restates(cur.claim)
        return cur

    def _restates(self, claim: Claim) -> None:
        topic = self.topic
        if topic is not None and topic.claim is not None and topic.claim is not claim and (
            (topic.claim.item, topic.claim.code) == (claim.item, claim.code)
        ) and topic.claim.currency == claim.currency:
            claim.restates = topic.claim

    def _value_claim(self, num: Number, clause_lo: int) -> _Draft:
        # "房屋 595.25 平方米，价值 112.76 万元": the object is the word that opens
        # the clause before; the item is the label "<object>价值" if the list has it.
        prev_lo = self._clause_start(max(clause_lo - 1, 0))
        word = _OBJECT_RE.search(self.folded[prev_lo : max(clause_lo - 1, prev_lo)])
        obj = word.group(1) if word else ""
        label = lookup(obj + "价值") if obj else None
        draft = self._new(None, num, label=(obj + "价值") if obj else "价值", label_of=label)
        draft.claim.amount = num.value
        draft.claim.currency = num.unit
        return draft

    def _bare_label(self, clause_lo: int, num: Number) -> str:
        # No item: keep the words before the number ("涉及预算金额"), or those of
        # the clause before when the number opens its clause ("预算安排规模：538.12").
        words = _NUMBERING_RE.sub("", self.printed[clause_lo : num.start]).strip()
        if not words and clause_lo > 0:
            prev_lo = self._clause_start(clause_lo - 1)
            words = _NUMBERING_RE.sub("", self.printed[prev_lo : clause_lo - 1]).strip()
        return words[-40:]

    def _change_target(self, num: Number, clause_lo: int, verb_at: int, floor: int,
                       cur: _Draft | None, attr: str) -> _Draft:
        own = self._labels_in(max(clause_lo, floor), verb_at)
        if own:
            sub = self._as_subject(own[0])
            self.topic = sub
            return self._new(sub, num)
        if cur is not None:
            if getattr(cur.claim, attr) is None:
                return cur
            # A second change of the same claim ("…减少 6297.58 万元，扣除…后，
            # 同口径减少 12651.74 万元") gets a claim of its own.
            twin = self._new(None, num, label=cur.claim.label)
            twin.claim.item, twin.claim.code = cur.claim.item, cur.claim.code
            return twin
        earlier = self._subject_before(clause_lo, floor)
        if earlier is not None:
            sub = self._as_subject(earlier)
            self.topic = sub
            return self._new(sub, num)
        in_reason = any(r <= num.start for r in self.reasons)
        if self.topic is not None and not in_reason:
            return self._new(self.topic, num)
        # A change inside a reason ("主要原因是…工资增加 10 万元") is not the topic's.
        return self._new(None, num, label=self._bare_label(clause_lo, num))

    def _basis_at(self, pos: int) -> str:
        bases = [b for start, _, b in self.compares if start < pos]
        return bases[-1] if bases else default_basis(self.ctx.kind)

    def _percent(self, num: Number, pre: str, clause_lo: int, floor: int,
                 cur: _Draft | None, prev: Number | None) -> _Draft | None:
        m = _CHANGE_RE.search(pre)
        if m:
            target = self._change_target(num, clause_lo, clause_lo + m.start(), floor, cur,
                                         "growth_rate")
            target.claim.growth_rate = _signed(num.value, m.group("verb"))
            if not target.claim.basis:
                target.claim.basis = self._basis_at(num.start)
            return target
        m = _SHARE_RE.search(pre)
        if m:
            if cur is not None and cur.claim.share is None:
                cur.claim.share = num.value
                cur.claim.share_of = self._share_of(m.group("den"))
            return cur
        if _VARIANCE_RE.search(pre):
            return self._variance(num)
        # "项目支出26.20万元，6.72%": a bare percent right after a claim's amount is
        # its share. Anywhere else (好评率100%) a bare percent states nothing here.
        if (cur is not None and prev is not None and cur.anchor is prev
                and cur.claim.amount is not None and cur.claim.share is None
                and not self.folded[prev.end : num.start].strip(" ,;:、")):
            cur.claim.share = num.value
        return cur

    def _share_of(self, den: str) -> str | None:
        if not den.strip():
            return None
        found = [m for m in scan_labels(den) if m.label.scheme == "line-items"]
        return found[0].label.key if found else None

    def _variance(self, num: Number) -> _Draft | None:
        # 预决算差异率 is a percent with no amount: kept as a claim whose
        # growth_rate is the printed rate and whose basis is the budget it is
        # measured against (年初 unless the sentence compares with 全年预算).
        label = lookup(_VARIANCE_WORDS)
        draft = self._new(None, num, label=_VARIANCE_WORDS, label_of=label)
        draft.claim.growth_rate = num.value
        basis = [b for s, _, b in self.compares if s < num.start
                 and b in ("initial-budget", "full-year-budget")]
        if basis:
            draft.claim.basis = basis[-1]
        elif "全年预算" in self.folded[: num.start]:
            draft.claim.basis = "full-year-budget"
        else:
            draft.claim.basis = "initial-budget"
        return None  # nothing attaches to a rate

    def _finish(self, draft: _Draft) -> Claim:
        claim, anchor = draft.claim, draft.anchor
        # The claim's line is where its number's text starts (the amount when
        # there is one): a sentence broken over lines 362-364 puts "313.26" on
        # 362, and that is the line a reader checks the number on.
        claim.line = self._line(anchor.start)
        claim.raw = anchor.raw
        text = self.printed.strip()
        lead = len(self.printed) - len(self.printed.lstrip())
        if len(text) > _SENTENCE_MAX:
            begin = max(0, min(anchor.start - lead - 100, len(text) - _SENTENCE_MAX))
            text = text[begin : begin + _SENTENCE_MAX]
        claim.sentence = text
        return claim
