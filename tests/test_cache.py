"""The parse cache (src/xxgk/cache.py): a build reads only the files it has not read before,
with the same parser, and publishes the same bytes as a build that reads everything."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SEEDS, parse_path
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xxgk import process
from xxgk.cache import PACKAGES, ParseCache, fingerprint, fingerprint_of
from xxgk.cli import main
from xxgk.parse.normalize import CellStatus, CellValue
from xxgk.parse.report import Finding, Report
from xxgk.pipeline import build

BAD = {
    "empty.txt": b"",
    "broken.docx": b"PK\x03\x04" + b"\x00garbage" * 50,
    "notice.txt": "关于召开全区安全生产工作会议的通知\n各单位：\n请于下周一上午九时参加会议。\n".encode(),
}


def make_corpus(folder: Path, generated: int = 24) -> Path:
    """Seeds, real files (PDF, HTML), damaged files, a generated corpus, one agency over two
    years whose carry-over differs (a cross-year finding added after the cache), a duplicate."""
    import sys

    from xxgk.synth import Agency, SyntheticReport, draw_tables
    from xxgk.synth.render import render_docx, render_html

    sys.path.insert(0, str(ROOT / "scripts"))
    from generate_corpus import generate

    folder.mkdir(parents=True)
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    for p in (FIXTURES / "real").glob("*.*"):
        if p.suffix in {".pdf", ".html"}:
            shutil.copy(p, folder / p.name)
    for name, data in BAD.items():
        (folder / "bad").mkdir(exist_ok=True)
        (folder / "bad" / name).write_bytes(data)
    generate(generated, folder / "gen", seed=3)
    rng = random.Random(5)
    for year, render in ((2022, lambda r: render_html(r).encode("gbk")), (2023, render_docx)):
        proactive, apps, reviews = draw_tables(rng)
        rep = SyntheticReport(
            Agency("武汉市", "硚口区", "档案馆"), year, "cells", None, "027-1", 0, proactive, apps, reviews
        )
        suffix = ".html" if year == 2022 else ".docx"
        (folder / "carry").mkdir(exist_ok=True)
        (folder / "carry" / f"{year}{suffix}").write_bytes(render(rep))
    shutil.copy(SEEDS[0], folder / "bad" / "same-report-again.txt")  # a duplicate, published once
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_tree(a: Path, b: Path) -> None:
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    differ = [name for name in ta if ta[name] != tb[name]]
    assert differ == [], f"files that differ: {differ[:10]}"


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("??/*.json"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("cache") / "reports")


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory):
    """A build that neither reads nor writes the cache: what every cached build must equal."""
    out = tmp_path_factory.mktemp("clean")
    result = build(corpus, out, site=False, cache=False)
    assert result.ok and result.published > 30
    return out, result


# --- round trip -------------------------------------------------------------------------------


def round_trip(report: Report) -> Report:
    text = json.dumps(report.to_json(lossless=True), ensure_ascii=False)
    return Report.from_json(json.loads(text))


def assert_round_trips(report: Report) -> None:
    back = round_trip(report)
    assert back == report
    assert repr(back) == repr(report)  # also ints stay ints, and the order of rows and cells


def _fixtures() -> list[Path]:
    files = sorted(p for p in FIXTURES.glob("*/*.*") if not p.name.endswith((".json", ".md")))
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        files = [p for p in files if p.suffix != ".doc"]  # read only through LibreOffice
    return [*SEEDS, *files]


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_every_fixture_round_trips_through_json_exactly(path):
    assert_round_trips(parse_path(path))


def _variant_pairs():
    from xxgk.synth.variants import cases

    return [(v.name, fmt) for v, fmt, _ in cases(1)]


@pytest.mark.parametrize("pair", _variant_pairs(), ids=lambda p: f"{p[0]}-{p[1]}")
def test_every_variant_of_the_corpus_round_trips_through_json_exactly(pair):
    from xxgk.synth.variants import evaluate, make_case

    score = evaluate(make_case(*pair, 0))
    assert score.published, score.reason
    assert_round_trips(score.report)


_values = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(st.tuples(_values, st.sampled_from(list(CellStatus)), st.text()), min_size=1, max_size=40),
    texts=st.lists(st.text(), min_size=3, max_size=3),
    expected=_values,
)
# found by hypothesis: -0.0 came back as the shared cell of 0 (equal, and hashed alike)
@example(cells=[(-0.0, CellStatus.OK, "")], texts=["", "", ""], expected=None)
def test_any_cell_and_finding_round_trips(seed_reports, cells, texts, expected):
    """Whatever a cell holds (int or float, any status, any printed text) comes back as it was."""
    report = round_trip(seed_reports["000"])
    targets = [(row, col) for row, cols in report.applications.items() for col in cols]
    for (row, col), (value, status, text) in zip(targets, cells, strict=False):
        report.applications[row][col] = CellValue(value, status, text)
    report.title, report.contact_phone, report.sections[0].text = texts
    report.fee_collected_yuan = expected
    report.findings.append(Finding("balance", "error", texts[0], "applications", None, None, expected, 1, ""))
    assert_round_trips(report)


def test_the_values_only_json_of_xxgk_parse_is_refused(seed_reports):
    with pytest.raises(ValueError, match="lossless"):
        Report.from_json(seed_reports["000"].to_json())


# --- the cache in a build ---------------------------------------------------------------------


def test_a_second_build_reads_no_file_and_publishes_the_same_bytes(corpus, clean, tmp_path):
    clean_out, clean_result = clean
    first = build(corpus, tmp_path, site=False)
    assert (first.parsed, first.from_cache) == (first.files, 0)
    second = build(corpus, tmp_path, site=False)
    assert (second.parsed, second.from_cache) == (0, second.files)
    assert second.skipped == clean_result.skipped and second.duplicates == clean_result.duplicates
    assert second.rules == clean_result.rules and second.rules.get("cross_year_carry")
    assert_same_tree(clean_out / "datapackage", tmp_path / "datapackage")


def test_skipped_files_are_cached_with_their_reason(corpus, tmp_path):
    build(corpus, tmp_path, site=False)
    cache = ParseCache(tmp_path / "build/cache")
    data = (corpus / "bad/notice.txt").read_bytes()
    hit = cache.load(cache.key(hashlib.sha256(data).hexdigest(), ".txt"), "bad/notice.txt")
    assert hit is not None and hit.cached and hit.report is None
    assert hit.reason.startswith("不是政府信息公开工作年度报告")


def test_a_changed_file_is_the_only_one_read_again(corpus, tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(corpus, reports)
    build(reports, tmp_path / "out", site=False)
    changed = reports / SEEDS[1].name
    changed.write_bytes(changed.read_bytes() + "\n（本报告有更正）\n".encode())
    result = build(reports, tmp_path / "out", site=False)
    assert (result.parsed, result.from_cache) == (1, result.files - 1)
    assert result.cache_pruned == 1  # the entry of the file as it was
    assert len(entries(tmp_path / "out/build/cache")) == result.files - 1  # the duplicate shares one


def test_cross_year_findings_are_not_kept_in_the_cache(corpus, tmp_path):
    """They depend on the agency's other years: added by the build after each file is cached."""
    result = build(corpus, tmp_path, site=False)
    assert result.rules.get("cross_year_carry")
    kept = [json.loads(p.read_bytes().partition(b"\n")[2]) for p in entries(tmp_path / "build/cache")]
    rules = {f["rule"] for e in kept if e["report"] for f in e["report"]["checks"]}
    assert "cross_year_carry" not in rules and {"outcome_total", "late_publication"} <= rules


