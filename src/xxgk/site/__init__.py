"""Stage 6 — site: Markdown pages from Jinja2 templates, built by MkDocs Material.

Pages are rendered in one pass with autoescape on (text from reports is never trusted), then
MkDocs builds the static site. Agency pages are kept out of `nav` (TOOLING.md: an implicit nav
grows with the square of the page count).
"""

from __future__ import annotations

import csv
import html
import io
import json
import multiprocessing
import re
import os
import shutil
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from importlib import resources
from pathlib import Path

import polars as pl
import xlsxwriter
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..formats import catalogue
from .charts import agency_charts, home_charts, summary_card
from .downloads import FILES, citation, json_ld, make_downloads, write_workbook
from ..package.identity import Agency
from ..package.schemas import package_meta
from ..package.writer import report_id
from ..parse.normalize import CellStatus, CellValue
from ..parse.report import Report
from ..parse.tables import proceeding_label, row_labels

HERE = Path(str(resources.files(__package__)))
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    return env


def build_site(pkg: Path, agencies: list[Agency], published: dict[str, list[Report]],
               site_dir: Path, out_dir: Path, reports_dir: Path, site_url: str | None = None) -> None:
    # Kept after the build: the repository's mkdocs.yml previews it with `mkdocs serve`.
    docs = out_dir / "build" / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    # Read once, used by the home, agency, region and year pages.
    summaries = pl.read_csv(pkg / "data" / "report_summary.csv", infer_schema_length=0).to_dicts()
    summary = {r["report_id"]: r for r in summaries}
    # Excel files are the slowest part of the site (xlsxwriter is pure Python): the data workbook
    # and the agencies' workbooks are written by two more processes while this one writes the
    # pages ("spawn": polars' threads make a forked child unsafe).
    workbook_part = docs.parent / f"{FILES['xlsx']}.part"
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        workbook = pool.submit(write_workbook, pkg, workbook_part)
        write_pages(pkg, agencies, published, docs, summary)
        run_mkdocs(docs, site_dir, site_url)
        shell = Shell(site_dir)
        agency_workbooks = write_agency_pages(agencies, published, shell, reports_dir, summary, pool)
        write_region_and_year_pages(pkg, shell, summaries)
        shell.write_search_entries()
        for done in agency_workbooks:
            done.result()
        os.replace(workbook.result(), site_dir / "downloads" / FILES["xlsx"])
    if site_url:
        created = json.loads((pkg / "datapackage.json").read_text("utf-8"))["created"]
        write_sitemaps(site_dir, site_url, _mkdocs_pages(docs)
                       + [e["location"] for e in shell.entries], created[:10])


SHELL = "_shell"
TITLE_TOKEN = "XXGKTITLETOKEN"
BODY_TOKEN = "XXGKBODYTOKEN"


