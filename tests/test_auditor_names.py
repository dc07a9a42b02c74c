"""The unit's name printed differently (NARR-UNIT-NAME, NARR-UNIT-NAME-VARIANT).

004 is 奇台县社会保险管理局's budget (title, 编制单位 of every table), but its 职能 paragraph
opens "奇台县社会保险中心负责…" (line 49), its project says "项目承担单位：奇台县社会保险中心"
(line 442) and its performance table "单位（单位）名称（盖章） 奇台县社会保险中心"
(line 529) and "预算单位 奇台县社会保险中心" (line 553): the same place and words with
another institution type, a Warning each.
The other samples and real reports print their own name wherever they print it as a name; a
short form, a variant and another body planted at each of those places are caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from report_files import loaded as _loaded
from report_files import real_layouts as _reals
from report_files import sample as _sample
from validation_models import findings

from loaders.narrative.names import name_sites, relate
from loaders.pipeline import load_text
from loaders.readers import read_blocks

RULES = ["NARR-UNIT-NAME", "NARR-UNIT-NAME-VARIANT"]


def test_004_names_its_unit_a_centre_in_four_places() -> None:
    found = sorted((f.rule, f.severity, f.line, f.found, f.expected)
                   for f in findings(_loaded(_sample("004")), rules=RULES))
    assert found == [("NARR-UNIT-NAME-VARIANT", "Warning", line, "奇台县社会保险中心",
                      "奇台县社会保险管理局") for line in (49, 442, 529, 553)]


@pytest.mark.parametrize("path", [_sample("000"), _sample("001"), _sample("002"),
                                  _sample("003"), *_reals()])
def test_own_names_raise_nothing(path: Path) -> None:
    assert _loaded(path).name_mentions == []


@pytest.mark.parametrize(("name", "unit", "relation"), [
    ("奇台县社会保险管理局", "奇台县社会保险管理局", None),
    ("县社保事务中心", "苍溪县社会保险事务中心", "short-form"),
    ("苍溪县社保事务中心", "苍溪县社会保险事务中心", "short-form"),
    ("普陀区财政局", "上海市普陀区财政局", "short-form"),
    ("区政府办公室", "上海市普陀区人民政府办公室", "short-form"),
    ("奇台县社会保险中心", "奇台县社会保险管理局", "variant"),
    ("苏州市社会保险事务中心", "苍溪县社会保险事务中心", "other-body"),
    ("上海市普陀区商务委员会", "上海市普陀区财政局", "other-body"),
])
def test_relations(name: str, unit: str, relation: str | None) -> None:
    assert relate(name, unit) == relation


def _forms(unit: str) -> dict[str, str]:
    """A known short form, a variant (another institution type) and another body of ``unit``."""
    short = unit.replace("社会保险", "社保") if "社会保险" in unit else unit[unit.index("区") + 1:]
    # another institution type in place of the unit's (办事处 → 办公室, 局 → 中心, …)
    swap = {"中心": "管理局", "局": "中心", "委员会": "办公室", "办公室": "办事处",
            "办事处": "办公室"}
    kind = next(k for k in swap if unit.endswith(k))
    variant = unit[: -len(kind)] + swap[kind]
    place_end = max(unit.find(c) for c in "市州县区" if c in unit[:12])
    return {"short-form": short, "variant": variant,
            "other-body": "苏州市吴江区" + unit[place_end + 1:]}


def test_planted_names_are_caught() -> None:
    # every place a clean report prints its own name as a name, in turn printed as a short
    # form, a variant and another body; each must be found with its severity
    tally: dict[str, list[int]] = {"short-form": [0, 0], "variant": [0, 0], "other-body": [0, 0]}
    for path in [_sample("000"), _sample("002"), *_reals()]:
        r = _loaded(path)
        lines = path.read_text(encoding="utf-8").split("\n")
        sites = {line for line, _, name in name_sites(read_blocks("\n".join(lines)))
                 if name == r.unit_name}
        for relation, name in _forms(r.unit_name).items():
            for line in sorted(sites)[:4]:
                planted = lines.copy()
                planted[line - 1] = planted[line - 1].replace(r.unit_name, name, 1)
                mutant = load_text("\n".join(planted), str(path), "0" * 64)
                rule = "NARR-UNIT-NAME" if relation == "other-body" else "NARR-UNIT-NAME-VARIANT"
                at = {(f.rule, f.line) for f in findings(mutant, rules=RULES)}
                tally[relation][0] += 1
                # a planted name on the line the report takes its unit from (12's "预算单位：")
                # becomes the unit: then every other place that names it is found
                adopted = mutant.unit_name == name and len(at) >= len(sites) - 1
                tally[relation][1] += (rule, line) in at or adopted
    for relation, (planted, caught) in tally.items():
        assert planted >= 20, relation
        assert caught / planted >= 0.9, (relation, caught, planted)
