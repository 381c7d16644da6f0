"""Region and year pages: agencies and sub-regions side by side at stable URLs, a region's years."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from .charts import home_charts
from .incremental import code_fingerprint, digest
from .shell import Shell
from .templating import template_env


@functools.cache  # pinyin is slow and a region is asked for once per agency and page
def region_slug(path: str) -> str:
    """「湖北省/武汉市/硚口区」→ hubei-wuhan-qiaokou (未知 → weizhi)."""
    from ..package.identity import _region_slug

    parts = path.split("/")
    first = PROVINCE_SLUGS.get(parts[0]) or _region_slug(parts[0])
    return "-".join([first, *(_region_slug(p) for p in parts[1:])])


# Toneless pinyin spells 山西 and 陕西 alike (shanxi): 陕西's pages and workbook would overwrite
# 山西's. 陕西 takes the spelling it uses itself, Shaanxi.
PROVINCE_SLUGS = {"陕西省": "shaanxi", "陕西": "shaanxi"}


# A comparison table longer than this is split (a national year has ~100,000 reports, a
# province ~10,000 agencies): the page then compares sub-regions and links to their pages.
PAGE_ROWS = 2000


def write_region_and_year_pages(pkg: Path, shell: Shell, reports: list[dict], rollups: list[dict]) -> None:
    """A page per region (province, city, district) and per year: every agency side by side,
    the sub-regions side by side, and the region's totals across years. `rollups` are the rows of
    region_year_summary, each with its region's `slug`."""
    years = pl.read_csv(pkg / "data" / "year_summary.csv", infer_schema_length=0).to_dicts()
    env = template_env()
    by_region: dict[str, list[dict]] = {}  # every report under each of its three region prefixes
    for r in reports:
        for path in _region_prefixes(r):
            by_region.setdefault(path, []).append(r)
    regions: dict[str, dict] = {}
    children: dict[tuple[str, str], list[dict]] = {}  # (parent region, year) → its sub-regions' rows
    for row in rollups:
        regions.setdefault(row["region"], {"region": row["region"], "level": row["level"], "years": []})
        regions[row["region"]]["years"].append(row)
        parent = row["region"].rpartition("/")[0]
        children.setdefault((parent, row["year"]), []).append(row)
    code = code_fingerprint()

    def pour(location: str, title: str, template, chart_years: list[dict] | None = None, **ctx) -> None:
        """Render and write a page, unless it shows what it showed in the last build: its rows are
        its inputs (with the shell and the code), and its files are then kept as they are."""
        unit = f"page:{location}"
        if shell.out.fresh(unit, digest(code, shell.digest, title, template.name, ctx)):
            shell.locations.append(location)
            return
        if chart_years is not None:
            ctx["charts"] = home_charts(chart_years)
        shell.pour(location, title, template.render(**ctx), unit)

    template = env.get_template("region.html.j2")
    for path, info in sorted(regions.items()):
        slug = region_slug(path)
        latest = str(max(int(y["year"]) for y in info["years"]))
        newest: dict[str, dict] = {}  # each agency's most recent report: every agency appears
        for r in by_region.get(path, []):
            if r["agency_id"] not in newest or int(r["year"]) > int(newest[r["agency_id"]]["year"]):
                newest[r["agency_id"]] = r
        latest_rows = sorted(newest.values(), key=lambda r: r["agency_name"])
        split = len(latest_rows) > PAGE_ROWS
        if split:  # only the agencies placed at this level; the rest are on the sub-regions' pages
            latest_rows = [
                r for r in latest_rows if home_region(r["province"], r["city"], r["district"]) == path
            ]
        parent = path.rpartition("/")[0]
        pour(
            f"regions/{slug}/",
            path.replace("/", ""),
            template,
            chart_years=info["years"],
            region=path,
            level=info["level"],
            years=info["years"],
            latest=latest,
            rows=latest_rows,
            split=split,
            subregions=children.get((path, latest), []),
            slug=slug,
            parent=parent,
            parent_slug=region_slug(parent) if parent else "",
        )
    template = env.get_template("year.html.j2")
    for y in years:
        rows = [r for r in reports if r["year"] == y["year"]]
        provinces = children.get(("", y["year"]), [])
        split = len(rows) > PAGE_ROWS
        pour(
            f"years/{y['year']}/",
            f"{y['year']}年度",
            template,
            year=y,
            rows=[] if split else rows,
            split=split,
            provinces=provinces,
            province=None,
        )
        if split:  # one page per province and year, two folders deep like every poured page
            for prov in provinces:
                prov_rows = [r for r in by_region[prov["region"]] if r["year"] == y["year"]]
                pour(
                    f"years/{y['year']}-{prov['slug']}/",
                    f"{y['year']}年度 · {prov['region']}",
                    template,
                    year=prov,
                    rows=prov_rows,
                    split=False,
                    provinces=[],
                    province=prov,
                )


def home_region(province: str | None, city: str | None, district: str | None) -> str:
    """The deepest region an agency is known to belong to, as region_year_summary names it
    (「湖北省/武汉市/硚口区」; 「湖北省」 for a province's own department; 「未知」 for a gap)."""
    parts = [province, city, district]
    depth = max((i + 1 for i, p in enumerate(parts) if p), default=1)
    return "/".join(p or "未知" for p in parts[:depth])


def _region_prefixes(r: dict) -> list[str]:
    """「湖北省」「湖北省/武汉市」…: the regions a report counts in, down to its deepest known one
    (names as region_year_summary gives them, 「未知」 for a level not known)."""
    parts = [r[k] or "未知" for k in ("province", "city", "district")]
    return ["/".join(parts[:depth]) for depth in (1, 2, 3)]
