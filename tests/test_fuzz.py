"""A small sample of the fuzzing run (scripts/fuzz.py, 1,000 damaged files per format by hand):
damaged reports of every format built in one run, every file published or skipped with its
reason, none crashing our code (「程序缺陷」), none hanging or slow."""

from __future__ import annotations

import sys

from conftest import ROOT

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
