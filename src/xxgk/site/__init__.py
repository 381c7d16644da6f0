"""Stage 6 — site: Markdown pages from Jinja2 templates, built by MkDocs Material.

Pages are rendered in one pass with autoescape on (text from reports is never trusted), then
MkDocs builds the static site. Agency pages are kept out of `nav` (TOOLING.md: an implicit nav
grows with the square of the page count).

The site is written in place and only where bytes change, each unit of work (an agency, a region
or year page, MkDocs' pages, the downloads, a province's workbook, the search index) skipped when
its inputs are those of the last build: site/incremental.py.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import polars as pl
from markupsafe import Markup, escape

from ..formats import catalogue
from ..package.identity import SLUGS_FILE, Agency
from ..package.schemas import duckdb_columns, package_meta, resource_names
from ..package.writer import report_id
from ..parse.report import Report
from .agency_pages import agency_region, to_int, write_agency_pages
from .charts import home_charts
from .compare_pages import region_slug, write_region_and_year_pages
from .downloads import (
    BULK_UNITS,
    FILES,
    NATION,
    citation,
    json_ld,
    make_bulk,
    workbook_file,
    write_workbooks,
)
from .incremental import (
    Output,
    code_fingerprint,
    digest,
    intact,
    put,
    put_file,
    recorded_units,
    tree_digest,
)
from .search import BUNDLE, MAIN, SHARDS_FILE, bundle_of, search_shard, search_view, write_index
from .shell import BODY_TOKEN, SHELL, TITLE_TOKEN, Shell, compact_html, compact_pages
from .sitemap import mkdocs_pages, write_sitemaps
from .templating import HERE, template_env


class SiteWorkers:
    """The site's two worker processes ("spawn": polars' threads make a forked child unsafe),
    started before the package is validated: their start (about half a second of imports each)
    and the files made from the whole package (`start_bulk`: the package's copy and the downloads,
    about 2.5 s of CPU at 10,000 reports) overlap the validation in the main process instead of
    the writing of the site's pages. Nothing they make goes into the site before `build_site`
    takes it: a build whose package fails its checks leaves the site as it was."""

    def __init__(self, out_dir: Path) -> None:
        self.pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))
        for _ in range(2):
            self.pool.submit(_warm_up)
        self.manifest = out_dir / "build" / "site-manifest.json"
        self.work = out_dir / "build" / "site-work"  # MkDocs', the downloads' and Pagefind's own output
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.package_digest: str | None = None
        self.bulk: Future | None = None  # the job making BULK_UNITS, when they changed
        self.workbooks: Future | None = None  # write_workbooks's job

    def start_bulk(self, pkg: Path, site_dir: Path) -> None:
        """Make the site's copy of `pkg` and the downloads into the work folder, for the units
        whose inputs differ from those the last build recorded (its manifest, read and left in
        place). `pkg` may be the staged package: the published one has the same bytes."""
        recorded = recorded_units(self.manifest, site_dir)
        # The workbooks whose rows changed, into the work folder (the site takes them after the
        # checks); those of the last build still intact are skipped when their rows are the same.
        # Submitted first: the longest job (a process each for it and for the other two).
        fresh = {
            unit: before["digest"]
            for unit, before in recorded.items()
            if unit.startswith("xlsx:") and intact(site_dir, before["files"])
        }
        slugs = self.manifest.with_name(SLUGS_FILE)
        code = code_fingerprint()
        self.workbooks = self.pool.submit(write_workbooks, pkg, self.work / "xlsx", code, fresh, slugs)
        self.package_digest = tree_digest(pkg)
        unit_digest = digest(code, self.package_digest)
        if any(recorded.get(unit, {}).get("digest") != unit_digest for unit in BULK_UNITS):
            self.bulk = self.pool.submit(make_bulk, pkg, self.work)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.work, ignore_errors=True)


def _warm_up() -> None:
    """Nothing: a worker process that runs it has imported this package and its libraries."""


def build_site(
    pkg: Path,
    agencies: list[Agency],
    published: dict[str, list[Report]],
    site_dir: Path,
    out_dir: Path,
    reports_dir: Path,
    site_url: str | None = None,
    workers: SiteWorkers | None = None,
) -> Output:
    """Write the site into `site_dir` in place, only the files whose bytes change, skipping the
    work of every unit whose inputs did not change (site/incremental.py). Returns the Output,
    which says what was written, kept and removed. `workers`: started earlier by the caller, who
    closes them (see SiteWorkers); without them the site starts and closes its own."""
    own = workers is None
    workers = workers or SiteWorkers(out_dir)
    try:
        work = workers.work
        out = Output(site_dir, workers.manifest)
        code = code_fingerprint()
        # Kept after the build: the repository's mkdocs.yml previews its pages with `mkdocs serve`
        # (without our assets; the downloads and the package's copy are empty stand-ins there).
        docs = out_dir / "build" / "docs"
        shutil.rmtree(docs, ignore_errors=True)
        # Read once, used by the home, agency, region and year pages.
        summaries = pl.read_csv(pkg / "data" / "report_summary.csv", infer_schema_length=0).to_dicts()
        summary = {r["report_id"]: r for r in summaries}
        rollups = pl.read_csv(pkg / "data" / "region_year_summary.csv", infer_schema_length=0).to_dicts()
        for row in rollups:
            row["slug"] = region_slug(row["region"])
        lap = out.lap
        lap("prepare")
        # Excel files are the slowest part of the site (xlsxwriter is pure Python): the workbooks are
        # written by the two worker processes while this one writes the pages.
        pool = workers.pool
        if workers.workbooks is None:  # (the build starts them as soon as the package is written)
            workers.start_bulk(pkg, site_dir)
        assert workers.workbooks is not None and workers.package_digest is not None
        # Made from the whole package, so made again whenever it changed: in the other processes
        # (started by SiteWorkers.start_bulk, from the same manifest) into OUT/build/site-work, then
        # compared file by file; made here only when a file of theirs was changed by hand.
        unit_digest = digest(code, workers.package_digest)
        redo = [unit for unit in BULK_UNITS if not out.fresh(unit, unit_digest)]
        bulk = (workers.bulk or pool.submit(make_bulk, pkg, work)) if redo else None
        out.sync(HERE / "assets", "assets/", unit=None)
        fills = write_pages(pkg, agencies, published, docs, summary, rollups)
        shell = Shell(_mkdocs_pages(docs, out, work, site_url, code, fills), out)
        _fill_docs(docs, fills)
        lap("mkdocs")
        agency_workbooks = write_agency_pages(agencies, published, shell, reports_dir, summary, pool)
        lap("agencies")
        write_region_and_year_pages(pkg, shell, summaries, rollups)
        lap("regions+years")
        # Every page is written: the search index is made while the other processes finish.
        _search(out, work, _provinces_of_pages(agencies, rollups))
        lap("search")
        if bulk is not None:
            bulk.result()
            for unit in redo:
                out.sync(work / unit, f"{unit}/", unit=unit)
        for done in agency_workbooks:
            for unit, rel, written in done.result():
                out.claim(rel, unit, written)
        for unit, unit_digest, rel, made in workers.workbooks.result():
            written = made and put_file(site_dir / rel, work / "xlsx" / rel)
            out.record(unit, unit_digest, {rel: written})
        lap("downloads+workbooks (waited)")
        # Ours, not MkDocs' (whose .gz holds the build's time and path); empty without an address.
        created = json.loads((pkg / "datapackage.json").read_text("utf-8"))["created"]
        locations = mkdocs_pages(docs) + shell.locations if site_url else []
        write_sitemaps(out, site_url or "", locations, created[:10])
        out.finish()
        lap("finish")
        return out
    finally:
        if own:
            workers.close()


# Fills: page (as MkDocs writes it) → {placeholder in the page: HTML put in its place after MkDocs}.
Fills = dict[str, dict[str, str]]


def _mkdocs_pages(docs: Path, out: Output, work: Path, site_url: str | None, code: str, fills: Fills) -> str:
    """The pages MkDocs builds (home, lists, data, SQL, method, 404) and the theme's files, written
    into the site, with `fills` put in place; returns the shell page.

    The Markdown holds placeholders where the data's numbers go (`{{ x|d }}` in the templates,
    `write_pages`), so it changes only when the pages' shape does (a new year, province or region)
    or the code: otherwise MkDocs does not run, and its pages kept in OUT/build/ (with their
    placeholders) are filled again. A filled page is written only when its bytes change."""
    kept_shell = out.manifest.with_name("site-shell.html") if out.manifest else None
    kept_pages = out.manifest.with_name("mkdocs-pages") if out.manifest else None
    unit_digest = digest(code, tree_digest(docs), site_url)
    have_kept = (
        kept_shell is not None
        and kept_shell.exists()
        and kept_pages is not None
        and all((kept_pages / rel).exists() for rel in fills)
    )
    if have_kept and out.fresh("mkdocs", unit_digest):
        assert kept_shell is not None and kept_pages is not None
        page = kept_shell.read_text("utf-8")
        templates = {rel: (kept_pages / rel).read_text("utf-8") for rel in fills}
    else:
        if not have_kept:
            out.start("mkdocs", unit_digest)  # (fresh() starts the unit when it says no)
        built = work / "mkdocs"
        run_mkdocs(docs, built, site_url)
        compact_pages(built)
        shell_page = built / "agencies" / SHELL / "index.html"
        page = shell_page.read_text("utf-8")
        templates = {rel: (built / rel).read_text("utf-8") for rel in fills}
        # The package's copy, the downloads and our assets are written by their own units: MkDocs
        # saw empty stand-ins for its link check. The filled pages are written below.
        skip = {
            p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file() and _stand_in(p, built)
        }
        skip |= {shell_page.relative_to(built).as_posix(), "sitemap.xml", "sitemap.xml.gz", *fills}
        out.sync(built, "", unit="mkdocs", skip=skip)
        if kept_shell is not None and kept_pages is not None:
            put(kept_shell, page.encode("utf-8"))
            shutil.rmtree(kept_pages, ignore_errors=True)
            for rel, text in templates.items():
                put(kept_pages / rel, text.encode("utf-8"))
    for rel, tokens in fills.items():
        out.write(rel, _filled(templates[rel], tokens, rel))
    return page


def _filled(text: str, tokens: dict[str, str], where: str) -> str:
    """`text` with each placeholder replaced by its value."""
    for token, value in tokens.items():
        if token not in text:
            raise RuntimeError(f"{where}: the placeholder {token} was lost")
        text = text.replace(token, value)
    return text


def _fill_docs(docs: Path, fills: Fills) -> None:
    """The Markdown kept for `mkdocs serve` with the numbers in place of the placeholders."""
    for md in docs.rglob("*.md"):
        tokens = fills.get(_built_page(md.relative_to(docs).as_posix()))
        if tokens:
            md.write_text(_filled(md.read_text("utf-8"), tokens, str(md)), encoding="utf-8")


STAND_INS = ("datapackage/", "downloads/")


def _stand_in(path: Path, root: Path) -> bool:
    return path.relative_to(root).as_posix().startswith(STAND_INS)


def _search(out: Output, work: Path, province_of: dict[str, str | None]) -> None:
    """Pagefind over every page, one index a shard (search.search_shard: the national pages, each
    group of provinces); a shard is indexed again only when one of its pages was written or
    removed since its last index. Pagefind reads each page's search view (search.search_view),
    kept in OUT/build/search-view/<shard>/ and made again only for the pages this build wrote.
    `province_of`: page → its province, for the pages that have one."""
    pages = sorted(rel for rel in out.produced if rel.endswith("index.html"))
    shards: dict[str, list[str]] = {}
    for rel in pages:
        shards.setdefault(search_shard(province_of.get(rel)), []).append(rel)
    assert out.manifest is not None
    views_root = out.manifest.with_name("search-view")
    for gone in views_root.iterdir() if views_root.is_dir() else ():
        if gone.name not in shards:  # a shard with no page left, or an older layout
            shutil.rmtree(gone) if gone.is_dir() else gone.unlink()
    code = code_fingerprint()
    written = set(out.written)
    for shard, rels in sorted(shards.items()):
        unit = f"search:{shard}"
        if out.fresh(unit, digest(code, [(rel, *_stat(out.root / rel)) for rel in rels])):
            continue
        # Pagefind reads the views of this build's pages only: a page that is gone (still in the
        # folder until `finish`) is not indexed.
        views = Output(views_root / shard)
        for rel in rels:
            if rel in written or not out.kept_before or not (views.root / rel).exists():
                views.write(rel, search_view((out.root / rel).read_bytes()))
            else:
                views.claim(rel)
        views.finish()
        write_index(views.root, work / "pagefind" / shard, library=shard == MAIN)
        out.sync(work / "pagefind" / shard, bundle_of(shard), unit=unit)
    merged = [bundle_of(shard)[len(BUNDLE) + 1 :] for shard in sorted(shards) if shard != MAIN]
    out.write(f"{BUNDLE}/{SHARDS_FILE}", json.dumps(merged) + "\n")


def _provinces_of_pages(agencies: list[Agency], rollups: list[dict]) -> dict[str, str | None]:
    """Each poured page with a province (agency, region, a year's province page) → that province."""
    pages: dict[str, str | None] = {f"agencies/{a.agency_id}/index.html": a.province for a in agencies}
    for row in rollups:
        province = row["province"]
        pages[f"regions/{row['slug']}/index.html"] = province
        if row["level"] == "province":
            pages[f"years/{row['year']}-{row['slug']}/index.html"] = province
    return pages


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


AGENCY_LIST_ROWS = 20_000  # about 3 MB of list; national scale is ~100,000 agencies


def run_mkdocs(docs: Path, site_dir: Path, site_url: str | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    extra = {"site_url": site_url.rstrip("/") + "/"} if site_url else {}
    cfg = load_config(
        config_file=str(HERE / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(site_dir), **extra
    )
    build(cfg)
    # Material's files that the site never loads: source maps (1.3 MB) and its search's lunr
    # languages and worker (the site's search is Pagefind's).
    assets = site_dir / "assets"
    for path in assets.glob("**/*.map"):
        path.unlink()
    for folder in ("javascripts/lunr", "javascripts/workers"):
        shutil.rmtree(assets / folder, ignore_errors=True)
    (assets / ICON_FILE).write_text(icon_sprite(), encoding="utf-8")


ICON_FILE = "xxgk-icons.svg"
# The header's and the top button's icons (overrides/partials), by their id in ICON_FILE.
ICONS = {
    "logo": "material/library",
    "menu": "material/menu",
    "magnify": "material/magnify",
    "arrow-left": "material/arrow-left",
    "arrow-up": "material/arrow-up",
}


def icon_sprite() -> str:
    """One SVG of <symbol>s, Material's own icons (of the pinned version), that each page's icons
    <use>: about a kilobyte less on every page than the same icons written inline."""
    import material

    icons = Path(material.__file__).parent / "templates" / ".icons"
    symbols = []
    for name, icon in ICONS.items():
        svg = (icons / f"{icon}.svg").read_text("utf-8")
        m = re.fullmatch(
            r'\s*<svg xmlns="http://www.w3.org/2000/svg" viewBox="([^"]+)">(.*)</svg>\s*', svg, re.S
        )
        if m is None:
            raise RuntimeError(f"Material's icon {icon} is not the SVG expected")
        symbols.append(f'<symbol id="{name}" viewBox="{m.group(1)}">{m.group(2)}</symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n"


def write_pages(
    pkg: Path,
    agencies: list[Agency],
    published: dict[str, list[Report]],
    docs: Path,
    summary: dict[str, dict],
    rollups: list[dict],
) -> Fills:
    """The Markdown pages MkDocs builds, into `docs`; returns what is filled into them after the
    build (`_mkdocs_pages`)."""
    env = template_env()
    fills: Fills = {}
    values: dict[str, str] = {}  # the page being rendered: placeholder → its value

    def data_value(value) -> str:
        token = f"XXGKD{len(values):05d}X"
        values[token] = str(escape(value))
        return token

    env.filters["d"] = data_value
    cat = catalogue()
    data = pkg / "data"
    years = pl.read_csv(data / "year_summary.csv").to_dicts()
    docs.mkdir(parents=True)
    # Empty stand-ins for the files the data page links to, which MkDocs checks and rewrites: the
    # package's copy and the downloads are written into the site by their own units.
    stand_ins = ["datapackage/datapackage.json", f"downloads/{FILES['zip']}", f"downloads/{FILES['duckdb']}"]
    for name in resource_names():
        if (data / f"{name}.csv").exists():
            stand_ins += [f"datapackage/data/{name}.csv.gz", f"downloads/parquet/{name}.parquet"]
    provinces_named = sorted({a.province or "未知" for a in agencies})
    workbooks = [{"name": "全国（历年汇总、每个文件的处理结果）", "file": workbook_file(NATION)}]
    workbooks += [{"name": name, "file": workbook_file(region_slug(name))} for name in provinces_named]
    for rel in stand_ins + [w["file"] for w in workbooks]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_bytes(b"")

    def page(path: str, template: str, **ctx) -> None:
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        values.clear()
        target.write_text(env.get_template(template).render(**ctx), encoding="utf-8")
        if values:
            fills.setdefault(_built_page(path), {}).update(values)

    reports = [r for rs in published.values() for r in rs]
    dated = [r for r in reports if r.published_on]
    totals = _totals(years, agencies, reports)
    totals["dated_reports"] = len(dated)
    # Past AGENCY_LIST_ROWS the agency list would weigh tens of MB: it becomes a list of provinces,
    # whose pages list their agencies, and the home page's finder asks the site's search instead.
    whole_list = len(agencies) <= AGENCY_LIST_ROWS
    page(
        "index.md",
        "index.md.j2",
        totals=totals,
        years=years,
        charts=home_charts(years),
        whole_list=whole_list,
    )

    listing = []
    for a in agencies:
        chosen = published[a.agency_id]
        latest = chosen[-1] if chosen else None
        listing.append(
            {
                "agency_id": a.agency_id,
                "name": a.name,
                "region": agency_region(a),
                "years": "、".join(str(r.year) for r in chosen),
                "latest_received": to_int(summary.get(report_id(a, latest), {}).get("received"))
                if latest
                else None,
                "errors": sum(r.error_count for r in chosen),
            }
        )
    # One page MkDocs builds with the theme; every agency page is poured into it afterwards.
    page(f"agencies/{SHELL}/index.md", "shell.md.j2", title=TITLE_TOKEN, body=BODY_TOKEN)
    regions: dict[str, dict] = {}
    for row in rollups:
        entry = regions.setdefault(
            row["region"],
            {"region": row["region"], "level": row["level"], "slug": row["slug"], "agencies": 0},
        )
        entry["agencies"] = max(entry["agencies"], int(row["agencies"]))
    page("regions/index.md", "regions.md.j2", regions=sorted(regions.values(), key=lambda r: r["region"]))
    page("years/index.md", "years.md.j2", years=years)
    provinces = [r for r in sorted(regions.values(), key=lambda r: r["region"]) if r["level"] == "province"]
    # The list's rows are one value filled in after MkDocs, like the numbers: Python-Markdown takes
    # a second to read 2,500 rows of raw HTML.
    rows = env.get_template("_agency_rows.j2").render(agencies=listing) if whole_list else ""
    page(
        "agencies/index.md",
        "agencies.md.j2",
        agencies=listing if whole_list else [],
        total=len(listing),
        provinces=provinces,
        rows=Markup(compact_html(rows)),
    )

    meta = package_meta()
    descriptor = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    resources_view = []
    for res in descriptor["resources"]:
        # records, not lines: a report's section text holds line breaks inside its quoted cell
        rows = pl.scan_csv(pkg / res["path"], infer_schema=False).select(pl.len()).collect().item()
        resources_view.append(
            {
                "name": res["name"],
                "title": res["title"],
                "description": res["description"],
                "rows": rows,
                "primary_key": res["schema"].get("primaryKey", []),
                "foreign_keys": res["schema"].get("foreignKeys", []),
                "fields": [
                    {
                        "name": f["name"],
                        "type": f["type"],
                        "title": f.get("title", ""),
                        "description": f.get("description", ""),
                        "constraints": _constraints(f.get("constraints", {})),
                    }
                    for f in res["schema"]["fields"]
                ],
            }
        )
    page(
        "data.md",
        "data.md.j2",
        meta=meta,
        created=descriptor["created"],
        resources=resources_view,
        files=FILES,
        workbooks=workbooks,
        cite=citation(),
        json_ld=Markup(json_ld(descriptor["created"])),
    )
    # DuckDB-WASM over the package's CSVs, read as aggregate.load_resources reads them (in order)
    types = {r["name"]: list(duckdb_columns(r["name"]).items()) for r in resources_view}
    page("sql.md", "sql.md.j2", resources=resources_view, columns=types)
    page(
        "method.md",
        "method.md.j2",
        sections=cat.sections,
        formats=list(cat.formats.values()),
        rules=list(cat.rules.values()),
    )
    return fills


def _built_page(markdown: str) -> str:
    """Where MkDocs writes a page (use_directory_urls): data.md → data/index.html."""
    if markdown == "index.md" or markdown.endswith("/index.md"):
        return markdown[: -len(".md")] + ".html"
    return markdown[: -len(".md")] + "/index.html"


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
        "agencies": len(agencies),
        "reports": len(reports),
        "years": len(years),
        "first_year": years[0]["year"] if years else "",
        "last_year": years[-1]["year"] if years else "",
        "received": total("received"),
        "granted_share": granted / processed if processed else None,
        "reviews": total("reviews"),
        "lawsuits": total("lawsuits"),
        "corrected_share": concluded_share,
        "on_time_reports": total("on_time_reports") or 0,
        "reports_with_errors": total("reports_with_errors") or 0,
    }


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
