"""The whole job: reports/ → validated data package → DuckDB aggregates → site.

Outputs are built in OUT/build/ and moved into place only when every stage has succeeded,
so a failed build leaves the previous datapackage/ and site/ as they were.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .aggregate import run_aggregations
from .check import check_report, cross_year_carry
from .ingest import SUFFIXES, UnreadableFile, read
from .package.identity import choose_per_year, group_agencies
from .package.validate import validate_package
from .package.writer import core_rows, created, report_id, write_descriptor, write_table
from .parse import NotAReport, parse_document
from .parse.report import Report


@dataclass
class FileOutcome:
    source_file: str
    sha256: str | None
    report: Report | None = None
    reason: str | None = None  # why the file was skipped


@dataclass
class BuildResult:
    files: int = 0
    published: int = 0
    agencies: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    validation: list[str] = field(default_factory=list)
    failed: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed is None


class BuildFailed(Exception):
    pass


def discover(reports_dir: Path) -> list[Path]:
    """Every report file under the folder, recursively, in a stable order (hidden files and
    README-like notes are not reports)."""
    found = []
    for path in reports_dir.rglob("*"):
        rel = path.relative_to(reports_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        is_report_type = path.suffix.lower() in SUFFIXES or path.suffix == ""
        if is_report_type and path.stem.upper() not in {"README", "LICENSE"}:
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(reports_dir).as_posix())


# A file taking longer than this is given up (a report takes about a second; scripts/fuzz.py
# measured at most a few on damaged files), so one pathological file cannot hang the build.
FILE_TIME_LIMIT = 120.0


class FileTimeout(BaseException):
    """Raised by the alarm in the middle of reading a file. A BaseException, so the readers'
    libraries, which catch Exception broadly, cannot swallow it."""


@contextmanager
def _time_limit(seconds: float | None):
    """SIGALRM after `seconds` in the thread that runs the file (a worker process's main
    thread, or the main thread when files are read in-process); elsewhere, no limit."""
    if (
        not seconds
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(signum, frame):
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process_file(path: Path, reports_dir: Path) -> FileOutcome:
    """Read, parse and check one file. Never raises for bad input: the reason is returned."""
    rel = path.relative_to(reports_dir).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(rel, None, reason=f"无法读取文件：{exc.strerror}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        with _time_limit(FILE_TIME_LIMIT):
            doc = read(path, rel)
            report = parse_document(doc, sha, rel)
            check_report(report)
        return FileOutcome(rel, sha, report=report)
    except FileTimeout:
        return FileOutcome(
            rel,
            sha,
            reason=f"读取超时：{FILE_TIME_LIMIT:g} 秒内未能读完，文件可能已损坏或结构异常；"
            "请用原软件重新保存或导出后再试",
        )
    except (UnreadableFile, NotAReport) as exc:
        return FileOutcome(rel, sha, reason=str(exc))
    except Exception as exc:  # a bug of ours must not lose the other files
        return FileOutcome(rel, sha, reason=f"解析出错（程序缺陷，请报告）：{type(exc).__name__}: {exc}")


def _process_star(args: tuple[Path, Path]) -> FileOutcome:
    return process_file(*args)


def read_all(
    files: list[Path], reports_dir: Path, workers: int | None = None, tick: Callable[[], None] | None = None
) -> Iterator[FileOutcome]:
    workers = workers if workers is not None else (os.cpu_count() or 1)
    jobs = [(f, reports_dir) for f in files]
    if workers <= 1 or len(files) < 64:
        for job in jobs:
            yield _process_star(job)
            if tick:
                tick()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(_process_star, jobs, chunksize=32):
            yield outcome
            if tick:
                tick()


def previous_ids(datapackage_dir: Path) -> dict[str, str]:
    """Names → ids of the package being replaced, so published ids stay put."""
    path = datapackage_dir / "data" / "agencies.csv"
    if not path.exists():
        return {}
    ids = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for name in [row["name"], *(row.get("aliases") or "").split(";")]:
                if name:
                    ids.setdefault(name, row["agency_id"])
    return ids


def build(
    reports_dir: Path,
    out_dir: Path,
    *,
    strict: bool = False,
    site: bool = True,
    workers: int | None = None,
    progress=None,
    site_url: str | None = None,
) -> BuildResult:
    """Run every stage. `progress(stage, total)` returns a tick callable (or None)."""
    result = BuildResult()
    reports_dir, out_dir = reports_dir.resolve(), out_dir.resolve()
    t0 = time.perf_counter()
    files = discover(reports_dir)
    result.files = len(files)
    tick = progress("读取与解析报告", len(files)) if progress else None
    outcomes = list(read_all(files, reports_dir, workers, tick))
    result.timings["read+parse+check"] = time.perf_counter() - t0

    reports = [o.report for o in outcomes if o.report]
    result.skipped = [(o.source_file, o.reason) for o in outcomes if o.reason]

    t = time.perf_counter()
    final_pkg = out_dir / "datapackage"
    agencies = group_agencies(reports, previous_ids(final_pkg))
    published: dict[str, list[Report]] = {}
    file_rows: dict[str, dict] = {}
    for o in outcomes:
        if o.reason:
            file_rows[o.source_file] = {
                "source_file": o.source_file,
                "source_sha256": o.sha256,
                "status": "skipped",
                "reason": o.reason,
            }
    for a in agencies:
        chosen, dropped = choose_per_year(a)
        for prev, cur in itertools.pairwise(chosen):
            cross_year_carry(prev, cur)
        published[a.agency_id] = chosen
        for r in chosen:
            file_rows[r.source_file] = {
                "source_file": r.source_file,
                "source_sha256": r.source_sha256,
                "status": "published",
                "report_id": report_id(a, r),
            }
        for r, winner in dropped:
            why = (
                f"与 {winner.source_file} 是同一机关（{a.name}）同一年度（{r.year}）的报告；"
                f"已发布 {winner.source_file}（按解析完整程度、发布日期、文件路径依次选择）"
            )
            file_rows[r.source_file] = {
                "source_file": r.source_file,
                "source_sha256": r.source_sha256,
                "status": "duplicate",
                "report_id": report_id(a, winner),
                "reason": why,
            }
            result.duplicates.append((r.source_file, why))
    kept = [r for rs in published.values() for r in rs]
    result.published, result.agencies = len(kept), len(agencies)
    for r in kept:
        for f in r.findings:
            result.rules[f.rule] = result.rules.get(f.rule, 0) + 1
        result.errors += r.error_count
        result.warnings += r.warning_count

    staging = out_dir / "build" / f"staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    pkg = staging / "datapackage"
    rows = core_rows(agencies, published, list(file_rows.values()))
    counts = {name: write_table(rs, name, pkg / "data" / f"{name}.csv") for name, rs in rows.items()}
    result.timings["package"] = time.perf_counter() - t

    t = time.perf_counter()
    counts.update(run_aggregations(pkg / "data"))
    result.timings["aggregate"] = time.perf_counter() - t
    write_descriptor(pkg, created(kept), counts)

    t = time.perf_counter()
    result.validation = validate_package(pkg / "datapackage.json")
    result.timings["validate"] = time.perf_counter() - t
    if result.validation:
        result.failed = "数据包未通过 Frictionless 校验"
        return result

    if site:
        from .site import build_site

        t = time.perf_counter()
        build_site(pkg, agencies, published, staging / "site", out_dir, reports_dir, site_url=site_url)
        result.timings["site"] = time.perf_counter() - t

    if strict and (result.skipped or result.errors):
        result.failed = f"--strict：{len(result.skipped)} 个文件无法发布，{result.errors} 条 error 级检查结果"
        shutil.rmtree(staging, ignore_errors=True)
        return result

    _swap(pkg, final_pkg)
    if site:
        _swap(staging / "site", out_dir / "site")
    shutil.rmtree(staging, ignore_errors=True)
    result.timings["total"] = time.perf_counter() - t0
    return result


def _swap(new: Path, final: Path) -> None:
    """Replace `final` by `new` with renames, so readers never see a half-written folder."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
