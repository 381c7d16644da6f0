"""What a change of reports did to the data: two built data packages compared.

`diff_packages(old, new)` returns a `PackageDiff`, a frozen value; `xxgk.diff.render` turns it
into Markdown, JSON or one short line (STYLE.md example 2: compute in the library, render at
the edge, as owid's `datadiff`). Only the data packages are read — never `reports/` or a build
in memory (R1) — each CSV typed by the Table Schema in its *own* `datapackage.json`, so a
package written by an older version of xxgk compares with a newer one (fields present in only
one of them are listed as schema changes and otherwise ignored).

DuckDB reads the CSVs and does the joins: 10,000 reports (about 600,000 cells) compare in a
couple of seconds. `sections.csv` (most of a package's bytes) is not read.

What counts as what:
- reports are matched by `report_id`; same id with another `source_sha256` or `source_file`
  is a *replaced* report;
- cells are compared only for reports in both packages (an added report's cells are its
  data, not changes); a blank (null) cell is never equal to 0;
- findings are matched by (report, rule, severity, table, row, column) as a multiset, so a
  finding whose numbers moved but which still stands is neither new nor resolved. New
  findings include those of added reports; findings that left with a removed report are not
  counted as resolved;
- agencies are matched by `agency_id`: same id with another name is a rename; aliases are
  compared as sets.
"""

from __future__ import annotations

import csv as csvmod
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

__all__ = [
    "AgencyChange",
    "AgencyRef",
    "AliasChange",
    "CellChange",
    "FieldChange",
    "Finding",
    "PackageDiff",
    "ReplacedReport",
    "ReportRef",
    "SchemaChange",
    "SourceFile",
    "diff_packages",
]

Value = str | int | float | bool | None

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "BIGINT",
}

# Cell tables: (resource, row key, how its value columns are laid out). Columns not named
# here are values unless they are keys or bookkeeping.
CELL_TABLES = {
    "proactive_disclosure": ("item", "measure"),  # long: one value column
    "applications": ("row", None),  # wide: a value per applicant column
    "reviews_litigation": ("proceeding", None),  # wide: a value per result column
}
NOT_VALUES = {"report_id", "row", "row_order", "proceeding", "item", "measure", "unit"}
FINDING_KEY = ("report_id", "rule", "severity", "table", "row", "column")
# reports' fields compared as metadata; the file and the counts are reported otherwise
REPORT_FIELDS_SKIPPED = {"report_id", "source_file", "source_sha256", "error_checks", "warning_checks"}
RESOURCES = ("agencies", "reports", "checks", "source_files", *CELL_TABLES)


@dataclass(frozen=True)
class ReportRef:
    report_id: str
    agency_id: str | None
    agency_name: str | None
    year: int | None
    source_file: str | None
    source_sha256: str | None
    error_checks: int | None
    warning_checks: int | None


@dataclass(frozen=True)
class ReplacedReport:
    report_id: str
    agency_name: str | None
    old_file: str | None
    new_file: str | None
    old_sha256: str | None
    new_sha256: str | None


@dataclass(frozen=True)
class FieldChange:
    """A field of a report's metadata (the `reports` resource) that changed."""

    report_id: str
    field: str
    old: Value
    new: Value


@dataclass(frozen=True)
class CellChange:
    """One cell of table 二, 三 or 四 (named by resource, row code and column code).
    None is a blank cell, or a row the package does not have."""

    table: str
    report_id: str
    row: str
    column: str
    old: Value
    new: Value


@dataclass(frozen=True)
class Finding:
    report_id: str
    rule: str
    severity: str
    table: str | None
    row: str | None
    column: str | None
    expected: Value
    actual: Value
    message: str | None


@dataclass(frozen=True)
class AgencyRef:
    agency_id: str
    name: str | None
    province: str | None
    city: str | None
    district: str | None


@dataclass(frozen=True)
class AgencyChange:
    """Same `agency_id`, another canonical name."""

    agency_id: str
    old_name: str | None
    new_name: str | None


