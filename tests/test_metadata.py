"""What a report says about itself."""

from __future__ import annotations

from datetime import date

import pytest

from xxgk.parse.metadata import find_fee, find_title, parse_date, same_agency
from xxgk.parse.regions import gazetteer


@pytest.mark.parametrize(
    ("text", "d"),
    [
        ("2025年1月8日", date(2025, 1, 8)),
        ("2025 年 1 月 8 日", date(2025, 1, 8)),
        ("２０２５年１月８日", date(2025, 1, 8)),
        ("二〇二五年一月八日", date(2025, 1, 8)),
        ("二○二四年十二月三十一日", date(2024, 12, 31)),
        ("二〇二五年一月二十日", date(2025, 1, 20)),
        ("2025-01-08", date(2025, 1, 8)),
        ("2025年2月30日", None),
    ],
)
def test_dates(text, d):
    assert parse_date(text) == d


@pytest.mark.parametrize(
    ("lines", "name", "year"),
    [
        (["硚口区机关事务服务中心2024年政府", "信息公开工作年度报告"], "硚口区机关事务服务中心", 2024),
        (
            ["", "新洲区企业和人才服务中心", "2024 年政府信息公开工作年度报告"],
            "新洲区企业和人才服务中心",
            2024,
        ),
        (["2023年度武汉市财政局政府信息公开工作年度报告"], "武汉市财政局", 2023),
        (["武汉市江岸区人民政府2022年政府信息公开工作年度报告"], "武汉市江岸区人民政府", 2022),
    ],
)
def test_titles(lines, name, year):
    _, got_name, got_year = find_title(lines)
    assert (got_name, got_year) == (name, year)


@pytest.mark.parametrize(
    ("paragraphs", "fee"),
    [
        (["2024年度，中心收取政府信息处理费0元。"], 0),
        (["我局根据《政府信息公开信息处理费管理办法》收取信息处理费为0。"], 0),
        (["1. 政府信息处理费用收取情况。", "无"], 0),
        (["我中心未对申请人收取政府信息处理费。"], 0),
        (["本年度共收取信息处理费150元。"], 150),
        (["建议提案办理情况：无。"], None),
    ],
)
def test_fee(paragraphs, fee):
    assert find_fee(paragraphs) == fee


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("硚口区经科局", "硚口区经济信息化和科技创新局", True),
        ("武汉市硚口区档案馆", "硚口区档案馆", True),
        ("硚口区档案馆", "江岸区档案馆", False),
        ("硚口区机关事务服务中心", "中心", False),
        ("硚口区财政局", "硚口区税务局", False),
    ],
)
def test_same_agency(a, b, same):
    assert same_agency(a, b) is same


def test_ambiguous_district_is_resolved_by_the_report_text_or_left_unknown():
    g = gazetteer()
    place = g.split("鼓楼区财政局").place
    assert place.city is None
    assert g.resolve(place, "福州市鼓楼区人民政府").city == "福州市"
    assert g.resolve(place, "没有地名的文字").city is None


def test_an_unusual_agency_name_is_still_taken_from_the_title():
    _, name, year = find_title(["武汉东湖新技术开发区光谷中心城建设指挥部2024年政府信息公开工作年度报告"])
    assert (name, year) == ("武汉东湖新技术开发区光谷中心城建设指挥部", 2024)


def test_a_web_pages_published_date_is_used_when_there_is_no_sign_off_date():
    from conftest import FIXTURES, parse_path

    from xxgk.parse.metadata import find_labelled_date

    assert find_labelled_date(["首页 > 政务公开", "发布时间：2025-01-10 来源：区民政局"]) == date(2025, 1, 10)
    assert find_labelled_date(["成文日期： 2024年1月5日"]) == date(2024, 1, 5)
    assert find_labelled_date(["统计期限为2024年1月1日至2024年12月31日"]) is None
    # A sign-off date wins over the header's.
    assert parse_path(FIXTURES / "handmade" / "page_gbk.html").published_on == date(2024, 1, 15)
