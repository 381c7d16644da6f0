"""Incremental outputs (site/incremental.py): a build writes only the files whose bytes change and
skips the work whose inputs did not change; what it leaves is what a clean build makes, byte for
byte and file for file."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import DUCKDB_ZIP, ROOT, SEEDS, duckdb_rows

import xxgk.site as site_module
from xxgk.pipeline import build
from xxgk.site.search import write_index

sys.path.insert(0, str(ROOT / "scripts"))
from generate_corpus import add_report, edit_report, generate

GENERATED = 16  # 4 agencies × 4 years, beside the five seed reports


def snapshot(out: Path) -> dict[str, tuple[int, bytes]]:
    """file → (mtime, bytes) of everything under site/ and datapackage/."""
    files = {}
    for folder in ("site", "datapackage"):
        for p in sorted((out / folder).rglob("*")):
            if p.is_file():
                files[p.relative_to(out).as_posix()] = (p.stat().st_mtime_ns, p.read_bytes())
    return files


def changes(before: dict, after: dict) -> tuple[set[str], set[str], set[str]]:
    """(written, added, removed) between two snapshots; written = same name, new mtime or bytes."""
    written = {f for f in before.keys() & after.keys() if before[f] != after[f]}
    return written, after.keys() - before.keys(), before.keys() - after.keys()


def agencies_touched(files: set[str]) -> set[str]:
    return {f.split("/")[2] for f in files if f.startswith("site/agencies/") and f.count("/") >= 3}


# Files that a change to any one report may rewrite besides its agency's own: pages that list or
# sum it, the package, the downloads built from the whole package and the search index.
SHARED = (
    "datapackage/",
    "site/datapackage/",
    "site/downloads/",
    "site/pagefind/",
    "site/index.html",
    "site/agencies/index.html",
    "site/regions/",
    "site/years/",
    "site/data/index.html",
    "site/sql/index.html",
    "site/sitemap.xml",
)


def only_expected(files: set[str], agency: str) -> list[str]:
    return sorted(
        f for f in files if not f.startswith(SHARED) and not f.startswith(f"site/agencies/{agency}/")
    )


def assert_same_outputs(a: Path, b: Path) -> None:
    """The same files with the same bytes; the DuckDB database, whose file differs between two
    writes of the same tables, with the same rows."""
    sa = {f: data for f, (_, data) in snapshot(a).items()}
    sb = {f: data for f, (_, data) in snapshot(b).items()}
    assert sorted(sa) == sorted(sb)
    db = DUCKDB_ZIP
    assert [f for f in sa if sa[f] != sb[f] and f != db] == []
    assert duckdb_rows(a / db) == duckdb_rows(b / db)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("incremental") / "reports"
    folder.mkdir()
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    generate(GENERATED, folder / "gen", seed=3)
    return folder


def test_a_build_rewrites_only_what_changed_and_ends_as_a_clean_build(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build(corpus, out)
    assert first.ok and first.published == GENERATED + 5
    s1 = snapshot(out)
    # The search index is made from each page's search view: the same bytes as from the pages
    # (the national pages' index, made here from those pages as the site has them).
    pages = tmp_path / "national-pages"
    views = out / "build/search-view/main"
    for view in views.rglob("index.html"):
        rel = view.relative_to(views)
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "site" / rel, pages / rel)
    write_index(pages, tmp_path / "pagefind")
    merged = json.loads((out / "site/pagefind/xxgk-shards.json").read_text("utf-8"))
    index = {
        f: v[1]
        for f, v in s1.items()
        if f.startswith("site/pagefind/") and not any(f.startswith(f"site/pagefind/{m}") for m in merged)
    }
    index.pop("site/pagefind/xxgk-shards.json")
    assert index and index == {
        f"site/pagefind/{p.relative_to(tmp_path / 'pagefind').as_posix()}": p.read_bytes()
        for p in (tmp_path / "pagefind").rglob("*")
        if p.is_file()
    }

    # Again, nothing changed: nothing read, nothing written, every unit of work skipped.
    again = build(corpus, out)
    assert again.ok and again.parsed == 0
    assert snapshot(out) == s1
    assert again.written == {"datapackage": 0, "site": 0} and again.units_kept > 0

    # A page changed by hand and a download deleted are put back; nothing else is touched.
    page = out / "site/agencies/wuhan-qiaokou-danganguan/index.html"
    page.write_text("edited by hand", encoding="utf-8")
    (out / "site/downloads/xxgk-datapackage.zip").unlink()
    repaired = build(corpus, out)
    assert repaired.parsed == 0
    s2 = snapshot(out)
    db = DUCKDB_ZIP  # made again with the downloads; its bytes are not stable
    assert {f: v[1] for f, v in s2.items() if f != db} == {f: v[1] for f, v in s1.items() if f != db}
    written, added, removed = changes(s1, s2)
    page_rel, zip_rel = (
        "site/agencies/wuhan-qiaokou-danganguan/index.html",
        "site/downloads/xxgk-datapackage.zip",
    )
    assert written == {page_rel, zip_rel, db} and added == removed == set()

    # One new report (a new agency): its files, and the shared pages and downloads; no other agency's.
    s1 = snapshot(out)
    new = add_report(corpus / "gen", GENERATED, seed=3)
    plus = build(corpus, out)
    assert plus.parsed == 1 and plus.published == GENERATED + 6
    s2 = snapshot(out)
    written, added, removed = changes(s1, s2)
    new_agency = agencies_touched(added) - agencies_touched(set(s1))
    assert len(new_agency) == 1, added
    (agency,) = new_agency
    assert agencies_touched(written | added | removed) == {agency}
    assert only_expected(written | added | removed, agency) == []
    assert "site/index.html" in written  # its totals
    assert all(f.startswith("site/pagefind/") for f in removed)  # index files are named by content

    # One report edited: its agency's files and the shared ones. The pages MkDocs builds keep their
    # shape (only numbers change): MkDocs does not run, its kept pages are filled with the numbers.
    edited = edit_report(corpus / "gen", GENERATED, seed=3)

    def no_mkdocs(*args, **kwargs):
        raise AssertionError("MkDocs ran although only numbers changed")

    monkeypatch.setattr(site_module, "run_mkdocs", no_mkdocs)
    plus_edit = build(corpus, out)
    monkeypatch.undo()
    assert plus_edit.parsed == 1
    s3 = snapshot(out)
    written, added, removed = changes(s2, s3)
    touched = agencies_touched(written | added | removed)
    assert len(touched) == 1, (touched, added, removed)
    (agency,) = touched
    assert only_expected(written, agency) == []
    assert f"site/agencies/{agency}/{agency}-applications.csv" in written

    # The new report removed: its agency's files are deleted, other agencies untouched.
    (corpus / "gen" / new["file"]).unlink()
    minus = build(corpus, out)
    assert minus.parsed == 0 and minus.published == GENERATED + 5
    s4 = snapshot(out)
    written, added, removed = changes(s3, s4)
    gone = agencies_touched(removed)
    assert len(gone) == 1 and all(f.startswith("site/pagefind/") for f in added)
    assert not any(f.startswith(f"site/agencies/{next(iter(gone))}/") for f in s4)
    assert only_expected(written | removed, next(iter(gone))) == []

    # What the incremental builds left is what one clean build makes of the same reports.
    clean = build(corpus, tmp_path / "clean", cache=False)
    assert clean.ok
    assert_same_outputs(out, tmp_path / "clean")
    edit_report(corpus / "gen", GENERATED, seed=3, restore=True)
    assert edited["received"] > 0


def test_without_the_manifest_the_work_is_redone_but_no_byte_changes(corpus, tmp_path):
    """The manifest only lets work be skipped: with it gone (as after a build that died half way)
    everything is made again, and still only files whose bytes differ are replaced."""
    out = tmp_path / "out"
    assert build(corpus, out).ok
    before = snapshot(out)
    (out / "build" / "site-manifest.json").unlink()
    again = build(corpus, out)
    # only the DuckDB database, whose file differs between two writes of the same tables
    assert again.units_kept == 0 and again.written == {"datapackage": 0, "site": 1}
    assert changes(before, snapshot(out)) == ({DUCKDB_ZIP}, set(), set())


def test_a_failed_check_writes_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    assert build(corpus, out).ok
    before = snapshot(out)
    extra = corpus / "zz-empty.txt"
    extra.write_bytes(b"")
    try:
        failed = build(corpus, out, fail_on_unreadable=True)
    finally:
        extra.unlink()
    assert not failed.ok
    assert snapshot(out) == before


def test_slugs_are_kept_between_builds_and_trusted_only_from_the_same_code(tmp_path, monkeypatch):
    """OUT/build/slugs.json keeps the slugs a build made, so a rebuild that meets no new name does
    not load jieba's dictionary; a file made by other code or libraries, or damaged, is ignored."""
    from xxgk.package import identity

    path = tmp_path / "slugs.json"
    monkeypatch.setattr(identity, "_SLUGS", {})
    assert identity.slug("硚口区档案馆") == "qiaokouqu-danganguan"
    identity.save_slugs(path)
    monkeypatch.setattr(identity, "_SLUGS", {})
    identity.load_slugs(path)
    assert identity._SLUGS == {"硚口区档案馆": "qiaokouqu-danganguan"}

    made = []
    monkeypatch.setattr(identity, "_slug", lambda text: made.append(text) or "x")
    assert identity.slug("硚口区档案馆") == "qiaokouqu-danganguan" and made == []  # from the file
    for damaged in ('{"key": "other code", "slugs": {"档案馆": "wrong"}}', "{not json", '["a list"]'):
        path.write_text(damaged, encoding="utf-8")
        monkeypatch.setattr(identity, "_SLUGS", {})
        identity.load_slugs(path)
        assert identity._SLUGS == {}
