"""Narrative claims (issue 4): sections, amounts, shares and changes from the 说明 text.

Golden rows are read off the five sample reports by hand (line numbers as in
``nl -ba``); each asserts the claim's line, its item or code, amount, share,
change, growth rate and comparison basis exactly as printed. Author errors
are kept: 002 line 328 says 352.15 where its table says 320.27, 003 line 552
says 41.53 where the table says 41.54.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from loaders.model import Block, Claim, DocumentMeta
from loaders.narrative import extract_claims
from loaders.readers import read_blocks

sys.path.insert(0, str(Path(__file__).parent))
import layouts  # test helper beside this file

REPORTS = Path(__file__).resolve().parent.parent / "samples" / "reports"

META = {
    "000": DocumentMeta("阿图什市社会保险中心", 2023, "budget", "2023 年单位预算公开"),
    "001": DocumentMeta("乌鲁木齐市社会保险中心", 2023, "final-account", "2023 年度部门决算"),
    "002": DocumentMeta("克孜勒苏柯尔克孜自治州社会保险中心", 2022, "budget", "2022 年预算公开"),
    "003": DocumentMeta("苍溪县社会保险事务中心", 2023, "budget", "2023 年单位预算"),
    "004": DocumentMeta("奇台县社会保险管理局", 2024, "budget", "2024 年部门预算公开"),
}


def sample_text(key: str) -> str:
    return next(REPORTS.glob(f"{key}_*.txt")).read_text(encoding="utf-8")


@cache
def loaded(key: str):
    return extract_claims(read_blocks(sample_text(key)), META[key])


def row(c: Claim) -> tuple:
    def s(v: Decimal | None) -> str | None:
        return None if v is None else str(v)

    return (c.line, c.item or c.code, s(c.amount), s(c.share), s(c.change), s(c.growth_rate),
            c.basis)


# (line, line-item key or classification code, amount, share, change, growth rate, basis)
GOLDEN = {
    "000": [
        (330, "budget-total", "911.29", None, None, None, ""),
        (338, "income-total", "911.29", None, None, None, ""),
        (340, "general-public-budget", "866.38", "95.07", "560.71", "183.44", "prior-year-budget"),
        (344, "upper-gpb-transfer", "7.00", "0.77", "7.00", "100.00", "prior-year-budget"),
        (354, "unit-funds", "35.56", "3.90", "35.56", "100.00", "prior-year-budget"),
        (356, "fiscal-carryover", "2.35", "0.26", "2.35", "100.00", "prior-year-budget"),
        (360, "expenditure-total", "911.29", None, None, None, ""),
        (362, "basic-expenditure", "313.26", "34.38", "22.59", "7.77", "prior-year-budget"),
        (366, "project-expenditure", "598.03", "65.62", "583.03", "3886.87", "prior-year-budget"),
        (370, "fiscal-income-total", "873.38", None, None, None, ""),
        (374, "general-public-budget", "873.38", None, None, None, ""),
        (376, "208", "826.54", None, None, None, ""),
        (376, "210", "23.60", None, None, None, ""),
        (376, "221", "23.24", None, None, None, ""),
        (386, "gpb-expenditure", "873.38", None, None, None, ""),
        (386, "basic-expenditure", "313.26", None, "22.59", "7.77", "prior-year-budget"),
        (386, "project-expenditure", "560.12", None, "545.12", "3634.13", "prior-year-budget"),
        (390, "208", "826.54", "94.64", None, None, ""),
        (391, "210", "23.60", "2.70", None, None, ""),
        (392, "221", "23.24", "2.66", None, None, ""),
        (396, "2080109", "774.29", None, "567.25", "273.98", "prior-year-budget"),
        (398, "2080501", "21.83", None, "1.20", "5.82", "prior-year-budget"),
        (400, "2080502", "1.76", None, "0.00", "0.00", "prior-year-budget"),
        (402, "2080505", "28.66", None, "2.15", "8.11", "prior-year-budget"),
        (404, "2101101", "18.26", None, "-3.36", "-15.54", "prior-year-budget"),
        (406, "2101102", "5.34", None, "-0.96", "-15.24", "prior-year-budget"),
        (408, "2210201", "23.24", None, "1.43", "6.56", "prior-year-budget"),
        (414, "gpb-basic-expenditure", "313.26", None, None, None, ""),
        (416, "personnel", "307.41", None, None, None, ""),
        (418, "public", "5.85", None, None, None, ""),
        (484, "sangong-total", "0.00", None, None, None, ""),
        (484, "sangong-overseas", "0.00", None, None, None, ""),
        (484, "sangong-vehicle-purchase", "0.00", None, None, None, ""),
        (484, "sangong-vehicle-operation", "0.00", None, None, None, ""),
        (484, "sangong-reception", "0.00", None, None, None, ""),
        (486, "sangong-total", None, None, "0.00", "0.00", "prior-year-budget"),
        (486, "sangong-overseas", None, None, "0.00", "0.00", "prior-year-budget"),
        (486, "sangong-vehicle-purchase", None, None, "0.00", "0.00", "prior-year-budget"),
        (486, "sangong-vehicle-operation", None, None, "0.00", "0.00", "prior-year-budget"),
        (486, "sangong-reception", None, None, "0.00", "0.00", "prior-year-budget"),
        (492, "admin-operating-cost", "5.85", None, "-0.09", "-1.52", "prior-year-budget"),
        (496, "procurement-total", "27.70", None, None, None, ""),
        (496, "procurement-goods", "20.60", None, None, None, ""),
        (496, "procurement-works", "0.00", None, None, None, ""),
        (496, "procurement-services", "7.10", None, None, None, ""),
        (498, "procurement-sme", "27.70", None, None, None, ""),
        (498, "procurement-small-micro", "27.70", None, None, None, ""),
        (504, "asset-buildings", "0.00", None, None, None, ""),
        (505, "asset-vehicles", "0.00", None, None, None, ""),
        (506, "asset-furniture", "13.40", None, None, None, ""),
        (507, "asset-other", "53.48", None, None, None, ""),
    ],
    "001": [
        (63, "income-total", "10938.34", None, None, None, ""),
        (63, "current-year-income", "10853.30", None, None, None, ""),
        (63, "non-fiscal-balance-used", "0.00", None, None, None, ""),
        (63, "prior-carryover", "85.04", None, None, None, ""),
        (65, "expenditure-total", "10938.34", None, None, None, ""),
        (65, "current-year-expenditure", "10938.34", None, None, None, ""),
        (65, "balance-distribution", "0.00", None, None, None, ""),
        (65, "closing-carryover", "0.00", None, None, None, ""),
        (67, "income-total", None, None, "402.32", "3.82", "prior-year-final"),
        (71, "current-year-income", "10853.30", None, None, None, ""),
        (71, "fiscal-appropriation", "10586.87", "97.55", None, None, ""),
        (71, "upper-subsidy", "0.00", "0.00", None, None, ""),
        (71, "business-income", "0.00", "0.00", None, None, ""),
        (71, "business-operation", "0.00", "0.00", None, None, ""),
        (71, "affiliated-remittance", "0.00", "0.00", None, None, ""),
        (71, "other-income", "266.43", "2.45", None, None, ""),
        (75, "current-year-expenditure", "10938.34", None, None, None, ""),
        (75, "basic-expenditure", "5631.87", "51.49", None, None, ""),
        (77, "project-expenditure", "5306.47", "48.51", None, None, ""),
        (77, "upper-remittance-expenditure", "0.00", "0.00", None, None, ""),
        (77, "business-expenditure", "0.00", "0.00", None, None, ""),
        (77, "affiliated-subsidy-expenditure", "0.00", "0.00", None, None, ""),
        (81, "fiscal-income-total", "10671.52", None, None, None, ""),
        (81, "fiscal-carryover", "84.65", None, None, None, ""),
        (81, "fiscal-appropriation", "10586.87", None, None, None, ""),
        (81, "fiscal-expenditure-total", "10671.52", None, None, None, ""),
        (81, "closing-carryover", "0.00", None, None, None, ""),
        (81, "fiscal-current-expenditure", "10671.52", None, None, None, ""),
        (83, "fiscal-income-total", None, None, "372.49", "3.62", "prior-year-final"),
        (83, "initial-budget", "10343.79", None, None, None, ""),
        (83, "fiscal-income-total", "10671.52", None, None, None, ""),
        (83, "budget-final-difference", None, None, None, "3.17", "initial-budget"),
        (89, "gpb-expenditure", "10671.52", "97.56", None, None, ""),
        (89, "gpb-expenditure", None, None, "457.14", "4.48", "prior-year-final"),
        (91, "initial-budget", "10343.79", None, None, None, ""),
        (91, "gpb-expenditure", "10671.52", None, None, None, ""),
        (91, "budget-final-difference", None, None, None, "3.17", "initial-budget"),
        (95, "208", "10671.52", "100.00", None, None, ""),
        (99, "2080101", "3850.59", None, "219.39", "6.04", "prior-year-final"),
        (101, "2080109", "2662.39", None, "-150.92", "-5.36", "prior-year-final"),
        (105, "2080150", "1101.10", None, "114.48", "11.60", "prior-year-final"),
        (107, "2080501", "72.36", None, "26.85", "59.00", "prior-year-final"),
        (109, "2080505", "504.18", None, "37.37", "8.01", "prior-year-final"),
        (111, "2080506", "43.66", None, "9.05", "26.15", "prior-year-final"),
        (115, "2080699", "1676.69", None, "-156.57", "-8.54", "prior-year-final"),
        (117, "2080801", "59.59", None, "59.59", "100.00", "prior-year-final"),
        (119, "2089999", "700.96", None, "297.91", "73.91", "prior-year-final"),
        (123, "gpb-basic-expenditure", "5631.48", None, None, None, ""),
        (123, "personnel", "5135.15", None, None, None, ""),
        (127, "public", "496.32", None, None, None, ""),
        (131, "sangong-total", "32.29", None, "8.29", "34.54", "prior-year-final"),
        (131, "sangong-overseas", "0.00", "0.00", "0.00", "0.00", "prior-year-final"),
        (131, "sangong-vehicle", "32.29", "100.00", "8.29", "34.54", "prior-year-final"),
        (131, "sangong-reception", "0.00", "0.00", "0.00", "0.00", "prior-year-final"),
        (135, "sangong-overseas", "0.00", None, None, None, ""),
        (139, "sangong-vehicle", "32.29", None, None, None, ""),
        (139, "sangong-vehicle-purchase", "0.00", None, None, None, ""),
        (139, "sangong-vehicle-operation", "32.29", None, None, None, ""),
        (141, "sangong-reception", "0.00", None, None, None, ""),
        (143, "full-year-budget", "32.29", None, None, None, ""),
        (143, "sangong-total", "32.29", None, None, None, ""),
        (143, "budget-final-difference", None, None, None, "0.00", "full-year-budget"),
        (143, "full-year-budget", "0.00", None, None, None, ""),
        (143, "sangong-overseas", "0.00", None, None, None, ""),
        (143, "budget-final-difference", None, None, None, "0.00", "full-year-budget"),
        (143, "full-year-budget", "0.00", None, None, None, ""),
        (143, "sangong-vehicle-purchase", "0.00", None, None, None, ""),
        (143, "budget-final-difference", None, None, None, "0.00", "full-year-budget"),
        (143, "full-year-budget", "32.29", None, None, None, ""),
        (143, "sangong-vehicle-operation", "32.29", None, None, None, ""),
        (143, "budget-final-difference", None, None, None, "0.00", "full-year-budget"),
        (143, "full-year-budget", "0.00", None, None, None, ""),
        (143, "sangong-reception", "0.00", None, None, None, ""),
        (143, "budget-final-difference", None, None, None, "0.00", "full-year-budget"),
        (159, "admin-operating-cost", "496.32", None, "135.50", "37.55", "prior-year-final"),
        (163, "procurement-total", "70.72", None, None, None, ""),
        (163, "procurement-goods", "15.00", None, None, None, ""),
        (163, "procurement-works", "9.98", None, None, None, ""),
        (163, "procurement-services", "45.74", None, None, None, ""),
        (165, "procurement-sme", "70.72", "100.00", None, None, ""),
        (167, "procurement-small-micro", "70.72", "100.00", None, None, ""),
        (171, "asset-fixed-original", "1701.90", None, None, None, ""),
        (171, "asset-buildings", "112.76", None, None, None, ""),
        (171, "asset-vehicles", "327.34", None, None, None, ""),
    ],
    "002": [
        (292, "budget-total", "389.75", None, None, None, ""),
        (294, "general-public-budget", "368.55", None, None, None, ""),
        (294, "upper-special", "11.40", None, None, None, ""),
        (294, "prior-balance", "9.80", None, None, None, ""),
        (296, "208", "389.75", None, None, None, ""),
        (300, "income-total", "389.75", None, None, None, ""),
        (302, "general-public-budget", "368.55", "94.56", "54.05", "17.19", "prior-year-budget"),
        (308, "upper-special", "11.40", "2.93", "5.10", "80.95", "prior-year-budget"),
        (310, "prior-balance", "9.80", "2.51", "-39.52", "-80.13", "prior-year-budget"),
        (314, "expenditure-total", "389.75", None, None, None, ""),
        (316, "basic-expenditure", "363.55", "93.28", "19.03", "5.52", "prior-year-budget"),
        (318, "project-expenditure", "26.20", "6.72", "6.90", "35.75", "prior-year-budget"),
        (322, "fiscal-income-total", "368.55", None, None, None, ""),
        (326, "general-public-budget", "368.55", None, None, None, ""),
        (328, "208", "368.55", None, None, None, ""),
        (328, "20801", "352.15", None, None, None, ""),
        (330, "20805", "48.28", None, None, None, ""),
        (336, "gpb-expenditure", "368.55", None, None, None, ""),
        (336, "basic-expenditure", "352.15", None, "43.95", "14.26", "prior-year-budget"),
        (336, "project-expenditure", "16.4", None, "-2.9", "-15.02", "prior-year-budget"),
        (340, "208", "368.55", "100", None, None, ""),
        (344, "2080109", "303.87", None, "-5.63", "-1.82", "prior-year-budget"),
        (346, "2080199", "16.40", None, "16.40", "100", "prior-year-budget"),
        (350, "2080501", "15.40", None, "15.40", "100", "prior-year-budget"),
        (352, "2080505", "32.88", None, "32.88", "100", "prior-year-budget"),
        (356, "gpb-basic-expenditure", "352.15", None, None, None, ""),
        (358, "personnel", "330.03", None, None, None, ""),
        (358, "30101", "93.21", None, None, None, ""),
        (358, "30102", "127.73", None, None, None, ""),
        (358, "30103", "7.77", None, None, None, ""),
        (358, "30108", "32.88", None, None, None, ""),
        (358, "30110", "23.90", None, None, None, ""),
        (358, "30112", "0.56", None, None, None, ""),
        (358, "30113", "27.06", None, None, None, ""),
        (358, "30302", "15.39", None, None, None, ""),
        (358, "30199", "1.53", None, None, None, ""),
        (360, "public", "22.12", None, None, None, ""),
        (360, "30201", "6.10", None, None, None, ""),
        (360, "30215", "1.60", None, None, None, ""),
        (360, "sangong-reception", "1.30", None, None, None, ""),
        (360, "30228", "1.32", None, None, None, ""),
        (362, "30229", "3.80", None, None, None, ""),
        (362, "sangong-vehicle-operation", "8", None, None, None, ""),
        (404, "sangong-total", "9.3", None, None, None, ""),
        (404, "sangong-overseas", "0", None, None, None, ""),
        (404, "sangong-vehicle-purchase", "0", None, None, None, ""),
        (404, "sangong-vehicle-operation", "8", None, None, None, ""),
        (404, "sangong-reception", "1.3", None, None, None, ""),
        (408, "sangong-total", None, None, "0", "0", "prior-year-budget"),
        (408, "sangong-overseas", None, None, "0", "0", "prior-year-budget"),
        (408, "sangong-vehicle-purchase", None, None, "0", "0", "prior-year-budget"),
        (408, "sangong-vehicle-operation", None, None, "0", "0", "prior-year-budget"),
        (408, "sangong-reception", None, None, "0", "0", "prior-year-budget"),
        (418, "admin-operating-cost", "22.12", None, "2.39", "12.11", "prior-year-budget"),
        (422, "procurement-total", "29.2", None, None, None, ""),
        (422, "procurement-goods", "25", None, None, None, ""),
        (424, "procurement-works", "0", None, None, None, ""),
        (424, "procurement-services", "4.2", None, None, None, ""),
        (426, "procurement-sme", "0", None, None, None, ""),
        (426, "procurement-small-micro", "0", None, None, None, ""),
        (432, "asset-buildings", "0", None, None, None, ""),
        (434, "asset-vehicles", "40", None, None, None, ""),
        (436, "asset-furniture", "37.34", None, None, None, ""),
        (438, "asset-other", "333.26", None, None, None, ""),
    ],
    "003": [
        (498, "budget-total", "24107.98", None, "-12651.74", None, "prior-year-budget"),
        (502, "income-total", "24107.98", None, None, None, ""),
        (502, "prior-carryover", "6365.36", "26.4", None, None, ""),
        (502, "general-public-budget", "17742.62", "73.6", None, None, ""),
        (506, "expenditure-total", "24107.98", None, None, None, ""),
        (506, "basic-expenditure", "16182.05", "67.12", None, None, ""),
        (506, "project-expenditure", "7925.93", "32.88", None, None, ""),
        (510, "fiscal-income-total", "24107.98", None, "-6297.58", None, "prior-year-budget"),
        (510, "fiscal-income-total", None, None, "-12651.74", None, "prior-year-budget"),
        (512, "general-public-budget", "17742.62", None, None, None, ""),
        (514, "prior-carryover", "6365.36", None, None, None, ""),
        (514, "205", "3026", None, None, None, ""),
        (514, "208", "21017.35", None, None, None, ""),
        (514, "210", "18.09", None, None, None, ""),
        (514, "213", "5", None, None, None, ""),
        (514, "221", "41.54", None, None, None, ""),
        (520, "gpb-expenditure", "17742.62", None, "-12651.74", None, "prior-year-budget"),
        (524, "205", "3026", "17.05", None, None, ""),
        (524, "208", "14652", "82.58", None, None, ""),
        (524, "210", "18.09", "0.1", None, None, ""),
        (524, "213", "5", "0.03", None, None, ""),
        (524, "221", "41.53", "0.24", None, None, ""),
        (528, "2050202", "2000", None, None, None, ""),
        (530, "2050203", "1026", None, None, None, ""),
        (532, "2080101", "336.08", None, None, None, ""),
        (534, "2080107", "98.2", None, None, None, ""),
        (536, "2080150", "90.48", None, None, None, ""),
        (538, "2080505", "51.64", None, None, None, ""),
        (540, "2080508", "5000", None, None, None, ""),
        (542, "2080599", "7375.6", None, None, None, ""),
        (546, "2080801", "1700", None, None, None, ""),
        (548, "2101101", "18.09", None, None, None, ""),
        (550, "2130599", "5", None, None, None, ""),
        (552, "2210201", "41.53", None, None, None, ""),
        (556, "gpb-basic-expenditure", "16182.05", None, None, None, ""),
        (558, "personnel", "16104.34", None, None, None, ""),
        (560, "public", "77.71", None, None, None, ""),
        (568, "sangong-total", "2.89", None, None, None, ""),
        (568, "sangong-reception", "2.89", None, None, None, ""),
        (568, "sangong-vehicle", "0", None, None, None, ""),
        (570, "sangong-reception", None, None, None, "-3.67", "prior-year-budget"),
        (594, "admin-operating-cost", "77.71", None, "33.26", "74.83", "prior-year-budget"),
        (598, "procurement-total", "0", None, None, None, ""),
        (598, "procurement-goods", "0", None, None, None, ""),
        (598, "procurement-works", "0", None, None, None, ""),
        (598, "procurement-services", "0", None, None, None, ""),
    ],
    "004": [
        (346, "budget-total", "1010.70", None, None, None, ""),
        (354, "income-total", "1010.70", None, None, None, ""),
        (356, "general-public-budget", "1008.93", "99.82", "128.95", "14.65", "prior-year-budget"),
        (358, "upper-gpb-transfer", "1.46", "0.14", "-0.99", "-40.41", "prior-year-budget"),
        (368, "unit-funds", "0.31", "0.03", "-34.08", "-99.10", "prior-year-budget"),
        (372, "expenditure-total", "1010.70", None, None, None, ""),
        (374, "basic-expenditure", "927.93", "91.81", "414.95", "80.89", "prior-year-budget"),
        (376, "project-expenditure", "82.77", "8.19", "-321.07", "-79.50", "prior-year-budget"),
        (380, "fiscal-income-total", "1010.39", None, None, None, ""),
        (382, "general-public-budget", "1010.39", None, None, None, ""),
        (384, "208", "933.03", None, None, None, ""),
        (384, "210", "36.40", None, None, None, ""),
        (384, "221", "40.96", None, None, None, ""),
        (390, "gpb-expenditure", "1010.39", None, None, None, ""),
        (390, "basic-expenditure", "927.93", None, "414.95", "80.89", "prior-year-budget"),
        (390, "project-expenditure", "82.46", None, "-286.99", "-77.68", "prior-year-budget"),
        (394, "208", "933.03", "92.34", None, None, ""),
        (395, "210", "36.40", "3.60", None, None, ""),
        (396, "221", "40.96", "4.05", None, None, ""),
        (400, "2080101", "376.61", None, "-11.74", "-3.02", "prior-year-budget"),
        (402, "2080501", "3.68", None, "1.02", "38.35", "prior-year-budget"),
        (404, "2080505", "49.82", None, "0.70", "1.43", "prior-year-budget"),
        (406, "2080506", "24.91", None, "24.91", "100.00", "prior-year-budget"),
        (408, "2080699", "82.46", None, "16.01", "24.09", "prior-year-budget"),
        (410, "2080801", "0.58", None, "0.58", "100.00", "prior-year-budget"),
        (412, "2089999", "394.97", None, "91.97", "30.35", "prior-year-budget"),
        (414, "2101101", "19.64", None, "-10.51", "-34.86", "prior-year-budget"),
        (416, "2101102", "11.13", None, "11.13", "100.00", "prior-year-budget"),
        (420, "2101103", "5.40", None, "0.10", "1.89", "prior-year-budget"),
        (422, "2101199", "0.23", None, "0.00", "0.00", "prior-year-budget"),
        (424, "2210201", "40.96", None, "3.79", "10.2", "prior-year-budget"),
        (428, "gpb-basic-expenditure", "927.93", None, None, None, ""),
        (430, "personnel", "905.30", None, None, None, ""),
        (432, "public", "22.63", None, None, None, ""),
        (482, "sangong-total", "1.08", None, None, None, ""),
        (482, "sangong-overseas", "0.00", None, None, None, ""),
        (482, "sangong-vehicle-purchase", "0.00", None, None, None, ""),
        (482, "sangong-vehicle-operation", "1.08", None, None, None, ""),
        (482, "sangong-reception", "0.00", None, None, None, ""),
        (484, "sangong-total", None, None, "0.00", "0.00", "prior-year-budget"),
        (484, "sangong-overseas", None, None, "0.00", "0.00", "prior-year-budget"),
        (484, "sangong-vehicle-purchase", None, None, "0.00", "0.00", "prior-year-budget"),
        (484, "sangong-vehicle-operation", None, None, "0.00", "0.00", "prior-year-budget"),
        (484, "sangong-reception", None, None, "0.00", "0.00", "prior-year-budget"),
        (496, "admin-operating-cost", "22.63", None, "10.63", "88.58", "prior-year-budget"),
        (500, "procurement-total", "10.89", None, None, None, ""),
        (500, "procurement-goods", "4.45", None, None, None, ""),
        (500, "procurement-works", "0.00", None, None, None, ""),
        (500, "procurement-services", "6.44", None, None, None, ""),
        (502, "procurement-sme", "10.89", None, None, None, ""),
        (502, "procurement-small-micro", "10.89", None, None, None, ""),
        (508, "asset-buildings", "15.00", None, None, None, ""),
        (510, "asset-vehicles", "33.72", None, None, None, ""),
        (512, "asset-furniture", "36.12", None, None, None, ""),
        (514, "asset-other", "85.06", None, None, None, ""),
    ],
}


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_golden_claims(key):
    _, claims, warnings = loaded(key)
    missing = Counter(GOLDEN[key]) - Counter(row(c) for c in claims)
    assert not missing, f"{key}: not found as stated: {sorted(missing)}"
    assert len(GOLDEN[key]) >= 20
    assert warnings == []


def test_each_sample_has_claims_with_codes_shares_and_changes():
    for key in META:
        _, claims, _ = loaded(key)
        assert sum(c.code is not None for c in claims) >= 5, key
        assert sum(c.share is not None for c in claims) >= 2, key
        assert sum(c.change is not None for c in claims) >= 2, key


def one(key: str, line: int, item: str) -> Claim:
    """The claim of ``item`` stating an amount on ``line``."""
    found = [
        c for c in loaded(key)[1]
        if c.line == line and item in (c.item, c.code) and c.amount is not None
    ]
    assert len(found) == 1, found
    return found[0]


def test_sentence_spanning_lines_gets_the_line_of_its_amount():
    # 000 lines 362/364: "基本支出 313.26 万元，占 34.38%，比上年预算增加" / "22.59 万元，…"
    c = one("000", 362, "basic-expenditure")
    assert (c.amount, c.change, c.growth_rate) == (Decimal("313.26"), Decimal("22.59"),
                                                    Decimal("7.77"))
    assert c.sentence.startswith("基本支出 313.26 万元，占 34.38%，比上年预算增加22.59 万元")
    # 001 lines 75/77: the amount on 75, its unit and share on 77.
    assert one("001", 75, "basic-expenditure").share == Decimal("51.49")
    assert one("001", 77, "project-expenditure").amount == Decimal("5306.47")


def test_raw_text_is_printed_on_the_claim_line():
    for key in META:
        lines = sample_text(key).split("\n")
        for c in loaded(key)[1]:
            text = lines[c.line - 1]
            assert c.raw in text or any(text.rstrip().endswith(c.raw[:i])
                                        for i in range(1, len(c.raw))), (key, c)
            assert len(c.sentence) <= 300
            assert c.section is not None


def test_raw_keeps_thousands_separators_and_currency():
    c = one("001", 63, "income-total")
    assert (c.raw, c.amount, c.currency) == ("10,938.34", Decimal("10938.34"), "万元")


def test_share_of_names_the_denominator_when_the_sentence_does():
    assert one("001", 89, "gpb-expenditure").share_of == "current-year-expenditure"
    assert one("001", 165, "procurement-sme").share_of == "procurement-total"
    assert one("000", 340, "general-public-budget").share_of is None


def test_bases_of_comparison():
    # 比上年决算 in a final account, 比上年预算 in a budget, bare 比上年 by document kind.
    assert one("001", 99, "2080101").basis == "prior-year-final"
    assert one("000", 396, "2080109").basis == "prior-year-budget"
    assert one("001", 159, "admin-operating-cost").basis == "prior-year-final"
    variance = [c for c in loaded("001")[1] if c.item == "budget-final-difference"]
    assert [(c.line, c.basis, c.amount) for c in variance[:2]] == [
        (83, "initial-budget", None), (91, "initial-budget", None)]
    assert {c.basis for c in variance[2:]} == {"full-year-budget"}


def test_topic_carries_into_the_next_sentence():
    # "…支出 10,671.52 万元，占本年支出合计的 97.56%。与上年相比，增加 457.14 万元"
    changes = [c for c in loaded("001")[1] if c.line == 89 and c.change is not None]
    assert [(c.item, c.amount, c.change, c.growth_rate) for c in changes] == [
        ("gpb-expenditure", None, Decimal("457.14"), Decimal("4.48"))]


def test_parts_are_not_the_whole():
    # "车辆0辆，价值0.00万元；其中：……其他车辆0辆，价值0.00万元"
    claims = [c for c in loaded("000")[1] if c.line == 505]
    assert [(c.item, c.label) for c in claims] == [
        ("asset-vehicles", "车辆价值"), (None, "一般公务用车价值"), (None, "执法执勤用车价值"),
        (None, "其他车辆价值")]


def test_unlabelled_amounts_are_kept_with_their_words():
    c = next(c for c in loaded("000")[1] if c.line == 426)
    assert (c.item, c.code, c.label, c.amount) == (None, None, "预算安排规模", Decimal("538.12"))
    assert not [c for c in loaded("000")[1] if c.raw in ("50", "100")]  # thresholds


def test_sections_follow_headings_and_skip_the_contents():
    sections, claims, _ = loaded("001")
    assert [(s.key, s.line, s.title) for s in sections[:4]] == [
        ("s1", 45, "第一部分 单位概况"), ("s2", 47, "一、主要职能"),
        ("s3", 51, "二、机构设置及人员情况"), ("s4", 59, "第二部分 部门决算情况说明")]
    assert all(s.line > 44 for s in sections)  # 目录 lines 6-43 are not sections
    by_key = {s.key: s for s in sections}
    title = by_key[one("001", 99, "2080101").section].title
    assert title == "（三）一般公共预算财政拨款支出决算具体情况"
    for c in claims:
        s = by_key[c.section]
        assert s.line <= c.line <= s.end_line
    # A title broken over two lines (000 lines 472/474) is one section.
    titles = [s.title for s in loaded("000")[0]]
    assert "八、关于阿图什市社会保险中心 2023 年政府性基金预算拨款情况说明" in titles
    assert "第二部分 2023 年单位预算公开表" in titles


def _blocks(text: str) -> list[Block]:
    return read_blocks(text)


def _claims(text: str, kind: str = "budget") -> list[Claim]:
    meta = DocumentMeta("某某单位", 2023, kind, "")
    return extract_claims(_blocks(text), meta)[1]


def test_number_split_across_lines_and_other_units():
    text = "一、收入\n\n本年收入 10,93\n\n8.34 万元，占 1.5 亿元的一部分。\n\n公用经费 5,000 元。\n"
    claims = _claims(text)
    assert [(c.line, c.item, c.raw, c.amount, c.currency) for c in claims[:1]] == [
        (3, "current-year-income", "10,938.34", Decimal("10938.34"), "万元")]
    assert (claims[-1].line, claims[-1].item, claims[-1].amount, claims[-1].currency) == (
        7, "public", Decimal("5000"), "元")
    assert any(c.amount == Decimal("1.5") and c.currency == "亿元" for c in claims)


def test_full_width_text_and_negative_growth():
    text = "（一）支出\n\n项目支出１２.５万元，比上年预算减少３.５万元，下降２１.８７％。\n"
    (c,) = _claims(text)
    assert (c.item, c.amount, c.raw, c.change, c.growth_rate, c.basis) == (
        "project-expenditure", Decimal("12.5"), "１２.５", Decimal("-3.5"), Decimal("-21.87"),
        "prior-year-budget")


def test_class_and_section_level_names_resolve_by_label():
    text = (
        "一、结构\n\n教育支出 3026 万元，占 17.05%；人力资源和社会保障管理事务支出352.15万元。"
        "\n\n1. 住房保障（类）住房改革支出（款）住房公积金（项）：2023年预算数为41.53万元。\n"
    )
    assert [(c.code, c.amount, c.share) for c in _claims(text)] == [
        ("205", Decimal("3026"), Decimal("17.05")), ("20801", Decimal("352.15"), None),
        ("2210201", Decimal("41.53"), None)]


def test_unresolved_path_is_a_warning_not_a_guess():
    text = (
        "一、具体\n\n1. 社会保障和就业支出（类）不存在的款（款）行政运行（项）："
        "预算数为 5.00 万元。\n"
    )
    meta = DocumentMeta("某某单位", 2023, "budget", "")
    _, claims, warnings = extract_claims(_blocks(text), meta)
    assert [(c.code, c.amount) for c in claims] == [(None, Decimal("5.00"))]
    assert [w.code for w in warnings] == ["unresolved-classification"]
    assert warnings[0].line == 3


@pytest.mark.parametrize("key", sorted(META))
@pytest.mark.parametrize("rewrite", ["to_pipe", "to_html", "to_aligned"])
def test_claims_do_not_depend_on_table_layout(key, rewrite):
    text = sample_text(key)
    rewritten = getattr(layouts, rewrite)(text)
    sections, claims, _ = extract_claims(read_blocks(rewritten.text), META[key])
    base_sections, base_claims, _ = loaded(key)
    moved = [(rewritten.line_map[c.line], *row(c)[1:], c.label, c.raw, c.sentence, c.section)
             for c in base_claims]
    assert [(c.line, *row(c)[1:], c.label, c.raw, c.sentence, c.section) for c in claims] == moved
    assert [(s.key, s.title, s.line) for s in sections] == [
        (s.key, s.title, rewritten.line_map[s.line]) for s in base_sections]
