"""The whole job, end to end, in a temporary folder."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPORTS, ROOT, SEEDS

from xxgk.cli import main
from xxgk.package.validate import validate_package
from xxgk.pipeline import build
from xxgk.site.incremental import Output
from xxgk.site.search import search_view

BAD = {
    "empty.txt": b"",
    "random.bin.txt": bytes((i * 97 + 13) % 256 for i in range(5000)),
    "broken.docx": b"PK\x03\x04" + b"\x00garbage" * 50,
    "notice.txt": "关于召开全区安全生产工作会议的通知\n各单位：\n请于下周一上午九时参加会议。\n".encode(),
}
REASONS = {
    "empty.txt": "空文件",
    "random.bin.txt": "二进制",
    "broken.docx": "DOCX 文件已损坏",
    "notice.txt": "不是政府信息公开工作年度报告",
    "truncated.txt": "文件不完整",
}


def make_reports(folder: Path, bad: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    if bad:
        sub = folder / "more"
        sub.mkdir()
        for name, data in BAD.items():
            (sub / name).write_bytes(data)
        lines = SEEDS[0].read_text("utf-8").split("\n")
        (sub / "truncated.txt").write_text("\n".join(lines[:150]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build")
    reports = make_reports(tmp / "reports")
    result = build(reports, tmp / "out")
    return tmp / "out", result


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_good_reports_are_published_and_bad_ones_named_with_reason(built):
    out, result = built
    assert result.ok and result.published == 5 and result.agencies == 5
    skipped = {Path(p).name: reason for p, reason in result.skipped}
    assert set(skipped) == set(REASONS)
    for name, reason in REASONS.items():
        assert reason in skipped[name], (name, skipped[name])
    files = {Path(r["source_file"]).name: r for r in read_csv(out / "datapackage/data/source_files.csv")}
    assert {n for n, r in files.items() if r["status"] == "skipped"} == set(REASONS)
    assert all(files[p.name]["status"] == "published" for p in SEEDS)


def test_package_is_valid_and_complete(built):
    out, _ = built
    assert validate_package(out / "datapackage/datapackage.json") == []
    desc = json.loads((out / "datapackage/datapackage.json").read_text("utf-8"))
    assert {"licenses", "sources", "version", "created"} <= set(desc)
    names = [r["name"] for r in desc["resources"]]
    assert names == [
        "agencies",
        "reports",
        "proactive_disclosure",
        "applications",
        "reviews_litigation",
        "sections",
        "checks",
        "source_files",
        "report_summary",
        "region_year_summary",
        "year_summary",
    ]
    apps = read_csv(out / "datapackage/data/applications.csv")
    assert len(apps) == 5 * 25
    rows = {r["row"] for r in apps}
    enum = next(r for r in desc["resources"] if r["name"] == "applications")["schema"]["fields"][1][
        "constraints"
    ]["enum"]
    assert rows <= set(enum) and "other_processing" in enum  # 2019 codes are in the contract too
    checks = read_csv(out / "datapackage/data/checks.csv")
    assert [(c["rule"], c["row"], c["column"]) for c in checks] == [
        ("missing_cell", "carried_forward", "other_org")
    ]


def test_one_agency_id_across_name_variants(built):
    out, _ = built
    agencies = {a["agency_id"]: a for a in read_csv(out / "datapackage/data/agencies.csv")}
    jk = agencies["wuhan-qiaokou-jingji-xinxihua-he-keji-chuangxin-ju"]
    assert jk["name"] == "硚口区经济信息化和科技创新局" and jk["aliases"] == "硚口区经科局"
    assert agencies["wuhan-qiaokou-danganguan"]["district"] == "硚口区"


def test_site_has_every_page_and_downloads(built):
    out, _ = built
    site = out / "site"
    for page in (
        "index.html",
        "agencies/index.html",
        "data/index.html",
        "method/index.html",
        "datapackage/datapackage.json",
        "datapackage/data/applications.csv.gz",
    ):
        assert (site / page).exists(), page
    for a in read_csv(out / "datapackage/data/agencies.csv"):
        folder = site / "agencies" / a["agency_id"]
        html = (folder / "index.html").read_text("utf-8")
        assert a["name"] in html
        for table, head in (
            ("proactive_disclosure", "year,row,issued,"),
            ("applications", "year,row,natural_person,"),
            ("reviews_litigation", "year,row,upheld,"),
        ):
            assert (folder / f"{a['agency_id']}-{table}.csv").read_text("utf-8-sig").startswith(head)
            assert f'href="{a["agency_id"]}-{table}.csv"' in html
        with zipfile.ZipFile(folder / f"{a['agency_id']}.xlsx") as book:  # without its optional parts
            parts = book.namelist()
            sheets = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
            strings = book.read("xl/sharedStrings.xml").decode()
        assert "xl/worksheets/sheet1.xml" in parts and not [p for p in parts if "theme/" in p or "Props" in p]
        # one sheet, every year's tables one under another, latest first
        assert sheets == ["各年度"]
        years = [
            y
            for y in (
                int(r["year"])
                for r in read_csv(out / "datapackage/data/reports.csv")
                if r["agency_id"] == a["agency_id"]
            )
        ]
        titles = [int(y) for y in re.findall(r"<t>(\d{4})年（20\d\d 版格式）</t>", strings)]
        assert titles == sorted(years, reverse=True)
        assert f'href="{a["agency_id"]}.xlsx"' in html
    assert '<html lang="zh-CN"' in (site / "index.html").read_text("utf-8")  # GB/T 37668: the page's language


def test_agency_csvs_have_the_packages_rows_one_line_per_national_row(built):
    """An agency's CSV downloads, one per national table: table 三's and 四's lines are the
    package's `applications` and `reviews_litigation` rows of its reports, column for column;
    table 二's has one line per item (its measures in columns) holding the package's
    `proactive_disclosure` values."""
    out, _ = built
    agency = "wuhan-qiaokou-danganguan"

    def lines(table: str) -> list[dict]:
        with (out / f"site/agencies/{agency}/{agency}-{table}.csv").open(encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    data = out / "datapackage/data"
    for table, key in (("applications", "row"), ("reviews_litigation", "proceeding")):
        package = [r for r in read_csv(data / f"{table}.csv") if r["report_id"].startswith(agency + "-")]
        mine = {(ln["year"], ln["row"]): ln for ln in lines(table)}
        assert len(mine) == len(package) > 0
        for r in package:
            ln = mine[(r["report_id"].rsplit("-", 1)[1], r[key])]
            assert all(ln[c] == r[c] for c in r if c not in ("report_id", key, "row_order")), (r, ln)
            assert set(ln) == {"year", "row"} | {c for c in r if c not in ("report_id", key, "row_order")}
    proactive = [
        r for r in read_csv(data / "proactive_disclosure.csv") if r["report_id"].startswith(agency + "-")
    ]
    mine = {(ln["year"], ln["row"]): ln for ln in lines("proactive_disclosure")}
    for r in proactive:  # a number as published (3, not 3.0); blank stays blank
        value = mine[(r["report_id"].rsplit("-", 1)[1], r["item"])][r["measure"]]
        assert (value and float(value)) == (r["value"] and float(r["value"])), (r, value)
    assert len(mine) < len(proactive)  # an item's measures on one line


def test_site_loads_nothing_from_another_host(built):
    out, _ = built

    loads = re.compile(r"""(?:src|href)=["'](?:https?:)?//[^"']+["'][^>]*""")
    for html in (out / "site").rglob("*.html"):
        text = html.read_text("utf-8")
        for m in loads.finditer(text):
            tag_start = text.rfind("<", 0, m.start())
            tag = text[tag_start : tag_start + 6]
            assert tag.startswith("<a "), f"{html}: {text[tag_start : m.end()]}"  # only plain links


def test_search_indexes_every_page_and_what_each_marks(built):
    """Pagefind's index (site/search.py) covers every page: the agency, region and year pages
    poured into the shell by their title and the parts they mark, the pages MkDocs built whole;
    a report's text and tables are not searched. (Finding 「档案馆」: test_browser.)"""
    out, _ = built
    site = out / "site"
    # one index for the national pages, one for each group of provinces, merged by the site
    merged = json.loads((site / "pagefind/xxgk-shards.json").read_text("utf-8"))
    assert merged and all((site / "pagefind" / m / "pagefind-entry.json").exists() for m in merged)
    assert not any((site / "pagefind" / m / "pagefind.js").exists() for m in merged)  # one library
    indexed = sum(
        json.loads((site / "pagefind" / m / "pagefind-entry.json").read_text("utf-8"))["languages"]["zh-cn"][
            "page_count"
        ]
        for m in ["", *merged]
    )
    pages = [p for p in site.rglob("index.html") if "data-pagefind-body" in p.read_text("utf-8")]
    assert indexed == len(pages)
    assert len(pages) == len(list(site.rglob("index.html")))  # every page of the site
    assert not (site / "search/search_index.json").exists()  # Material's index is gone
    agency = (site / "agencies/wuhan-qiaokou-danganguan/index.html").read_text("utf-8")
    assert "<h1 data-pagefind-body>武汉市硚口区档案馆</h1>" in agency
    # the report's text and tables are outside every searched part: not in what Pagefind reads
    view = search_view(agency.encode()).decode()
    assert '<div class="xx-text">' in agency and "xx-text" not in view
    assert 'class="xx-table xx-num xx-apps"' in agency and "<table" not in view
    assert "武汉市硚口区档案馆" in view
    region = (site / "regions/hubei-wuhan-qiaokou/index.html").read_text("utf-8")
    assert "<h1 data-pagefind-body>湖北省武汉市硚口区</h1>" in region


