from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from xxgk.check import check_report
from xxgk.ingest import read, read_bytes
from xxgk.parse import parse_document
from xxgk.parse.report import Report

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"
FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted(p for p in REPORTS.iterdir() if p.suffix == ".txt")


def parse_path(path: Path) -> Report:
    doc = read(path, path.name)
    report = parse_document(doc, hashlib.sha256(path.read_bytes()).hexdigest(), path.name)
    check_report(report)
    return report


def parse_text(text: str, encoding: str = "utf-8", name: str = "inline.txt") -> Report:
    data = text.encode(encoding)
    report = parse_document(read_bytes(data, name), hashlib.sha256(data).hexdigest(), name)
    check_report(report)
    return report


def cell(report: Report, table: str, row: str, column: str):
    if table == "proactive_disclosure":
        return report.proactive[(row, column)].value
    grid = report.applications if table == "applications" else report.reviews
    return grid[row][column].value


@pytest.fixture(scope="session")
def seed_reports() -> dict[str, Report]:
    return {p.name[:3]: parse_path(p) for p in SEEDS}
