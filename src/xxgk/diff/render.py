"""A `PackageDiff` for people and for programs: Chinese Markdown (a pull request, a CI job
summary), JSON (deterministic: sorted keys, the diff's own order) and one short line (`make
build`). Labels of tables, rows and columns come from formats.yaml, as printed in the reports."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

from ..formats import catalogue
from ..parse.tables import proceeding_label, row_labels
from . import Finding, PackageDiff, Value

__all__ = ["short", "to_json", "to_markdown"]


def to_json(diff: PackageDiff) -> str:
    return json.dumps(diff.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def short(diff: PackageDiff) -> str:
    """One to three lines: the four counts that matter, then whatever else changed."""
    if diff.empty:
        return "数据无变化"
    lines = _summary(diff)
    if diff.old_missing:
        lines[0] = "（没有旧数据包，全部视为新增）" + lines[0]
    return "\n".join(lines)


def _summary(diff: PackageDiff) -> list[str]:
    c = diff.counts()
    lines = [
        f"新增报告 {c['reports_added']} 份、更改单元格 {c['cells']} 个、"
        f"新错误 {c['errors_new']} 条、已解决 {c['errors_resolved']} 条"
    ]
    more = [
        ("reports_removed", "删除报告 {} 份"),
        ("reports_replaced", "替换报告 {} 份"),
        ("report_fields", "报告信息变化 {} 项"),
        ("warnings_new", "新提示 {} 条"),
        ("warnings_resolved", "已消除提示 {} 条"),
    ]
    agencies = [
        ("agencies_added", "新增机关 {} 个"),
        ("agencies_removed", "删除机关 {} 个"),
        ("agencies_renamed", "更名机关 {} 个"),
        ("aliases_changed", "其他名称变化 {} 个"),
        ("files_unpublished", "未发布的文件 {} 个"),
        ("schema_changes", "字段变化 {} 个"),
    ]
    for group in (more, agencies):
        if parts := [text.format(c[key]) for key, text in group if c[key]]:
            lines.append("、".join(parts))
    return lines


# ---- labels ----------------------------------------------------------------------------


@cache
def _labels() -> dict[str, dict[str, str]]:
    """table → {code: label} for rows and columns, across both formats (newest first)."""
    cat = catalogue()
    fmts = sorted(cat.formats.values(), key=lambda f: f.code, reverse=True)
    items: dict[str, str] = {}
    rows: dict[str, str] = {}
    for f in fmts:
        for i in f.proactive_items:
            items.setdefault(i.code, i.label)
        for code, label in row_labels(f).items():
            rows.setdefault(code, label)
        for r in f.foreign_rows:
            rows.setdefault(r.code, r.label)
    return {
        "proactive_disclosure:row": items,
        "proactive_disclosure:column": {k: m.label for k, m in cat.measures.items()},
        "applications:row": rows,
        "applications:column": {a.code: a.label for a in cat.applicants},
        "reviews_litigation:row": {p.code: proceeding_label(p) for p in cat.proceedings},
        "reviews_litigation:column": {r.code: r.label for r in cat.review_results},
    }


def _table(table: str | None) -> str:
    if not table:
        return ""
    title = catalogue().table_titles.get(table)
    return f"表{title.split('、')[0]}" if title else table


def _label(table: str | None, kind: str, code: str | None) -> str:
    if not code:
        return ""
    return _labels().get(f"{table}:{kind}", {}).get(code, code)


def _rule(code: str) -> str:
    rule = catalogue().rules.get(code)
    return rule.title if rule else code


@cache
def _field_titles() -> dict[str, str]:
    from ..package.schemas import schema

    return {f["name"]: f.get("title", f["name"]) for f in schema("reports")["fields"]}


# ---- Markdown --------------------------------------------------------------------------


def _cell(v: Value) -> str:
    if v is None:
        return "（空白）"
    if isinstance(v, bool):
        return "是" if v else "否"
    text = str(v).replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    return text


def _md_table(head: list[str], rows: list[list[str]], limit: int) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows[:limit]]
    if len(rows) > limit:
        out.append("")
        out.append(f"……另有 {len(rows) - limit} 行未列出（完整内容：`xxgk diff --format json`）。")
    return out


def _sha(s: str | None) -> str:
    return f"`{s[:12]}`" if s else ""


def _region(*parts: str | None) -> str:
    return "".join(p for p in parts if p)


def _finding_rows(findings: tuple[Finding, ...]) -> list[list[str]]:
    return [
        [
            f"`{f.report_id}`",
            _rule(f.rule),
            _table(f.table),
            _label(f.table, "row", f.row),
            _label(f.table, "column", f.column),
            _cell(f.message or ""),
        ]
        for f in findings
    ]


def _by_rule(findings: tuple[Finding, ...]) -> str:
    counts = Counter(_rule(f.rule) for f in findings)
    return "、".join(f"{rule} {n}" for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def to_markdown(diff: PackageDiff, limit: int = 50, title: str = "数据变化") -> str:
    """The diff as Chinese Markdown; each table shows at most `limit` rows."""
    md = [f"## {title}", ""]
    if diff.old_missing:
        md += ["> 没有旧数据包（首次构建）：全部视为新增。", ""]
    if diff.empty:
        return "\n".join([*md, "数据无变化。", ""])
    md += ["；".join(_summary(diff)) + "。", ""]

    def section(heading: str, head: list[str], rows: list[list[str]]) -> None:
        if rows:
            md.extend([f"### {heading}（{len(rows)}）", "", *_md_table(head, rows, limit), ""])

    section(
        "新增报告",
        ["报告", "机关", "年度", "文件", "SHA-256", "错误", "提示"],
        [
            [
                f"`{r.report_id}`",
                _cell(r.agency_name),
                _cell(r.year),
                f"`{r.source_file}`",
                _sha(r.source_sha256),
                _cell(r.error_checks),
                _cell(r.warning_checks),
            ]
            for r in diff.reports_added
        ],
    )
    section(
        "删除的报告",
        ["报告", "机关", "年度", "文件", "SHA-256"],
        [
            [
                f"`{r.report_id}`",
                _cell(r.agency_name),
                _cell(r.year),
                f"`{r.source_file}`",
                _sha(r.source_sha256),
            ]
            for r in diff.reports_removed
        ],
    )
    section(
        "替换的报告",
        ["报告", "机关", "原文件", "新文件", "原 SHA-256", "新 SHA-256"],
        [
            [
                f"`{r.report_id}`",
                _cell(r.agency_name),
                f"`{r.old_file}`",
                f"`{r.new_file}`",
                _sha(r.old_sha256),
                _sha(r.new_sha256),
            ]
            for r in diff.reports_replaced
        ],
    )
    titles = _field_titles()
    section(
        "报告信息的变化",
        ["报告", "字段", "原值", "新值"],
        [
            [f"`{f.report_id}`", titles.get(f.field, f.field), _cell(f.old), _cell(f.new)]
            for f in diff.report_fields
        ],
    )
    section(
        "更改的单元格",
        ["报告", "表", "行", "列", "原值", "新值"],
        [
            [
                f"`{c.report_id}`",
                _table(c.table),
                _label(c.table, "row", c.row),
                _label(c.table, "column", c.column),
                _cell(c.old),
                _cell(c.new),
            ]
            for c in diff.cells
        ],
    )
    head = ["报告", "规则", "表", "行", "列", "说明"]
    section("新的错误", head, _finding_rows(diff.new_errors))
    section("已解决的错误", head, _finding_rows(diff.resolved_errors))
    for label, found in (("新的提示", diff.new_warnings), ("已消除的提示", diff.resolved_warnings)):
        if found:
            md.extend([f"{label} {len(found)} 条：{_by_rule(found)}。", ""])
    section(
        "新增机关",
        ["机关编号", "名称", "地区"],
        [
            [f"`{a.agency_id}`", _cell(a.name), _region(a.province, a.city, a.district)]
            for a in diff.agencies_added
        ],
    )
    section(
        "删除的机关",
        ["机关编号", "名称", "地区"],
        [
            [f"`{a.agency_id}`", _cell(a.name), _region(a.province, a.city, a.district)]
            for a in diff.agencies_removed
        ],
    )
    section(
        "更名的机关",
        ["机关编号", "原名称", "新名称"],
        [[f"`{a.agency_id}`", _cell(a.old_name), _cell(a.new_name)] for a in diff.agencies_renamed],
    )
    section(
        "其他名称的变化",
        ["机关编号", "名称", "新增的其他名称", "不再出现的其他名称"],
        [
            [f"`{a.agency_id}`", _cell(a.name), "；".join(a.added), "；".join(a.removed)]
            for a in diff.aliases_changed
        ],
    )
    section(
        "未发布的文件",
        ["文件", "处理结果", "原因"],
        [
            [
                f"`{f.source_file}`",
                {"skipped": "跳过", "duplicate": "重复未发布"}.get(f.status, f.status),
                _cell(f.reason),
            ]
            for f in diff.files_unpublished
        ],
    )
    section(
        "字段变化",
        ["资源", "字段", "变化"],
        [
            [f"`{s.resource}`", f"`{s.field}`", {"added": "新增", "removed": "删除"}.get(s.change, s.change)]
            for s in diff.schema_changes
        ],
    )
    return "\n".join(md).rstrip("\n") + "\n"
