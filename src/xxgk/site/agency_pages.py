"""A page per agency: summary card, charts, each year's three tables as the national format lays
them out with the findings on their cells, the report's text, and the agency's downloads."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from concurrent.futures import Executor, Future
from pathlib import Path

import xlsxwriter
from markupsafe import Markup

from ..formats import catalogue
from ..package.identity import Agency
from ..package.writer import report_id
from ..parse.normalize import CellStatus, CellValue
from ..parse.report import Report
from ..parse.tables import proceeding_label, row_labels
from .charts import agency_charts, summary_card
from .compare_pages import home_region, region_slug
from .incremental import code_fingerprint, digest, put
from .shell import Shell
from .templating import plain_number, template_env


def write_agency_pages(
    agencies: list[Agency],
    published: dict[str, list[Report]],
    shell: Shell,
    reports_dir: Path,
    summary: dict[str, dict],
    pool: Executor,
) -> list[Future]:
    """Every agency page from one Jinja2 template in one pass (about a millisecond a page, where
    MkDocs takes about a hundred), with its downloads; the workbooks are sent to `pool`, and the
    returned futures give (unit, file, written) for each. An agency whose inputs did not change
    since the last build (`agency_digest`) is skipped: its files are kept as they are."""
    cat = catalogue()
    rule_titles = {code: r.title for code, r in cat.rules.items()}
    template = template_env().get_template("agency.html.j2")
    out = shell.out
    code = code_fingerprint()
    workbooks: list[Future] = []
    batch: list[tuple[Agency, list[Report], Path, str]] = []
    for a in agencies:
        chosen = published[a.agency_id]
        location = f"agencies/{a.agency_id}/"
        ids = {r.year: report_id(a, r) for r in chosen}
        by_year = {r.year: summary.get(ids[r.year], {}) for r in chosen}
        unit = f"agency:{a.agency_id}"
        if out.fresh(unit, agency_digest(a, chosen, by_year, shell.digest, code)):
            shell.locations.append(location)
            continue
        year_views = []
        for r in sorted(chosen, key=lambda r: -r.year):
            source = reports_dir / r.source_file
            source_name = f"{ids[r.year]}{source.suffix or '.txt'}"
            if source.exists():
                out.copy(location + source_name, source, unit)
            year_views.append(_year_view(r, by_year[r.year], source_name))
        for table, rows in _agency_rows(a, chosen).items():
            csv_text = _agency_csv(table, rows).encode("utf-8-sig")
            out.write(location + agency_csv_name(a.agency_id, table), csv_text, unit)
        batch.append((a, chosen, out.root, unit))
        if len(batch) == XLSX_BATCH:
            workbooks.append(pool.submit(_agency_workbooks, batch))
            batch = []
        body = template.render(
            agency=a,
            region=agency_region(a),
            region_slug=region_slug(home_region(a.province, a.city, a.district)),
            years=year_views,
            rule_titles=rule_titles,
            card=summary_card(chosen, by_year),
            charts=agency_charts(chosen, by_year),
        )
        shell.pour(location, a.name, body, unit)
    if batch:
        workbooks.append(pool.submit(_agency_workbooks, batch))
    return workbooks


def agency_digest(a: Agency, chosen: list[Report], by_year: dict[int, dict], shell: str, code: str) -> str:
    """Everything an agency's page, CSV, workbook and copied originals are made from: the agency,
    each published report (its file's bytes by SHA-256 and its name, which with the parser's
    fingerprint in `code` decide the reading, as the parse cache's key does; and its findings,
    which include those across years), its rows of report_summary, the page shell and the code."""
    reports = [
        [r.source_file, r.source_sha256, r.year, [list(f.__dict__.values()) for f in r.findings]]
        for r in chosen
    ]
    agency = [a.agency_id, a.name, a.province, a.city, a.district, list(a.aliases)]
    return digest(code, shell, agency, reports, [by_year[r.year] for r in chosen])


XLSX_BATCH = 50  # agencies' workbooks per task sent to another process


def _agency_workbooks(batch: list[tuple[Agency, list[Report], Path, str]]) -> list[tuple[str, str, bool]]:
    done = []
    for a, reports, site_dir, unit in batch:
        rel = f"agencies/{a.agency_id}/{a.agency_id}.xlsx"
        done.append((unit, rel, put(site_dir / rel, _agency_xlsx(a, reports))))
    return done


def agency_region(a: Agency) -> str:
    parts = [a.province, a.city, a.district]
    seen = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return "".join(seen) or "地区未知"


def to_int(v):
    return None if v in (None, "") else int(float(v))


# Findings about a row's printed label rather than its numbers: marked on the row's label.
ROW_FINDINGS = {"label_variant", "template_mix"}
SEVERITY = {"error": "错误", "warning": "提示"}  # a warning is never called an error


class _Flag:
    """What a cell or row label shows of the findings on it: the colour and outline of the worst
    one, the numbers of the findings (a cell's tooltip is their messages, set by xxgk.js from the
    list rather than written into every cell), and a numbered link to each finding it is the
    place of."""

    __slots__ = ("css", "numbers", "printed", "refs")

    def __init__(self):
        self.css = "xx-warn"
        self.numbers: list[int] = []  # every finding on it, by its number in the year's list
        self.refs: list[tuple[int, str]] = []  # (finding number, severity) linked from here
        self.printed: list[str] = []  # what the report printed there, said under the label

    def add(self, f, number: int, linked: bool = True) -> None:
        if f.severity == "error":
            self.css = "xx-err"
        self.numbers.append(number)
        if linked:
            self.refs.append((number, f.severity))


def _refs(flag: _Flag | None, year: int) -> str:
    """「错误1」「提示2」: links from a cell to its findings in the list above the tables."""
    if not flag or not flag.refs:
        return ""
    links = "".join(
        f"<a id=y{year}-c{n} href=#y{year}-f{n} class=xx-ref-{'err' if sev == 'error' else 'warn'}>"
        f"{SEVERITY.get(sev, sev)}{n}</a>"
        for n, sev in flag.refs
    )
    return f"<sup class=xx-ref>{links}</sup>"


def _class(names: tuple[str, ...]) -> str:
    """` class=…` for the names given (quoted only when there are several), or nothing."""
    value = " ".join(n for n in names if n)
    if not value:
        return ""
    return f' class="{value}"' if " " in value else f" class={value}"


class _Cell:
    """A table cell as its <td>, built once in Python: a page has ~200 cells a year, and one
    escaped string each is several times cheaper than a template fragment each. Written as the
    HTML syntax allows and the page needs, since a page repeats it for every cell of every year:
    no end tag (the next cell or row closes it), attributes unquoted where they can be, numbers
    aligned by the table's CSS (xx-num) rather than a class on each cell."""

    __slots__ = ("td",)

    def __init__(self, key: str, cell: CellValue, flags: dict[str, _Flag], year: int):
        flag = flags.get(key)
        blank = cell.status == CellStatus.BLANK
        attrs = _class((flag.css if flag else "", "xx-blank" if blank else ""))
        if flag:  # the findings' numbers: xxgk.js makes their messages the cell's tooltip
            numbers = " ".join(map(str, flag.numbers))
            attrs += f' data-f="{numbers}"' if " " in numbers else f" data-f={numbers}"
        self.td = Markup(f"<td{attrs}>{html.escape(_shown(cell.value, blank))}{_refs(flag, year)}")