class Shell:
    """The page MkDocs built around a placeholder (agencies/_shell/): theme, navigation and
    assets for any page two folders deep. Pages are poured into it with their own title."""

    def __init__(self, site_dir: Path):
        shell_dir = site_dir / "agencies" / SHELL
        page = (shell_dir / "index.html").read_text("utf-8")
        self.head, sep, self.tail = page.partition(BODY_TOKEN)
        if not sep or SHELL in self.head.replace(f"agencies/{SHELL}", "") + self.tail:
            raise RuntimeError("the shell page lost its placeholder")
        shutil.rmtree(shell_dir)
        self.site_dir = site_dir
        self.entries: list[dict] = []

    def pour(self, location: str, title: str, body: str, search_text: str) -> None:
        """Write site/<location>index.html (location like 「agencies/<id>/」) and its search entry."""
        name = html.escape(title)
        page = self.head.replace(TITLE_TOKEN, name) + body + self.tail.replace(TITLE_TOKEN, name)
        folder = self.site_dir / location
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(page.replace(f"agencies/{SHELL}/", location), encoding="utf-8")
        self.entries.append({"location": location, "title": _segment(title),
                             "text": html.escape(_segment(search_text))})

    def write_search_entries(self) -> None:
        index_path = self.site_dir / "search" / "search_index.json"
        index = json.loads(index_path.read_text("utf-8"))
        index["docs"] = [d for d in index["docs"] if not d["location"].startswith(f"agencies/{SHELL}/")]
        index["docs"] += self.entries
        index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_agency_pages(agencies: list[Agency], published: dict[str, list[Report]], shell: Shell,
                       reports_dir: Path, summary: dict[str, dict], pool: Executor) -> list[Future]:
    """Every agency page from one Jinja2 template in one pass (about a millisecond a page, where
    MkDocs takes about a hundred), with its downloads; the workbooks are sent to `pool`, and the
    returned futures say when they are written."""
    cat = catalogue()
    rule_titles = {code: r.title for code, r in cat.rules.items()}
    template = _env().get_template("agency.html.j2")
    workbooks: list[Future] = []
    batch: list[tuple[Agency, list[Report], Path]] = []
    for a in agencies:
        chosen = published[a.agency_id]
        folder = shell.site_dir / "agencies" / a.agency_id
        folder.mkdir(parents=True, exist_ok=True)
        year_views = []
        for r in sorted(chosen, key=lambda r: -r.year):
            source = reports_dir / r.source_file
            source_name = f"{report_id(a, r)}{source.suffix or '.txt'}"
            if source.exists():
                shutil.copyfile(source, folder / source_name)
            year_views.append(_year_view(r, summary.get(report_id(a, r), {}), source_name))
        by_year = {r.year: summary.get(report_id(a, r), {}) for r in chosen}
        rows = _agency_rows(a, chosen)
        (folder / f"{a.agency_id}.csv").write_text(_agency_csv(rows), encoding="utf-8-sig")
        batch.append((a, chosen, folder / f"{a.agency_id}.xlsx"))
        if len(batch) == XLSX_BATCH:
            workbooks.append(pool.submit(_agency_workbooks, batch))
            batch = []
        body = template.render(agency=a, region=_region(a), region_slug=region_slug(_region_path(a)),
                               years=year_views, rule_titles=rule_titles,
                               card=summary_card(chosen, by_year), charts=agency_charts(chosen, by_year))
        findings = " ".join(f.message for r in chosen for f in r.findings if f.severity == "error")
        shell.pour(f"agencies/{a.agency_id}/", a.name, body, " ".join([_region(a), *a.aliases, findings]))
    if batch:
        workbooks.append(pool.submit(_agency_workbooks, batch))
    return workbooks


XLSX_BATCH = 50  # agencies' workbooks per task sent to another process


def _agency_workbooks(batch: list[tuple[Agency, list[Report], Path]]) -> None:
    for a, reports, path in batch:
        _agency_xlsx(a, reports, path)


def region_slug(path: str) -> str:
    """「湖北省/武汉市/硚口区」→ hubei-wuhan-qiaokou (未知 → weizhi)."""
    from ..package.identity import _region_slug

    return "-".join(_region_slug(p) for p in path.split("/"))


# A comparison table longer than this is split (a national year has ~100,000 reports, a
# province ~10,000 agencies): the page then compares sub-regions and links to their pages.
PAGE_ROWS = 2000


