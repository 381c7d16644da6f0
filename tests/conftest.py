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


DUCKDB_ZIP = "site/downloads/xxgk-duckdb.zip"  # the DuckDB database, zipped, as the site offers it


def duckdb_rows(path: Path) -> dict[str, list]:
    """Every table of a DuckDB database (a .duckdb file, or the site's ZIP holding one) as sorted
    rows: two writes of the same tables give different file bytes (its header), never other rows."""
    import tempfile
    import zipfile

    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                (member,) = z.namelist()
                path = Path(z.extract(member, tmp))
        with duckdb.connect(str(path), read_only=True) as con:
            names = [t for (t,) in con.sql("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
            return {t: sorted(map(repr, con.sql(f'SELECT * FROM "{t}"').fetchall())) for t in names}