def _row_head(label: str, flag: _Flag | None, year: int, rows: int = 1) -> Markup:
    """A row's label as its <th> (over `rows` rows), with the label as printed where it
    differs; no end tag, as a cell."""
    span = f" rowspan={rows}" if rows > 1 else ""
    texts = flag.printed if flag else []
    printed = "".join(f"<span class=xx-printed>{html.escape(t)}</span>" for t in texts)
    return Markup(
        f"<th{span}{_class((flag.css if flag else '',))}>{html.escape(label)}{printed}{_refs(flag, year)}"
    )


def _shown(value, blank: bool) -> str:
    """A blank prints empty (CSS marks it 「空白」); a value not read prints 「—」."""
    if blank:
        return ""
    return "—" if value is None else plain_number(value)


def _flags(r: Report) -> tuple[dict[str, _Flag], dict[str, _Flag], list[dict]]:
    """The findings numbered in order, placed on cells (「table:row:column」) and on row labels
    (「table:row」), and listed with their numbers."""
    cells: dict[str, _Flag] = {}
    rows: dict[str, _Flag] = {}
    listed = []
    for n, f in enumerate(r.findings, 1):
        keys = [k for k in (f.cells or "").split(";") if k]
        on_row = f.table and f.row and (f.rule in ROW_FINDINGS or not keys)
        if on_row:
            flag = rows.setdefault(f"{f.table}:{f.row}", _Flag())
            flag.add(f, n)
            printed = getattr(f, "text", "")
            if f.rule == "label_variant" and printed:
                flag.printed.append(f"原文印作「{printed}」")
            elif f.rule == "template_mix":
                flag.printed.append(
                    f"原文印的是2019年版的单行「{printed or '（六）其他处理'}」，没有1至3小项"
                )
        # The finding's own cell (row × column) carries its number; the others it sums are marked.
        own = f"{f.row}:{f.column}" if f.row and f.column else (keys[0] if keys else None)
        if own not in keys:
            own = keys[0] if keys else None
        for key in keys:
            cells.setdefault(f"{f.table}:{key}", _Flag()).add(f, n, linked=not on_row and key == own)
        placed = on_row or bool(keys)
        listed.append(
            {
                "n": n,
                "finding": f,
                "severity": SEVERITY.get(f.severity, f.severity),
                "placed": placed and f.table in TABLES_SHOWN,
            }
        )
    return cells, rows, listed


