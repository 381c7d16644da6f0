"""A small sample of the fuzzing run (scripts/fuzz.py, 1,000 damaged files per format by hand):
damaged reports of every format built in one run, every file published or skipped with its
reason, none crashing our code (「程序缺陷」), none hanging or slow."""

from __future__ import annotations

import contextlib
import shutil
import sys
import time

from conftest import ROOT, SEEDS

from xxgk import pipeline, process

sys.path.insert(0, str(ROOT / "scripts"))

import fuzz

PER_FORMAT = 20


def test_damaged_files_of_every_format_are_published_or_skipped_with_a_reason(tmp_path):
    formats = ["txt", "html", "docx", "pdf"]
    verdict = fuzz.run(
        PER_FORMAT,
        seed=11,
        work=tmp_path,
        formats=formats,
        timeout=20.0,
        slow=5.0,
        build_limit=180.0,
        workers=2,
        synthetic=False,  # the fixtures only: drawing the synthetic Word files takes 10 s
    )
    message = fuzz.report(verdict, None)
    assert verdict.files == PER_FORMAT * len(formats), message
    assert verdict.build_error is None, message
    assert sum(verdict.statuses.values()) == verdict.files, message
    assert set(verdict.statuses) <= {"published", "duplicate", "skipped"}, message
    assert not verdict.failures, message


def test_mutations_are_deterministic():
    a = fuzz.plan(3, seed=5, formats=["txt", "html", "docx", "pdf"], synthetic=False)
    b = fuzz.plan(3, seed=5, formats=["txt", "html", "docx", "pdf"], synthetic=False)
    assert [(m.name, m.data) for m in a] == [(m.name, m.data) for m in b]
    assert len(a) == 12 and len({m.name for m in a}) == 12


def _hang_on_slow_files(real_read):
    def read(path, source=None):
        if "slow" not in path.name:
            return real_read(path, source)
        while True:  # a reader caught in a loop that also swallows ordinary exceptions
            with contextlib.suppress(Exception):
                time.sleep(1)

    return read


def test_a_file_that_takes_too_long_is_skipped_with_a_reason(tmp_path, monkeypatch):
    (tmp_path / "slow.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(process, "read", _hang_on_slow_files(process.read))
    monkeypatch.setattr(process, "FILE_TIME_LIMIT", 0.3)
    start = time.perf_counter()
    outcome = process.process_file(tmp_path / "slow.txt", tmp_path)
    assert time.perf_counter() - start < 5
    assert outcome.report is None and outcome.reason.startswith("读取超时"), outcome.reason


def test_the_build_goes_on_past_a_file_that_hangs_in_a_worker_process(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    for k in range(70):  # 64 files or more are read by worker processes
        shutil.copy(SEEDS[k % len(SEEDS)], reports / f"{k:03d}.txt")
    (reports / "slow.txt").write_text("x", encoding="utf-8")
    monkeypatch.setattr(process, "read", _hang_on_slow_files(process.read))
    monkeypatch.setattr(process, "FILE_TIME_LIMIT", 1.0)
    result = pipeline.build(reports, tmp_path / "out", site=False, workers=2)
    assert result.ok and result.published == len(SEEDS)
    assert [p for p, _ in result.skipped] == ["slow.txt"]
    assert result.skipped[0][1].startswith("读取超时")
