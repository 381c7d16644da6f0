"""The numbers behind the site's charts and the agency summary card.

A chart is a table (first column: the year; one column per series) that the page prints and
xxgk.js draws with ECharts, so every chart has its numbers beside it. Series names come from
formats.yaml and the Table Schemas' titles, not from code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from ..formats import catalogue
from ..package.schemas import schema
from ..parse.report import Report
from .templating import plain_number

# report_summary / year_summary columns: how requests were answered, in the national order.
OUTCOME_FIELDS = [
    "granted",
    "partially_granted",
    "denied",
    "unavailable",
    "rejected",
    "other_processing",
    "carried_forward",
]


@dataclass
class Chart:
    key: str  # the figure's HTML id
    caption: str
    header: list[str]
    rows: list[list]  # [year, value, ...]; None where the report has no number
    kind: str = "bar"
    stack: bool = False
    percent: bool = False
    # said instead of drawing empty axes when every number is 0 or blank
    empty_text: str = "历年数字均为0或空白"

    @property
    def empty(self) -> bool:
        return all(not v for row in self.rows for v in row[1:])

    def cell(self, v) -> str:
        if v is None:
            return "—"
        return f"{v:.1f}%" if self.percent else plain_number(v)


@functools.cache
def _titles(resource: str) -> dict[str, str]:
    return {f["name"]: f.get("title", f["name"]) for f in schema(resource)["fields"]}


def _num(v) -> float | None:
    return None if v in (None, "") else float(v)


def _share(v) -> float | None:
    return None if v in (None, "") else round(float(v) * 100, 1)


def home_charts(years: list[dict]) -> list[Chart]:
    """Across years, from year_summary: how requests were answered, shares, timeliness."""
    titles = _titles("year_summary")
    rows = sorted(years, key=lambda y: int(y["year"]))
    return [
        Chart(
            "chart-outcomes",
            "历年申请办理结果（件）",
            ["年度", *(titles[f] for f in OUTCOME_FIELDS)],
            [[y["year"], *(_num(y[f]) for f in OUTCOME_FIELDS)] for y in rows],
            stack=True,
            empty_text="历年均没有办结或结转的申请",
        ),
        Chart(
            "chart-shares",
            "历年公开比例与复议诉讼纠错率",
            ["年度", titles["granted_share"], titles["corrected_share"]],
            [[y["year"], _share(y["granted_share"]), _share(y["corrected_share"])] for y in rows],
            kind="line",
            percent=True,
            empty_text="历年均没有可计算的比例（没有办结的申请，也没有审结的复议诉讼）",
        ),
        Chart(
            "chart-reports",
            "历年报告：按时发布、逾期与有算术错误（份）",
            ["年度", titles["on_time_reports"], titles["late_reports"], titles["reports_with_errors"]],
            [
                [
                    y["year"],
                    _num(y["on_time_reports"]),
                    _num(y["late_reports"]),
                    _num(y["reports_with_errors"]),
                ]
                for y in rows
            ],
        ),
    ]


def agency_charts(reports: list[Report], summaries: dict[int, dict]) -> list[Chart]:
    """Across an agency's years: requests received by applicant type; how requests were answered."""
    cat = catalogue()
    applicants = [a for a in cat.applicants if a.code != "total"]
    titles = _titles("report_summary")
    ordered = sorted(reports, key=lambda r: r.year)
    return [
        Chart(
            "chart-applicants",
            "历年新收申请（按申请人类型，件）",
            ["年度", *(a.label for a in applicants)],
            [[r.year, *(r.applications["received"][a.code].value for a in applicants)] for r in ordered],
            stack=True,
            empty_text="本机关历年均未收到申请",
        ),
        Chart(
            "chart-outcomes",
            "历年申请办理结果（件）",
            ["年度", *(titles[f] for f in OUTCOME_FIELDS)],
            [[r.year, *(_num(summaries.get(r.year, {}).get(f)) for f in OUTCOME_FIELDS)] for r in ordered],
            stack=True,
            empty_text="本机关历年均没有办结或结转的申请",
        ),
    ]


@dataclass
class Figure:
    """One number of the summary card with its change from the previous report."""

    label: str
    value: str
    change: str = ""
    trend: str = ""  # 「up」「down」 or 「」, for the arrow's colour
    note: str = ""


@dataclass
class SummaryCard:
    year: int
    previous_year: int | None
    figures: list[Figure] = field(default_factory=list)


def _count_change(now: float | None, before: float | None) -> tuple[str, str]:
    if now is None or before is None:
        return "", ""
    d = now - before
    text = f"{d:+.0f}" if float(d).is_integer() else f"{d:+.1f}"
    if before:
        text += f"（{d / before * 100:+.0f}%）"
    return text, "up" if d > 0 else "down" if d < 0 else ""


def _points_change(now: float | None, before: float | None) -> tuple[str, str]:
    if now is None or before is None:
        return "", ""
    d = (now - before) * 100
    return f"{d:+.1f} 个百分点", "up" if d > 0 else "down" if d < 0 else ""


def summary_card(reports: list[Report], summaries: dict[int, dict]) -> SummaryCard | None:
    """The latest year's key numbers and their change from the report before it."""
    if not reports:
        return None
    ordered = sorted(reports, key=lambda r: r.year)
    latest = ordered[-1]
    prev = ordered[-2] if len(ordered) > 1 else None
    now = summaries.get(latest.year, {})
    before = summaries.get(prev.year, {}) if prev else {}

    def count(key: str, label: str, unit: str) -> Figure:
        v, b = _num(now.get(key)), _num(before.get(key))
        change, trend = _count_change(v, b)
        return Figure(label, "—" if v is None else f"{v:.0f} {unit}", change, trend)

    def share(key: str, label: str, note: str) -> Figure:
        v, b = _num(now.get(key)), _num(before.get(key))
        change, trend = _points_change(v, b)
        return Figure(
            label, "—" if v is None else f"{v * 100:.1f}%", change, trend, "" if v is not None else note
        )

    on_time = now.get("on_time")
    published = latest.published_on.isoformat() if latest.published_on else None
    timeliness = Figure("发布", {"true": "按时", "false": "逾期"}.get(on_time, "日期未注明"), published or "")
    errors = Figure("检查", f"{latest.error_count} 处错误", f"{latest.warning_count} 条提示")
    return SummaryCard(
        latest.year,
        prev.year if prev else None,
        [
            count("received", "新收申请", "件"),
            share("granted_share", "予以公开或部分公开", "本年没有办结的申请"),
            count("reviews", "行政复议", "件"),
            count("lawsuits", "行政诉讼", "件"),
            share("corrected_share", "复议诉讼纠错率", "本年没有审结的复议诉讼"),
            timeliness,
            errors,
        ],
    )
