"""Unit profiles (第一部分 概况) of the five samples, and the rules on new wording."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import layouts
import pytest

from loaders.model import Staffing, UnitProfile
from loaders.profile import extract_profile
from loaders.readers import read_blocks

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"


def sample_text(sid: str) -> str:
    (path,) = SAMPLES.glob(f"{sid}_*.txt")
    return path.read_text(encoding="utf-8")


@cache
def profile(sid: str) -> UnitProfile:
    return extract_profile(read_blocks(sample_text(sid)))


def test_000():
    p = profile("000")
    assert p.functions_line == 66
    assert p.functions.startswith("(一)贯彻执行国家、自治区和自治州社会保险的方针")
    assert p.functions.endswith("(七)完成上级交办的其他任务。")
    assert p.functions.count("\n") == 6  # seven numbered paragraphs
    assert p.offices_line == 82
    assert p.offices == [
        "办公室",
        "社会保险计划财务科",
        "社会保险结算科",
        "社会保险征缴科",
        "社会保险稽核科",
        "网络信息科",
        "城乡居民养老科",
        "社会保险档案科",
    ]
    assert p.staffing == Staffing(
        authorized=20,
        actual=46,
        active=19,
        active_increase=0,
        retired=27,
        retired_increase=0,
        honorary_retired=0,
        honorary_retired_increase=0,
        line=84,
    )
    assert p.supervising_department is None


def test_001():
    p = profile("001")
    assert p.functions_line == 49
    assert p.functions.startswith("负责宣传贯彻执行国家、自治区及我市有关社会养老、失业、工伤保险")
    assert p.functions.endswith("配合税务部门开展社会养老、工伤、失业保险费征缴相关工作。")
    # 27 printed, one (水磨沟区分中心) twice; the last wraps onto line 57.
    assert p.offices_line == 55
    assert len(p.offices) == 26
    assert p.offices[:4] == ["党委办公室", "行政办公室", "纪检监察室", "法规宣传科（信访科）"]
    assert p.offices.count("市社会保险中心水磨沟区分中心") == 1
    assert p.offices[-1] == "市社会保险中心甘泉堡经济技术开发区（工业区）分中心"
    assert p.staffing == Staffing(actual=435, active=313, retired=122, honorary_retired=0, line=53)
    assert p.supervising_department == "乌鲁木齐市人力资源和社会保障局"


def test_002():
    p = profile("002")
    assert p.functions_line == 66
    # Line 66 breaks mid-sentence ("…收集、整理、"); line 68 goes on without a break.
    assert "负责社保业务档案的收集、整理、接收、上架工作" in p.functions
    assert "\n" not in p.functions
    assert p.offices == [
        "办公室",
        "计财科",
        "社会基金征缴科",
        "社会基金结算科",
        "社会保险稽核科",
        "档案管理科",
    ]
    assert p.staffing == Staffing(
        authorized=27,
        actual=39,
        active=22,
        active_increase=1,
        retired=17,
        retired_increase=0,
        honorary_retired=0,
        honorary_retired_increase=0,
        line=74,
    )


def test_003_functions_only():
    p = profile("003")
    assert p.functions_line == 41  # "一、职能简介" under a markdown heading
    assert p.functions.startswith("(一)贯彻执行养老、失业、工伤保险工作")
    assert p.functions.endswith("(八)完成上级主管部门交办的其他工作。")
    assert (p.offices, p.offices_line, p.staffing, p.supervising_department) == (
        [],
        None,
        None,
        None,
    )


def test_004():
    p = profile("004")
    assert p.functions_line == 49
    assert p.functions.startswith("奇台县社会保险中心负责奇台县县域内")
    assert p.offices == [
        "办公室",
        "基金财务管理股",
        "稽核股",
        "档案管理股",
        "综合业务股",
        "城乡养老股",
        "待遇核算股",
        "征缴股",
        "复核股",
    ]
    st = p.staffing
    assert (st.authorized, st.actual, st.active, st.retired, st.honorary_retired) == (
        32,
        38,
        29,
        9,
        0,
    )
    assert st.line == 55


def test_other_wording():
    text = "\n".join(
        [
            "目录",
            "一、部门职能",
            "二、机构设置",
            "",
            "一、部门职能",
            "负责全县教育工作，",
            "统筹学校建设。",
            "二、机构设置",
            "本部门内设 3 个股室：办公室、教育股、财务股等。",
            "编制人数 12 人，实有人员 15 人，其中在职人员 10 人，减少 2 人；"
            "退休人员 5 人；离退休人员 5 人。",
            "主管部门为某县人民政府。",
        ]
    )
    p = extract_profile(read_blocks(text))
    assert (p.functions, p.functions_line) == ("负责全县教育工作，统筹学校建设。", 6)
    assert (p.offices, p.offices_line) == (["办公室", "教育股", "财务股"], 9)
    st = p.staffing
    assert (st.authorized, st.actual, st.active, st.active_increase, st.retired) == (
        12,
        15,
        10,
        -2,
        5,
    )
    assert st.honorary_retired is None  # 离退休 is not 离休
    assert p.supervising_department == "某县人民政府"


@pytest.mark.parametrize("sid", ["000", "001", "002", "003", "004"])
def test_same_profile_in_every_layout(sid: str):
    for rewrite in (layouts.to_pipe, layouts.to_html, layouts.to_aligned):
        rewritten = rewrite(sample_text(sid))
        p = extract_profile(read_blocks(rewritten.text))
        back = {new: old for old, new in rewritten.line_map.items()}
        assert (p.functions, p.offices, p.supervising_department) == (
            profile(sid).functions,
            profile(sid).offices,
            profile(sid).supervising_department,
        )
        if p.staffing is not None:
            p.staffing.line = back[p.staffing.line]
        assert p.staffing == profile(sid).staffing
