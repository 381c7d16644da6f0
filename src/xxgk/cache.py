"""The parse cache: each file's read → parse → check result, kept under OUT/build/cache/.

An entry's key is the SHA-256 of (fingerprint, the file's SHA-256, its suffix). The
fingerprint (`fingerprint()`, printed by `xxgk cache-key`) hashes everything else a reading
depends on, as owid/etl's `checksum_input` does: the source and data files of ingest/, parse/,
check/ and formats/ (formats.yaml, gazetteer.csv), this module and process.py, the versions
of the libraries that read files, the Python and Unicode versions (NFKC folding), whether
LibreOffice is there to convert .doc/.wps, and an epoch to bump by hand. Site, package and
aggregate code are not in it: changing them re-parses nothing.

The path enters only through its suffix (a `.pdf` that is not a PDF is reported by its
suffix; `ingest.read` uses nothing else of the path), so entries are stored without
`source_file` and the same bytes under two names share one entry.

Entries are `<key[:2]>/<key>.json` files, named by key so that cache folders filled by
several machines merge by plain copy (`xxgk parse-all --shard`). Each is written to a
temporary file and renamed into place, and carries the SHA-256 of its payload: an entry cut
short by an interrupted build, a full disk or a crash is re-parsed, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from .files import replace_atomically

if TYPE_CHECKING:
    from .process import FileOutcome

__all__ = ["EPOCH", "ParseCache", "fingerprint"]

# Bump to drop every entry (a change the fingerprint cannot see).
EPOCH = 1
# The packages and modules whose every file decides what a report reads as.
PACKAGES = ("ingest", "parse", "check", "formats")
MODULES = ("process.py", "cache.py", "files.py")
# Libraries whose version can change a reading. Absent ones are recorded as absent.
LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "python-docx",
    "lxml",
    "charset-normalizer",
    "rapidfuzz",
    "jieba",
    "pyyaml",
)
_HEADER = b"xxgk-parse-cache 1 "
_TMP_AGE = 3600.0  # a temporary file older than this was left by an interrupted writer


def _code_files(root: Path) -> list[Path]:
    files = [root / m for m in MODULES]
    for pkg in PACKAGES:
        files += [
            p
            for p in (root / pkg).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def fingerprint_of(root: Path) -> str:
    """The fingerprint of the xxgk source tree at `root` (src/xxgk) in this environment."""
    h = hashlib.sha256(f"xxgk parse cache, epoch {EPOCH}\n".encode())
    for path in _code_files(root):
        data = path.read_bytes()
        h.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    h.update(library_versions(LIBRARIES).encode())
    py = sys.version_info
    h.update(f"python {py.major}.{py.minor} unicode {unicodedata.unidata_version}\n".encode())
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    h.update(f"libreoffice {'yes' if soffice else 'no'}\n".encode())
    return h.hexdigest()


def library_versions(names: Iterable[str]) -> str:
    """「name==version」 a line each (「absent」 when not installed), for fingerprints."""
    lines = []
    for name in names:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        lines.append(f"{name}=={version}\n")
    return "".join(lines)


@cache
def fingerprint() -> str:
    """The fingerprint of the installed xxgk (hex): `xxgk cache-key`."""
    return fingerprint_of(Path(__file__).resolve().parent)


@dataclass
class ParseCache:
    """A folder of entries. `read=False` ignores what is there (`--no-cache` for parse-all);
    `write=False` leaves the folder untouched. Picklable, so worker processes store entries."""

    folder: Path
    key_of: str = field(default_factory=fingerprint)  # the fingerprint the keys are made with
    read: bool = True
    write: bool = True

    def key(self, sha256: str, suffix: str) -> str:
        return hashlib.sha256(f"{self.key_of}\0{sha256}\0{suffix}".encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str, source_file: str) -> FileOutcome | None:
        """The entry's outcome with `source_file` set, or None when there is no sound entry."""
        from .parse.report import Report
        from .process import FileOutcome

        if not self.read:
            return None
        try:
            raw = self.path(key).read_bytes()
            header, _, payload = raw.partition(b"\n")
            if header != _HEADER + hashlib.sha256(payload).hexdigest().encode():
                return None  # cut short or damaged
            entry = orjson.loads(payload)  # json's equal for what store() writes, 3.5 times as fast
            if entry["key"] != key:
                return None
            report = entry["report"]
            return FileOutcome(
                source_file,
                entry["sha256"],
                report=Report.from_json({**report, "source_file": source_file}) if report else None,
                reason=entry["reason"],
                cached=True,
            )
        except (OSError, ValueError, KeyError, TypeError):  # orjson.JSONDecodeError is a ValueError
            return None

    def store(self, key: str, outcome: FileOutcome) -> bool:
        """Keep the outcome (atomically), unless it is transient. True when written."""
        if not self.write or outcome.transient or outcome.sha256 is None:
            return False
        report = None
        if outcome.report is not None:
            report = outcome.report.to_json(lossless=True)
            del report["source_file"]  # the entry serves every path with these bytes
        entry = {"key": key, "sha256": outcome.sha256, "report": report, "reason": outcome.reason}
        payload = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        data = _HEADER + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
        try:
            replace_atomically(self.path(key), lambda fh: fh.write(data))
        except OSError:
            return False  # a full disk costs a re-parse next time, not the build
        return True

    def entries(self) -> Iterable[Path]:
        if self.folder.is_dir():
            yield from self.folder.glob("??/*.json")

    def prune(self, used: set[str]) -> int:
        """Delete every entry whose key is not in `used` (entries of other fingerprints, of
        files gone or changed) and temporary files left by interrupted writers. Returns the
        number of entries deleted."""
        if not self.write or not self.folder.is_dir():
            return 0
        removed = 0
        for path in list(self.entries()):
            if path.stem not in used:
                path.unlink(missing_ok=True)
                removed += 1
        now = time.time()
        for tmp in self.folder.glob("??/.*.tmp"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > _TMP_AGE:
                    tmp.unlink()
        for sub in self.folder.iterdir():
            if sub.is_dir():
                with contextlib.suppress(OSError):
                    sub.rmdir()  # only when empty
        return removed
