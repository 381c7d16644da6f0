"""One regression test per real published report (tests/fixtures/real/, from ../shared/real/):
each reads exactly as its hand-made labels say — every cell, the errors it really has and no
other, its sections, its metadata — and says where it departs from the national format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xxgk.check import check_report
from xxgk.ingest import read
from xxgk.parse import parse_document

REAL = Path(__file__).parent / "fixtures" / "real"
FILES = sorted(p for p in REAL.iterdir() if p.suffix in {".pdf", ".html", ".docx", ".txt", ".doc"})
COLUMN_RULES = {"balance", "outcome_total"}  # per column: the labels name the rule alone


def _read(path: Path):
    report = parse_document(read(path), "0" * 64, path.name)
    check_report(report)
    return report, json.loads(path.with_name(path.name + ".expected.json").read_text("utf-8"))


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name)
def real(request):
    return _read(request.param)


def test_every_labelled_cell_is_read_exactly(real):
    report, want = real
    cols = list(next(iter(report.applications.values())))
    for row, values in want["applications"].items():
        assert [report.applications[row][c].value for c in cols] == values, row
    for row in want.get("absent_rows", []):
        assert all(v.value is None for v in report.applications[row].values()), row
    for proceeding, values in want["reviews"].items():
        assert [v.value for v in report.reviews[proceeding].values()] == values, proceeding
    for key, value in want["proactive"].items():
        item, measure = key.split(".")
        assert report.proactive[(item, measure)].value == pytest.approx(value), key


def test_only_the_true_errors_are_raised(real):
    report, want = real
    errors = {
        (f.rule, "" if f.rule in COLUMN_RULES else (f.row or ""))
        for f in report.findings
        if f.severity == "error"
    }
    assert errors == {tuple(e) for e in want["true_errors"]}


def test_all_six_sections_and_the_metadata(real):
    report, want = real
    texts = {s.number: s.text.replace(" ", "") for s in report.sections}
    assert sorted(texts) == [1, 2, 3, 4, 5, 6]
    for number, phrase in want["sections"].items():
        assert phrase is None or phrase.replace(" ", "") in texts[int(number)], number
    assert report.year == want["year"] and report.template == want["template"]
    assert want["agency_contains"] in report.agency_name
    published = report.published_on.isoformat() if report.published_on else None
    assert published == want["published_on"]


def test_hongze_says_where_it_departs_from_the_national_format():
    """WPS PDF: the 2019-style （六）其他处理 row (template_mix), a typo'd label read by
    closeness (label_variant, quoting the printed label), and no missing row."""
    report, _ = _read(REAL / "huaian-hongze-2024.pdf")
    by_rule = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    assert "missing_row" not in by_rule
    [mix] = by_rule["template_mix"]
    assert (mix.row, mix.severity) == ("other_processing", "warning")
    [variant] = by_rule["label_variant"]
    assert (variant.row, variant.text) == ("denied_prohibited_by_law", "2.其他法律行政止公开")
    assert "2.其他法律行政止公开" in variant.message and "其他法律行政法规禁止公开" in variant.message
    assert list(report.applications)[-6:] == [
        "other_no_correction",
        "other_fee_unpaid",
        "other_other",
        "other_processing",
        "total_processed",
        "carried_forward",
    ]


def test_pingtan_takes_title_and_date_from_the_page_chrome():
    """CMS page: no title or sign-off date in the body; ArticleTitle and PubDate carry them."""
    report, _ = _read(REAL / "fujian-pingtan-2020.html")
    assert report.title == "平潭综合实验区2020年度政府信息公开工作年度报告"
    assert report.published_on.isoformat() == "2021-03-05"
    [a, b] = [f for f in report.findings if f.severity == "error"]
    assert {(a.rule, a.column, a.actual, a.expected), (b.rule, b.column, b.actual, b.expected)} == {
        ("outcome_total", "natural_person", 20, 26),
        ("outcome_total", "total", 21, 27),
    }
