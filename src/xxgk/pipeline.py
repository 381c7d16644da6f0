"""The whole job: reports/ → validated data package → DuckDB aggregates → site.

The package is written in OUT/build/ and checked (validation, --strict, --fail-on-unreadable)
before anything is written to datapackage/ or site/: a build that fails a check leaves them as
they were. Then both are written in place, a file replaced (atomically, by rename) only when its
bytes change, and the site's work is skipped for every unit whose inputs did not change
(site/incremental.py): an unchanged file keeps its mtime, so a deploy uploads only what changed.
A build that dies while writing (a crash, a full disk) leaves each file old or new, never half
written, and no site manifest, so the next build redoes all the site's work. Each file's reading
is kept in the parse cache (cache.py, OUT/build/cache/), so a build reads only new and changed
files; `parse_all` fills the cache with one shard of the files, so that N machines can share the
reading and one build then reads nothing.

Stages, each a function that returns a value: `read_reports` (files → outcomes), `select`
(outcomes → agencies and the reports published), `write_package`, `validate_package`,
`build_site`; `build` runs them and writes the outputs in place.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import itertools
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .aggregate import run_aggregations
from .cache import ParseCache
from .check import cross_year_carry
from .ingest import SUFFIXES
from .package.identity import (
    SLUGS_FILE,
    Agency,
    choose_per_year,
    group_agencies,
    load_slugs,
    save_slugs,
)
from .package.validate import validate_package
from .package.writer import core_rows, created, report_id, write_descriptor, write_table
from .parse.report import Report
from .process import FILE_TIME_LIMIT, FileOutcome, FileTimeout, process_file

if TYPE_CHECKING:
    from .site import SiteWorkers

__all__ = [
    "FILE_TIME_LIMIT",
    "BuildResult",
    "FileOutcome",
    "FileTimeout",
    "ParseAllResult",
    "Publication",
    "build",
    "discover",
    "parse_all",
    "process_file",
    "read_reports",
    "select",
    "shard_of",
]

Progress = Callable[[str, int], Callable[[], None] | None]


@dataclass
class BuildResult:
    """What a build did: counts, every skipped or duplicate file with its reason, the findings
    by rule, seconds per stage, and `failed` (why the outputs were left as they were)."""

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
    parsed: int = 0  # files read and parsed by this build
    from_cache: int = 0  # files whose result was taken from the parse cache
    cache_pruned: int = 0  # cache entries no file of this build used, deleted
    written: dict[str, int] = field(default_factory=dict)  # files written or removed, per folder
    units_kept: int = 0  # units of the site whose work was skipped (inputs unchanged)
    site_timings: dict[str, float] = field(default_factory=dict)  # seconds by step of the site

    @property
    def ok(self) -> bool:
        return self.failed is None


@dataclass
class ParseAllResult:
    """What `parse_all` did for its shard."""

    shard: tuple[int, int]
    files: int = 0  # files of the reports folder in this shard
    parsed: int = 0
    from_cache: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    stored: int = 0  # cache entries written


class BuildFailed(Exception):
    pass


def discover(reports_dir: Path) -> list[Path]:
    """Every report file under the folder, recursively, in a stable order (hidden files and
    folders and README-like notes are not reports; links to folders are not followed)."""
    root = str(reports_dir)
    found: list[tuple[str, str]] = []  # (path relative to the folder, POSIX; the full path)
    for folder, dirs, names in os.walk(root):  # strings, not Paths: 10,000 files take 0.05 s
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(folder, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in names:
            if name.startswith("."):
                continue
            pure = PurePosixPath(name)
            is_report_type = pure.suffix.lower() in SUFFIXES or pure.suffix == ""
            full = os.path.join(folder, name)
            if is_report_type and pure.stem.upper() not in {"README", "LICENSE"} and os.path.isfile(full):
                found.append((prefix + name, full))
    return [Path(full) for _, full in sorted(found)]


def shard_of(source_file: str, shards: int) -> int:
    """The shard (1…shards) of a file, by a hash of its path relative to the reports folder:
    adding or removing a file never moves another one to another shard."""
    digest = hashlib.sha256(source_file.encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards + 1


def _process_and_store(job: tuple[Path, Path, ParseCache | None]) -> FileOutcome:
    path, reports_dir, cache = job
    outcome = process_file(path, reports_dir)
    if cache is not None and outcome.sha256 is not None:
        cache.store(cache.key(outcome.sha256, path.suffix), outcome)
    return outcome


def _kept(outcome: FileOutcome) -> FileOutcome:
    """The outcome as the build keeps it until the end: its report's cells shared."""
    if outcome.report is not None:
        outcome.report.share_cells()
    return outcome