def write_region_and_year_pages(pkg: Path, shell: Shell, reports: list[dict]) -> None:
    """A page per region (province, city, district) and per year: every agency side by side,
    the sub-regions side by side, and the region's totals across years."""
    data = pkg / "data"
    rollups = pl.read_csv(data / "region_year_summary.csv", infer_schema_length=0).to_dicts()
    years = pl.read_csv(data / "year_summary.csv", infer_schema_length=0).to_dicts()
    env = _env()
    by_region: dict[str, list[dict]] = {}  # every report under each of its three region prefixes
    for r in reports:
        for path in _region_prefixes(r):
            by_region.setdefault(path, []).append(r)
    regions: dict[str, dict] = {}
    children: dict[tuple[str, str], list[dict]] = {}  # (parent region, year) → its sub-regions' rows
    for row in rollups:
        row["slug"] = region_slug(row["region"])
        regions.setdefault(row["region"], {"region": row["region"], "level": row["level"], "years": []})
        regions[row["region"]]["years"].append(row)
        parent = row["region"].rpartition("/")[0]
        children.setdefault((parent, row["year"]), []).append(row)
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
            latest_rows = [r for r in latest_rows if _home_region(r) == path]
        parent = path.rpartition("/")[0]
        body = template.render(region=path, level=info["level"], years=info["years"], latest=latest,
                               rows=latest_rows, split=split, subregions=children.get((path, latest), []),
                               slug=slug, parent=parent, parent_slug=region_slug(parent) if parent else "",
                               charts=home_charts(info["years"]))
        shell.pour(f"regions/{slug}/", path.replace("/", ""), body, path)
    template = env.get_template("year.html.j2")
    for y in years:
        rows = [r for r in reports if r["year"] == y["year"]]
        provinces = children.get(("", y["year"]), [])
        split = len(rows) > PAGE_ROWS
        body = template.render(year=y, rows=[] if split else rows, split=split, provinces=provinces,
                               province=None)
        shell.pour(f"years/{y['year']}/", f"{y['year']}年度", body, y["year"])
        if split:  # one page per province and year, two folders deep like every poured page
            for prov in provinces:
                prov_rows = [r for r in rows if _region_prefixes(r)[0] == prov["region"]]
                body = template.render(year=prov, rows=prov_rows, split=False, provinces=[], province=prov)
                shell.pour(f"years/{y['year']}-{prov['slug']}/", f"{y['year']}年度 · {prov['region']}", body,
                           f"{y['year']} {prov['region']}")


def _home_region(r: dict) -> str:
    """The deepest region a report's agency is known to belong to (「湖北省」 for a province's own
    department), as _region_path does for an Agency."""
    parts = [r[k] for k in ("province", "city", "district")]
    depth = max((i + 1 for i, p in enumerate(parts) if p), default=1)
    return "/".join(p or "未知" for p in parts[:depth])


def _region_prefixes(r: dict) -> list[str]:
    """「湖北省」「湖北省/武汉市」…: the regions a report counts in, down to its deepest known one
    (names as region_year_summary gives them, 「未知」 for a level not known)."""
    parts = [r[k] or "未知" for k in ("province", "city", "district")]
    return ["/".join(parts[:depth]) for depth in (1, 2, 3)]


def _segment(text: str) -> str:
    """Chinese text cut into words with zero-width spaces, as Material's search plugin does."""
    import jieba

    return re.sub(r"[\u4e00-\u9fff]+", lambda m: "\u200b" + "\u200b".join(jieba.cut(m.group(0))) + "\u200b",
                  text)


def run_mkdocs(docs: Path, site_dir: Path, site_url: str | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    extra = {"site_url": site_url.rstrip("/") + "/"} if site_url else {}
    cfg = load_config(config_file=str(HERE / "mkdocs.yml"), docs_dir=str(docs),
                      site_dir=str(site_dir), **extra)
    build(cfg)


def _mkdocs_pages(docs: Path) -> list[str]:
    """The pages MkDocs built, as locations (「」, 「data/」, 「regions/」), the shell left out."""
    pages = []
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).as_posix()
        if SHELL in rel:
            continue
        rel = rel.removesuffix(".md")
        pages.append("" if rel == "index" else rel.removesuffix("/index").removesuffix("index") + "/")
    return pages


SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org)


