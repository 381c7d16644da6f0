"""The six sections, found by the meaning of their headings — also when worded otherwise."""

from __future__ import annotations

from xxgk.formats import catalogue
from xxgk.parse.sections import find_sections

SECTIONS = catalogue().sections
NATIONAL = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def headings(paragraphs):
    return {n: text for n, (_, text) in find_sections(paragraphs, SECTIONS).items()}


def test_headings_as_real_reports_word_them():
    printed = [
        "　　一、总体情况",  # indented like a paragraph (WPS)
        "正文。",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "五、存在问题及改进情况",
        "六、其他需报告事项",
    ]
    assert sorted(headings(printed)) == [1, 2, 3, 4, 5, 6]


def test_a_heading_unlike_every_pattern_is_found_by_its_number_and_closeness():
    printed = [*NATIONAL[:4], "五、政府信息公开工作存在的问题及改进措施", NATIONAL[5]]
    assert headings(printed)[5] == "五、政府信息公开工作存在的问题及改进措施"


def test_a_numbered_paragraph_of_another_meaning_is_not_a_heading():
    printed = [*NATIONAL[:4], "五、加强队伍建设，提升工作水平", NATIONAL[5]]
    assert 5 not in headings(printed)