@dataclass(frozen=True)
class AliasChange:
    agency_id: str
    name: str | None
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """A file of the new package that is not published (skipped or a duplicate) and was not
    so, with the same content, in the old one."""

    source_file: str
    source_sha256: str | None
    status: str
    reason: str | None


@dataclass(frozen=True)
class SchemaChange:
    resource: str
    field: str
    change: str  # "added" | "removed"


@dataclass(frozen=True)
class PackageDiff:
    old: str
    new: str
    old_missing: bool = False
    reports_added: tuple[ReportRef, ...] = ()
    reports_removed: tuple[ReportRef, ...] = ()
    reports_replaced: tuple[ReplacedReport, ...] = ()
    report_fields: tuple[FieldChange, ...] = ()
    cells: tuple[CellChange, ...] = ()
    findings_new: tuple[Finding, ...] = ()
    findings_resolved: tuple[Finding, ...] = ()
    agencies_added: tuple[AgencyRef, ...] = ()
    agencies_removed: tuple[AgencyRef, ...] = ()
    agencies_renamed: tuple[AgencyChange, ...] = ()
    aliases_changed: tuple[AliasChange, ...] = ()
    files_unpublished: tuple[SourceFile, ...] = ()
    schema_changes: tuple[SchemaChange, ...] = field(default=())

    @property
    def new_errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings_new if f.severity == "error")

    @property
    def resolved_errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings_resolved if f.severity == "error")

    @property
    def new_warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings_new if f.severity != "error")

    @property
    def resolved_warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings_resolved if f.severity != "error")

    def counts(self) -> dict[str, int]:
        return {
            "reports_added": len(self.reports_added),
            "reports_removed": len(self.reports_removed),
            "reports_replaced": len(self.reports_replaced),
            "report_fields": len(self.report_fields),
            "cells": len(self.cells),
            "errors_new": len(self.new_errors),
            "errors_resolved": len(self.resolved_errors),
            "warnings_new": len(self.new_warnings),
            "warnings_resolved": len(self.resolved_warnings),
            "agencies_added": len(self.agencies_added),
            "agencies_removed": len(self.agencies_removed),
            "agencies_renamed": len(self.agencies_renamed),
            "aliases_changed": len(self.aliases_changed),
            "files_unpublished": len(self.files_unpublished),
            "schema_changes": len(self.schema_changes),
        }

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "counts": self.counts()}


def descriptor_path(path: Path) -> Path:
    """A package given as its folder, its datapackage.json, or a build's OUT folder."""
    path = Path(path)
    if not path.is_dir():
        return path
    if not (path / "datapackage.json").exists() and (path / "datapackage/datapackage.json").exists():
        return path / "datapackage/datapackage.json"
    return path / "datapackage.json"


class _Side:
    """One package loaded into DuckDB as tables `<prefix>_<resource>`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, prefix: str, descriptor: Path | None):
        self.con, self.prefix = con, prefix
        self.fields: dict[str, dict[str, str]] = {}
        if descriptor is None:
            return
        meta = json.loads(descriptor.read_text("utf-8"))
        for res in meta.get("resources", []):
            name = res.get("name")
            if name not in RESOURCES:
                continue
            schema = res.get("schema", {})
            if isinstance(schema, str):
                schema = json.loads((descriptor.parent / schema).read_text("utf-8"))
            cols = {f["name"]: DUCKDB_TYPES.get(f.get("type", "string"), "VARCHAR") for f in schema["fields"]}
            path = descriptor.parent / res["path"]
            with path.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csvmod.reader(fh), [])
            if header == list(cols):  # as xxgk writes it: typed in one pass
                source = (
                    "read_csv(?, header=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
                    f"nullstr='', dateformat='%Y-%m-%d', columns={_struct(cols)})"
                )
            else:  # columns in another order, or missing: read as text, cast by name
                cols = {c: t for c, t in cols.items() if c in header}
                casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in cols.items())
                source = f"(SELECT {casts} FROM read_csv(?, header=true, all_varchar=true, nullstr=''))"
            self.fields[name] = cols
            con.execute(f"CREATE TABLE {self.t(name)} AS SELECT * FROM {source}", [str(path)])

    def t(self, resource: str) -> str:
        return f"{self.prefix}_{resource}"

    def like(self, other: _Side) -> None:
        """Empty tables shaped as `other`'s, for resources this package lacks."""
        for name, cols in other.fields.items():
            if name not in self.fields:
                body = ", ".join(f'"{c}" {t}' for c, t in cols.items())
                self.con.execute(f"CREATE TABLE {self.t(name)} ({body})")
                self.fields[name] = dict(cols)

    def col(self, resource: str, name: str, alias: str) -> str:
        """`alias."name"`, or NULL when this package's resource has no such field."""
        return f'{alias}."{name}"' if name in self.fields.get(resource, {}) else "NULL"