def test_same_bytes_under_two_names_share_one_entry_but_not_the_name(tmp_path):
    reports = tmp_path / "reports"
    (reports / "a").mkdir(parents=True)
    shutil.copy(SEEDS[2], reports / "a/one.txt")
    shutil.copy(SEEDS[2], reports / "two.txt")
    build(reports, tmp_path / "out", site=False)
    [entry] = entries(tmp_path / "out/build/cache")
    assert "source_file" not in json.loads(entry.read_bytes().partition(b"\n")[2])["report"]
    cache = ParseCache(tmp_path / "out/build/cache")
    key = entry.stem
    assert cache.load(key, "a/one.txt").report.source_file == "a/one.txt"
    assert cache.load(key, "two.txt").report.source_file == "two.txt"


def test_the_suffix_is_part_of_the_key(tmp_path):
    """ingest.read judges bytes that are not what their suffix claims by the suffix."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEEDS[0], reports / "report.txt")
    shutil.copy(SEEDS[0], reports / "report.pdf")
    result = build(reports, tmp_path / "out", site=False)
    assert result.published == 1
    assert [p for p, _ in result.skipped] == ["report.pdf"] and "扩展名为 .pdf" in result.skipped[0][1]
    assert len(entries(tmp_path / "out/build/cache")) == 2
    again = build(reports, tmp_path / "out", site=False)
    assert (again.from_cache, again.skipped) == (2, result.skipped)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b"",  # empty
        lambda b: b.replace(b'"value":', b'"value" :', 1),  # valid JSON, not what was written
        lambda b: b.replace(b"xxgk-parse-cache 1", b"xxgk-parse-cache 9"),  # another entry format
        lambda b: bytes([b[-10] ^ 1]).join([b[:-10], b[-9:]]),  # one bit
    ],
    ids=["truncated", "empty", "edited", "other-format", "bit-flip"],
)
def test_a_damaged_entry_is_read_again_not_trusted(damage, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, reports / p.name)
    build(reports, tmp_path / "out", site=False)
    before = tree(tmp_path / "out/datapackage")
    victim = entries(tmp_path / "out/build/cache")[0]
    sound = victim.read_bytes()
    victim.write_bytes(damage(sound))
    result = build(reports, tmp_path / "out", site=False)
    assert (result.parsed, result.from_cache) == (1, 2)
    assert victim.read_bytes() == sound  # written again
    assert tree(tmp_path / "out/datapackage") == before


def test_a_forged_entry_is_what_a_cached_build_publishes_and_no_cache_ignores_it(tmp_path):
    """Proof that the cache is read (and what --no-cache is for): an entry with a sound
    checksum is believed; --no-cache reads the files and leaves the cache as it is."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEEDS[0], reports / SEEDS[0].name)
    build(reports, tmp_path / "out", site=False)
    cache = ParseCache(tmp_path / "out/build/cache")
    [entry] = entries(cache.folder)
    outcome = cache.load(entry.stem, SEEDS[0].name)
    outcome.report.title = "伪造的标题"
    cache.store(entry.stem, outcome)
    forged = entry.read_bytes()

    build(reports, tmp_path / "out", site=False)
    assert "伪造的标题" in (tmp_path / "out/datapackage/data/reports.csv").read_text("utf-8")
    result = build(reports, tmp_path / "out", site=False, cache=False)
    assert (result.parsed, result.from_cache) == (1, 0)
    assert "伪造的标题" not in (tmp_path / "out/datapackage/data/reports.csv").read_text("utf-8")
    assert entry.read_bytes() == forged  # neither read nor written