def write_sitemaps(site_dir: Path, site_url: str, locations: list[str], lastmod: str) -> None:
    """sitemap.xml for every page, agency pages included (MkDocs only knows its own pages). Past
    50,000 pages it becomes a sitemap index over sitemap-1.xml, sitemap-2.xml, …"""
    import gzip
    from xml.sax.saxutils import escape

    base = site_url.rstrip("/") + "/"

    def urlset(locs: list[str]) -> str:
        urls = "".join(f"<url><loc>{escape(base + loc)}</loc><lastmod>{lastmod}</lastmod></url>\n" for loc in locs)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')

    locations = sorted(set(locations))
    for old in site_dir.glob("sitemap*.xml*"):
        old.unlink()
    if len(locations) <= SITEMAP_LIMIT:
        files = {"sitemap.xml": urlset(locations)}
    else:
        chunks = [locations[i:i + SITEMAP_LIMIT] for i in range(0, len(locations), SITEMAP_LIMIT)]
        files = {f"sitemap-{n}.xml": urlset(c) for n, c in enumerate(chunks, 1)}
        index = "".join(f"<sitemap><loc>{escape(base + name)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
                        for name in files)
        files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                f"{index}</sitemapindex>\n")
    for name, text in files.items():
        (site_dir / name).write_text(text, encoding="utf-8")
        (site_dir / f"{name}.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def write_pages(pkg: Path, agencies: list[Agency], published: dict[str, list[Report]], docs: Path,
                summary: dict[str, dict]) -> None:
    env = _env()
    cat = catalogue()
    data = pkg / "data"
    years = pl.read_csv(data / "year_summary.csv").to_dicts()
    docs.mkdir(parents=True)
    shutil.copytree(HERE / "assets", docs / "assets")
    shutil.copytree(pkg, docs / "datapackage")
    make_downloads(pkg, docs / "downloads")  # before MkDocs, which checks and rewrites links to them

    def page(path: str, template: str, **ctx) -> None:
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(env.get_template(template).render(**ctx), encoding="utf-8")

    reports = [r for rs in published.values() for r in rs]
    dated = [r for r in reports if r.published_on]
    totals = _totals(years, agencies, reports)
    totals["dated_reports"] = len(dated)
    page("index.md", "index.md.j2", totals=totals, years=years, charts=home_charts(years))

    listing = []
    for a in agencies:
        chosen = published[a.agency_id]
        latest = chosen[-1] if chosen else None
        listing.append({
            "agency_id": a.agency_id, "name": a.name, "region": _region(a),
            "years": "、".join(str(r.year) for r in chosen),
            "latest_received": _int(summary.get(report_id(a, latest), {}).get("received"))
            if latest else None,
            "errors": sum(r.error_count for r in chosen),
        })
    # One page MkDocs builds with the theme; every agency page is poured into it afterwards.
    page(f"agencies/{SHELL}/index.md", "shell.md.j2", title=TITLE_TOKEN, body=BODY_TOKEN)
    rollups = pl.read_csv(data / "region_year_summary.csv", infer_schema_length=0).to_dicts()
    regions: dict[str, dict] = {}
    for row in rollups:
        entry = regions.setdefault(row["region"], {"region": row["region"], "level": row["level"],
                                                   "slug": region_slug(row["region"]), "agencies": 0})
        entry["agencies"] = max(entry["agencies"], int(row["agencies"]))
    page("regions/index.md", "regions.md.j2", regions=sorted(regions.values(), key=lambda r: r["region"]))
    page("years/index.md", "years.md.j2", years=years)
    page("agencies/index.md", "agencies.md.j2", agencies=listing)

    meta = package_meta()
    descriptor = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    resources_view = []
    for res in descriptor["resources"]:
        with (pkg / res["path"]).open(encoding="utf-8") as fh:
            rows = sum(1 for _ in fh) - 1
        resources_view.append({
            "name": res["name"], "title": res["title"], "description": res["description"],
            "rows": rows, "primary_key": res["schema"].get("primaryKey", []),
            "foreign_keys": res["schema"].get("foreignKeys", []),
            "fields": [{"name": f["name"], "type": f["type"], "title": f.get("title", ""),
                        "description": f.get("description", ""),
                        "constraints": _constraints(f.get("constraints", {}))}
                       for f in res["schema"]["fields"]],
        })
    page("data.md", "data.md.j2", meta=meta, created=descriptor["created"],
         resources=resources_view, files=FILES, cite=citation(), json_ld=Markup(json_ld(descriptor["created"])))
    page("method.md", "method.md.j2", sections=cat.sections, formats=list(cat.formats.values()),
         rules=list(cat.rules.values()))


