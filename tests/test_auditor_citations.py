"""One policy document cited with two numbers (NARR-CITATION-CONFLICT).

004's project explanation (line 438) cites "昌州财建〔2024〕161号《关于提前下达
1995年前退休（退职）人员…生活补贴资金预算的通知》" and "奇财预〔2024〕6号《关于下达2024年
破产企业生活费的通知》"; its performance table's 项目总体目标 (line 556) cites
"奇财预【2024】5号《关于下达2024年破产企业生活费的通知》" and "昌州财建[2023]161号
《关于提前下达1995年前退休[退职]人员…的通知》". The other citations of the samples and the
real reports (000's 克财社〔2019〕122/123/124号 are three documents) raise nothing; a year or
a number planted into a second citation of each is caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_files import loaded as _loaded
from report_files import real_layouts as _reals
from report_files import sample as _sample
from validation_models import findings, report, rules_at

from loaders.model import PolicyCitation
from loaders.narrative.citations import extract_citations
from loaders.readers import read_blocks

RULE = ["NARR-CITATION-CONFLICT"]


def test_004_cites_two_documents_two_ways() -> None:
    r = _loaded(_sample("004"))
    assert [(c.line, c.text) for c in r.citations] == [
        (438, "昌州财建〔2024〕161号"), (438, "奇财预〔2024〕6号"),
        (556, "奇财预〔2024〕5号"), (556, "昌州财建〔2023〕161号")]
    # [退职] / （退职）, — / -: one title
    assert r.citations[0].title_key == r.citations[3].title_key
    found = sorted((f.line, f.severity, f.found, f.expected)
                   for f in findings(r, rules=RULE))
    assert found == [(556, "Warning", "奇财预〔2024〕5号", "奇财预〔2024〕6号"),
                     (556, "Warning", "昌州财建〔2023〕161号", "昌州财建〔2024〕161号")]


@pytest.mark.parametrize("path", [_sample("000"), _sample("001"), _sample("002"),
                                  _sample("003"), *_reals()])
def test_other_citations_raise_nothing(path: Path) -> None:
    assert findings(_loaded(path), rules=RULE) == []


def test_issuer_after_grammar_words() -> None:
    def cited(text: str) -> list[str]:
        return [c.text for c in extract_citations(read_blocks(text))]

    assert cited("依据阿财预〔2023〕001 号的通知\n") == ["阿财预〔2023〕1号"]
    assert cited("的批复和普发改投〔2017〕89号文《关于…的批复》\n") == ["普发改投〔2017〕89号"]
    assert cited("根据沪府规[2016]168号\n") == ["沪府规〔2016〕168号"]


def test_rules_of_the_pairing() -> None:
    def c(line: int, issuer: str, year: int, number: int, title: str | None = None
          ) -> PolicyCitation:
        return PolicyCitation(line=line, issuer=issuer, year=year, number=number, title=title,
                              title_key=title, text=f"{issuer}〔{year}〕{number}号")

    r = report()
    r.citations = [c(10, "克财社", 2019, 122), c(11, "克财社", 2019, 123),  # two documents
                   c(12, "克财社", 2022, 113), c(13, "克财社", 2022, 113),  # one, cited twice
                   c(14, "沪财行", 2008, 36), c(15, "沪财行", 2009, 36),  # another year
                   c(16, "奇财预", 2024, 6, "关于下达破产企业生活费的通知"),
                   c(17, "奇财预", 2024, 5, "关于下达破产企业生活费的通知")]  # another number
    assert rules_at(findings(r, rules=RULE)) == {("NARR-CITATION-CONFLICT", 15),
                                                 ("NARR-CITATION-CONFLICT", 17)}


def test_planted_citations_are_caught() -> None:
    # every citation of the samples and real reports cited again in a paragraph of its own,
    # once with the year one later, once (titled ones) with the number one higher
    planted = caught = 0
    for path in [_sample("000"), _sample("002"), _sample("004"), *_reals()]:
        text = path.read_text(encoding="utf-8")
        for cited in extract_citations(read_blocks(text)):
            title = f"《{cited.title}》" if cited.title else ""
            moves = [(cited.year + 1, cited.number)]
            if cited.title:
                moves.append((cited.year, cited.number + 1))
            for year, number in moves:
                again = f"{text}\n\n依据{cited.issuer}〔{year}〕{number}号{title}文件。\n"
                r = report()
                r.citations = extract_citations(read_blocks(again))
                planted += 1
                caught += bool(findings(r, rules=RULE))
    assert planted >= 20
    assert caught / planted >= 0.9
    assert caught == planted
