"""Hand-made reports (scripts/make_fixtures.py) in every form agencies publish: both text
layouts (GBK + CRLF, BOM, full-width digits, placeholders, blanks), web pages in UTF-8 and GBK
with rowspan/colspan, Word with merged cells, PDF exported from Word, legacy .doc, and the
2019 format. Non-zero numbers and deliberate errors; the expected values come from the
generator's numbers, not from the parser."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES, cell, parse_path

HAVE_LIBREOFFICE = shutil.which("soffice") is not None
CASES = [
    pytest.param(
        p,
        marks=pytest.mark.skipif(
            p.suffix == ".doc" and not HAVE_LIBREOFFICE,
            reason="needs LibreOffice: see test_doc_without_libreoffice",
        ),
    )
    for p in sorted((FIXTURES / "handmade").iterdir())
    if not p.name.endswith(".expected.json")
]


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
    got = (r.agency_name, r.year, r.city, r.district, r.template)
    assert got == tuple(want[k] for k in ("agency_name", "year", "city", "district", "template"))
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


def test_source_format_is_recorded():
    formats = {
        p.suffix: parse_path(p).source_format
        for p in (FIXTURES / "handmade").iterdir()
        if p.suffix in (".html", ".docx", ".pdf")
    }
    assert formats == {".html": "html", ".docx": "docx", ".pdf": "pdf"}


def test_a_scanned_pdf_is_named_and_says_what_to_do():
    from xxgk.ingest import UnreadableFile, read

    with pytest.raises(UnreadableFile, match=r"扫描版 PDF（没有文字层）.*OCR"):
        read(FIXTURES / "scanned.pdf")


def test_doc_without_libreoffice_says_so(monkeypatch):
    from xxgk.ingest import UnreadableFile, read

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UnreadableFile, match="需要 LibreOffice"):
        read(FIXTURES / "handmade" / "legacy.doc")


def test_page_furniture_is_not_report_text():
    r = parse_path(FIXTURES / "handmade" / "page_gbk.html")
    text = "\n".join(s.text for s in r.sections)
    assert "版权所有" not in text and "分享到" not in text and "当前位置" not in text
