"""Incremental outputs: a folder rewritten in place, file by file, only where bytes change.

A build no longer makes the whole site in a staging folder and swaps it in: it writes into the
previous `site/` (and `datapackage/`) and replaces a file only when its new bytes differ, by a
temporary file in the same folder and `os.replace` (a reader sees the old file or the new one,
never half of one). An unchanged file keeps its bytes and its mtime, so a deploy that uploads by
checksum or by date uploads only what changed. At the end every file of the folder that the build
neither wrote nor kept is deleted (an agency that is gone, a page no longer made).

Skipping the work, not only the writes: a *unit* is one piece of work (an agency's page with its
CSV, workbook and originals; the MkDocs pages; the downloads; the search index) with a digest of
everything it reads. The manifest (OUT/build/site-manifest.json) records each unit's digest and its
files with their size and mtime. When a unit's digest is the one recorded and its files are still
as written, its work is skipped and its files are kept as they are. The manifest is deleted before
the first write and written after the last, so a build that dies half way leaves no manifest: the
next one redoes all the work (and still rewrites only what differs).

"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from ..files import replace_atomically

MANIFEST_VERSION = 1


def put(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless the file already holds exactly these bytes (then it is left
    alone: same bytes, same mtime). Atomic: a temporary file beside it, then os.replace. True
    when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # not there yet
    replace_atomically(path, lambda fh: fh.write(data))
    return True


def same_file(a: Path, b: Path) -> bool:
    """Both files hold the same bytes (sizes first, then contents in blocks)."""
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                x, y = fa.read(1 << 20), fb.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    return True
    except OSError:
        return False


def put_file(path: Path, source: Path) -> bool:
    """Copy `source` to `path` unless `path` already holds the same bytes. True when written."""
    if same_file(source, path):
        return False
    with source.open("rb") as src:
        replace_atomically(path, lambda dst: shutil.copyfileobj(src, dst, 1 << 20))
    return True


def digest(*parts: object) -> str:
    """A SHA-256 over JSON-able parts (dicts keep their order: callers give them in a fixed one)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, ensure_ascii=False, separators=(",", ":"), default=str).encode())
        h.update(b"\0")
    return h.hexdigest()