def read_reports(
    files: list[Path],
    reports_dir: Path,
    workers: int | None = None,
    tick: Callable[[], None] | None = None,
    cache: ParseCache | None = None,
    in_process: Callable[[], None] | None = None,
) -> tuple[list[FileOutcome], set[str]]:
    """Every file's outcome, in the order of `files`, and the cache keys they have. Files
    whose key is in the cache are not read; the others are read by `workers` processes
    (in this one when there are few: `in_process` is called first) and their results stored."""
    outcomes: list[FileOutcome | None] = [None] * len(files)
    keys: set[str] = set()
    todo: list[int] = []
    # Python's cycle collector walks every tracked object in its full collections: with 10,000
    # reports read from the cache or from worker processes (millions of cells and dicts) it took
    # a third of the reading, and more in every later stage. They are kept until the build ends,
    # so collection is off while they arrive (not while this process parses: that makes garbage)
    # and they are then frozen: later collections skip them. The caller calls gc.unfreeze() when
    # it lets them go.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for i, path in enumerate(files):
            if cache is None:
                todo.append(i)
                continue
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                todo.append(i)  # process_file says why
                continue
            key = cache.key(sha, path.suffix)
            keys.add(key)
            hit = cache.load(key, path.relative_to(reports_dir).as_posix())
            if hit is None:
                todo.append(i)
            else:
                outcomes[i] = hit
                if tick:
                    tick()
        workers = workers if workers is not None else (os.cpu_count() or 1)
        jobs = [(files[i], reports_dir, cache) for i in todo]
        if workers <= 1 or len(jobs) < 64:
            if in_process:
                in_process()
            gc.freeze()
            if collecting:
                gc.enable()
            done = map(_process_and_store, jobs)
            for i, outcome in zip(todo, done, strict=True):
                outcomes[i] = _kept(outcome)
                if tick:
                    tick()
        else:
            # (forked while collection is off here: the parsing processes turn it back on)
            start = gc.enable if collecting else None
            with ProcessPoolExecutor(max_workers=workers, initializer=start) as pool:
                for i, outcome in zip(todo, pool.map(_process_and_store, jobs, chunksize=32), strict=True):
                    outcomes[i] = _kept(outcome)
                    if tick:
                        tick()
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    return [o for o in outcomes if o is not None], keys


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


@dataclass
class Publication:
    """The outcome of `select`: agencies, the reports published per agency (with their
    cross-year findings added), and a row of source_files.csv per file."""

    agencies: list[Agency]
    published: dict[str, list[Report]]
    file_rows: dict[str, dict]
    duplicates: list[tuple[str, str]]

    @property
    def reports(self) -> list[Report]:
        return [r for rs in self.published.values() for r in rs]


def select(outcomes: list[FileOutcome], previous: dict[str, str]) -> Publication:
    """Group the reports into agencies (keeping the ids in `previous`), choose one report per
    agency and year, and add the findings across years. Cross-year findings are added to
    the published reports here, after the cache has kept each file's own result."""
    reports = [o.report for o in outcomes if o.report]
    agencies = group_agencies(reports, previous)
    published: dict[str, list[Report]] = {}
    file_rows: dict[str, dict] = {}
    duplicates: list[tuple[str, str]] = []
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
            duplicates.append((r.source_file, why))
    return Publication(agencies, published, file_rows, duplicates)


