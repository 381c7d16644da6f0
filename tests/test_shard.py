"""`xxgk parse-all --shard K/N`: N jobs each read a share of the files into the parse cache,
their cache folders are copied into one, and a build on it reads nothing and publishes
exactly what a plain build publishes."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DUCKDB_ZIP, duckdb_rows
from test_cache import assert_same_tree, make_corpus, tree

from xxgk.cli import main
from xxgk.pipeline import build, discover, shard_of


def parse_shards(reports: Path, work: Path, n: int) -> Path:
    """Run the N shard jobs as a CI matrix would (each in its own folder) and merge their
    cache folders by plain copy into one build folder's cache."""
    merged = work / "merged"
    for k in range(1, n + 1):
        job = work / f"job-{k}"
        run = CliRunner().invoke(
            main, ["parse-all", "--reports", str(reports), "--out", str(job), "--shard", f"{k}/{n}"]
        )
        assert run.exit_code == 0, run.output
        assert f"分片 {k}/{n}" in run.output
        shutil.copytree(job / "build/cache", merged / "build/cache", dirs_exist_ok=True)
    return merged


# The one site file whose bytes differ between two writes of the same tables: DuckDB's database
# (its header). Compared by content; every other file byte for byte, the Excel workbooks and the
# ZIP included (their times come from the data).
CLOCKED = {".duckdb"}


def assert_same_site(a: Path, b: Path) -> None:
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    differ = [name for name in ta if ta[name] != tb[name] and not _clocked(name)]
    assert differ == [], f"files that differ: {differ[:10]}"
    for name in (n for n in ta if Path(n).suffix in {".xlsx", ".zip"} and not _clocked(n)):
        with zipfile.ZipFile(a / name) as za, zipfile.ZipFile(b / name) as zb:
            assert za.namelist() == zb.namelist(), name
            members = [m for m in za.namelist() if m != "docProps/core.xml"]
            assert [za.read(m) for m in members] == [zb.read(m) for m in members], name
    for name in (n for n in ta if _clocked(n)):
        assert duckdb_rows(a / name) == duckdb_rows(b / name), name


def _clocked(name: str) -> bool:
    """The DuckDB database (its ZIP on the site): its file differs between two writes of the same
    tables, so it is compared by its rows."""
    return Path(name).suffix in CLOCKED or name.endswith(Path(DUCKDB_ZIP).name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("shard") / "reports")


def test_every_file_is_in_exactly_one_shard_and_stays_there_when_files_are_added():
    names = [f"gen/{k:04d}.txt" for k in range(400)]
    before = {name: shard_of(name, 4) for name in names}
    assert set(before.values()) == {1, 2, 3, 4}
    assert all(60 <= list(before.values()).count(k) <= 140 for k in range(1, 5))  # a fair share each
    more = [*names, *(f"new/{k}.pdf" for k in range(100))]
    assert {name: shard_of(name, 4) for name in more if name in before} == before


def test_shards_merged_then_build_reads_nothing_and_equals_a_plain_build(corpus, tmp_path):
    plain = tmp_path / "plain"
    expected = build(corpus, plain, site=False)
    merged = parse_shards(corpus, tmp_path, 3)
    # the shards' entries together are the plain build's cache, byte for byte
    assert tree(merged / "build/cache") == tree(plain / "build/cache")

    run = CliRunner().invoke(main, ["build", "--reports", str(corpus), "--out", str(merged), "--no-site"])
    assert run.exit_code == 0, run.output
    assert f"全部 {expected.files} 个文件取自缓存" in run.output
    assert_same_tree(plain / "datapackage", merged / "datapackage")


def test_shards_and_build_with_the_site_equal_a_plain_build_with_the_site(tmp_path):
    reports = make_corpus(tmp_path / "reports", generated=6)
    plain = build(reports, tmp_path / "plain")
    assert plain.ok and plain.parsed == plain.files
    merged = parse_shards(reports, tmp_path, 2)
    result = build(reports, merged)
    assert result.ok and (result.parsed, result.from_cache) == (0, plain.files)
    assert_same_tree(tmp_path / "plain/datapackage", merged / "datapackage")
    assert_same_site(tmp_path / "plain/site", merged / "site")


def test_a_shard_reads_only_its_own_files_and_a_second_run_reads_none(corpus, tmp_path):
    mine = [p for p in discover(corpus) if shard_of(p.relative_to(corpus).as_posix(), 4) == 2]
    args = ["parse-all", "--reports", str(corpus), "--out", str(tmp_path), "--shard", "2/4"]
    first = CliRunner().invoke(main, args)
    assert f"{len(mine)} 个文件，解析 {len(mine)} 个文件（未用缓存）" in first.output
    distinct = {(hashlib.sha256(p.read_bytes()).digest(), p.suffix) for p in mine}  # same bytes, one entry
    assert len(list((tmp_path / "build/cache").glob("??/*.json"))) == len(distinct)
    assert f"全部 {len(mine)} 个文件取自缓存" in CliRunner().invoke(main, args).output
    again = CliRunner().invoke(main, [*args, "--no-cache"])
    assert f"解析 {len(mine)} 个文件（未用缓存）" in again.output


@pytest.mark.parametrize("shard", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_a_shard_out_of_range_is_refused(shard, tmp_path):
    run = CliRunner().invoke(main, ["parse-all", "--reports", str(tmp_path), "--shard", shard])
    assert run.exit_code == 2 and "K/N" in run.output