def test_build_is_deterministic(tmp_path):
    reports = make_reports(tmp_path / "reports", bad=False)
    build(reports, tmp_path / "a", site=False)
    build(reports, tmp_path / "b", site=False)
    for f in (tmp_path / "a/datapackage").rglob("*"):
        if f.is_file():
            assert (
                f.read_bytes()
                == (tmp_path / "b/datapackage" / f.relative_to(tmp_path / "a/datapackage")).read_bytes()
            ), f


def test_committed_datapackage_is_the_build_of_reports(tmp_path):
    """datapackage/ is committed so a new report shows as a data diff: it must be current."""
    build(REPORTS, tmp_path, site=False)
    committed = ROOT / "datapackage"
    got = sorted(
        p.relative_to(tmp_path / "datapackage") for p in (tmp_path / "datapackage").rglob("*") if p.is_file()
    )
    assert got == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    for rel in got:
        assert (tmp_path / "datapackage" / rel).read_bytes() == (committed / rel).read_bytes(), (
            f"{rel} differs: run `make build` and commit datapackage/"
        )


def test_strict_fails_on_bad_files_and_keeps_previous_outputs(tmp_path):
    reports = make_reports(tmp_path / "reports")
    out = tmp_path / "out"
    runner = CliRunner()
    ok = runner.invoke(main, ["build", "--reports", str(reports), "--out", str(out), "--no-site"])
    assert ok.exit_code == 0, ok.output
    before = (out / "datapackage/datapackage.json").read_bytes()
    (reports / "extra.txt").write_bytes(b"")
    strict = runner.invoke(
        main, ["build", "--reports", str(reports), "--out", str(out), "--strict", "--no-site"]
    )
    assert strict.exit_code == 1
    assert "extra.txt" in strict.output and "空文件" in strict.output
    assert (out / "datapackage/datapackage.json").read_bytes() == before
    assert not list((out / "build").glob("staging-*"))


