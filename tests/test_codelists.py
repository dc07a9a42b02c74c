"""The SKOS code lists (ontology/codes/*.ttl): well-formed, hierarchical, and
covering every code and label variant the sample reports print."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from ontology_fixtures import CODES_DIR, SAMPLES_DIR

from loaders.codelists import code_list, load_all
from loaders.text import label_key

SKOS = "http://www.w3.org/2004/02/skos/core#"
CODE = "https://w3id.org/fiscal-kg/code/"
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")
CJK_NAME = r"[^（()）\s，,。；;：:0-9]+"
NARRATIVE_TRIPLE = re.compile(
    r"([\u4e00-\u9fff]+)[（(]类[^)）]*[)）]\s*"
    rf"({CJK_NAME})[（(]款[^)）]*[)）]\s*"
    rf"({CJK_NAME})[（(]项[^)）]*[)）]"
)

# Every classification code the five sample reports print (gathered by hand).
GOLDEN_FUNCTION = {
    # 类 as the two-sided summary tables list them
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
    "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227",
    "229", "230", "231", "232", "233", "234",
    # 款 and 项 of the function tables and narratives
    "2050202", "2050203", "20801", "2080101", "2080104", "2080107", "2080109", "2080150",
    "2080199", "20805", "2080501", "2080502", "2080505", "2080506", "2080508", "2080599",
    "20806", "2080699", "20808", "2080801", "20830", "2083099", "20899", "2089999",
    "21011", "2101101", "2101102", "2101103", "2101199", "2130599", "22102", "2210201",
}
GOLDEN_ECONOMIC = {
    "301", "30101", "30102", "30103", "3010301", "3010303", "3010304", "30107", "30108",
    "30109", "30110", "30111", "30112", "3011201", "3011202", "30113", "30199",
    "302", "30201", "30202", "30204", "30205", "30206", "30207", "30209", "30211", "30213",
    "30215", "30217", "30226", "30228", "30229", "30231", "30239", "30299",
    "303", "30302", "30305", "3030502", "30309",
    # the economic-class columns of project tables
    "307", "309", "310", "311", "312", "313", "399",
}

EXPECTED_SCHEMES = {
    "function", "economic", "fund-sources", "document-kinds", "currency-units",
    "comparison-bases", "indicator-levels", "columns", "line-items", "table-types",
}


def _store() -> ox.Store:
    store = ox.Store()
    for path in sorted(CODES_DIR.glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _tsv_rows(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "\t" in line:
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.split("\t")]
            yield number, cells + [""] * 4


def _name_after(cells: list[str], start: int) -> str | None:
    for cell in cells[start:]:
        if cell and not NUMBER.match(cell.replace(" ", "")) and not re.fullmatch(r"\d{6}", cell):
            return cell
    return None


def sample_codes() -> list[tuple[str, str, str | None, str]]:
    """(scheme, code, printed name, where) for every coded row of the sample tables.

    General patterns only: rows starting with a 3-digit 类 and 2-digit 款/项 cells
    (2xx function, 3xx economic), rows whose third cell holds the full 5/7-digit
    economic code, 类 rows with an empty 类/款 cell and the code in the third
    (Sichuan layout), and summary-table cells like "208 社会保障和就业支出".
    """
    found = []
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        for line, cells in _tsv_rows(path):
            where = f"{path.name}:{line}"
            a, b, c = cells[0], cells[1], cells[2]
            two_digits = re.fullmatch(r"\d\d|", b) and re.fullmatch(r"\d\d|", c)
            if re.fullmatch(r"2\d\d", a) and two_digits:
                if c and not b:
                    continue
                found.append(("function", a + b + c, _name_after(cells, 3), where))
            elif re.fullmatch(r"3\d\d", a) and re.fullmatch(r"\d\d|", b):
                full = c if re.fullmatch(r"3\d{4}(\d\d)?", c) else a + b
                found.append(("economic", full, _name_after(cells, 2), where))
            elif not a and not b and re.fullmatch(r"3\d\d", c):
                found.append(("economic", c, _name_after(cells, 3), where))
            for cell in cells:
                m = re.fullmatch(r"(2\d\d)\s*([\u4e00-\u9fff].*)", cell)
                if m:
                    found.append(("function", m.group(1), m.group(2), where))
            for cell in cells:  # project-table column headers (工资福利支出 …)
                if cells[0].startswith("科目编码") and code_list("economic").by_label(cell):
                    code = code_list("economic").by_label(cell)[0]
                    if len(code) == 3:
                        found.append(("economic", code, cell, where))
    return found


def test_every_code_list_parses_and_loads() -> None:
    for path in sorted(CODES_DIR.glob("*.ttl")):
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        assert len(store) > 0, path.name
    lists = load_all()
    assert set(lists) >= EXPECTED_SCHEMES
    assert len(lists["function"].concepts) >= 350
    assert len(lists["economic"].concepts) >= 110
    assert set(lists["document-kinds"].concepts) == {"budget", "final-account"}
    assert set(lists["currency-units"].concepts) == {"wan-yuan", "yuan", "yi-yuan", "qian-yuan"}
    assert set(lists["comparison-bases"].concepts) == {
        "prior-year-budget", "prior-year-final", "prior-year-execution", "initial-budget",
        "full-year-budget"}


def test_every_concept_has_labels_notation_and_scheme() -> None:
    store = _store()
    problems = []
    schemes = {s.value for (s,) in store.query(
        f"SELECT ?s WHERE {{ ?s a <{SKOS}ConceptScheme> }}")}
    for scheme, lst in load_all().items():
        assert CODE + scheme in schemes, scheme
        for key, c in lst.concepts.items():
            if not (c.pref_zh and c.pref_en and c.notation):
                problems.append(f"{scheme}/{key}: zh={c.pref_zh} en={c.pref_en} n={c.notation}")
    rows = store.query(
        f"""SELECT ?c ?s WHERE {{ ?c a <{SKOS}Concept> .
        OPTIONAL {{ ?c <{SKOS}inScheme> ?s }} }}""")
    for row in rows:
        concept, scheme = row["c"].value, row["s"]
        expected = CODE + concept[len(CODE):].partition("/")[0]
        if scheme is None or scheme.value != expected:
            problems.append(f"{concept}: inScheme {scheme}")
    assert problems == []


def test_prefLabels_are_language_tagged_once_per_language() -> None:
    store = _store()
    rows = store.query(
        f"""SELECT ?c ?lang (COUNT(?l) AS ?n) WHERE {{
            ?c a <{SKOS}Concept> ; <{SKOS}prefLabel> ?l . BIND(LANG(?l) AS ?lang) }}
            GROUP BY ?c ?lang""")
    bad = [(r["c"].value, r["lang"].value, r["n"].value) for r in rows
           if r["n"].value != "1" or r["lang"].value not in ("zh", "en")]
    assert bad == []


@pytest.mark.parametrize("scheme", ["function", "economic"])
def test_notations_are_keys_and_hierarchy_follows_digits(scheme: str) -> None:
    lst = code_list(scheme)
    first = "2" if scheme == "function" else "3"
    for key, c in lst.concepts.items():
        assert c.notation == key
        assert re.fullmatch(first + r"\d{2}(\d{2}){0,2}", key), key
        if len(key) == 3:
            assert c.broader == [], key
        else:
            parent = key[: len(key) - 2]
            assert c.broader == [parent], key
            assert parent in lst.concepts, key


def test_every_function_item_reaches_its_kuan_and_lei() -> None:
    f = code_list("function")
    items = [k for k in f.concepts if len(k) == 7]
    assert len(items) >= 250
    for key in items:
        chain = [key]
        while f.concepts[chain[-1]].broader:
            chain.append(f.concepts[chain[-1]].broader[0])
        assert chain == [key, key[:5], key[:3]], chain


def test_every_economic_kuan_has_its_lei() -> None:
    e = code_list("economic")
    classes = {k for k in e.concepts if len(k) == 3}
    assert classes == {"301", "302", "303", "307", "309", "310", "311", "312", "313", "399"}
    for key in (k for k in e.concepts if len(k) == 5):
        assert e.concepts[key].broader == [key[:3]]


def test_function_covers_the_summary_table_classes_and_five_kuan_in_full() -> None:
    f = code_list("function")
    assert {k for k in f.concepts if len(k) == 3} == {
        "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
        "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227",
        "229", "230", "231", "232", "233", "234"}
    for lei, minimum in (("205", 9), ("208", 20), ("210", 12), ("213", 7), ("221", 3)):
        kuan = [k for k in f.concepts if len(k) == 5 and k.startswith(lei)]
        assert len(kuan) >= minimum, lei
        for k in kuan:
            if k != "20803":  # 补充全国社会保障基金: no 项 in the disclosure years
                assert any(len(x) == 7 and x.startswith(k) for x in f.concepts), k


def test_golden_sample_codes_resolve() -> None:
    assert sorted(GOLDEN_FUNCTION - set(code_list("function").concepts)) == []
    assert sorted(GOLDEN_ECONOMIC - set(code_list("economic").concepts)) == []


def test_every_code_the_samples_print_resolves() -> None:
    found = sample_codes()
    codes = {(s, c) for s, c, _, _ in found}
    assert len(codes) >= 100
    missing = sorted({(s, c, w) for s, c, _, w in found if code_list(s).get(c) is None})
    assert missing == []
    # the generic extraction finds the hand-gathered golden codes
    assert {c for s, c in codes if s == "function"} == GOLDEN_FUNCTION
    assert {c for s, c in codes if s == "economic"} == GOLDEN_ECONOMIC


def test_printed_row_names_resolve_to_their_row_code() -> None:
    """A printed 科目名称 that matches any label must match the row's own code.

    Names that match nothing are project names (项目支出 tables) or cells cut by
    a line break; they must stay a small minority.
    """
    found = [x for x in sample_codes() if x[2]]
    wrong, unresolved = [], []
    for scheme, code, name, where in found:
        keys = code_list(scheme).by_label(name)
        if not keys:
            unresolved.append((where, name))
        elif code not in keys:
            wrong.append((where, code, name, keys))
    assert wrong == []
    assert len(unresolved) <= len(found) // 10, unresolved


def test_narrative_lei_kuan_xiang_resolve() -> None:
    """Every "X（类）Y（款）Z（项）" of the sample narratives names one consistent 项."""
    f = code_list("function")
    seen = 0
    problems = []
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for m in NARRATIVE_TRIPLE.finditer(line):
                lei, kuan, xiang = (f.by_label(x) for x in m.groups())
                hits = [x for x in xiang if len(x) == 7 and x[:5] in kuan and x[:3] in lei]
                seen += 1
                if not hits:
                    problems.append((path.name, m.group(0)))
    assert seen >= 50
    assert problems == []


@pytest.mark.parametrize(
    ("scheme", "label", "keys"),
    [
        ("function", "人力资源和社会保障管理事务社会保险经办支出", ["2080109"]),
        ("function", "人力资源和社会保障管理 事务社会保险经办支出", ["2080109"]),
        ("function", "机关事业单位基本养老保险金缴费支出", ["2080505"]),
        ("function", "机关事业单位 基本养老保险 缴费支出", ["2080505"]),
        ("function", "住房保障", ["221"]),
        ("function", "卫生健康", ["210"]),
        ("function", "社会保障和就业", ["208"]),
        ("function", "文化体育与传媒支出", ["207"]),
        ("function", "粮油物资管理支出", ["222"]),
        ("function", "粮油物资储备支出", ["222"]),
        ("function", "债务发行费支出", ["233"]),
        ("function", "抗疫特别国债还本支出", ["234"]),
        ("function", "企业改革补助", ["20806"]),
        ("function", "其他企业改革发展补助", ["2080699"]),
        ("function", "财政代缴其他社会保险费支出", ["2083099"]),
        ("function", "其他巩固脱贫攻坚成果衔接乡村振兴支出", ["2130599"]),
        ("function", "其他社会保障和就业支出", ["20899", "2089999"]),
        ("economic", "职工基本医疗保险费缴费", ["30110"]),
        ("economic", "对个人和家庭的补支", ["303"]),
        ("economic", "商品服务支出", ["302"]),
        ("economic", "对社保基金补助", ["313"]),
        ("economic", "资本性支出(基本建设)", ["309"]),
        ("economic", "资本性支出（基本建设）", ["309"]),
        ("economic", "离退休生活补助", ["3030502"]),
        ("economic", "维修（护）费", ["30213"]),
    ],
)
def test_label_lookups(scheme: str, label: str, keys: list[str]) -> None:
    assert code_list(scheme).by_label(label) == keys


def test_label_lookup_contains() -> None:
    assert "2080109" in code_list("function").by_label("社会保险经办机构")
    assert "2080101" in code_list("function").by_label("行政运行")
    assert code_list("function").by_label("人力资源和社会保障管理事务社会保险经办支出") == [
        "2080109"]


def test_prefLabel_matches_come_first() -> None:
    # 满意度指标 is the level-1 prefLabel and a level-2 altLabel
    assert code_list("indicator-levels").by_label("满意度指标") == [
        "satisfaction", "service-recipient-satisfaction"]


def test_function_labels_are_unique_among_siblings() -> None:
    f = code_list("function")
    seen: dict[tuple[str, str], str] = {}
    for key, c in sorted(f.concepts.items()):
        parent = c.broader[0] if c.broader else ""
        slot = (parent, label_key(c.pref_zh or ""))
        assert slot not in seen, (key, seen.get(slot))
        seen[slot] = key


INDICATOR_HEADERS = {"一级指标", "二级指标", "三级指标", "年度绩效指标", "指标",
                     "正向指标", "反向指标", "双向指标"}


def test_indicator_level_names_in_the_samples_resolve() -> None:
    """Every short cell ending in 指标 (a level-1/2 name) resolves, headers aside."""
    il = code_list("indicator-levels")
    names = set()
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        for _, cells in _tsv_rows(path):
            for cell in cells:
                key = label_key(cell)
                if key.endswith("指标") and len(key) <= 12 and key not in INDICATOR_HEADERS:
                    names.add(key)
    assert {"产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标",
            "时效指标", "社会效益指标", "经济成本指标", "可持续影响指标"} <= names
    assert sorted(n for n in names if not il.by_label(n)) == []
    assert il.by_label("满意度指 标") == il.by_label("满意度指标")
    assert il.by_label("可持續發展指标") == ["sustainable-impact"]
    assert il.by_label("产出") == ["output"]


def test_indicator_levels_hierarchy() -> None:
    il = code_list("indicator-levels")
    level1 = {"output", "benefit", "satisfaction", "cost"}
    assert level1 <= set(il.concepts)
    expected = {
        "quantity": "output", "quality": "output", "timeliness": "output",
        "economic-benefit": "benefit", "social-benefit": "benefit",
        "ecological-benefit": "benefit", "sustainable-impact": "benefit",
        "service-recipient-satisfaction": "satisfaction",
        "economic-cost": "cost", "social-cost": "cost", "ecological-cost": "cost",
    }
    for key, parent in expected.items():
        assert il.concepts[key].broader == [parent], key
    for key in level1:
        assert il.concepts[key].broader == []
    store = _store()
    levels = {
        r["c"].value.rsplit("/", 1)[-1]: int(r["n"].value)
        for r in store.query(
            """SELECT ?c ?n WHERE { ?c <https://w3id.org/fiscal-kg/def#indicatorLevel> ?n }""")
    }
    assert set(levels) == set(il.concepts)
    for key, c in il.concepts.items():
        assert levels[key] == (2 if c.broader else 1), key


def test_fund_sources_and_currency_units() -> None:
    fs = code_list("fund-sources")
    assert fs.concepts["general-public-budget"].broader == ["fiscal-appropriation"]
    assert fs.by_label("教育收费（财政专户）") == ["fiscal-special-account"]
    assert fs.by_label("上年结转") == ["prior-carryover"]
    store = _store()
    factors = {
        r["c"].value.rsplit("/", 1)[-1]: r["f"].value
        for r in store.query(
            """SELECT ?c ?f WHERE { ?c <https://w3id.org/fiscal-kg/def#yuanFactor> ?f }""")
    }
    assert factors == {
        "wan-yuan": "10000", "yuan": "1", "yi-yuan": "100000000", "qian-yuan": "1000"}


def test_valid_in_without_validity_bounds() -> None:
    f = code_list("function")
    assert f.valid_in("2080109", 2023)
    assert not f.valid_in("9999999", 2023)
