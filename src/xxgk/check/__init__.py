"""Stage 3 — check: the consistency rules of formats.yaml, run over parsed reports.

Arithmetic rules are declarative (left cells = right cells, for each row or column); this
module only knows how to walk a table. Blanks follow TEMPLATE.md ("Blank cells and the rules"):
a blank component counts as 0, but a total printed blank is not a zero total — a side of the
rule that is a total (`total_sides`) printed all blank, or a side of components all blank,
means the rule is not evaluated there, so no error ever comes from blank cells alone. A cell
that was not found or not readable makes the rule silent for that row or column, since its
parser finding already says what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..formats import Catalogue, Format, Rule, catalogue
from ..parse.normalize import CellStatus, CellValue
from ..parse.report import Finding, Report
from ..parse.tables import proceeding_label, row_labels

__all__ = ["check_report", "cross_year_carry", "deadline"]


def check_report(report: Report) -> list[Finding]:
    """Every single-report rule; the findings are also appended to report.findings."""
    cat = catalogue()
    fmt = cat.formats[report.template]
    found: list[Finding] = []
    outcome_rows = fmt.outcome_codes(report.foreign_rows)
    for rule in cat.rules.values():
        if rule.for_each and rule.table in report.tables_found:
            found += _arithmetic(rule, report, fmt, cat, outcome_rows)
    found += _late_publication(report, cat)
    report.findings.extend(found)
    return found


def deadline(year: int, cat: Catalogue | None = None) -> date:
    cat = cat or catalogue()
    return date(year + 1, cat.deadline_month, cat.deadline_day)


def _late_publication(report: Report, cat: Catalogue) -> list[Finding]:
    due = deadline(report.year, cat)
    if report.published_on is None or report.published_on <= due:
        return []
    return [
        Finding.of("late_publication", published_on=_cn_date(report.published_on), deadline=_cn_date(due))
    ]


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _grid(rule: Rule, report: Report, fmt: Format, cat: Catalogue):
    """(cells, row codes, column codes, row labels, column labels) of the rule's table."""
    if rule.table == "applications":
        return (
            report.applications,
            [r.code for r in fmt.application_rows],
            [a.code for a in cat.applicants],
            row_labels(fmt),
            {a.code: a.label for a in cat.applicants},
        )
    return (
        report.reviews,
        [p.code for p in cat.proceedings],
        [r.code for r in cat.review_results],
        {p.code: proceeding_label(p) for p in cat.proceedings},
        {r.code: r.label for r in cat.review_results},
    )


def _arithmetic(
    rule: Rule, report: Report, fmt: Format, cat: Catalogue, outcome_rows: tuple[str, ...]
) -> Iterable[Finding]:
    grid, rows, cols, row_label, col_label = _grid(rule, report, fmt, cat)
    blanks_here = CellStatus.BLANK in {v.status for cells in grid.values() for v in cells.values()}

    def expand(names: tuple[str, ...]) -> list[str]:
        return [x for n in names for x in (outcome_rows if n == "@outcome_rows" else (n,))]

    left, right = expand(rule.left), expand(rule.right)
    for each in rows if rule.for_each == "row" else cols:
        if rule.for_each == "row":
            lc, rc = [(each, c) for c in left], [(each, c) for c in right]
            row, column = each, left[0] if len(left) == 1 else None
            where = row_label.get(row, "")
        else:
            lc, rc = [(r, each) for r in left], [(r, each) for r in right]
            row, column = (left[0] if len(left) == 1 else None), each
            where = col_label.get(column, "") + "列"
        values: list[CellValue] = [grid[r][c] for r, c in lc + rc]
        if not all(v.known for v in values):
            continue
        if blanks_here and any(v.status is CellStatus.BLANK for v in values):
            blank_totals, partial = _blanks(rule, lc, rc, values)
            if blank_totals:
                yield Finding.of(
                    "missing_total",
                    table=rule.table,
                    row=row,
                    column=column,
                    cells=";".join(f"{r}:{c}" for r, c in blank_totals),
                    where=where,
                    rule_title=rule.title,
                )
                continue
            if partial:
                continue  # only partly filled in: the missing_cell warnings say so
        actual = sum(v.as_number for v in values[: len(lc)])
        expected = sum(v.as_number for v in values[len(lc) :])
        if actual != expected:
            yield Finding.of(
                rule.code,
                table=rule.table,
                row=row,
                column=column,
                expected=expected,
                actual=actual,
                cells=";".join(f"{r}:{c}" for r, c in lc + rc),
                row_label=row_label.get(row, ""),
                column_label=col_label.get(column, ""),
            )


def _blanks(rule: Rule, lc: list, rc: list, values: list[CellValue]) -> tuple[list, bool]:
    """The blank totals that stop the rule (→ missing_total), and whether a side of it is
    all blank (→ not evaluated either): TEMPLATE.md, "Blank cells and the rules"."""
    sides = {"left": (lc, values[: len(lc)]), "right": (rc, values[len(lc) :])}
    named = 1 if rule.for_each == "row" else 0  # the part of a cell the rule's names name
    blank_totals = [
        cell
        for cell, v in zip(lc + rc, values, strict=True)
        if cell[named] in rule.totals and v.status is CellStatus.BLANK
    ]
    for side, (cells, vals) in sides.items():
        if side in rule.total_sides and _all_blank(vals):
            blank_totals += [c for c in cells if c not in blank_totals]
    return blank_totals, any(_all_blank(vals) for _, vals in sides.values())


def _all_blank(values: list[CellValue]) -> bool:
    return all(v.status is CellStatus.BLANK for v in values)


def cross_year_carry(previous: Report, current: Report) -> list[Finding]:
    """This year's 上年结转 against last year's 结转下年度, column by column."""
    if current.year != previous.year + 1:
        return []
    cat = catalogue()
    found = []
    for a in cat.applicants:
        this = current.applications.get("carried_over", {}).get(a.code)
        last = previous.applications.get("carried_forward", {}).get(a.code)
        if not (this and last and this.known and last.known):
            continue
        if this.as_number != last.as_number:
            found.append(
                Finding.of(
                    "cross_year_carry",
                    table="applications",
                    row="carried_over",
                    column=a.code,
                    expected=last.as_number,
                    actual=this.as_number,
                    cells=f"carried_over:{a.code}",
                    column_label=a.label,
                    previous_year=previous.year,
                )
            )
    current.findings.extend(found)
    return found
