"""Which administrative division a budget unit serves, from its name (and report text).

A unit name is "place words + agency words" (乌鲁木齐市 + 社会保险中心,
北京市朝阳区 + 社会保险事业管理中心). ``resolve`` removes the agency part
(``data/agency_suffixes.txt``), reads the place words left to right as
division names in force in the report's year, and only links when exactly
one division fits: earlier place words (北京市) and then the ``context``
(report text, supervising department) may narrow the choice, but a name
that still fits several divisions is reported as ambiguous, never guessed.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from fiscal_kg.divisions import (
    DATA_DIR,
    Division,
    DivisionIndex,
    NameSpan,
    load_index,
)
from loaders.text import match_key

LINKED, AMBIGUOUS, UNRESOLVED = "linked", "ambiguous", "unresolved"

# Kinds of place words, best first: an official name beats a hand-checked
# short name, which beats a short form derived by rule (苍溪 for 苍溪县).
_NAME, _ABBR, _SHORT = 0, 1, 2
_KIND_WORD = {_NAME: "name", _ABBR: "customary short name", _SHORT: "short form"}

# Type words a short form drops (longest first). Autonomous ones keep a
# one-character type word as well: 长阳土家族自治县 is also written 长阳县.
_TYPE_WORDS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区",
               "省", "市", "县", "区", "旗", "盟")
_AUTONOMOUS_SHORT = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


# ---------------------------------------------------------------------------
# Declarative data
# ---------------------------------------------------------------------------


def _data_lines(filename: str) -> list[str]:
    text = (DATA_DIR / filename).read_text(encoding="utf-8")
    lines = (ln.split("#", 1)[0].strip() for ln in text.splitlines())
    return [ln for ln in lines if ln]


@lru_cache(maxsize=1)
def agency_suffixes() -> tuple[str, ...]:
    """Agency wordings, longest first so 社会保险事务中心 wins over 事务中心-like tails."""
    words = {match_key(w) for w in _data_lines("agency_suffixes.txt")}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def sub_area_words() -> tuple[str, ...]:
    return tuple(_data_lines("sub_area_words.txt"))


@lru_cache(maxsize=1)
def ethnic_groups() -> tuple[str, ...]:
    names = set()
    for name in _data_lines("ethnic_groups.txt"):
        names.add(name)
        bare = name.removesuffix("族")
        if len(bare) >= 2:  # 哈萨克自治县; single characters (回, 苗) always carry 族
            names.add(bare)
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, str]]:
    """Short name → (code, full name) from data/place_abbreviations.csv."""
    lines = [ln for ln in _data_lines("place_abbreviations.csv")]
    return {r["short"]: (r["code"], r["full_name"]) for r in csv.DictReader(lines)}


def short_forms(name: str) -> list[str]:
    """Short forms of a division name by rule: 苍溪县 → 苍溪; 长阳土家族自治县 → 长阳, 长阳县."""
    for word in _TYPE_WORDS:
        if name.endswith(word) and len(name) > len(word):
            base = name[: -len(word)]
            break
    else:
        return []
    stem = _strip_ethnic(base)
    forms = [stem]
    if word in _AUTONOMOUS_SHORT:
        forms.append(stem + _AUTONOMOUS_SHORT[word])
    return [f for f in forms if len(f) >= 2 and f != name]


def _strip_ethnic(base: str) -> str:
    """长阳土家族 → 长阳, 湘西土家族苗族 → 湘西; keeps 内蒙古 (stripping would leave 内)."""
    stem = base
    changed = True
    while changed:
        changed = False
        for group in ethnic_groups():
            if stem.endswith(group) and len(stem) - len(group) >= 2:
                stem = stem[: -len(group)]
                changed = True
                break
    return stem


# ---------------------------------------------------------------------------
# Place-word lexicon
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    code: str
    kind: int
    span: NameSpan | None  # the official name the word stands for (None for abbreviations)

    def valid_in(self, year: int | None, index: DivisionIndex) -> bool:
        if self.span is not None:
            return self.span.valid_in(year)
        return index[self.code].valid_in(year)


class _Lexicon:
    """Every place word (official names, short names, short forms) → divisions."""

    def __init__(self, index: DivisionIndex) -> None:
        self.index = index
        self.words: dict[str, list[_Entry]] = {}
        for name, code, span in index.names():
            self._add(name, _Entry(code, _NAME, span))
            for form in short_forms(name):
                self._add(form, _Entry(code, _SHORT, span))
        for short, (code, _full) in abbreviations().items():
            if code in index:
                self._add(short, _Entry(code, _ABBR, None))
        self.max_len = max(len(w) for w in self.words)

    def _add(self, word: str, entry: _Entry) -> None:
        entries = self.words.setdefault(word, [])
        if entry not in entries:
            entries.append(entry)

    def labels_of(self, code: str, year: int | None) -> list[str]:
        """Words that name ``code`` in ``year`` (for finding it in context text)."""
        div = self.index[code]
        out = [s.name for s in div.names if s.valid_in(year)] or [div.name]
        out += [f for n in list(out) for f in short_forms(n)]
        out += [s for s, (c, _f) in abbreviations().items() if c == code]
        return [w for w in dict.fromkeys(out) if len(w) >= 2]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(load_index())


@dataclass
class _Token:
    text: str
    codes: list[str]  # best-kind candidates
    kind: int
    in_year: bool  # False when the word named these divisions only in other years


def _token(word: str, entries: list[_Entry], year: int | None, lex: _Lexicon) -> _Token:
    valid = [e for e in entries if e.valid_in(year, lex.index)]
    pool = valid or entries
    kind = min(e.kind for e in pool)
    codes = list(dict.fromkeys(e.code for e in pool if e.kind == kind))
    return _Token(word, codes, kind, bool(valid))


def _segment(place: str, year: int | None, lex: _Lexicon) -> tuple[list[_Token], str]:
    """Read place words left to right, longest word first; return them and what is left."""
    tokens: list[_Token] = []
    i = 0
    while i < len(place):
        for length in range(min(lex.max_len, len(place) - i), 1, -1):
            word = place[i : i + length]
            if word in lex.words:
                tokens.append(_token(word, lex.words[word], year, lex))
                i += length
                break
        else:
            break
    return tokens, place[i:]


# ---------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DivisionRef:
    code: str
    name: str
    level: str
    path: str  # 新疆维吾尔自治区 / 克孜勒苏柯尔克孜自治州 / 阿图什市

    def __str__(self) -> str:
        return f"{self.code} {self.path}"


@dataclass
class Resolution:
    unit_name: str
    year: int | None
    status: str  # "linked" | "ambiguous" | "unresolved"
    reason: str
    place: str = ""  # the place words read from the name
    agency: str = ""  # what was removed as the agency part
    code: str | None = None
    name: str | None = None
    level: str | None = None
    parents: list[DivisionRef] = field(default_factory=list)  # nearest first
    candidates: list[DivisionRef] = field(default_factory=list)

    @property
    def linked(self) -> bool:
        return self.status == LINKED

    @property
    def parent_codes(self) -> list[str]:
        return [p.code for p in self.parents]

    @property
    def candidate_codes(self) -> list[str]:
        return [c.code for c in self.candidates]


def _ref(div: Division, year: int | None, index: DivisionIndex) -> DivisionRef:
    name = div.name_in(year) or div.name
    return DivisionRef(div.code, name, div.level, index.path(div.code, year))


def _years(div: Division) -> str:
    start = str(div.valid_from) if div.valid_from else ""
    end = str(div.valid_to) if div.valid_to else ""
    return f"{start}–{end}" if start or end else "all years"


def split_agency(unit_name: str) -> tuple[str, str]:
    """(place part, agency part) by stripping known agency wordings from the end."""
    name = match_key(unit_name)
    while _TRAILING_NOTE.search(name):  # （本级） and similar notes
        name = _TRAILING_NOTE.sub("", name)
    agency = ""
    stripped = True
    while stripped:
        stripped = False
        for suffix in agency_suffixes():
            if name.endswith(suffix) and len(name) > len(suffix):
                name, agency = name[: -len(suffix)], suffix + agency
                stripped = True
                break
    return name, agency


def resolve(unit_name: str, year: int | None, context: str = "") -> Resolution:
    """Find the division a unit named ``unit_name`` serves in ``year``.

    ``year=None`` reads the name against current division names. ``context``
    is any text about the unit (report text, supervising department, other
    names in the report); it is only used to choose among divisions that the
    name alone fits equally.
    """
    lex = _lexicon()
    index = lex.index
    place, agency = split_agency(unit_name)
    tokens, rest = _segment(place, year, lex)
    res = Resolution(unit_name, year, UNRESOLVED, "", agency=agency)
    when = f"in {year}" if year is not None else "today"
    if not tokens:
        res.reason = (
            f"no division name at the start of {place!r}"
            + (f" (agency part {agency!r} removed)" if agency else "; no known agency wording")
        )
        return res
    res.place = "".join(t.text for t in tokens)
    target = tokens[-1]
    cands = [index[c] for c in target.codes]
    notes = []
    if rest:
        hits = [w for w in sub_area_words() if w in rest]
        sub_area = [w for w in hits if not any(w != h and w in h for h in hits)]
        if sub_area:
            # 新疆生产建设兵团…, …街道…: the unit serves an area below or outside
            # the county-level divisions; the division its name starts with is
            # only a candidate.
            res.candidates = [_ref(d, year, index) for d in cands]
            res.reason = (f"{rest!r} follows {res.place!r} and names an area below or outside "
                          f"the county-level divisions ({'、'.join(sub_area)})")
            return res
        what = "agency wording" if not agency else "text"
        notes.append(f"{what} {rest!r} after the place words is not in the agency list")
    if not agency and not rest:
        notes.append("no agency wording in the name")

    if not target.in_year:
        res.candidates = [_ref(d, year, index) for d in cands]
        spans = "; ".join(f"{d.code} {d.name} ({_years(d)})" for d in cands)
        res.reason = f"{target.text!r} did not name a division {when}; it named {spans}"
        return res

    # Earlier place words (北京市 in 北京市朝阳区) must contain the target.
    for earlier in tokens[:-1]:
        outer = set(earlier.codes)
        narrowed = [d for d in cands if outer & set(d.parents)]
        if not narrowed:
            res.candidates = [_ref(d, year, index) for d in cands]
            outer_names = ", ".join(f"{c} {index[c].name}" for c in earlier.codes)
            res.reason = f"{target.text!r} is not inside {earlier.text!r} ({outer_names})"
            return res
        cands = narrowed

    how = _KIND_WORD[target.kind]
    if len(cands) > 1 and context:
        chosen, hits = _by_context(cands, match_key(context), year, lex)
        if chosen is not None:
            notes.insert(0, f"{len(cands)} divisions are called {target.text!r} {when}; "
                            f"the context mentions {'、'.join(hits)}")
            cands = [chosen]
    res.candidates = [_ref(d, year, index) for d in cands]
    if len(cands) > 1:
        res.status = AMBIGUOUS
        listing = "; ".join(str(c) for c in res.candidates)
        res.reason = (
            f"{target.text!r} ({how}) fits {len(cands)} divisions {when}: {listing}; "
            "neither the name nor the context tells them apart"
        )
        return res

    div = cands[0]
    res.status = LINKED
    res.code, res.name, res.level = div.code, div.name_in(year) or div.name, div.level
    res.parents = [_ref(p, year, index) for p in index.ancestors(div.code)]
    what = f"{target.text!r} is the {how} of" if target.kind != _NAME else f"{target.text!r} is"
    res.reason = "; ".join([f"{what} {div.code} ({div.level}, {index.path(div.code, year)}) "
                            f"{when}", *notes])
    return res


def _by_context(
    cands: list[Division], context: str, year: int | None, lex: _Lexicon
) -> tuple[Division | None, list[str]]:
    """The one candidate whose province or prefecture the context names, if exactly one."""
    matches: list[tuple[Division, list[str]]] = []
    for div in cands:
        hits = [w for p in div.parents for w in lex.labels_of(p, year) if w in context]
        if hits:
            matches.append((div, hits))
    if len(matches) == 1:
        return matches[0]
    return None, []