TABLES_SHOWN = {"proactive_disclosure", "applications", "reviews_litigation"}


def _application_entries(r: Report, fmt) -> list:
    """Table 三's printed lines in order. A row of another format that the report printed (a
    2021 report with the 2019 single 「（六）其他处理」 row) is shown as printed, in place of the
    rows it replaces (null) and of their heading."""
    layout = list(fmt.application_layout)
    for foreign in getattr(fmt, "foreign_rows", ()):
        if foreign.code not in r.applications:
            continue
        codes = [e.code if not isinstance(e, str) else None for e in layout]
        first = codes.index(foreign.replaces[0])
        if first and isinstance(layout[first - 1], str):
            first -= 1  # the heading of the rows replaced
        last = codes.index(foreign.replaces[-1])
        layout[first : last + 1] = [foreign]
    return layout


def _year_view(r: Report, summary: dict, source_name: str) -> dict:
    cat = catalogue()
    fmt = cat.formats[r.template]
    flags, row_flags, findings = _flags(r)
    # Table 三 in row groups (<tbody>): a heading row (scope=rowgroup) heads the rows up to the
    # next heading; the numbered rows under a heading (「1.属于国家秘密」) are a group of their own,
    # indented by the CSS of its class ("s"), not by a class on every row.
    groups: list[dict] = []
    for entry in _application_entries(r, fmt):
        if isinstance(entry, str):
            groups.append({"label": entry, "sub": False, "rows": []})
            continue
        sub = entry.label[:1].isdigit()
        if not groups or (groups[-1]["rows"] and groups[-1]["sub"] != sub):
            groups.append({"label": None, "sub": sub, "rows": []})
        groups[-1]["sub"] = sub
        groups[-1]["rows"].append(
            {
                "head": _row_head(entry.label, row_flags.get(f"applications:{entry.code}"), r.year),
                "cells": [
                    _Cell(f"applications:{entry.code}:{c}", v, flags, r.year)
                    for c, v in r.applications[entry.code].items()
                ],
            }
        )
    # Table 二 as the national form merges it: an item's label over its measures' rows, a
    # clause over its items' rows.
    clause_rows: dict[str, int] = {}
    for item in fmt.proactive_items:
        clause_rows[item.clause] = clause_rows.get(item.clause, 0) + len(item.measures)
    proactive = []
    clause = None
    for item in fmt.proactive_items:
        for i, m in enumerate(item.measures):
            head = None
            if i == 0:
                flag = row_flags.get(f"proactive_disclosure:{item.code}")
                head = _row_head(item.label, flag, r.year, len(item.measures))
            proactive.append(
                {
                    "item": head,
                    "clause": item.clause if item.clause != clause else None,
                    "clause_rows": clause_rows[item.clause],
                    "measure": cat.measures[m].label,
                    "unit": cat.measures[m].unit,
                    "cell": _Cell(
                        f"proactive_disclosure:{item.code}:{m}", r.proactive[(item.code, m)], flags, r.year
                    ),
                }
            )
            clause = item.clause
    reviews = [
        _Cell(f"reviews_litigation:{p.code}:{c}", v, flags, r.year)
        for p in cat.proceedings
        for c, v in r.reviews[p.code].items()
    ]
    summary_view = {k: (None if v in (None, "") else v) for k, v in summary.items()}
    for k in ("received", "processed", "reviews", "lawsuits"):
        summary_view[k] = to_int(summary_view.get(k))
    share = summary_view.get("granted_share")
    summary_view["granted_share"] = float(share) if share is not None else None
    on_time = summary_view.get("on_time")
    summary_view["on_time"] = None if on_time is None else on_time == "true"
    return {
        "report": r,
        "summary": summary_view,
        "findings": findings,
        "applications": groups,
        "proactive": proactive,
        "reviews": reviews,
        "source_name": source_name,
    }