def write_package(pub: Publication, pkg: Path, timings: dict[str, float]) -> None:
    """The data package of `pub` in the folder `pkg`: CSVs, DuckDB aggregates, descriptor."""
    t = time.perf_counter()
    rows = core_rows(pub.agencies, pub.published, list(pub.file_rows.values()))
    counts = {name: write_table(rs, name, pkg / "data" / f"{name}.csv") for name, rs in rows.items()}
    timings["package"] = time.perf_counter() - t
    t = time.perf_counter()
    counts.update(run_aggregations(pkg / "data"))
    timings["aggregate"] = time.perf_counter() - t
    write_descriptor(pkg, created(pub.reports), counts)


def default_cache_dir(out_dir: Path) -> Path:
    return out_dir / "build" / "cache"


def build(
    reports_dir: Path,
    out_dir: Path,
    *,
    strict: bool = False,
    fail_on_unreadable: bool = False,
    site: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
    site_url: str | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Run every stage. `progress(stage, total)` returns a tick callable (or None).

    With `cache` (the default) files already in the parse cache (`cache_dir`, default
    OUT/build/cache) are not read, new results are stored, and entries no file used are
    deleted at the end of the reading. `cache=False` neither reads nor writes the cache."""
    result = BuildResult()
    reports_dir, out_dir = reports_dir.resolve(), out_dir.resolve()
    t0 = time.perf_counter()
    files = discover(reports_dir)
    result.files = len(files)
    parse_cache = ParseCache((cache_dir or default_cache_dir(out_dir)).resolve()) if cache else None
    tick = progress("读取与解析报告", len(files)) if progress else None
    # The site's worker processes (spawned: a fresh interpreter each) start as soon as no pool of
    # parsing processes is to be forked from this one: during the reading when it reads few files
    # (their imports then use the core the reading leaves idle), else after it. Their imports
    # and the downloads made from the whole package overlap select, package and validation;
    # what they make reaches the site only after every check has passed.
    site_workers: SiteWorkers | None = None

    def start_site_workers() -> None:
        nonlocal site_workers
        if site and site_workers is None:
            from .site import SiteWorkers

            site_workers = SiteWorkers(out_dir)

    staging = out_dir / "build" / f"staging-{os.getpid()}"
    try:
        outcomes, keys = read_reports(files, reports_dir, workers, tick, parse_cache, start_site_workers)
        result.from_cache = sum(o.cached for o in outcomes)
        result.parsed = len(outcomes) - result.from_cache
        if parse_cache is not None:
            result.cache_pruned = parse_cache.prune(keys)
        result.timings["read+parse+check"] = time.perf_counter() - t0
        result.skipped = [(o.source_file, o.reason) for o in outcomes if o.reason]

        start_site_workers()
        shutil.rmtree(staging, ignore_errors=True)
        _publish(
            result,
            outcomes,
            reports_dir,
            out_dir,
            staging,
            site_workers,
            strict,
            fail_on_unreadable,
            site_url,
        )
    finally:
        if site_workers is not None:
            site_workers.close()
        shutil.rmtree(staging, ignore_errors=True)
        gc.unfreeze()  # the reports read (read_reports froze them)
    result.timings["total"] = time.perf_counter() - t0
    return result


def _publish(
    result: BuildResult,
    outcomes: list[FileOutcome],
    reports_dir: Path,
    out_dir: Path,
    staging: Path,
    site_workers: SiteWorkers | None,
    strict: bool,
    fail_on_unreadable: bool,
    site_url: str | None,
) -> None:
    """select, the package staged and checked, then the package and the site written in place;
    `result.failed` says why the outputs were left as they were."""
    t = time.perf_counter()
    final_pkg = out_dir / "datapackage"
    slugs = out_dir / "build" / SLUGS_FILE
    load_slugs(slugs)
    pub = select(outcomes, previous_ids(final_pkg))
    save_slugs(slugs)
    kept = pub.reports
    result.duplicates = pub.duplicates
    result.published, result.agencies = len(kept), len(pub.agencies)
    for r in kept:
        for f in r.findings:
            result.rules[f.rule] = result.rules.get(f.rule, 0) + 1
        result.errors += r.error_count
        result.warnings += r.warning_count
    result.timings["select"] = time.perf_counter() - t

    pkg = staging / "datapackage"
    write_package(pub, pkg, result.timings)
    if site_workers is not None:
        site_workers.start_bulk(pkg, out_dir / "site")

    t = time.perf_counter()
    result.validation = validate_package(pkg / "datapackage.json")
    result.timings["validate"] = time.perf_counter() - t
    if result.validation:
        result.failed = "数据包未通过 Frictionless 校验"
        return

    if strict and (result.skipped or result.errors):
        result.failed = f"--strict：{len(result.skipped)} 个文件无法发布，{result.errors} 条 error 级检查结果"
    elif fail_on_unreadable and result.skipped:
        # A report's own inconsistencies are published (the checks name them); an unreadable
        # file is lost data: a pull request adding one should say so and fail.
        result.failed = f"--fail-on-unreadable：{len(result.skipped)} 个文件无法读取或不是年度报告"
    if result.failed:
        return

    # Every check has passed: from here the outputs are written in place, file by file, only
    # where their bytes change (site/incremental.py).
    from .site.incremental import Output

    t = time.perf_counter()
    package_out = Output(final_pkg)
    package_out.sync(pkg)
    package_out.finish()
    result.written["datapackage"] = len(package_out.written) + len(package_out.removed)
    result.timings["publish"] = time.perf_counter() - t
    if site_workers is not None:
        from .site import build_site

        t = time.perf_counter()
        site_out = build_site(
            final_pkg,
            pub.agencies,
            pub.published,
            out_dir / "site",
            out_dir,
            reports_dir,
            site_url=site_url,
            workers=site_workers,
        )
        result.timings["site"] = time.perf_counter() - t
        result.site_timings = site_out.timings
        result.written["site"] = len(site_out.written) + len(site_out.removed)
        result.units_kept = site_out.kept_units
        save_slugs(slugs)  # the site's own (its provinces' names)


def parse_all(
    reports_dir: Path,
    out_dir: Path,
    *,
    shard: tuple[int, int] = (1, 1),
    workers: int | None = None,
    progress: Progress | None = None,
    cache: bool = True,
    cache_dir: Path | None = None,
) -> ParseAllResult:
    """Fill the parse cache with the files of shard K of N (`shard=(K, N)`, K from 1), and
    nothing else: N machines run one shard each, their cache folders are copied into one,
    and `build` then reads no file. `cache=False` re-reads files already in the cache (and
    still stores them). Nothing is pruned: the other shards' entries are not ours to judge."""
    k, n = shard
    if not 1 <= k <= n:
        raise ValueError(f"分片应为 K/N，1 ≤ K ≤ N：{k}/{n}")
    reports_dir, out_dir = reports_dir.resolve(), out_dir.resolve()
    files = [f for f in discover(reports_dir) if shard_of(f.relative_to(reports_dir).as_posix(), n) == k]
    parse_cache = ParseCache((cache_dir or default_cache_dir(out_dir)).resolve(), read=cache)
    tick = progress(f"读取与解析报告（分片 {k}/{n}）", len(files)) if progress else None
    try:
        outcomes, _ = read_reports(files, reports_dir, workers, tick, parse_cache)
    finally:
        gc.unfreeze()
    result = ParseAllResult(shard, files=len(files))
    result.from_cache = sum(o.cached for o in outcomes)
    result.parsed = len(outcomes) - result.from_cache
    result.skipped = [(o.source_file, o.reason) for o in outcomes if o.reason]
    result.stored = sum(not o.cached and not o.transient and o.sha256 is not None for o in outcomes)
    return result
