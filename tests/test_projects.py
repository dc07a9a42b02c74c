"""Projects of the 项目支出情况说明, and the tolerant project-name matcher."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import layouts
import pytest

from loaders.model import Project
from loaders.projects import extract_projects, match_project_name
from loaders.readers import read_blocks

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"


def sample_text(sid: str) -> str:
    (path,) = SAMPLES.glob(f"{sid}_*.txt")
    return path.read_text(encoding="utf-8")


@cache
def projects(sid: str) -> tuple[Project, ...]:
    return tuple(extract_projects(read_blocks(sample_text(sid))))


def test_000():
    first, second, third = projects("000")
    assert first == Project(
        name="城乡居民养老保险补助金项目",
        line=422,
        amount=Decimal("538.12"),
        currency="万元",
        policy_basis="依据阿财预【2023】001 号的通知",
        period="2023 年 1 月-12 月",
        executing_unit="阿图什市社会保险中心",
    )
    assert (second.name, second.line, second.amount) == (
        "基层平台网络运行维护费",
        448,
        Decimal("15.00"),
    )
    assert second.policy_basis == "2023 年度社保中心基层平台网络运行维护费项目实施方案"
    assert (third.name, third.line, third.amount) == (
        "2023 年自治区财政社保经办机构业务补助经费",
        460,
        Decimal("7.00"),
    )
    # A colon inside the value stays in the value.
    assert third.policy_basis.startswith("克财社[2022]113 号：关于提前下达")
    assert third.period == "2023 年 1 月--2023 年 12 月"
    assert str(third.amount) == "7.00"  # digits as printed


def test_002():
    names = [(p.name, p.line, p.amount, p.currency) for p in projects("002")]
    assert names == [
        ("线路租赁费", 366, Decimal("5"), "万元"),
        ("代办员经费", 378, Decimal("8.40"), "万元"),
        ("企业基本养老保险扩面项目", 390, Decimal("3"), "万元"),
    ]
    for p in projects("002"):
        assert p.policy_basis == "克财预〔2022〕16 号文件要求"
        assert p.executing_unit == "克孜勒苏柯尔克孜自治州社会保险中心"
        assert p.period == "2022 年 1 月-2022 年 12 月"


def test_004():
    (p,) = projects("004")
    assert (p.name, p.line, p.amount, p.currency) == (
        "2024年破产企业生活费补助项目",
        436,
        Decimal("82.46"),
        "万元",
    )
    assert p.policy_basis.startswith("昌州财建〔2024〕161号《关于提前下达1995年前退休")
    assert (p.executing_unit, p.period) == ("奇台县社会保险中心", "2024年1月-2024年12月")


def test_none_in_001_003():
    assert projects("001") == () and projects("003") == ()


def test_other_wording():
    text = "\n".join(
        [
            "七、项目支出情况说明",
            "（一）项目名称：校舍维修",
            "立项依据：某教〔2025〕3 号，",
            "",
            "关于校舍维修的通知。",
            "预算金额：1,250.5 元",
            "实施单位：某县第一中学",
            "实施期限：2025 年全年",
            "八、其他",
            "项目名称：不是项目的一行不会被读成字段：x",
        ]
    )
    first, second = extract_projects(read_blocks(text))
    assert first == Project(
        name="校舍维修",
        line=2,
        amount=Decimal("1250.5"),
        currency="元",
        policy_basis="某教〔2025〕3 号，关于校舍维修的通知。",
        period="2025 年全年",
        executing_unit="某县第一中学",
    )
    assert (second.name, second.line, second.amount) == (
        "不是项目的一行不会被读成字段：x",
        10,
        None,
    )


@pytest.mark.parametrize(
    ("name", "candidates", "expected"),
    [
        (
            "企业基本养老保险扩面项目",
            ["线路租赁费", "企业基本养老保险扩面"],
            "企业基本养老保险扩面",
        ),
        ("企业基本养老保险扩面", ["企业基本养老保险扩面项目"], "企业基本养老保险扩面项目"),
        (
            "2023 年自治区财政社保经办机构业务补助经费",
            ["2023年自治区财政社保经办机构业务补助经费", "基层平台网络运行维护费"],
            "2023年自治区财政社保经办机构业务补助经费",
        ),
        ("代办员经费", ["代办员经费", "代办员"], "代办员经费"),  # equal name wins
        ("线路租赁费", ["线路租赁"], "线路租赁"),
        ("租赁费", ["线路租赁费"], None),  # too short to be sure
        ("经费", ["代办员经费"], None),
        ("社保扩面项目", ["社保扩面一", "社保扩面二"], None),  # ambiguous
        ("培训项目", [], None),
    ],
)
def test_match_project_name(name, candidates, expected):
    assert match_project_name(name, candidates) == expected


@pytest.mark.parametrize("sid", ["000", "002", "004"])
def test_same_projects_in_every_layout(sid: str):
    for rewrite in (layouts.to_pipe, layouts.to_html, layouts.to_aligned):
        rewritten = rewrite(sample_text(sid))
        back = {new: old for old, new in rewritten.line_map.items()}
        found = extract_projects(read_blocks(rewritten.text))
        for p in found:
            p.line = back[p.line]
        assert tuple(found) == projects(sid)