def _struct(cols: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols.items()) + "}"


def _plain(v: Any) -> Value:
    """JSON-ready: dates as ISO text, whole floats as integers, NaN as None."""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return int(v) if v.is_integer() else v
    return v


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in con.execute(sql).fetchall()]


def diff_packages(old: Path | None, new: Path) -> PackageDiff:
    """Compare two built data packages (folders or datapackage.json files). A missing OLD
    (None, or a path with no datapackage.json: a first build) makes everything added."""
    new_desc = descriptor_path(new)
    if not new_desc.is_file():
        raise FileNotFoundError(f"找不到数据包：{new_desc}")
    old_desc = descriptor_path(old) if old is not None else None
    old_missing = old_desc is None or not old_desc.is_file()
    con = duckdb.connect()
    try:
        o = _Side(con, "o", None if old_missing else old_desc)
        n = _Side(con, "n", new_desc)
        o.like(n)
        n.like(o)
        return PackageDiff(
            old=str(old_desc) if old_desc is not None else "",
            new=str(new_desc),
            old_missing=old_missing,
            **_reports(con, o, n),
            cells=_cells(con, o, n),
            **_findings(con, o, n),
            **_agencies(con, o, n),
            files_unpublished=_files(con, o, n),
            schema_changes=_schema_changes(o, n),
        )
    finally:
        con.close()


def _report_ref_sql(side: _Side, where: str) -> str:
    r = "reports"
    cols = [
        "agency_id",
        "agency_name",
        "year",
        "source_file",
        "source_sha256",
        "error_checks",
        "warning_checks",
    ]
    picked = ", ".join(side.col(r, c, "x") for c in cols)
    return f"SELECT x.report_id, {picked} FROM {side.t(r)} x WHERE {where} ORDER BY x.report_id"


def _reports(con, o: _Side, n: _Side) -> dict[str, tuple]:
    added = _rows(con, _report_ref_sql(n, f"x.report_id NOT IN (SELECT report_id FROM {o.t('reports')})"))
    removed = _rows(con, _report_ref_sql(o, f"x.report_id NOT IN (SELECT report_id FROM {n.t('reports')})"))
    of, nf = o.col("reports", "source_file", "a"), n.col("reports", "source_file", "b")
    osha, nsha = o.col("reports", "source_sha256", "a"), n.col("reports", "source_sha256", "b")
    replaced = _rows(
        con,
        f"""SELECT b.report_id, {n.col("reports", "agency_name", "b")}, {of}, {nf}, {osha}, {nsha}
            FROM {o.t("reports")} a JOIN {n.t("reports")} b USING (report_id)
            WHERE {osha} IS DISTINCT FROM {nsha} OR {of} IS DISTINCT FROM {nf}
            ORDER BY b.report_id""",
    )
    common = [c for c in n.fields["reports"] if c in o.fields["reports"] and c not in REPORT_FIELDS_SKIPPED]
    fields: list[tuple] = []
    for c in common:  # one query per field keeps each field's type
        fields += _rows(
            con,
            f"""SELECT report_id, '{c}', a."{c}", b."{c}"
                FROM {o.t("reports")} a JOIN {n.t("reports")} b USING (report_id)
                WHERE a."{c}" IS DISTINCT FROM b."{c}" """,
        )
    order = {c: k for k, c in enumerate(common)}
    fields.sort(key=lambda r: (r[0], order[r[1]]))
    return {
        "reports_added": tuple(ReportRef(*r) for r in added),
        "reports_removed": tuple(ReportRef(*r) for r in removed),
        "reports_replaced": tuple(ReplacedReport(*r) for r in replaced),
        "report_fields": tuple(FieldChange(*r) for r in fields),
    }