# An agency's CSVs, one per national table: agencies/<id>/<id>-<resource>.csv.
AGENCY_TABLES = ("proactive_disclosure", "applications", "reviews_litigation")


def agency_csv_name(agency_id: str, table: str) -> str:
    return f"{agency_id}-{table}.csv"


def agency_header(table: str) -> list[str]:
    """An agency CSV's columns, the package's own names: `year`, `row` (the national row's code),
    then table 三's and 四's columns as `applications` and `reviews_litigation` have them, or for
    table 二 one column per measure (the national row of an item on one line)."""
    cat = catalogue()
    columns = {
        "proactive_disclosure": list(cat.measures),
        "applications": [ap.code for ap in cat.applicants],
        "reviews_litigation": [res.code for res in cat.review_results],
    }[table]
    return ["year", "row", *columns]


def _agency_rows(a: Agency, reports: list[Report]) -> dict[str, list[list]]:
    """Every national-table row of the agency's reports, one line each (as `applications.csv`
    has table 三), by table: about 36 lines a report where the long form had about 300."""
    cat = catalogue()
    tables: dict[str, list[list]] = {t: [] for t in AGENCY_TABLES}
    at = {t: {name: i for i, name in enumerate(agency_header(t))} for t in AGENCY_TABLES}
    for r in reports:
        fmt = cat.formats[r.template]

        def line(table: str, row: str, cells: dict, year: int = r.year) -> None:
            out: list = [None] * len(at[table])
            out[0], out[1] = year, row
            for column, cell in cells.items():
                out[at[table][column]] = cell.value
            tables[table].append(out)

        for item in fmt.proactive_items:
            line("proactive_disclosure", item.code, {m: r.proactive[(item.code, m)] for m in item.measures})
        for code in r.applications:
            line("applications", code, r.applications[code])
        for p in cat.proceedings:
            line("reviews_litigation", p.code, r.reviews[p.code])
    return tables


