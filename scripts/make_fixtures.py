"""Writes tests/fixtures/handmade/: small reports in both text layouts with non-zero numbers,
deliberate arithmetic errors, and the encodings and cell noise seen in the wild. Each file
has an .expected.json written from the generator's own numbers (the truth), never from the
parser. Run once and commit; tests need nothing at run time.

    .venv/bin/python scripts/make_fixtures.py
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from xxgk.synth import Agency, SyntheticReport, draw_tables

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
):
    rng = random.Random(seed)
    proactive, apps, reviews = draw_tables(rng, volume=60)
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
    )
    expected_findings = []
    for edit in edits:
        expected_findings += edit(rep)
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
    cells = {}
    for (table, row, col), v in rep.slots():
        key = f"{table}:{row}:{col}"
        cells[key] = (
            None if (table, row, col) in rep.blank else (0 if (table, row, col) in rep.placeholder else v)
        )
    expected = {
        "agency_name": agency.name,
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
    print("written to", OUT)


if __name__ == "__main__":
    main()