def _cells(con, o: _Side, n: _Side) -> tuple[CellChange, ...]:
    """Wide rows joined on their keys; only rows with a difference come back to Python,
    where they are cut into cells (joining a long table of every cell, 1.7 M rows at 10,000
    reports, was several times slower)."""
    con.execute(
        f"CREATE TEMP TABLE common_reports AS "
        f"SELECT report_id FROM {o.t('reports')} INTERSECT SELECT report_id FROM {n.t('reports')}"
    )
    out: list[CellChange] = []
    for resource, (row_key, column_key) in CELL_TABLES.items():
        out += _table_cells(con, o, n, resource, row_key, column_key)
    out.sort(key=lambda c: c.report_id)  # stable: keeps table and row order within a report
    return tuple(out)


def _table_cells(
    con, o: _Side, n: _Side, resource: str, row_key: str, column_key: str | None
) -> list[CellChange]:
    keys = ["report_id", row_key] + ([column_key] if column_key else [])
    if any(k not in o.fields[resource] or k not in n.fields[resource] for k in keys):
        return []
    columns = [c for c in n.fields[resource] if c in o.fields[resource] and c not in NOT_VALUES]
    if column_key is not None:
        columns = [c for c in columns if c == "value"]
    if not columns:
        return []
    a, b = (
        f"(SELECT * FROM {x.t(resource)} WHERE report_id IN (SELECT report_id FROM common_reports))"
        for x in (o, n)
    )
    num = [(f'CAST(a."{c}" AS DOUBLE)', f'CAST(b."{c}" AS DOUBLE)') for c in columns]
    rows = _rows(
        con,
        f"""SELECT {", ".join(f'COALESCE(a."{k}", b."{k}")' for k in keys)},
                   {", ".join(f"{x}, {y}" for x, y in num)}
            FROM {a} a FULL JOIN {b} b ON {" AND ".join(f'a."{k}" = b."{k}"' for k in keys)}
            WHERE {" OR ".join(f"{x} IS DISTINCT FROM {y}" for x, y in num)}""",
    )
    cells = []
    for r in rows:
        values = r[len(keys) :]
        for k, c in enumerate(columns):
            old, new = values[2 * k], values[2 * k + 1]
            if old != new or (old is None) != (new is None):
                cells.append(CellChange(resource, r[0], r[1], r[2] if column_key else c, old, new))
    # the table's own order: rows (and a long table's columns) as the package lists them
    order = _order(con, n, resource, keys[1:])
    col_order = {c: k for k, c in enumerate(columns)}

    def place(c: CellChange) -> tuple:
        at = order.get((c.row, c.column) if column_key else (c.row,), len(order))
        return (c.report_id, at, c.row, col_order.get(c.column, 0), c.column)

    return sorted(cells, key=place)


def _order(con, side: _Side, resource: str, keys: list[str]) -> dict[tuple, int]:
    """Each row key's first place in the package (row_order where the table has it)."""
    first = "MIN(row_order)" if "row_order" in side.fields[resource] else "MIN(rowid)"
    cols = ", ".join(f'"{k}"' for k in keys)
    rows = con.execute(
        f"SELECT {cols}, {first} AS k FROM {side.t(resource)} GROUP BY ALL ORDER BY k"
    ).fetchall()
    return {tuple(r[:-1]): i for i, r in enumerate(rows)}