def test_fail_on_unreadable_publishes_a_reports_own_errors_but_not_a_lost_file(tmp_path):
    """What a pull request's check needs: a report whose printed numbers disagree is published
    (its errors are findings, not a failure); an unreadable file fails the build."""
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(ROOT / "tests/fixtures/handmade/cells_errors_bom.txt", reports / "with-errors.txt")
    out = tmp_path / "out"
    args = ["build", "--reports", str(reports), "--out", str(out), "--no-site", "--no-cache"]
    runner = CliRunner()
    ok = runner.invoke(main, [*args, "--fail-on-unreadable"])
    assert ok.exit_code == 0, ok.output
    with (out / "datapackage/data/reports.csv").open(encoding="utf-8") as fh:
        assert [int(r["error_checks"]) > 0 for r in csv.DictReader(fh)] == [True]
    assert runner.invoke(main, [*args, "--strict"]).exit_code == 1  # --strict: errors fail too
    (reports / "empty.txt").write_bytes(b"")
    lost = runner.invoke(main, [*args, "--fail-on-unreadable"])
    assert lost.exit_code == 1 and "empty.txt" in lost.output and "--fail-on-unreadable" in lost.output


def test_text_from_reports_is_escaped_on_the_site(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    text = (
        SEEDS[4]
        .read_text("utf-8")
        .replace(
            "（一）政府信息处理费收取情况",
            "（一）政府信息处理费收取情况<script>alert('x')</script><img src=x onerror=alert(1)>",
        )
    )
    text = text.replace("武汉市硚口区档案馆2024年", "武汉市硚口区档案馆<b>2024年")
    (reports / "evil.txt").write_text(text, encoding="utf-8")
    result = build(reports, tmp_path / "out")
    assert result.ok, result.failed
    pages = list((tmp_path / "out/site/agencies").glob("*/index.html"))
    html = pages[0].read_text("utf-8")
    assert "<script>alert('x')</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html and "onerror=alert(1)&gt;" in html


def test_two_reports_for_one_agency_year_publish_one(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    shutil.copy(SEEDS[2], reports / "a.txt")
    shutil.copy(SEEDS[2], reports / "b.txt")
    result = build(reports, tmp_path / "out", site=False)
    assert result.published == 1
    assert [Path(p).name for p, _ in result.duplicates] == ["b.txt"]
    files = {r["source_file"]: r for r in read_csv(tmp_path / "out/datapackage/data/source_files.csv")}
    assert files["b.txt"]["status"] == "duplicate" and "a.txt" in files["b.txt"]["reason"]


def test_cli_parse_prints_one_json_object_per_report():
    result = CliRunner().invoke(main, ["parse", str(SEEDS[0]), str(SEEDS[1])])
    assert result.exit_code == 0
    objs = [json.loads(line) for line in result.output.splitlines()]
    assert [o["agency_name"] for o in objs] == ["硚口区机关事务服务中心", "新洲区企业和人才服务中心"]


def test_cli_validate(tmp_path):
    build(make_reports(tmp_path / "r", bad=False), tmp_path, site=False)
    assert CliRunner().invoke(main, ["validate", str(tmp_path / "datapackage")]).exit_code == 0
    (tmp_path / "datapackage/data/applications.csv").write_text("report_id,row\nx,nope\n", encoding="utf-8")
    assert (
        CliRunner().invoke(main, ["validate", str(tmp_path / "datapackage/datapackage.json")]).exit_code == 1
    )


@pytest.mark.skipif(os.environ.get("XXGK_SKIP_SLOW") == "1", reason="slow")
def test_same_agency_across_years_and_cross_year_carry(tmp_path):
    import random

    from xxgk.synth import Agency, SyntheticReport, draw_tables

    reports = tmp_path / "reports"
    reports.mkdir()
    rng = random.Random(5)
    for year, name_variant in ((2022, "cells"), (2023, "tabs")):
        proactive, apps, reviews = draw_tables(rng)
        rep = SyntheticReport(
            Agency("武汉市", "硚口区", "档案馆"),
            year,
            name_variant,
            None,
            "027-1",
            0,
            proactive,
            apps,
            reviews,
        )
        (reports / f"{year}.txt").write_text(rep.render(), encoding="utf-8")
    result = build(reports, tmp_path / "out", site=False)
    assert result.agencies == 1 and result.published == 2
    assert result.rules.get("cross_year_carry", 0) >= 1  # independent draws: carry-over differs


def test_one_id_across_file_kinds_and_name_variants_and_a_clean_carry_over(tmp_path):
    import random

    from xxgk.synth import Agency, SyntheticReport, draw_tables
    from xxgk.synth.render import render_docx, render_html

    reports = tmp_path / "reports"
    reports.mkdir()
    rng = random.Random(8)
    agency = Agency("武汉市", "江汉区", "民政局")
    carry = None
    for year, kind in ((2022, "html"), (2023, "cells"), (2024, "docx")):
        proactive, apps, reviews = draw_tables(rng, carried_over=carry)
        carry = dict(apps["carried_forward"])
        rep = SyntheticReport(agency, year, "cells", None, "027-1", 0, proactive, apps, reviews)
        data = {
            "html": lambda r: render_html(r).encode("gbk"),
            "docx": render_docx,
            "cells": lambda r: r.render().encode(),
        }[kind](rep)
        (reports / f"{year}.{'txt' if kind == 'cells' else kind}").write_bytes(data)
    result = build(reports, tmp_path / "out", site=False)
    assert (result.agencies, result.published, result.errors) == (1, 3, 0)
    assert "cross_year_carry" not in result.rules
    [agency_row] = read_csv(tmp_path / "out/datapackage/data/agencies.csv")
    assert agency_row["agency_id"] == "wuhan-jianghan-minzhengju"
    assert agency_row["name"] == "武汉市江汉区民政局" and agency_row["aliases"] == "江汉区民政局"
    formats = sorted(r["source_format"] for r in read_csv(tmp_path / "out/datapackage/data/reports.csv"))
    assert formats == ["docx", "html", "txt"]


def test_data_page_downloads_workbook_parquet_duckdb_zip_and_json_ld(built, tmp_path):

    import zipfile

    import duckdb

    out, _ = built
    dl = out / "site" / "downloads"
    # a workbook per province (here 湖北省 only) and the country's summaries and files
    assert sorted(p.name for p in (dl / "xlsx").iterdir()) == ["xxgk-hubei.xlsx", "xxgk-quanguo.xlsx"]
    with zipfile.ZipFile(dl / "xlsx" / "xxgk-hubei.xlsx") as book:
        sheets = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    assert sheets[0] == "说明"
    assert {"agencies", "applications", "checks", "region_year_summary"} <= set(sheets)
    with zipfile.ZipFile(dl / "xlsx" / "xxgk-quanguo.xlsx") as book:
        sheets = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    assert sheets == ["说明", "year_summary", "source_files"]
    with zipfile.ZipFile(dl / "xxgk-datapackage.zip") as z:
        names = z.namelist()
        assert "README.txt" in names and "datapackage.json" in names and "data/applications.csv" in names
        assert "CC-BY-4.0" in z.read("README.txt").decode()
    with zipfile.ZipFile(dl / "xxgk-duckdb.zip") as z:  # the database, zipped (a fifth of its size)
        assert z.namelist() == ["xxgk.duckdb"]
        db = z.extract("xxgk.duckdb", tmp_path)
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM applications").fetchall() == [(125,)]
    parquet = str(dl / "parquet" / "reports.parquet")
    assert con.execute(f"SELECT count(*) FROM '{parquet}'").fetchall() == [(5,)]
    con.close()
    page = (out / "site" / "data" / "index.html").read_text("utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["@type"] == "Dataset" and ld["license"].startswith("https://creativecommons.org/")
    links = ("../downloads/xlsx/xxgk-hubei.xlsx", "../downloads/xlsx/xxgk-quanguo.xlsx")
    for link in (*links, "../downloads/xxgk-datapackage.zip", "../downloads/xxgk-duckdb.zip"):
        assert link in page
    assert "../datapackage/data/applications.csv.gz" in page


def test_site_copy_of_the_package_is_gzip_and_reads_as_the_package(built):
    """site/datapackage/: the package's CSVs gzip-compressed, unpacking to the same bytes, with a
    descriptor naming them (`compression: gz`) that frictionless validates as it is."""
    import gzip

    from frictionless import validate

    out, _ = built
    pkg, copy = out / "datapackage", out / "site" / "datapackage"
    desc = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    site_desc = json.loads((copy / "datapackage.json").read_text("utf-8"))
    assert not list((copy / "data").glob("*.csv"))
    for res, site_res in zip(desc["resources"], site_desc["resources"], strict=True):
        assert site_res == {**res, "path": res["path"] + ".gz", "compression": "gz"}
        assert gzip.decompress((copy / site_res["path"]).read_bytes()) == (pkg / res["path"]).read_bytes()
    assert {k: v for k, v in site_desc.items() if k != "resources"} == {
        k: v for k, v in desc.items() if k != "resources"
    }
    assert validate(copy / "datapackage.json").valid


def test_region_and_year_pages_compare_every_agency_at_stable_urls(built):
    out, _ = built
    site = out / "site"
    region = (site / "regions" / "hubei-wuhan-qiaokou" / "index.html").read_text("utf-8")
    assert "<title>湖北省武汉市硚口区 - " in region
    assert 'class="xx-table xx-sortable xx-num' in region
    for agency_id in ("wuhan-qiaokou-danganguan", "wuhan-qiaokou-jingji-xinxihua-he-keji-chuangxin-ju"):
        assert f"href=../../agencies/{agency_id}/>" in region
    assert "href=../../years/2023/>" in region and "href=../../years/2024/>" in region
    assert "wuhan-xinzhou" not in region  # another district's agency is not listed here
    year = (site / "years" / "2024" / "index.html").read_text("utf-8")
    assert year.count("href=../../agencies/") == 4  # the four 2024 reports
    for index in ("regions/index.html", "years/index.html"):
        assert (site / index).exists()
    home = (site / "index.html").read_text("utf-8")
    assert 'href="regions/"' in home and 'href="years/2024/"' in home
    assert not (site / "agencies" / "_shell").exists()


def test_sitemap_lists_every_page_when_the_site_url_is_known(tmp_path, monkeypatch):
    import gzip
    import xml.etree.ElementTree as ET

    from xxgk.site import sitemap

    result = build(REPORTS, tmp_path / "out", site_url="https://example.org/xxgk")
    assert result.ok, result.failed
    out = tmp_path / "out/site"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(out / "sitemap.xml").findall(".//s:loc", ns)]
    assert "https://example.org/xxgk/" in locs and "https://example.org/xxgk/method/" in locs
    assert "https://example.org/xxgk/agencies/wuhan-qiaokou-danganguan/" in locs
    assert "https://example.org/xxgk/regions/hubei-wuhan-qiaokou/" in locs
    assert "https://example.org/xxgk/years/2024/" in locs
    assert not any("_shell" in loc for loc in locs) and len(locs) == len(set(locs))
    assert gzip.decompress((out / "sitemap.xml.gz").read_bytes()) == (out / "sitemap.xml").read_bytes()
    page = (out / "agencies/wuhan-qiaokou-danganguan/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/xxgk/agencies/wuhan-qiaokou-danganguan/">' in page

    # Past the protocol's 50,000 URLs a file, sitemap.xml becomes an index of several files.
    monkeypatch.setattr(sitemap, "SITEMAP_LIMIT", 7)
    sitemap.write_sitemaps(
        Output(out),
        "https://example.org/xxgk/",
        [loc[len("https://example.org/xxgk/") :] for loc in locs],
        "2025-01-13",
    )
    index = [e.text for e in ET.parse(out / "sitemap.xml").findall(".//s:sitemap/s:loc", ns)]
    assert index == [f"https://example.org/xxgk/sitemap-{n}.xml" for n in (1, 2, 3)]
    parts = [e.text for n in (1, 2, 3) for e in ET.parse(out / f"sitemap-{n}.xml").findall(".//s:loc", ns)]
    assert parts == sorted(locs)


def test_comparison_pages_split_by_region_past_the_page_size(tmp_path, monkeypatch):
    """At national scale a year or a province is too long for one table: the page compares the
    sub-regions and each sub-region's page compares its agencies."""

    from xxgk.site import compare_pages
    from xxgk.site.compare_pages import region_slug
    from xxgk.synth import corpus

    reports = tmp_path / "reports"
    reports.mkdir()
    for k, (rep, _) in enumerate(corpus(200, seed=3)):
        (reports / f"{k:04d}.txt").write_text(rep.render(), encoding="utf-8")
    monkeypatch.setattr(compare_pages, "PAGE_ROWS", 10)
    result = build(reports, tmp_path / "out", workers=1)
    assert result.ok, result.failed
    out = tmp_path / "out/site"
    summary = read_csv(tmp_path / "out/datapackage/data/report_summary.csv")
    latest = [r for r in summary if r["year"] == "2024"]
    assert len(latest) == 50

    year_page = (out / "years/2024/index.html").read_text("utf-8")
    assert "按省级地区分页" in year_page and "../../agencies/" not in year_page
    province_pages = re.findall(r'href="\.\./(2024-[a-z-]+)/"', year_page)
    assert province_pages
    listed = []
    for slug in province_pages:
        page = (out / "years" / slug / "index.html").read_text("utf-8")
        listed += re.findall(r"href=\.\./\.\./agencies/([a-z0-9-]+)/>", page)
    assert sorted(listed) == sorted(
        r["agency_id"] for r in latest
    )  # every agency once, on its province's page

    province = latest[0]["province"]
    slug = region_slug(province)
    page = (out / "regions" / slug / "index.html").read_text("utf-8")
    assert "下级地区" in page and "没有直属于本级的机关" in page
    district = "/".join([latest[0]["province"], latest[0]["city"], latest[0]["district"]])
    page = (out / "regions" / region_slug(district) / "index.html").read_text("utf-8")
    here = {
        r["agency_id"]
        for r in latest
        if (r["province"], r["city"], r["district"]) == tuple(district.split("/"))
    }
    assert set(re.findall(r"href=\.\./\.\./agencies/([a-z0-9-]+)/>", page)) == here


def test_agency_list_becomes_a_list_of_provinces_at_national_scale(tmp_path, monkeypatch):
    import xxgk.site as site

    monkeypatch.setattr(site, "AGENCY_LIST_ROWS", 3)
    result = build(REPORTS, tmp_path / "out")
    assert result.ok, result.failed
    page = (tmp_path / "out/site/agencies/index.html").read_text("utf-8")
    assert 'id="xx-filter"' not in page and "共 5 个机关" in page
    assert '<li><a href="../regions/hubei/">湖北省</a>' in page
    assert (tmp_path / "out/site/regions/hubei/index.html").exists()


def test_precompressed_copies_for_hosts_that_serve_them(built, tmp_path):
    """`python -m xxgk.site.precompress SITE`: a .gz beside each text file over 1 KB that decodes
    to the file, none beside small files or the reports' originals; run again, the same bytes."""
    import gzip

    from xxgk.site.precompress import main

    out, _ = built
    site = tmp_path / "site"
    shutil.copytree(out / "site", site)
    main([str(site)])
    page = site / "agencies/wuhan-qiaokou-danganguan/index.html"
    packed = page.with_name("index.html.gz")
    assert gzip.decompress(packed.read_bytes()) == page.read_bytes()
    assert (site / "data/index.html.gz").exists()
    assert not list((site / "agencies/wuhan-qiaokou-danganguan").glob("wuhan-qiaokou-danganguan-*.gz"))
    assert all(p.with_suffix("").stat().st_size > 1024 for p in site.rglob("*.gz") if "sitemap" not in p.name)
    first = {p: p.read_bytes() for p in site.rglob("*.gz")}
    main([str(site)])
    assert {p: p.read_bytes() for p in site.rglob("*.gz")} == first


def test_the_data_page_counts_records_not_lines(built):
    """The data page's 行数 is each resource's number of records: a section's text keeps its line
    breaks inside one quoted cell (sections.csv has more lines than rows)."""
    out, _ = built
    page = (out / "site/data/index.html").read_text("utf-8")
    data = out / "datapackage/data"
    sections = data / "sections.csv"
    records = len(read_csv(sections))
    assert records < sections.read_text("utf-8").count("\n") - 1  # text with line breaks
    for name in ("sections", "applications", "agencies"):
        count = len(read_csv(data / f"{name}.csv"))
        row = re.search(rf"<code>{name}</code>.*?</td>\s*<td>.*?</td>\s*<td[^>]*>([\d,]+)</td>", page, re.S)
        assert row is not None and int(row.group(1).replace(",", "")) == count, (name, count)


def test_the_sites_gzip_copies_are_the_zips_members_and_what_gzip_writes(built):
    """The site's datapackage/data/*.csv.gz are the ZIP's deflated members rewrapped: each unpacks
    to the package's CSV, and is the very file Python's gzip writes at level 6 without name or time."""
    import gzip
    import io

    out, _ = built
    data = out / "datapackage/data"
    copies = sorted((out / "site/datapackage/data").glob("*.csv.gz"))
    assert [p.name for p in copies] == sorted(f"{p.name}.gz" for p in data.glob("*.csv"))
    for copy in copies:
        csv_bytes = (data / copy.name.removesuffix(".gz")).read_bytes()
        assert gzip.decompress(copy.read_bytes()) == csv_bytes
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=buf, mtime=0) as gz:
            gz.write(csv_bytes)
        assert copy.read_bytes() == buf.getvalue(), copy.name