def _totals(years: list[dict], agencies: list[Agency], reports: list[Report]) -> dict:
    def total(key: str):
        vals = [y[key] for y in years if y[key] is not None]
        return sum(vals) if vals else None

    processed = total("processed")
    granted = (total("granted") or 0) + (total("partially_granted") or 0)
    concluded_share = None
    corrected = (total("reviews_corrected") or 0) + (total("lawsuits_corrected") or 0)
    if years:
        # Shares across years are recomputed from totals, never averaged.
        concluded = sum(y["reviews"] or 0 for y in years) + sum(y["lawsuits"] or 0 for y in years)
        concluded_share = corrected / concluded if concluded else None
    return {
        "agencies": len(agencies), "reports": len(reports), "years": len(years),
        "first_year": years[0]["year"] if years else "", "last_year": years[-1]["year"] if years else "",
        "received": total("received"),
        "granted_share": granted / processed if processed else None,
        "reviews": total("reviews"), "lawsuits": total("lawsuits"),
        "corrected_share": concluded_share,
        "on_time_reports": total("on_time_reports") or 0,
        "reports_with_errors": total("reports_with_errors") or 0,
    }


def _region(a: Agency) -> str:
    parts = [a.province, a.city, a.district]
    seen = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return "".join(seen) or "地区未知"


def _region_path(a: Agency) -> str:
    """The agency's deepest known region as region_year_summary names it (「湖北省/武汉市/硚口区」)."""
    parts = [a.province, a.city, a.district]
    depth = max((i + 1 for i, p in enumerate(parts) if p), default=1)
    return "/".join(p or "未知" for p in parts[:depth])


def _int(v):
    return None if v in (None, "") else int(float(v))


class _Cell:
    """A table cell for templates: its shown text, CSS classes and tooltip, computed once."""

    __slots__ = ("css", "display", "title")

    def __init__(self, key: str, cell: CellValue, flags: dict[str, dict]):
        flag = flags.get(key)
        blank = cell.status == CellStatus.BLANK
        self.css = " ".join(x for x in ("n", flag["css"] if flag else "", "xx-blank" if blank else "") if x)
        self.title = flag["messages"] if flag else ""
        self.display = _shown(cell.value, blank)


def _shown(value, blank: bool) -> str:
    """A blank prints empty (CSS marks it 「空白」); a value not read prints 「—」."""
    if blank:
        return ""
    return "—" if value is None else _plain(value)


def _year_view(r: Report, summary: dict, source_name: str) -> dict:
    cat = catalogue()
    fmt = cat.formats[r.template]
    flags: dict[str, dict] = {}
    for f in r.findings:
        for key in (f.cells.split(";") if f.cells else []):
            table_key = f"{f.table}:{key}"
            flag = flags.setdefault(table_key, {"css": "xx-warn", "messages": ""})
            if f.severity == "error":
                flag["css"] = "xx-err"
            flag["messages"] = (flag["messages"] + " " + f.message).strip()
    labels = row_labels(fmt)
    applications = []
    for entry in fmt.application_layout:
        if isinstance(entry, str):
            applications.append({"group": True, "label": entry})
            continue
        applications.append({
            "group": False, "label": entry.label, "sub": entry.label[:1].isdigit(),
            "full_label": labels[entry.code],
            "cells": [_Cell(f"applications:{entry.code}:{c}", v, flags)
                      for c, v in r.applications[entry.code].items()],
        })
    proactive = []
    for item in fmt.proactive_items:
        for m in item.measures:
            proactive.append({
                "clause": item.clause, "item": item.label, "measure": cat.measures[m].label,
                "unit": cat.measures[m].unit,
                "cell": _Cell(f"proactive_disclosure:{item.code}:{m}", r.proactive[(item.code, m)], flags),
            })
    reviews = [_Cell(f"reviews_litigation:{p.code}:{c}", v, flags)
               for p in cat.proceedings for c, v in r.reviews[p.code].items()]
    summary_view = {k: (None if v in (None, "") else v) for k, v in summary.items()}
    for k in ("received", "processed", "reviews", "lawsuits"):
        summary_view[k] = _int(summary_view.get(k))
    share = summary_view.get("granted_share")
    summary_view["granted_share"] = float(share) if share is not None else None
    on_time = summary_view.get("on_time")
    summary_view["on_time"] = None if on_time is None else on_time == "true"
    return {"report": r, "summary": summary_view, "flags": flags, "applications": applications,
            "proactive": proactive, "reviews": reviews, "source_name": source_name}


