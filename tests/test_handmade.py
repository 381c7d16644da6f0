"""Hand-made reports in both text layouts (scripts/make_fixtures.py): non-zero numbers,
deliberate errors, GBK + CRLF, BOM, full-width digits, placeholders and blanks. The expected
values come from the generator's numbers, not from the parser."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, cell, parse_path

CASES = sorted((FIXTURES / "handmade").glob("*.txt"))


def expected(path):
    return json.loads((path.parent / (path.name + ".expected.json")).read_text("utf-8"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_cell_is_read_exactly(path):
    want = expected(path)
    r = parse_path(path)
    got = {key: cell(r, *key.split(":")) for key in want["cells"]}
    assert got == want["cells"]
    assert any(v not in (0, None) for v in got.values()), "fixtures carry non-zero numbers"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_metadata(path):
    want = expected(path)
    r = parse_path(path)
    assert (r.agency_name, r.year, r.city, r.district) == (
        want["agency_name"],
        want["year"],
        want["city"],
        want["district"],
    )
    assert (r.published_on.isoformat() if r.published_on else None) == want["published_on"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_errors_are_caught_and_nothing_else(path):
    want = expected(path)
    r = parse_path(path)
    errors = sorted(
        [f.rule, f"{f.table}:{f.row}:{f.column}" if f.row else f"{f.table}:{f.column}"]
        for f in r.findings
        if f.severity == "error"
    )
    assert errors == want["errors"]
    cell_warnings = sorted(
        [f.rule, f"{f.table}:{f.row}:{f.column}"]
        for f in r.findings
        if f.rule in ("missing_cell", "placeholder_cell")
    )
    assert cell_warnings == want["warnings"]


def test_late_publication_is_a_warning():
    r = parse_path(FIXTURES / "handmade" / "tabs_errors.txt")
    late = [f for f in r.findings if f.rule == "late_publication"]
    assert len(late) == 1 and late[0].severity == "warning"
    assert "2025年3月2日" in late[0].message and "2025年1月31日" in late[0].message


def test_gbk_file_is_detected_as_gb18030():
    from xxgk.ingest import read

    doc = read(FIXTURES / "handmade" / "tabs_consistent_gbk_crlf.txt")
    assert doc.encoding == "gb18030"