def _findings(con, o: _Side, n: _Side) -> dict[str, tuple[Finding, ...]]:
    def numbered(side: _Side) -> str:
        key = ", ".join(side.col("checks", c, "x") + f' AS "{c}"' for c in FINDING_KEY)
        rest = ", ".join(side.col("checks", c, "x") + f' AS "{c}"' for c in ("expected", "actual", "message"))
        order = side.col("checks", "check_no", "x")
        part = ", ".join(f'"{c}"' for c in FINDING_KEY)
        return (
            f"SELECT *, row_number() OVER (PARTITION BY {part} ORDER BY no) AS k FROM "
            f"(SELECT {key}, {rest}, {order} AS no FROM {side.t('checks')} x)"
        )

    match = " AND ".join(f'a."{c}" IS NOT DISTINCT FROM b."{c}"' for c in (*FINDING_KEY, "k"))
    cols = ", ".join(f'a."{c}"' for c in (*FINDING_KEY, "expected", "actual", "message"))

    def only(a: _Side, b: _Side, reports_of: _Side) -> list[tuple]:
        return _rows(
            con,
            f"""SELECT {cols} FROM ({numbered(a)}) a
                WHERE NOT EXISTS (SELECT 1 FROM ({numbered(b)}) b WHERE {match})
                  AND a.report_id IN (SELECT report_id FROM {reports_of.t("reports")})
                ORDER BY a.severity = 'error' DESC, a.report_id, a.no""",
        )

    return {
        "findings_new": tuple(Finding(*r) for r in only(n, o, n)),
        # findings that left with a removed report are not "resolved"
        "findings_resolved": tuple(Finding(*r) for r in only(o, n, n)),
    }


def _agencies(con, o: _Side, n: _Side) -> dict[str, tuple]:
    a = "agencies"

    def refs(x: _Side, y: _Side) -> list[tuple]:
        picked = ", ".join(x.col(a, c, "g") for c in ("name", "province", "city", "district"))
        return _rows(
            con,
            f"SELECT g.agency_id, {picked} FROM {x.t(a)} g "
            f"WHERE g.agency_id NOT IN (SELECT agency_id FROM {y.t(a)}) ORDER BY g.agency_id",
        )

    both = _rows(
        con,
        f"""SELECT agency_id, {o.col(a, "name", "p")}, {n.col(a, "name", "q")},
                   {o.col(a, "aliases", "p")}, {n.col(a, "aliases", "q")}
            FROM {o.t(a)} p JOIN {n.t(a)} q USING (agency_id) ORDER BY agency_id""",
    )
    renamed, aliases = [], []
    for agency_id, old_name, new_name, old_aliases, new_aliases in both:
        if old_name != new_name:
            renamed.append(AgencyChange(agency_id, old_name, new_name))
        before, after = _split(old_aliases), _split(new_aliases)
        if before != after:
            aliases.append(
                AliasChange(agency_id, new_name, tuple(sorted(after - before)), tuple(sorted(before - after)))
            )
    return {
        "agencies_added": tuple(AgencyRef(*r) for r in refs(n, o)),
        "agencies_removed": tuple(AgencyRef(*r) for r in refs(o, n)),
        "agencies_renamed": tuple(renamed),
        "aliases_changed": tuple(aliases),
    }


def _split(aliases: Value) -> set[str]:
    return {s.strip() for s in str(aliases or "").split(";") if s.strip()}


def _files(con, o: _Side, n: _Side) -> tuple[SourceFile, ...]:
    s = "source_files"
    if "status" not in n.fields.get(s, {}):
        return ()
    sha_o, sha_n = o.col(s, "source_sha256", "p"), n.col(s, "source_sha256", "q")
    rows = _rows(
        con,
        f"""SELECT q.source_file, {sha_n}, q.status, {n.col(s, "reason", "q")} FROM {n.t(s)} q
            WHERE q.status <> 'published' AND NOT EXISTS (
                SELECT 1 FROM {o.t(s)} p WHERE p.source_file = q.source_file
                  AND {sha_o} IS NOT DISTINCT FROM {sha_n} AND {o.col(s, "status", "p")} = q.status)
            ORDER BY q.source_file""",
    )
    return tuple(SourceFile(*r) for r in rows)


def _schema_changes(o: _Side, n: _Side) -> tuple[SchemaChange, ...]:
    out = []
    for resource in RESOURCES:
        before, after = o.fields.get(resource, {}), n.fields.get(resource, {})
        if not before or not after:
            continue
        out += [SchemaChange(resource, f, "added") for f in after if f not in before]
        out += [SchemaChange(resource, f, "removed") for f in before if f not in after]
    return tuple(out)
