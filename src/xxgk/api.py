"""The library beneath the `xxgk` command: every command is one call here, so the command line
proves the library is enough (STYLE.md example 1, as sqlite-utils keeps its library first).

    import xxgk
    report = xxgk.read_report("reports/2023/某区档案馆.pdf")
    t = xxgk.tables(report)            # Polars frames of tables 二, 三, 四
    result = xxgk.build("reports", "out", site=False)
    changes = xxgk.diff_packages("old/datapackage", "out/datapackage")

Heavy libraries (Polars, DuckDB, the readers, MkDocs) are imported by the call that needs
them, so `import xxgk` stays cheap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

    from .diff import PackageDiff
    from .parse.report import Report
    from .pipeline import BuildResult, ParseAllResult, Progress
    from .process import FileOutcome

__all__ = [
    "ReportTables",
    "build",
    "cache_key",
    "diff_packages",
    "parse_all",
    "parse_file",
    "read_report",
    "render_diff",
    "tables",
    "validate",
]

PathLike = str | os.PathLike[str]


def read_report(path: PathLike) -> Report:
    """Read, parse and check one report file (TXT, HTML, DOCX, DOC/WPS, PDF).

    Raises `xxgk.UnreadableFile` or `xxgk.NotAReport`, whose message (Chinese) says why and
    what to do. Findings across years are not included: they need the agency's other years
    (`build`). `report.source_file` is the file's name."""
    from .check import check_report
    from .ingest import read_bytes
    from .parse import parse_document

    p = Path(path)
    data = p.read_bytes()
    doc = read_bytes(data, p.name, p.suffix)
    report = parse_document(doc, _sha256(data), p.name)
    check_report(report)
    return report


def parse_file(path: PathLike) -> FileOutcome:
    """Like `read_report`, but never raising for a bad file: the outcome holds the report or
    the reason it cannot be published, as the build records it (`xxgk parse`)."""
    from .process import process_file

    p = Path(path).resolve()
    return process_file(p, p.parent)


@dataclass(frozen=True)
class ReportTables:
    """The three statistical tables of one report, laid out as the data package's resources
    (same columns and types, without `report_id`): 二 `proactive_disclosure` (one row per
    item and measure), 三 `applications` (one row per row code, one column per applicant
    type), 四 `reviews_litigation`. A blank cell is null, never 0."""

    proactive_disclosure: pl.DataFrame
    applications: pl.DataFrame
    reviews_litigation: pl.DataFrame

    def as_dict(self) -> dict[str, pl.DataFrame]:
        return {
            "proactive_disclosure": self.proactive_disclosure,
            "applications": self.applications,
            "reviews_litigation": self.reviews_litigation,
        }


def tables(report: Report) -> ReportTables:
    """Tables 二, 三 and 四 of a report as Polars DataFrames (see `ReportTables`)."""
    import polars as pl

    from .package.identity import Agency
    from .package.schemas import field_names, polars_schema
    from .package.writer import core_rows

    # The package writer's own rows, so the frames are the CSVs' rows for this report.
    agency = Agency("", report.agency_name, report.province, report.city, report.district)
    rows = core_rows([agency], {"": [report]}, [])

    def frame(name: str) -> pl.DataFrame:
        columns = [c for c in field_names(name) if c != "report_id"]
        schema = {c: t for c, t in polars_schema(name).items() if c in columns}
        return pl.DataFrame({c: [r.get(c) for r in rows[name]] for c in columns}, schema=schema, strict=False)

    return ReportTables(frame("proactive_disclosure"), frame("applications"), frame("reviews_litigation"))


def build(
    reports_dir: PathLike,
    out_dir: PathLike,
    *,
    strict: bool = False,
    fail_on_unreadable: bool = False,
    site: bool = True,
    workers: int | None = None,
    site_url: str | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """The whole job: every report under `reports_dir` → OUT/datapackage/ and OUT/site/.

    Outputs are replaced only when the build succeeds (`result.ok`; otherwise
    `result.failed` says why): `strict` fails on any unreadable file or error finding,
    `fail_on_unreadable` on unreadable files only. Files already in the parse cache (`cache_dir`, default
    OUT/build/cache) are not read again: `result.parsed` and `result.from_cache` count both
    kinds. `cache=False` neither reads nor writes the cache. `progress(stage, total)` may
    return a callable ticked once per file."""
    from .pipeline import build as run

    return run(
        Path(reports_dir),
        Path(out_dir),
        strict=strict,
        fail_on_unreadable=fail_on_unreadable,
        site=site,
        workers=workers,
        progress=progress,
        site_url=site_url,
        cache=cache,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
    )


def parse_all(
    reports_dir: PathLike,
    out_dir: PathLike,
    *,
    shard: tuple[int, int] = (1, 1),
    workers: int | None = None,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    progress: Progress | None = None,
) -> ParseAllResult:
    """Read the files of shard K of N (`shard=(K, N)`) into the parse cache, nothing else.
    Files are assigned by a hash of their relative path. Merge the cache folders of all
    shards by copying them into one; `build` on the merged folder then reads no file."""
    from .pipeline import parse_all as run

    return run(
        Path(reports_dir),
        Path(out_dir),
        shard=shard,
        workers=workers,
        progress=progress,
        cache=cache,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
    )


def cache_key() -> str:
    """The parse cache's fingerprint (hex): a hash of the parser's code and data, the reading
    libraries' versions and the Python version. Equal keys, equal readings of equal bytes."""
    from .cache import fingerprint

    return fingerprint()


def validate(path: PathLike, engine: str = "frictionless") -> list[str]:
    """Validation of a data package (its folder or datapackage.json): the problems found, one
    line each; empty when valid. `engine="frictionless"` (the default) is the reference;
    `"duckdb"` is the build's gate, the Table Schemas compiled to DuckDB checks, which prints
    the same lines (tests/test_gate.py) in a fraction of the time."""
    from .package.validate import validate_package

    p = Path(path)
    return validate_package(p / "datapackage.json" if p.is_dir() else p, engine=engine)


def diff_packages(old: PathLike | None, new: PathLike) -> PackageDiff:
    """What changed from data package `old` to `new` (folders or datapackage.json files):
    reports added, removed or replaced, cells, findings, agencies, schemas. `old` may be
    None or missing (a first build: everything is added). Raises FileNotFoundError when
    `new` is not a data package."""
    from .diff import diff_packages as compare

    return compare(Path(old) if old is not None else None, Path(new))


def render_diff(
    changes: PackageDiff, fmt: Literal["markdown", "json", "short"] = "markdown", limit: int = 50
) -> str:
    """A diff as Chinese Markdown (pull requests, CI summaries; at most `limit` rows per
    table), JSON, or one or two short lines ending with a newline."""
    from .diff.render import short, to_json, to_markdown

    if fmt == "json":
        return to_json(changes)
    if fmt == "short":
        return short(changes) + "\n"
    return to_markdown(changes, limit=limit)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