def _application_labels(r: Report, fmt, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Table 三's rows as the data has them: the format's rows and any row of another format the
    report printed (with the format's label of that row)."""
    foreign = {f.code: f.label for f in getattr(fmt, "foreign_rows", ())}
    return [(code, labels.get(code) or foreign.get(code, code)) for code in r.applications]


def _agency_csv(table: str, rows: list[list]) -> str:
    """One table's rows as CSV with a BOM, which Excel needs to show Chinese; a blank cell is
    empty, as in the package."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(agency_header(table))
    w.writerows([r[0], r[1], *(plain_number(v) for v in r[2:])] for r in rows)
    return buf.getvalue()


def _agency_xlsx(a: Agency, reports: list[Report]) -> bytes:
    """One sheet, the years one under another (latest first), each year's tables laid out as the
    national format prints them; without the optional parts (`_slim_xlsx`), so the same reports
    give the same bytes. One sheet rather than one a year: the years' rows compress together
    (an agency's file 9.5 → 7.9 KB at four reports)."""
    cat = catalogue()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("各年度")
    sheet.set_column(0, 0, 44)
    sheet.write(0, 0, a.name, bold)
    row = 2
    for r in sorted(reports, key=lambda r: -r.year):
        fmt = cat.formats[r.template]
        sheet.write(row, 0, f"{r.year}年（{r.template} 版格式）", bold)
        row += 1
        sheet.write(row, 0, cat.table_titles["proactive_disclosure"], bold)
        row += 1
        for item in fmt.proactive_items:
            for m in item.measures:
                sheet.write_row(
                    row,
                    0,
                    [
                        f"{item.label} · {cat.measures[m].label}",
                        r.proactive[(item.code, m)].value,
                        cat.measures[m].unit,
                    ],
                )
                row += 1
        row += 1
        sheet.write(row, 0, cat.table_titles["applications"], bold)
        sheet.write_row(row + 1, 0, ["", *(ap.label for ap in cat.applicants)], bold)
        row += 2
        for code, label in _application_labels(r, fmt, row_labels(fmt)):
            sheet.write(row, 0, label)
            sheet.write_row(row, 1, [v.value for v in r.applications[code].values()])
            row += 1
        row += 1
        sheet.write(row, 0, cat.table_titles["reviews_litigation"], bold)
        sheet.write_row(row + 1, 0, ["", *(x.label for x in cat.review_results)], bold)
        row += 2
        for p in cat.proceedings:
            sheet.write(row, 0, proceeding_label(p))
            sheet.write_row(row, 1, [v.value for v in r.reviews[p.code].values()])
            row += 1
        row += 2
    book.close()
    return _slim_xlsx(buf.getvalue())


# Parts of a workbook that a spreadsheet does without (ECMA-376: a package needs its workbook and
# sheets; the theme and the document properties are optional), about a fifth of a small agency's
# file: the theme (1.5 KB packed) and the properties (app.xml, core.xml with a time).
_OPTIONAL_PARTS = ("xl/theme/theme1.xml", "docProps/app.xml", "docProps/core.xml")


def _slim_xlsx(data: bytes) -> bytes:
    """xlsxwriter's workbook without its optional parts: their entries in [Content_Types].xml and
    the relationships dropped, and the fonts' references to the theme (colour, scheme), which the
    default font then stands for."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in _OPTIONAL_PARTS:
                continue
            part = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                part = re.sub(rb'<Override PartName="/(?:xl/theme|docProps)/[^"]*"[^>]*/>', b"", part)
            elif info.filename.endswith(".rels"):
                part = re.sub(rb'<Relationship [^>]*Target="(?:theme/|docProps/)[^"]*"/>', b"", part)
            elif info.filename == "xl/styles.xml":
                part = part.replace(b'<color theme="1"/>', b"").replace(b'<scheme val="minor"/>', b"")
            z.writestr(zipfile.ZipInfo(info.filename, info.date_time), part, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()
