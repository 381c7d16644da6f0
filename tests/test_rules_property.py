"""The arithmetic rules, as properties: an independent oracle written from TEMPLATE.md must
agree with the engine on any table, consistent or broken; and any generated report, in
either layout, reads back cell for cell."""

from __future__ import annotations

import random

from conftest import cell, parse_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.check import check_report, cross_year_carry
from xxgk.formats import catalogue
from xxgk.parse.normalize import CellStatus, CellValue
from xxgk.parse.report import Report
from xxgk.synth import LAYOUTS, Agency, SyntheticReport, draw_tables, perturb

CAT = catalogue()
FMT = CAT.formats["2021"]
ROWS = [r.code for r in FMT.application_rows]
COLS = [a.code for a in CAT.applicants]
PARTS = COLS[:-1]
PROCS = [p.code for p in CAT.proceedings]


def oracle(apps, reviews) -> set[tuple]:
    """TEMPLATE.md's rules, written out plainly. Blanks (None), from "Blank cells and the
    rules": a blank total is not evaluated (missing_total); a side of components all blank is
    not evaluated either; balance is not evaluated when total_processed or either side is all
    blank (missing_total); otherwise a blank counts as 0."""
    v = lambda x: x or 0  # noqa: E731
    blank = lambda xs: all(x is None for x in xs)  # noqa: E731
    found = set()

    def equation(rule, row, column, total, parts):
        if total is None:
            found.add(("missing_total", row, column))
        elif not blank(parts) and total != sum(v(x) for x in parts):
            found.add((rule, row, column))

    for r in ROWS:
        equation("applicant_total", r, "total", apps[r]["total"], [apps[r][c] for c in PARTS])
    for c in COLS:
        left = [apps["total_processed"][c], apps["carried_forward"][c]]
        right = [apps["received"][c], apps["carried_over"][c]]
        if apps["total_processed"][c] is None or blank(left) or blank(right):
            found.add(("missing_total", None, c))
        elif v(left[0]) + v(left[1]) != v(right[0]) + v(right[1]):
            found.add(("balance", None, c))
        equation(
            "outcome_total",
            "total_processed",
            c,
            apps["total_processed"][c],
            [apps[r][c] for r in FMT.outcome_rows],
        )
    for p in PROCS:
        parts = [reviews[p][x] for x in ("upheld", "corrected", "other", "pending")]
        equation("review_total", p, "total", reviews[p]["total"], parts)
    return found


def report_of(apps, reviews) -> Report:
    wrap = lambda x: CellValue(x, CellStatus.BLANK if x is None else CellStatus.OK)  # noqa: E731
    return Report(
        source_file="x",
        source_format="txt",
        source_sha256="0" * 64,
        template="2021",
        year=2024,
        agency_name="测试局",
        applications={r: {c: wrap(x) for c, x in cols.items()} for r, cols in apps.items()},
        reviews={p: {c: wrap(x) for c, x in cols.items()} for p, cols in reviews.items()},
        tables_found=("applications", "reviews_litigation"),
    )


small = st.one_of(st.none(), st.integers(0, 6))
TABLES = st.fixed_dictionaries({r: st.fixed_dictionaries({c: small for c in COLS}) for r in ROWS})
REVIEWS = st.fixed_dictionaries(
    {
        p: st.fixed_dictionaries({x: small for x in ("upheld", "corrected", "other", "pending", "total")})
        for p in PROCS
    }
)


@given(TABLES, REVIEWS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_engine_agrees_with_oracle_on_any_table(apps, reviews):
    report = report_of(apps, reviews)
    got = {(f.rule, f.row, f.column) for f in check_report(report)}
    assert got == oracle(apps, reviews)


@given(TABLES, REVIEWS)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_no_error_ever_rests_on_blank_cells_alone(apps, reviews):
    """The invariant of the checks: every error is an inconsistency of printed numbers. The
    total it checks is printed, and each side of its equation holds a printed number."""
    report = report_of(apps, reviews)
    for f in check_report(report):
        if f.severity != "error":
            continue
        table = apps if f.table == "applications" else reviews
        cells = [tuple(c.split(":")) for c in f.cells.split(";")]
        printed = [table[r][c] is not None for r, c in cells]
        rule = CAT.rules[f.rule]
        n_left = len(rule.left)
        assert any(printed[:n_left]) and any(printed[n_left:]), f
        assert all(
            p for (r, c), p in zip(cells, printed, strict=True) if r in rule.totals or c in rule.totals
        ), f


@given(st.integers(0, 10**6), st.floats(0, 1), st.booleans())
@settings(max_examples=200)
def test_blanks_for_zeros_or_a_blank_total_column_raise_no_error(seed, share, whole_column):
    """As published: a consistent table whose zeros are left blank (上海市人民政府办公厅, 2019),
    or whose 总计 column is left blank, is consistent: no error, whatever else is printed."""
    rng = random.Random(seed)
    _, apps, reviews = draw_tables(rng, volume=rng.choice([3, 30, 3000]))
    for table in (apps, reviews):
        for cols in table.values():
            for c, x in cols.items():
                if (x == 0 and rng.random() < share) or (whole_column and c == "total"):
                    cols[c] = None
    report = report_of(apps, reviews)
    assert [f for f in check_report(report) if f.severity == "error"] == []


@given(st.integers(0, 10**6), st.booleans(), st.sampled_from(LAYOUTS))
@settings(max_examples=60, deadline=None)
def test_generated_reports_read_back_exactly_and_only_broken_ones_fail(seed, broken, layout):
    rng = random.Random(seed)
    proactive, apps, reviews = draw_tables(rng, volume=rng.choice([3, 30, 3000]))
    rep = SyntheticReport(
        Agency("武汉市", "江汉区", "民政局"), 2024, layout, None, "027-1", 0, proactive, apps, reviews
    )
    if broken:
        perturb(rep, rng)
    r = parse_text(rep.render())
    for (table, row, col), value in rep.slots():
        assert cell(r, table, row, col) == value, (table, row, col)
    errors = {(f.rule, f.row, f.column) for f in r.findings if f.severity == "error"}
    assert errors == {e for e in oracle(rep.applications, rep.reviews) if e[0] != "missing_total"}
    assert bool(errors) == broken


def test_cross_year_carry_compares_with_last_years_carried_forward():
    apps = {r: dict.fromkeys(COLS, 0) for r in ROWS}
    reviews = {p: dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), 0) for p in PROCS}
    last, this = report_of(apps, reviews), report_of(apps, reviews)
    last.year, this.year = 2023, 2024
    last.applications["carried_forward"]["natural_person"] = CellValue(3, CellStatus.OK)
    found = cross_year_carry(last, this)
    assert [(f.rule, f.severity, f.column, f.expected, f.actual) for f in found] == [
        ("cross_year_carry", "warning", "natural_person", 3, 0)
    ]
    assert "2023年" in found[0].message
    this.year = 2025  # not consecutive: nothing to compare
    assert cross_year_carry(last, this) == []
