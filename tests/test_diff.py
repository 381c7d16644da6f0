"""`xxgk diff`: two real builds (the seed reports; the seeds with one report added and one
cell edited) compared, rendered as Markdown, JSON and a short line, and from the command line."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, SEEDS

from xxgk.cli import main
from xxgk.diff import AgencyChange, CellChange, diff_packages
from xxgk.diff.render import short, to_json, to_markdown
from xxgk.pipeline import build

ADDED = FIXTURES / "handmade" / "cells_errors_bom.txt"
ADDED_ERRORS = {"applicant_total", "outcome_total", "review_total"}  # its .expected.json
EDITED = "003_b08546210772d0f8.txt"
EDITED_REPORT = "wuhan-qiaokou-shehui-guanli-wanggehua-fuwuzhongxin-2023"
LICENSING_OLD, LICENSING_NEW = "\t行政许可\n\t0\n", "\t行政许可\n\t7\n"


def _reports(folder: Path, *, edit: bool = False, add: bool = False) -> Path:
    folder.mkdir(parents=True)
    for p in SEEDS:
        shutil.copy(p, folder / p.name)
    if edit:
        text = (folder / EDITED).read_text("utf-8")
        assert text.count(LICENSING_OLD) == 1
        (folder / EDITED).write_text(text.replace(LICENSING_OLD, LICENSING_NEW), encoding="utf-8")
    if add:
        shutil.copy(ADDED, folder / ADDED.name)
    return folder


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    for name, kw in (("old", {}), ("new", {"edit": True, "add": True})):
        result = build(_reports(tmp / f"reports-{name}", **kw), tmp / name, site=False, workers=1)
        assert result.ok, result.failed
    return tmp / "old" / "datapackage", tmp / "new" / "datapackage"


@pytest.fixture(scope="module")
def diff(packages):
    return diff_packages(*packages)


def test_the_added_report_is_named_with_its_file(diff):
    (added,) = diff.reports_added
    assert added.source_file == ADDED.name
    assert added.source_sha256 == hashlib.sha256(ADDED.read_bytes()).hexdigest()
    assert added.agency_name == "江岸区人力资源和社会保障局" and added.year == 2024
    assert added.error_checks == len(ADDED_ERRORS)
    assert diff.reports_removed == ()


def test_the_edited_report_is_replaced_and_its_one_cell_changed(diff):
    (replaced,) = diff.reports_replaced
    assert replaced.report_id == EDITED_REPORT
    assert replaced.old_file == replaced.new_file == EDITED
    assert replaced.old_sha256 == hashlib.sha256((ROOT / "reports" / EDITED).read_bytes()).hexdigest()
    assert replaced.new_sha256 != replaced.old_sha256
    assert diff.cells == (CellChange("proactive_disclosure", EDITED_REPORT, "licensing", "decisions", 0, 7),)
    assert diff.report_fields == ()


def test_the_added_report_brings_new_errors_and_nothing_is_resolved(diff):
    assert {f.rule for f in diff.new_errors} == ADDED_ERRORS
    added = diff.reports_added[0].report_id
    assert all(f.report_id == added for f in diff.findings_new)
    # errors come first, each with its place in the tables and a Chinese message
    severities = [f.severity for f in diff.findings_new]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert all(f.table and f.message for f in diff.new_errors)
    assert diff.findings_resolved == ()


def test_the_added_agency(diff):
    (agency,) = diff.agencies_added
    assert agency.name.endswith("江岸区人力资源和社会保障局") and agency.district == "江岸区"
    assert agency.agency_id in diff.reports_added[0].report_id
    assert diff.agencies_removed == diff.agencies_renamed == diff.aliases_changed == ()


def test_markdown_names_tables_rows_and_columns_in_chinese(diff):
    md = to_markdown(diff)
    assert md.startswith("## 数据变化\n")
    for heading in (
        "### 新增报告（1）",
        "### 替换的报告（1）",
        "### 更改的单元格（1）",
        "### 新的错误（3）",
        "### 新增机关（1）",
    ):
        assert heading in md
    assert "已解决的错误" not in md  # empty sections are left out
    assert f"`{ADDED.name}`" in md
    assert f"| `{EDITED_REPORT}` | 表二 | 行政许可 | 本年处理决定数量 | 0 | 7 |" in md
    assert "申请人合计" in md  # the rule's title from formats.yaml
    assert "江岸区人力资源和社会保障局" in md


def test_markdown_limits_long_tables(diff):
    md = to_markdown(diff, limit=1)
    assert "……另有 2 行未列出" in md


def test_json_is_complete_and_deterministic(diff, packages):
    text = to_json(diff)
    assert text == to_json(diff_packages(*packages))
    data = json.loads(text)
    assert data["counts"]["reports_added"] == 1 and data["counts"]["cells"] == 1
    assert data["counts"]["errors_new"] == 3 and data["counts"]["errors_resolved"] == 0
    assert data["cells"] == [
        {
            "table": "proactive_disclosure",
            "report_id": EDITED_REPORT,
            "row": "licensing",
            "column": "decisions",
            "old": 0,
            "new": 7,
        }
    ]
    assert data["reports_added"][0]["source_file"] == ADDED.name
    assert list(data) == sorted(data)


def test_short_form(diff, packages):
    assert short(diff).split("\n")[0] == "新增报告 1 份、更改单元格 1 个、新错误 3 条、已解决 0 条"
    assert "替换报告 1 份" in short(diff) and "新增机关 1 个" in short(diff)
    assert 1 <= len(short(diff).split("\n")) <= 3


def test_identical_packages_have_no_difference(packages):
    old, _ = packages
    same = diff_packages(old, old / "datapackage.json")  # a folder or its descriptor
    assert same.empty
    assert short(same) == "数据无变化"
    assert "数据无变化" in to_markdown(same)


def test_the_other_way_round_the_report_is_removed_not_its_errors_resolved(packages, diff):
    old, new = packages
    back = diff_packages(new, old)
    assert [r.source_file for r in back.reports_removed] == [ADDED.name]
    assert back.reports_added == () and back.findings_resolved == ()
    assert back.cells == (CellChange("proactive_disclosure", EDITED_REPORT, "licensing", "decisions", 7, 0),)
    assert [a.agency_id for a in back.agencies_removed] == [a.agency_id for a in diff.agencies_added]


def test_a_missing_old_package_makes_everything_added(packages, tmp_path):
    _, new = packages
    first = diff_packages(tmp_path / "nothing", new)
    assert first.old_missing
    assert len(first.reports_added) == len(SEEDS) + 1
    assert len(first.agencies_added) == len(SEEDS) + 1
    assert first.cells == () and {f.rule for f in first.new_errors} == ADDED_ERRORS
    assert "没有旧数据包" in to_markdown(first) and "全部视为新增" in short(first)


def _edit_csv(package: Path, resource: str, change) -> None:
    path = package / "data" / f"{resource}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_a_blank_cell_is_not_zero_and_agency_renames_are_found(packages, tmp_path):
    old, _ = packages
    edited = tmp_path / "edited"
    shutil.copytree(old, edited)
    target = "wuhan-qiaokou-danganguan"

    def blank(row):
        if row["report_id"] == f"{target}-2024" and row["row"] == "received":
            row["other_org"] = ""

    def rename(row):
        if row["agency_id"] == target:
            row["name"], row["aliases"] = "硚口区档案馆（新名）", "武汉市硚口区档案馆"

    _edit_csv(edited, "applications", blank)
    _edit_csv(edited, "agencies", rename)
    d = diff_packages(old, edited)
    assert d.cells == (CellChange("applications", f"{target}-2024", "received", "other_org", 0, None),)
    assert d.agencies_renamed == (AgencyChange(target, "武汉市硚口区档案馆", "硚口区档案馆（新名）"),)
    (aliases,) = d.aliases_changed
    assert aliases.added == ("武汉市硚口区档案馆",) and aliases.removed == ()
    md = to_markdown(d)
    assert "| 一、本年新收政府信息公开申请数量 | 其他 | 0 | （空白） |" in md
    assert "### 更名的机关（1）" in md and "### 其他名称的变化（1）" in md


def test_the_committed_package_compares_with_a_new_build(packages):
    """The committed datapackage/ may have been written by an older xxgk (other fields)."""
    committed = ROOT / "datapackage"
    if not (committed / "datapackage.json").exists():
        pytest.skip("no committed datapackage/")
    d = diff_packages(committed, packages[1])
    assert [r.source_file for r in d.reports_added] == [ADDED.name]


def test_cli(packages, tmp_path):
    old, new = packages
    runner = CliRunner()
    res = runner.invoke(main, ["diff", str(old), str(new), "--format", "short"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("新增报告 1 份、更改单元格 1 个、新错误 3 条、已解决 0 条\n")
    res = runner.invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.output)["counts"]["cells"] == 1
    out = tmp_path / "diff.md"
    res = runner.invoke(main, ["diff", str(old), str(new), "--output", str(out)])
    assert res.exit_code == 0 and res.output == ""
    assert out.read_text("utf-8") == to_markdown(diff_packages(old, new))
    res = runner.invoke(main, ["diff", str(tmp_path / "none"), str(new), "--format", "short"])
    assert res.exit_code == 0 and "全部视为新增" in res.output
    res = runner.invoke(main, ["diff", str(old), str(tmp_path)])
    assert res.exit_code == 2 and "找不到数据包" in res.output


def test_columns_are_read_by_name_whatever_their_order(packages, tmp_path):
    old, _ = packages
    moved = tmp_path / "moved"
    shutil.copytree(old, moved)
    path = moved / "data" / "applications.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [list(reversed(r)) for r in csv.reader(fh)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert diff_packages(old, moved).empty
