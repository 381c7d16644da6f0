"""The library beneath the command (src/xxgk/api.py, re-exported by `xxgk`): what a researcher
calls from a notebook, and all the command line calls."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import polars as pl
import pytest
from conftest import FIXTURES, ROOT, SEEDS

import xxgk
from xxgk.package.schemas import field_names, polars_schema

PDF = FIXTURES / "real/huaian-hongze-2024.pdf"
HEAVY = ["polars", "duckdb", "pdfplumber", "lxml", "docx", "frictionless", "mkdocs", "rapidfuzz", "jieba"]


def _loaded_after(code: str) -> list[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_xxgk_loads_no_heavy_library():
    assert _loaded_after("import xxgk") == []
    assert _loaded_after("import xxgk; xxgk.cache_key()") == []
    assert _loaded_after("import xxgk.cli") == []  # `xxgk cache-key` in CI starts fast


def test_every_public_name_is_there():
    for name in xxgk.__all__:
        assert getattr(xxgk, name) is not None, name
    assert set(xxgk.__all__) <= set(dir(xxgk))
    assert (ROOT / "src/xxgk/py.typed").exists()
    with pytest.raises(AttributeError):
        xxgk.no_such_name  # noqa: B018


def test_read_report_gives_the_tables_as_polars_frames_laid_out_as_the_package():
    report = xxgk.read_report(PDF)
    assert isinstance(report, xxgk.Report) and report.source_file == PDF.name
    expected = json.loads(PDF.with_name(PDF.name + ".expected.json").read_text("utf-8"))
    assert (report.year, report.template) == (expected["year"], expected["template"])

    t = xxgk.tables(report)
    for name, frame in t.as_dict().items():
        columns = [c for c in field_names(name) if c != "report_id"]
        assert frame.columns == columns, name
        assert dict(frame.schema) == {c: polars_schema(name)[c] for c in columns}, name
    values = [c for c in t.applications.columns if c not in ("row", "row_order")]
    by_row = {row[0]: list(row[1:]) for row in t.applications.select("row", *values).iter_rows()}
    for row, cells in expected["applications"].items():
        assert by_row[row] == cells, row
    assert t.reviews_litigation.height == 3
    assert t.proactive_disclosure["unit"].null_count() == 0


def test_the_frames_are_the_rows_the_build_publishes(tmp_path):
    """tables(read_report(f)) equals f's rows of the built CSVs, report_id aside."""
    result = xxgk.build(ROOT / "reports", tmp_path, site=False)
    assert result.ok and result.published == len(SEEDS)
    reports = pl.read_csv(tmp_path / "datapackage/data/reports.csv", schema=polars_schema("reports"))
    for path in SEEDS:
        rid = reports.filter(pl.col("source_file") == path.name)["report_id"].item()
        for name, frame in xxgk.tables(xxgk.read_report(path)).as_dict().items():
            published = pl.read_csv(tmp_path / f"datapackage/data/{name}.csv", schema=polars_schema(name))
            assert frame.equals(published.filter(pl.col("report_id") == rid).drop("report_id")), name


def test_a_file_that_is_no_report_raises_with_the_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notice.txt").write_text(
        "关于召开全区安全生产工作会议的通知\n各单位：\n请准时参加。\n", encoding="utf-8"
    )
    with pytest.raises(xxgk.UnreadableFile, match="空文件"):
        xxgk.read_report(tmp_path / "empty.txt")
    with pytest.raises(xxgk.NotAReport, match="不是政府信息公开工作年度报告"):
        xxgk.read_report(tmp_path / "notice.txt")
    outcome = xxgk.parse_file(tmp_path / "notice.txt")  # never raises: what the build records
    assert outcome.report is None and outcome.reason.startswith("不是政府信息公开工作年度报告")


def test_validate_and_diff_packages(tmp_path):
    old = xxgk.build(ROOT / "reports", tmp_path / "old", site=False)
    (tmp_path / "reports").mkdir()
    for p in SEEDS[1:]:
        (tmp_path / "reports" / p.name).write_bytes(p.read_bytes())
    new = xxgk.build(tmp_path / "reports", tmp_path / "new", site=False)
    assert old.ok and new.ok
    assert xxgk.validate(tmp_path / "new/datapackage") == []
    changes = xxgk.diff_packages(tmp_path / "old/datapackage", tmp_path / "new")
    assert isinstance(changes, xxgk.PackageDiff)
    assert len(changes.reports_removed) == 1 and not changes.reports_added
    assert "1" in xxgk.render_diff(changes, "short")
    assert json.loads(xxgk.render_diff(changes, "json"))["counts"]["reports_removed"] == 1
    first = xxgk.diff_packages(None, tmp_path / "new")  # a first build: everything is new
    assert len(first.reports_added) == len(SEEDS) - 1


def test_the_readme_example_runs(tmp_path, monkeypatch):
    """The Python example in README.md, as pasted into a notebook at the repository root."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## Python 接口") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "/tmp/xxgk-demo" in code
    monkeypatch.chdir(ROOT)
    scope: dict = {}
    exec(compile(code.replace("/tmp/xxgk-demo", str(tmp_path)), "README.md", "exec"), scope)
    assert [r.report_id for r in scope["changes"].reports_added] == ["huaian-hongze-renminzhengfu-2024"]
    assert scope["result"].published == len(SEEDS) + 1
    assert isinstance(scope["t"].applications, pl.DataFrame)


def _runtime_imports(node: ast.AST) -> list[ast.ImportFrom]:
    """Imports of xxgk modules, leaving out those only type checkers see."""
    if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
        return []
    if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("xxgk")):
        return [node]
    return [found for child in ast.iter_child_nodes(node) for found in _runtime_imports(child)]


def test_the_command_line_calls_only_the_library():
    """cli.py imports nothing of xxgk but the API: the CLI proves the library is enough."""
    tree = ast.parse((ROOT / "src/xxgk/cli.py").read_text("utf-8"))
    imported = {(node.module, alias.name) for node in _runtime_imports(tree) for alias in node.names}
    assert imported == {(None, "__version__"), (None, "api")}


def test_python_dash_m_xxgk_is_the_command():
    out = subprocess.run(
        [sys.executable, "-m", "xxgk", "cache-key"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert re.fullmatch(r"[0-9a-f]{64}\n", out.stdout)  # (the parser may be edited meanwhile: not compared)
    help_text = subprocess.run(
        [sys.executable, "-m", "xxgk", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("build", "parse", "validate", "diff", "parse-all", "cache-key"):
        assert re.search(rf"^\s+{command}\s", help_text, re.M), command


def test_api_functions_are_typed_and_documented():
    import inspect

    from xxgk import api

    for name in api.__all__:
        obj = getattr(api, name)
        assert inspect.getdoc(obj), name
        if inspect.isfunction(obj):
            hints = obj.__annotations__
            assert "return" in hints, name
            params = [p for p in inspect.signature(obj).parameters]
            assert all(p in hints for p in params), (name, [p for p in params if p not in hints])
