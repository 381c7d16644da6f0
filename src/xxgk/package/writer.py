"""Writes the data package: one CSV per resource (UTF-8, comma, header, LF) typed by its
Table Schema, and datapackage.json. Deterministic: rows in a fixed order, no timestamps
other than `created`, which is derived from the inputs (or SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from ..check import deadline
from ..formats import catalogue
from ..parse.report import Report
from .identity import Agency
from .schemas import package_meta, polars_schema, resource_names, schema


def write_table(rows: list[dict], name: str, path: Path) -> int:
    # the schema's columns in its order; a key a row lacks is null (polars reads the dicts in Rust)
    schema = polars_schema(name)
    frame = pl.from_dicts(rows, schema=schema, strict=False) if rows else pl.DataFrame(schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, line_terminator="\n", null_value="", date_format="%Y-%m-%d")
    return frame.height


def report_id(agency: Agency, report: Report) -> str:
    return f"{agency.agency_id}-{report.year}"


def core_rows(
    agencies: list[Agency], published: dict[str, list[Report]], files: list[dict]
) -> dict[str, list[dict]]:
    """Rows of every non-derived resource. `published` maps agency_id → its chosen reports."""
    cat = catalogue()
    out: dict[str, list[dict]] = {n: [] for n in resource_names(derived=False)}
    for a in agencies:
        reports = published[a.agency_id]
        out["agencies"].append(
            {
                "agency_id": a.agency_id,
                "name": a.name,
                "province": a.province,
                "city": a.city,
                "district": a.district,
                "aliases": ";".join(a.aliases) or None,
                "report_count": len(reports),
            }
        )
        for r in reports:
            rid = report_id(a, r)
            fmt = cat.formats[r.template]
            due = deadline(r.year, cat)
            out["reports"].append(
                {
                    "report_id": rid,
                    "agency_id": a.agency_id,
                    "year": r.year,
                    "template": r.template,
                    "title": r.title,
                    "agency_name": r.agency_name,
                    "published_on": r.published_on,
                    "on_time": None if r.published_on is None else r.published_on <= due,
                    "source_file": r.source_file,
                    "source_format": r.source_format,
                    "source_sha256": r.source_sha256,
                    "contact_phone": r.contact_phone,
                    "fee_collected_yuan": r.fee_collected_yuan,
                    "error_checks": r.error_count,
                    "warning_checks": r.warning_count,
                }
            )
            for item in fmt.proactive_items:
                for m in item.measures:
                    out["proactive_disclosure"].append(
                        {
                            "report_id": rid,
                            "item": item.code,
                            "measure": m,
                            "value": r.proactive[(item.code, m)].value,
                            "unit": cat.measures[m].unit,
                        }
                    )
            # the format's rows, and a foreign row in its printed place (TEMPLATE.md, Mixed templates)
            for k, (code, cells) in enumerate(r.applications.items(), start=1):
                out["applications"].append(
                    {
                        "report_id": rid,
                        "row": code,
                        "row_order": k,
                        **{c: v.value for c, v in cells.items()},
                    }
                )
            for p in cat.proceedings:
                out["reviews_litigation"].append(
                    {
                        "report_id": rid,
                        "proceeding": p.code,
                        **{c: v.value for c, v in r.reviews[p.code].items()},
                    }
                )
            for s in r.sections:
                out["sections"].append(
                    {"report_id": rid, "section": s.number, "heading": s.heading, "text": s.text}
                )
            for n, f in enumerate(r.findings, start=1):
                out["checks"].append(
                    {
                        "report_id": rid,
                        "check_no": n,
                        "rule": f.rule,
                        "severity": f.severity,
                        "table": f.table,
                        "row": f.row,
                        "column": f.column,
                        "expected": f.expected,
                        "actual": f.actual,
                        "cells": f.cells or None,
                        "text": f.text or None,
                        "message": f.message,
                    }
                )
    out["source_files"] = sorted(files, key=lambda f: f["source_file"])
    return out


def created(reports: list[Report]) -> str:
    """A timestamp that depends only on the inputs: SOURCE_DATE_EPOCH if set, else the latest
    publication date (or year end) among the reports, so rebuilding changes no byte."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    days = [r.published_on or date(r.year, 12, 31) for r in reports] or [date(2019, 1, 1)]
    return f"{max(days).isoformat()}T00:00:00Z"


def descriptor(created_at: str, counts: dict[str, int]) -> dict:
    meta = package_meta()
    resources = []
    for name, info in meta["resources"].items():
        if name not in counts:
            continue
        resources.append(
            {
                "name": name,
                "type": "table",
                "path": f"data/{name}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": info["title"],
                "description": info["description"],
                "dialect": {"delimiter": ",", "header": True},
                "schema": schema(name),
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "created": created_at,
        "homepage": meta["homepage"],
        "licenses": meta["licenses"],
        "sources": meta["sources"],
        "contributors": meta["contributors"],
        "keywords": meta["keywords"],
        "changelog": meta["changelog"],
        "resources": resources,
    }


def write_descriptor(folder: Path, created_at: str, counts: dict[str, int]) -> Path:
    path = folder / "datapackage.json"
    path.write_text(
        json.dumps(descriptor(created_at, counts), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path
