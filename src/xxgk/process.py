"""One file through read → parse → check, under a time limit, never raising for bad input.

The build and `xxgk parse-all` run this per file, in worker processes; `cache.py` keeps its
results. It sits apart from pipeline.py because its source is part of the parse cache's
fingerprint: a change here changes what a file reads as, a change of the build around it does not.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .check import check_report
from .ingest import UnreadableFile, read
from .parse import NotAReport, parse_document
from .parse.report import Report

__all__ = ["FILE_TIME_LIMIT", "FileOutcome", "FileTimeout", "process_file"]


@dataclass
class FileOutcome:
    """What became of one file: its report, or the reason it was skipped."""

    source_file: str  # path relative to the reports folder, POSIX separators
    sha256: str | None  # None when the file could not even be opened
    report: Report | None = None
    reason: str | None = None  # why the file was skipped
    # The reason may not hold next time (a time limit on a busy machine, a bug of ours, an
    # I/O error): such an outcome is never cached.
    transient: bool = False
    cached: bool = False  # taken from the parse cache rather than read


# A file taking longer than this is given up (a report takes about a second; scripts/fuzz.py
# measured at most a few on damaged files), so one pathological file cannot hang the build.
FILE_TIME_LIMIT = 120.0


class FileTimeout(BaseException):
    """Raised by the alarm in the middle of reading a file. A BaseException, so the readers'
    libraries, which catch Exception broadly, cannot swallow it."""


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
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
    """Read, parse and check one file. Never raises for bad input: the reason is returned.

    The report is checked on its own only: findings across years (`cross_year_carry`) are the
    build's, added later, so this result is what the parse cache keeps."""
    rel = path.relative_to(reports_dir).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileOutcome(rel, None, reason=f"无法读取文件：{exc.strerror}", transient=True)
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
            transient=True,
        )
    except (UnreadableFile, NotAReport) as exc:
        return FileOutcome(rel, sha, reason=str(exc))
    except Exception as exc:  # a bug of ours must not lose the other files
        return FileOutcome(
            rel, sha, reason=f"解析出错（程序缺陷，请报告）：{type(exc).__name__}: {exc}", transient=True
        )
