"""The five real reports of the first corpus come out exactly (golden files + explicit facts)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS, parse_path

GOLDEN = Path(__file__).parent / "golden"

FACTS = {
    # seed: (agency name in the title, other names, district, year, published_on)
    "000": ("硚口区机关事务服务中心", ["武汉市硚口区机关事务服务中心"], "硚口区", 2024, None),
    "001": ("新洲区企业和人才服务中心", [], "新洲区", 2024, None),
    "002": ("硚口区经科局", ["硚口区经济信息化和科技创新局"], "硚口区", 2024, date(2025, 1, 8)),
    "003": ("硚口区社会管理网格化服务中心", [], "硚口区", 2023, date(2024, 1, 2)),
    "004": ("武汉市硚口区档案馆", [], "硚口区", 2024, date(2025, 1, 13)),
}


@pytest.mark.parametrize("seed", sorted(FACTS))
def test_seed_metadata(seed_reports, seed):
    name, others, district, year, published = FACTS[seed]
    r = seed_reports[seed]
    assert (r.agency_name, r.other_names) == (name, others)
    assert (r.province, r.city, r.district) == ("湖北省", "武汉市", district)
    assert r.year == year
    assert r.published_on == published
    assert r.template == "2021"
    assert r.contact_phone.startswith("027-")
    assert r.fee_collected_yuan == 0
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("seed", sorted(FACTS))
def test_every_seed_cell_is_zero_but_the_one_blank(seed_reports, seed):
    r = seed_reports[seed]
    values = {("proactive_disclosure", i, m): v.value for (i, m), v in r.proactive.items()}
    values |= {
        ("applications", row, c): v.value for row, cols in r.applications.items() for c, v in cols.items()
    }
    values |= {
        ("reviews_litigation", p, c): v.value for p, cols in r.reviews.items() for c, v in cols.items()
    }
    assert len(values) == 10 + 25 * 7 + 15
    blank = {("applications", "carried_forward", "other_org")} if seed == "001" else set()
    assert {k for k, v in values.items() if v is None} == blank
    assert {v for k, v in values.items() if k not in blank} == {0}


def test_xinzhou_blank_cell_is_reported_not_guessed(seed_reports):
    r = seed_reports["001"]
    assert [(f.rule, f.severity, f.table, f.row, f.column) for f in r.findings] == [
        ("missing_cell", "warning", "applications", "carried_forward", "other_org")
    ]
    assert "结转下年度继续办理" in r.findings[0].message and "其他" in r.findings[0].message


@pytest.mark.parametrize("seed", ["000", "002", "003", "004"])
def test_other_seeds_have_no_findings(seed_reports, seed):
    assert seed_reports[seed].findings == []


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_matches_golden_json(path):
    """Every field of `xxgk parse`, as reviewed and committed in tests/golden/."""
    got = parse_path(path).to_json()
    golden = json.loads((GOLDEN / (path.stem + ".json")).read_text("utf-8"))
    assert got == golden
