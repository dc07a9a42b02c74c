"""Document metadata of the five samples and of small synthetic title pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.metadata import read_metadata
from loaders.readers import read_blocks

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"


def meta_of(prefix: str):
    path = next(SAMPLES.glob(f"{prefix}_*.txt"))
    return read_metadata(read_blocks(path.read_text(encoding="utf-8")), str(path))


@pytest.mark.parametrize(
    ("prefix", "unit", "year", "kind", "code", "date"),
    [
        ("000", "阿图什市社会保险中心", 2023, "budget", None, "2023-03-13"),
        ("001", "乌鲁木齐市社会保险中心", 2023, "final-account", None, None),
        ("002", "克孜勒苏柯尔克孜自治州社会保险中心", 2022, "budget", None, "2022-03-15"),
        ("003", "苍溪县社会保险事务中心", 2023, "budget", "316002", None),
        ("004", "奇台县社会保险管理局", 2024, "budget", None, "2024-02-21"),
    ],
)
def test_sample_metadata(prefix, unit, year, kind, code, date):
    meta = meta_of(prefix)
    assert meta.unit_name == unit
    assert meta.fiscal_year == year
    assert meta.kind == kind
    assert meta.unit_code == code
    assert meta.publication_date == date
    assert unit in meta.title and str(year) in meta.title


def test_wrapped_title_is_joined():
    # 001 prints "…2023 年度部门" over "决算公开说明" in bold.
    assert meta_of("001").title == "乌鲁木齐市社会保险中心 2023 年度部门决算公开说明"


def test_title_on_one_line_and_unit_after_year():
    one = read_metadata(read_blocks("\n某某县财政局2024年部门预算公开\n\n目 录\n"), "a.txt")
    assert (one.unit_name, one.fiscal_year, one.kind) == ("某某县财政局", 2024, "budget")
    after = read_metadata(read_blocks("2021 年度 某某市统计局 部门决算\n"), "b.txt")
    assert (after.unit_name, after.fiscal_year, after.kind) == ("某某市统计局", 2021,
                                                                "final-account")


def test_unit_code_and_date_line():
    text = (
        "某某中心\n2023 年单位预算\n\n单位：123456-某某中心\n\n金额单位：万元\n\n正文。\n\n"
        "某某中心\n\n2023年2月1日\n"
    )
    meta = read_metadata(read_blocks(text), "c.txt")
    assert meta.unit_code == "123456"
    assert meta.publication_date == "2023-02-01"


def test_not_a_disclosure_raises():
    with pytest.raises(ValueError, match="not a budget or final-account disclosure"):
        read_metadata(read_blocks("会议纪要\n\n今天讨论了三件事。\n"), "minutes.txt")