def test_no_cache_creates_no_cache_folder(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEEDS[0], reports / SEEDS[0].name)
    build(reports, tmp_path / "out", site=False, cache=False)
    assert not (tmp_path / "out/build/cache").exists()


def test_a_timeout_or_a_bug_of_ours_is_not_cached(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in SEEDS[:2]:
        shutil.copy(p, reports / p.name)
    real_read = process.read

    def read(path, source=None):
        if path.name == SEEDS[1].name:
            raise RuntimeError("a bug")
        return real_read(path, source)

    monkeypatch.setattr(process, "read", read)
    result = build(reports, tmp_path / "out", site=False)
    assert "程序缺陷" in result.skipped[0][1]
    assert len(entries(tmp_path / "out/build/cache")) == 1
    monkeypatch.setattr(process, "read", real_read)
    fixed = build(reports, tmp_path / "out", site=False)
    assert (fixed.parsed, fixed.from_cache, fixed.skipped) == (1, 1, [])


def test_an_interrupted_build_keeps_what_it_had_read(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in SEEDS:
        shutil.copy(p, reports / p.name)
    real = process.process_file
    seen = []

    def interrupted(path, reports_dir):
        if len(seen) == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the reading
        seen.append(path)
        return real(path, reports_dir)

    monkeypatch.setattr("xxgk.pipeline.process_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(reports, tmp_path / "out", site=False, workers=1)
    monkeypatch.setattr("xxgk.pipeline.process_file", real)
    result = build(reports, tmp_path / "out", site=False, workers=1)
    assert (result.parsed, result.from_cache) == (2, 3)


def test_entries_no_file_uses_are_pruned(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, reports / p.name)
    cache_dir = tmp_path / "shared-cache"
    build(reports, tmp_path / "out", site=False, cache_dir=cache_dir)
    (reports / SEEDS[0].name).unlink()
    stray = cache_dir / "zz" / ("zz" + "0" * 62 + ".json")  # not an entry of this build
    stray.parent.mkdir(exist_ok=True)
    stray.write_text("{}")
    old_tmp = cache_dir / "zz" / ".leftover.json.123.tmp"  # an interrupted writer's
    old_tmp.write_text("{")
    os.utime(old_tmp, (time.time() - 7200, time.time() - 7200))
    result = build(reports, tmp_path / "out", site=False, cache_dir=cache_dir)
    assert (result.from_cache, result.cache_pruned) == (2, 2)
    assert len(entries(cache_dir)) == 2 and not stray.parent.exists()
    assert not (tmp_path / "out/build/cache").exists()  # --cache-dir replaces the default


def test_the_build_summary_says_how_many_files_were_read(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, reports / p.name)
    runner = CliRunner()
    args = ["build", "--reports", str(reports), "--out", str(tmp_path / "out"), "--no-site"]
    assert "解析 3 个文件（未用缓存）" in runner.invoke(main, args).output
    (reports / "new.txt").write_bytes(SEEDS[3].read_bytes())
    assert "解析 1 个文件，其余 3 个取自缓存" in runner.invoke(main, args).output
    assert "全部 4 个文件取自缓存" in runner.invoke(main, args).output
    no_cache = runner.invoke(main, [*args, "--no-cache"])
    assert no_cache.exit_code == 0 and "解析 4 个文件（未用缓存）" in no_cache.output


# --- the fingerprint --------------------------------------------------------------------------


def test_cache_key_prints_the_fingerprint():
    out = CliRunner().invoke(main, ["cache-key"])
    assert out.exit_code == 0 and out.output == fingerprint() + "\n"
    assert re.fullmatch(r"[0-9a-f]{64}\n", out.output)


def test_parser_code_and_data_change_the_fingerprint_site_code_does_not(tmp_path):
    src = tmp_path / "xxgk"
    shutil.copytree(ROOT / "src/xxgk", src, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    base = fingerprint_of(src)
    assert base == fingerprint_of(ROOT / "src/xxgk")

    def after(edit: str) -> str:
        path = src / edit
        original = path.read_bytes()
        path.write_bytes(original + b"\n# a change\n")
        try:
            return fingerprint_of(src)
        finally:
            path.write_bytes(original)

    for changed in ("parse/tables.py", "ingest/pdf.py", "check/__init__.py", "formats/formats.yaml"):
        assert after(changed) != base, changed
    assert after("parse/gazetteer.csv") != base
    for unchanged in ("site/__init__.py", "package/writer.py", "pipeline.py", "cli.py", "api.py"):
        assert after(unchanged) == base, unchanged


def _xxgk_imports(module: Path, root: Path) -> set[str]:
    """The xxgk modules a module imports (relative imports), as paths under src/xxgk."""
    package = module.relative_to(root).parent.parts
    found = set()
    for node in ast.walk(ast.parse(module.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = [*package[: len(package) - node.level + 1], *(node.module or "").split(".")]
            base = [p for p in base if p]
            for parts in [base, *([*base, a.name] for a in node.names)]:
                name = "/".join(parts)
                if (root / f"{name}.py").exists() or (root / name / "__init__.py").exists():
                    found.add(name)
    return found


def test_the_fingerprint_covers_every_module_a_reading_runs():
    """Every xxgk module that process.py reaches by imports is in a fingerprinted package."""
    root = ROOT / "src/xxgk"
    todo, seen = ["process"], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = root / f"{name}.py" if (root / f"{name}.py").exists() else root / name / "__init__.py"
        todo += list(_xxgk_imports(path, root))
    outside = {n for n in seen if n.split("/")[0] not in PACKAGES and n not in {"process", "cache"}}
    assert outside == set()
    assert {"ingest/pdf", "parse/tables", "check", "formats"} <= seen


def _collector_state(path: Path, reports_dir: Path) -> process.FileOutcome:
    import gc

    return process.FileOutcome(path.name, None, reason=f"gc {gc.isenabled()}", transient=True)


def test_reading_pauses_the_cycle_collector_but_not_in_the_parsing_processes(tmp_path, monkeypatch):
    """The cycle collector is off in this process while reports are read (they are then frozen),
    on again afterwards, and on in the forked parsing processes, which make garbage of their own
    (off there, a 10,000-report build of web pages and PDFs grew to 9 GB)."""
    import gc

    from xxgk import pipeline

    files = []
    for i in range(70):  # enough for the pool of parsing processes
        files.append(tmp_path / f"{i:03d}.txt")
        files[-1].write_text("x", encoding="utf-8")
    monkeypatch.setattr(pipeline, "process_file", _collector_state)
    assert gc.isenabled()
    outcomes, _ = pipeline.read_reports(files, tmp_path, workers=2)
    gc.unfreeze()
    assert {o.reason for o in outcomes} == {"gc True"}
    assert gc.isenabled()
