"""Writes tests/fixtures/handmade/: small reports in both text layouts with non-zero numbers,
deliberate arithmetic errors, and the encodings and cell noise seen in the wild. Each file
has an .expected.json written from the generator's own numbers (the truth), never from the
parser. Run once and commit; tests need nothing at run time.

    .venv/bin/python scripts/make_fixtures.py
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from xxgk.synth import Agency, SyntheticReport, draw_tables
from xxgk.synth.render import render_docx, render_html

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "handmade"


def make(
    name: str,
    layout: str,
    seed: int,
    agency: Agency,
    year: int,
    edits,
    encoding="utf-8",
    newline="\n",
    fullwidth=False,
    published=date(2025, 1, 20),
    chinese_date=False,
    template="2021",
):
    """`layout` is a text layout (cells, tabs) or a file kind (html, docx, pdf, doc)."""
    rng = random.Random(seed)
    proactive, apps, reviews = draw_tables(rng, volume=60, template=template)
    rep = SyntheticReport(
        agency,
        year,
        layout,
        published,
        "027-85551234",
        0,
        proactive,
        apps,
        reviews,
        chinese_date=chinese_date,
        template=template,
    )
    expected_findings = []
    for edit in edits:
        expected_findings += edit(rep)
    if layout in ("html", "docx", "pdf", "doc"):
        _write_file(name, rep, layout, encoding)
        _write_expected(name, rep, rep.agency.full_name, expected_findings)
        return
    text = rep.render()
    if fullwidth:
        # Full-width digits inside table cells only (lines holding a cell).
        text = "\n".join(
            "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ln) if "\t" in ln else ln
            for ln in text.split("\n")
        )
    data = text.replace("\n", newline).encode(encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    (OUT / name).write_bytes(data)
    _write_expected(name, rep, agency.name, expected_findings)


def _write_file(name: str, rep, kind: str, encoding: str) -> None:
    ruled = "borderless" not in name
    if kind == "html":
        (OUT / name).write_bytes(render_html(rep).encode(encoding))
        return
    docx_bytes = render_docx(rep, ruled=ruled)
    if kind == "docx":
        (OUT / name).write_bytes(docx_bytes)
        return
    # PDF and legacy .doc: made from the Word file by LibreOffice, as agencies make them.
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx_bytes)
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{tmp}/p",
                "--convert-to",
                kind,
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
        )
        shutil.copyfile(Path(tmp) / f"report.{kind}", OUT / name)


def _write_expected(name: str, rep, agency_name: str, expected_findings: list) -> None:
    agency, year, published = rep.agency, rep.year, rep.published_on
    cells = {}
    for (table, row, col), v in rep.slots():
        key = f"{table}:{row}:{col}"
        cells[key] = (
            None if (table, row, col) in rep.blank else (0 if (table, row, col) in rep.placeholder else v)
        )
    expected = {
        "template": rep.template,
        "agency_name": agency_name,
        "year": year,
        "city": agency.city,
        "district": agency.district,
        "published_on": published.isoformat() if published else None,
        "cells": cells,
        "errors": sorted(expected_findings),
        "warnings": sorted(
            [["missing_cell", f"{t}:{r}:{c}"] for t, r, c in rep.blank]
            + [["placeholder_cell", f"{t}:{r}:{c}"] for t, r, c in rep.placeholder]
        ),
    }
    (OUT / (name + ".expected.json")).write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def bump(table, row, col, by, consequences):
    def edit(rep):
        grid = rep.applications if table == "applications" else rep.reviews
        grid[row][col] += by
        return [list(c) for c in consequences]

    return edit


def blank(table, row, col):
    def edit(rep):
        rep.blank.add((table, row, col))
        return []

    return edit


def placeholder(table, row, col):
    def edit(rep):
        grid = rep.applications if table == "applications" else rep.reviews
        assert grid[row][col] == 0, "a placeholder stands for 0"
        rep.placeholder.add((table, row, col))
        return []

    return edit


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    jiangan = Agency("武汉市", "江岸区", "人力资源和社会保障局")
    hongshan = Agency("武汉市", "洪山区", "市场监督管理局")
    make("cells_consistent.txt", "cells", 11, jiangan, 2023, [])
    make(
        "tabs_consistent_gbk_crlf.txt",
        "tabs",
        12,
        hongshan,
        2023,
        [],
        encoding="gb18030",
        newline="\r\n",
        chinese_date=True,
        published=date(2024, 1, 18),
    )
    # 予以公开 total one too many: its row no longer adds up, nor does the 总计 column.
    make(
        "cells_errors_bom.txt",
        "cells",
        13,
        jiangan,
        2024,
        [
            bump(
                "applications",
                "granted",
                "total",
                1,
                [
                    ("applicant_total", "applications:granted:total"),
                    ("outcome_total", "applications:total_processed:total"),
                ],
            ),
            bump(
                "reviews_litigation",
                "review",
                "upheld",
                2,
                [("review_total", "reviews_litigation:review:total")],
            ),
        ],
        encoding="utf-8-sig",
    )
    # 结转下年度 of 自然人 off by 3: its row and the 自然人 balance break.
    make(
        "tabs_errors.txt",
        "tabs",
        14,
        hongshan,
        2024,
        [
            bump(
                "applications",
                "carried_forward",
                "natural_person",
                3,
                [
                    ("applicant_total", "applications:carried_forward:total"),
                    ("balance", "applications:natural_person"),
                ],
            ),
            placeholder("applications", "rejected_excessive", "research_institution"),
            blank("applications", "denied_state_secret", "legal_service_org"),
        ],
        published=date(2025, 3, 2),
    )
    make("cells_fullwidth.txt", "cells", 15, Agency("武汉市", "江夏区", "档案馆"), 2024, [], fullwidth=True)
    # The files agencies publish (issue 3): web pages, Word, PDF exported from Word.
    jianghan = Agency("武汉市", "江汉区", "民政局")
    make(
        "page_utf8.html",
        "html",
        21,
        jianghan,
        2024,
        [
            bump(
                "applications",
                "received",
                "natural_person",
                2,
                [
                    ("applicant_total", "applications:received:total"),
                    ("balance", "applications:natural_person"),
                ],
            ),
        ],
        published=date(2025, 1, 9),
    )
    make("page_gbk.html", "html", 22, jianghan, 2023, [], encoding="gbk", published=date(2024, 1, 15))
    make(
        "merged_cells.docx",
        "docx",
        23,
        hongshan,
        2022,
        [
            bump(
                "reviews_litigation",
                "litigation_direct",
                "total",
                1,
                [("review_total", "reviews_litigation:litigation_direct:total")],
            ),
        ],
        published=date(2023, 1, 30),
    )
    make(
        "from_word.pdf",
        "pdf",
        24,
        jianghan,
        2022,
        [
            bump(
                "applications",
                "unavailable_unclear",
                "other_org",
                1,
                [
                    ("applicant_total", "applications:unavailable_unclear:total"),
                    ("outcome_total", "applications:total_processed:other_org"),
                ],
            ),
        ],
        published=date(2023, 1, 12),
    )
    make(
        "borderless.pdf",
        "pdf",
        28,
        Agency("武汉市", "蔡甸区", "农业农村局"),
        2024,
        [
            bump(
                "applications",
                "carried_over",
                "total",
                1,
                [("applicant_total", "applications:carried_over:total"), ("balance", "applications:total")],
            ),
        ],
        published=date(2025, 1, 16),
    )
    make("legacy.doc", "doc", 25, Agency("武汉市", "汉阳区", "统计局"), 2023, [], published=date(2024, 1, 5))
    # The 2019 format (2019 and 2020 reports): its own table 二 and a single （六）其他处理 row.
    make("format2019.html", "html", 26, jianghan, 2020, [], template="2019", published=date(2021, 1, 28))
    make(
        "format2019.pdf",
        "pdf",
        27,
        jianghan,
        2019,
        [
            bump(
                "applications",
                "other_processing",
                "total",
                1,
                [
                    ("applicant_total", "applications:other_processing:total"),
                    ("outcome_total", "applications:total_processed:total"),
                ],
            ),
        ],
        template="2019",
        published=date(2020, 1, 20),
    )
    # A scan: a PDF with pictures and no text layer.
    from PIL import Image

    Image.new("RGB", (200, 280), "white").save(OUT.parent / "scanned.pdf")
    print("written to", OUT)


if __name__ == "__main__":
    main()