AGENCY_HEADER = ["机关", "年度", "表", "行代码", "行", "列代码", "列", "数值"]


def _agency_rows(a: Agency, reports: list[Report]) -> list[list]:
    """Every table cell of the agency, one per line, with the national labels."""
    cat = catalogue()
    rows: list[list] = []
    for r in reports:
        fmt = cat.formats[r.template]
        labels = row_labels(fmt)
        for item in fmt.proactive_items:
            for m in item.measures:
                rows.append([a.name, r.year, "表二", item.code, item.label, m, cat.measures[m].label,
                             r.proactive[(item.code, m)].value])
        for row in fmt.application_rows:
            for ap in cat.applicants:
                rows.append([a.name, r.year, "表三", row.code, labels[row.code], ap.code, ap.label,
                             r.applications[row.code][ap.code].value])
        for p in cat.proceedings:
            for res in cat.review_results:
                rows.append([a.name, r.year, "表四", p.code, proceeding_label(p), res.code, res.label,
                             r.reviews[p.code][res.code].value])
    return rows


def _agency_csv(rows: list[list]) -> str:
    """The agency's cells as CSV with a BOM, which Excel needs to show Chinese."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(AGENCY_HEADER)
    w.writerows([*r[:-1], _plain(r[-1])] for r in rows)
    return buf.getvalue()


def _agency_xlsx(a: Agency, reports: list[Report], path: Path) -> None:
    """One sheet per year, each table laid out as the national format prints it."""
    cat = catalogue()
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    bold = book.add_format({"bold": True})
    for r in sorted(reports, key=lambda r: -r.year):
        fmt = cat.formats[r.template]
        sheet = book.add_worksheet(f"{r.year}年")
        sheet.set_column(0, 0, 44)
        sheet.write(0, 0, f"{a.name} {r.year}年（{r.template} 版格式）", bold)
        sheet.write(2, 0, cat.table_titles["proactive_disclosure"], bold)
        row = 3
        for item in fmt.proactive_items:
            for m in item.measures:
                sheet.write_row(row, 0, [f"{item.label} · {cat.measures[m].label}", r.proactive[(item.code, m)].value,
                                         cat.measures[m].unit])
                row += 1
        row += 1
        sheet.write(row, 0, cat.table_titles["applications"], bold)
        sheet.write_row(row + 1, 0, ["", *(ap.label for ap in cat.applicants)], bold)
        row += 2
        labels = row_labels(fmt)
        for entry in fmt.application_rows:
            sheet.write(row, 0, labels[entry.code])
            sheet.write_row(row, 1, [v.value for v in r.applications[entry.code].values()])
            row += 1
        row += 1
        sheet.write(row, 0, cat.table_titles["reviews_litigation"], bold)
        sheet.write_row(row + 1, 0, ["", *(x.label for x in cat.review_results)], bold)
        row += 2
        for p in cat.proceedings:
            sheet.write(row, 0, proceeding_label(p))
            sheet.write_row(row, 1, [v.value for v in r.reviews[p.code].values()])
            row += 1
    book.close()


def _plain(v) -> str:
    """A number as published: integers without 「.0」, empty for null."""
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def _constraints(c: dict) -> str:
    parts = []
    if c.get("required"):
        parts.append("必填")
    if c.get("unique"):
        parts.append("唯一")
    if "minimum" in c:
        parts.append(f"≥{c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤{c['maximum']}")
    if "enum" in c:
        parts.append("取值：" + "、".join(f"`{v}`" for v in c["enum"][:40]))
    if "pattern" in c:
        parts.append(f"格式 `{c['pattern']}`")
    return "；".join(parts)


__all__ = ["build_site"]