def tree_digest(folder: Path) -> str:
    """A SHA-256 over every file of a folder (relative path and bytes)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def recorded_units(manifest: Path, root: Path) -> dict[str, dict]:
    """The units the last build recorded for `root` (unit → {"digest", "files"}), read and left
    in place ({} when there is no sound manifest)."""
    with contextlib.suppress(OSError, ValueError, KeyError):
        data = json.loads(manifest.read_text("utf-8"))
        if data.get("version") == MANIFEST_VERSION and data.get("root") == str(root):
            return data["units"]
    return {}


def intact(root: Path, files: dict[str, list[int]]) -> bool:
    """Every file (relative to `root`) still has the size and mtime recorded."""
    prefix = f"{root}{os.sep}"  # os.stat of a string: a Path per file costs more than the stat
    for rel, (size, mtime) in files.items():
        try:
            st = os.stat(prefix + rel)
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return True


class Output:
    """A folder written in place (see the module's docstring). Paths are relative, with 「/」."""

    def __init__(self, root: Path, manifest: Path | None = None):
        self.root = root
        self.manifest = manifest
        self.produced: set[str] = set()  # every file this build wrote or kept
        self.written: list[str] = []
        self.removed: list[str] = []
        self.kept_units = 0
        self.done_units = 0
        self._before: dict[str, dict] = {}
        self.timings: dict[str, float] = {}  # seconds by step, as `lap` marks them
        self._lap = time.perf_counter()
        self._units: dict[str, tuple[str, list[str]]] = {}  # key → (digest, files)
        self._checked: dict[str, list[int]] = {}  # file → [size, mtime] found on disk by `fresh`
        if manifest is not None:
            self._before = recorded_units(manifest, root)
            # Gone before the first write: a build that dies half way leaves no manifest.
            manifest.unlink(missing_ok=True)
        # Whether the last build finished (its manifest was there): files it derived from the
        # outputs (the search views) can be trusted to match them.
        self.kept_before = bool(self._before)
        root.mkdir(parents=True, exist_ok=True)

    def lap(self, step: str) -> None:
        """The seconds since the last lap, as `step`'s."""
        now = time.perf_counter()
        self.timings[step] = self.timings.get(step, 0.0) + now - self._lap
        self._lap = now

    # --- files --------------------------------------------------------------------------------

    def write(self, rel: str, data: bytes | str, unit: str | None = None) -> bool:
        if isinstance(data, str):
            data = data.encode("utf-8")
        return self._claim(rel, unit, put(self.root / rel, data))

    def copy(self, rel: str, source: Path, unit: str | None = None) -> bool:
        return self._claim(rel, unit, put_file(self.root / rel, source))

    def sync(self, source: Path, prefix: str = "", unit: str | None = None, skip: Iterable[str] = ()) -> None:
        """Every file under the folder `source`, at `prefix` + its relative path."""
        skipped = set(skip)
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            rel = path.relative_to(source).as_posix()
            if rel not in skipped:
                self.copy(prefix + rel, path, unit)

    def claim(self, rel: str, unit: str | None = None, written: bool = False) -> None:
        """A file another process wrote (with `put`) for this build."""
        self._claim(rel, unit, written)

    def _claim(self, rel: str, unit: str | None, written: bool) -> bool:
        self.produced.add(rel)
        if written:
            self.written.append(rel)
        if unit is not None:
            self._units[unit][1].append(rel)
        return written

    # --- units of work ------------------------------------------------------------------------

    def fresh(self, unit: str, unit_digest: str) -> bool:
        """True when the last build made `unit` from the same inputs and its files are as it left
        them: the files are kept and the caller skips the work. False: the caller does the work,
        writing the unit's files with `unit=` this key."""
        before = self._before.get(unit)
        if before is not None and before["digest"] == unit_digest and self._intact(before["files"]):
            self._units[unit] = (unit_digest, list(before["files"]))
            self.produced.update(before["files"])
            self._checked.update(before["files"])  # just compared with the disk: `finish` reuses them
            self.kept_units += 1
            return True
        self.start(unit, unit_digest)
        return False

    def start(self, unit: str, unit_digest: str) -> None:
        """Register the unit as done by this build (its files follow with `unit=`)."""
        self._units[unit] = (unit_digest, [])
        self.done_units += 1

    def record(self, unit: str, unit_digest: str, files: dict[str, bool]) -> None:
        """A unit whose work (or skipping) another process did: its files, each with whether it
        was written."""
        self._units[unit] = (unit_digest, [])
        before = self._before.get(unit)
        if before is not None and before["digest"] == unit_digest and not any(files.values()):
            self.kept_units += 1
        else:
            self.done_units += 1
        for rel, written in files.items():
            self._claim(rel, unit, written)

    def _intact(self, files: dict[str, list[int]]) -> bool:
        return intact(self.root, files)

    # --- the end ------------------------------------------------------------------------------

    def prune(self) -> None:
        """Delete every file not produced so far, then folders left empty."""
        root = str(self.root)
        for folder, _, names in os.walk(root, topdown=False):
            rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if rel_folder == "." else rel_folder + "/"
            for name in names:
                rel = prefix + name
                if rel not in self.produced:
                    os.unlink(os.path.join(folder, name))
                    self.removed.append(rel)
            if folder != root:
                with contextlib.suppress(OSError):
                    os.rmdir(folder)  # only when empty

    def finish(self) -> None:
        """prune(), then write the manifest."""
        self.prune()
        if self.manifest is None:
            return
        units = {}
        root = f"{self.root}{os.sep}"
        written = set(self.written)
        for key, (unit_digest, files) in sorted(self._units.items()):
            stats = {}
            for rel in sorted(set(files)):
                known = self._checked.get(rel)
                if known is not None and rel not in written:
                    stats[rel] = known
                    continue
                st = os.stat(root + rel)
                stats[rel] = [st.st_size, st.st_mtime_ns]
            units[key] = {"digest": unit_digest, "files": stats}
        data = {"version": MANIFEST_VERSION, "root": str(self.root), "units": units}
        self.manifest.parent.mkdir(parents=True, exist_ok=True)
        put(self.manifest, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


LIBRARIES = (
    "jinja2",
    "markupsafe",
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "xlsxwriter",
    "polars",
    "duckdb",
    "pagefind",
    "pagefind-bin-extended",
    "pypinyin",
    "jieba",
)


@functools.cache
def code_fingerprint() -> str:
    """What every unit's output also depends on: all of xxgk's own files (code, templates,
    assets, formats.yaml), the parser's fingerprint (its libraries and Python) and the versions
    of the libraries that write the site. A change to any of them redoes every unit once."""
    from ..cache import fingerprint, library_versions

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"xxgk site units {MANIFEST_VERSION}\0{fingerprint()}\0".encode())
    h.update(library_versions(LIBRARIES).encode())
    files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()
