"""The data page's downloads, made from the written package: Excel workbooks (what people open
in Excel: one per province and one for the whole country's summaries), Parquet files and a DuckDB
database in a ZIP (for analysts), and a ZIP of the whole package with a README inside.

Deterministic where the format allows: the ZIP's members carry the package's `created` time, a
workbook's properties its own reports' latest date (`created`), Parquet has no time. A DuckDB
database file differs between two writes of the same tables (its header), so it is written only
when the package changed (site/incremental.py: the downloads' unit).

Why a workbook per province rather than one of everything: an Excel sheet holds 1,048,576 rows,
which table 三 alone passes near 40,000 reports (TOOLING.md), and xlsxwriter writes about 170,000
cells a second (40 s at 10,000 reports): one new report would rewrite the whole workbook. Per
province, a sheet stays far under the limit at national scale (~3,000 reports a province) and a
new or edited report rewrites its province's workbook and the country's (summaries and files)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from ..aggregate import load_resources
from ..package.schemas import package_meta, polars_schema, resource_names, schema

EXCEL_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows; larger resources continue on more sheets
FILES = {"zip": "xxgk-datapackage.zip", "duckdb": "xxgk-duckdb.zip"}
DUCKDB_MEMBER = "xxgk.duckdb"  # the database inside its ZIP
NATION = "quanguo"  # downloads/xlsx/xxgk-quanguo.xlsx: the country's summaries and every file


def _names(pkg: Path) -> list[str]:
    return [n for n in resource_names() if (pkg / "data" / f"{n}.csv").exists()]


def make_downloads(pkg: Path, target: Path) -> None:
    """Parquet, the DuckDB database and the ZIP (the workbooks: `write_workbooks`)."""
    target.mkdir(parents=True, exist_ok=True)
    names = _names(pkg)
    _duckdb_and_parquet(pkg, target, names)
    _zip(pkg, target / FILES["zip"])


BULK_UNITS = ("downloads", "datapackage")  # made together by make_bulk, each into its own folder


def make_bulk(pkg: Path, target: Path) -> None:
    """The downloads (`make_downloads`, into target/downloads) and the site's copy of the package
    (`site_package`, into target/datapackage): the copy's gzip files are the ZIP's own compressed
    members, so the package is compressed once."""
    make_downloads(pkg, target / "downloads")
    site_package(pkg, target / "datapackage", target / "downloads" / FILES["zip"])


def site_package(pkg: Path, target: Path, package_zip: Path) -> None:
    """The site's copy of the package (datapackage/): each resource's CSV gzip-compressed
    (data/<name>.csv.gz, the same bytes once unpacked, about a sixth of the size) and a
    datapackage.json whose resources name those files with `compression: gz`, which frictionless
    and DuckDB read as they are. The uncompressed package is the ZIP (`package_zip`, made by
    `_zip` from `pkg`), whose members are already deflated: each .gz is that deflate stream in a
    gzip header and trailer (RFC 1952), the same bytes `gzip` writes at level 6 with no name or
    time, in a hundredth of the time."""
    (target / "data").mkdir(parents=True, exist_ok=True)
    desc = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    with zipfile.ZipFile(package_zip) as zf, package_zip.open("rb") as raw:
        for res in desc["resources"]:
            info = zf.getinfo(res["path"])
            if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
                raise RuntimeError(f"{package_zip}: {info.filename} is not a plain deflated member")
            raw.seek(info.header_offset)
            header = raw.read(30)
            if header[:4] != b"PK\x03\x04":
                raise RuntimeError(f"{package_zip}: no local header for {info.filename}")
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            raw.seek(info.header_offset + 30 + name_len + extra_len)
            res["path"] += ".gz"
            res["compression"] = "gz"
            with (target / res["path"]).open("wb") as gz:
                # magic, deflate, no flags, mtime 0, no extra flags (level 6), OS unknown
                gz.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")
                left = info.compress_size
                while left:
                    chunk = raw.read(min(left, 1 << 20))
                    if not chunk:
                        raise RuntimeError(f"{package_zip}: {info.filename} is cut short")
                    gz.write(chunk)
                    left -= len(chunk)
                gz.write(struct.pack("<II", info.CRC, info.file_size & 0xFFFFFFFF))
    text = json.dumps(desc, ensure_ascii=False, indent=2) + "\n"
    (target / "datapackage.json").write_text(text, encoding="utf-8")


def workbook_file(slug: str) -> str:
    return f"downloads/xlsx/xxgk-{slug}.xlsx"


def workbook_parts(pkg: Path) -> dict[str, dict[str, pl.DataFrame]]:
    """slug → resource → rows: each province's (its agencies, their reports and every row of
    those, its regions' summaries) and the country's (year_summary, source_files), keyed by the
    province's slug (weizhi for an unknown one) and NATION."""
    from .compare_pages import region_slug

    frames = {n: pl.read_csv(pkg / "data" / f"{n}.csv", schema=polars_schema(n)) for n in _names(pkg)}
    province = pl.col("province").fill_null("未知")
    agencies = frames["agencies"].with_columns(_province=province)
    reports = frames["reports"].join(agencies.select("agency_id", "_province"), on="agency_id", how="left")
    of_report = reports.select("report_id", "_province")
    parts: dict[str, dict[str, pl.DataFrame]] = {}
    for (name,), rows in agencies.partition_by("_province", as_dict=True, maintain_order=True).items():
        parts[str(name)] = {"agencies": rows}
    for res, frame in frames.items():
        if res in ("agencies", "year_summary", "source_files"):
            continue
        if res == "region_year_summary":
            keyed = frame.with_columns(_province=pl.col("region").str.split("/").list.first())
        elif res == "reports":
            keyed = reports
        else:
            keyed = frame.join(of_report, on="report_id", how="left", maintain_order="left")
        for (name,), rows in keyed.partition_by("_province", as_dict=True, maintain_order=True).items():
            parts.setdefault(str(name), {})[res] = rows
    out = {
        region_slug(name): {r: p[r].drop("_province") for r in frames if r in p} for name, p in parts.items()
    }
    out[NATION] = {r: frames[r] for r in ("year_summary", "source_files") if r in frames}
    return out


def write_workbooks(
    pkg: Path, target: Path, code: str, fresh: dict[str, str], slugs: Path | None = None
) -> list[tuple[str, str, str, bool]]:
    """Every workbook whose rows changed, written into the folder `target` at its place in the
    site. `fresh`: unit → digest of the workbooks the last build left intact; a workbook whose
    rows give the same digest is not made again. `slugs`: the build's kept slugs
    (package/identity.py), so that this process, another one, need not load jieba to name the
    provinces' files. Returns (unit, digest, file, made) for each."""
    from ..package.identity import load_slugs
    from .incremental import digest, put

    if slugs is not None:
        load_slugs(slugs)

    done = []
    for slug, frames in workbook_parts(pkg).items():
        unit, rel = f"xlsx:{slug}", workbook_file(slug)
        rows = hashlib.sha256(code.encode())
        for name, frame in frames.items():
            rows.update(name.encode() + b"\0" + frame.write_csv().encode())
        unit_digest = digest(rows.hexdigest(), os.environ.get("SOURCE_DATE_EPOCH"))
        made = fresh.get(unit) != unit_digest
        if made:
            put(target / rel, _workbook(frames, _stamp(frames)))
        done.append((unit, unit_digest, rel, made))
    return done


def _stamp(frames: dict[str, pl.DataFrame]) -> datetime:
    """The workbook's time: its reports' latest date, as the package's `created` is the package's."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None)
    reports = frames.get("reports")
    if reports is None or reports.is_empty():  # the country's: the end of its last year
        years = frames.get("year_summary")
        last = years["year"].max() if years is not None and not years.is_empty() else None
        return datetime(int(last), 12, 31) if last is not None else datetime(2019, 1, 1)
    day = reports.select(pl.coalesce("published_on", pl.date(pl.col("year"), 12, 31)).max()).item()
    return datetime(day.year, day.month, day.day)


def _duckdb_and_parquet(pkg: Path, target: Path, names: list[str]) -> None:
    db = target / f".{DUCKDB_MEMBER}"
    db.unlink(missing_ok=True)
    (target / "parquet").mkdir(exist_ok=True)
    con = duckdb.connect(str(db))
    # zstd for the database's columns and the Parquet files (the report text compresses far better
    # than with the defaults: at 10,000 reports 15.5 -> 12.9 MB and 4.4 -> 2.1 MB); every DuckDB,
    # pyarrow and polars reads it.
    con.execute("SET force_compression = 'zstd'")
    load_resources(con, pkg / "data", names)
    for name in names:
        out = str(target / "parquet" / f"{name}.parquet").replace("'", "''")
        con.execute(f"COPY {name} TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    con.close()
    # Zipped: the database file is mostly the unused space of DuckDB's 256 KB blocks (10,000
    # reports: 12.9 MB, zipped 2.3 MB). A ZIP, not a .gz, because Windows opens it without help.
    desc = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    with zipfile.ZipFile(target / FILES["duckdb"], "w", compression=zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo(DUCKDB_MEMBER, _zip_time(desc["created"]))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with db.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    db.unlink()


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    """The package's `created` time as a ZIP member's time (never before 1980, a ZIP's earliest)."""
    stamp = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").timetuple()[:6]
    return max(stamp, (1980, 1, 1, 0, 0, 0))  # type: ignore[return-value]


def _workbook(frames: dict[str, pl.DataFrame], stamp: datetime) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": stamp})
    about = book.add_worksheet("说明")
    bold = book.add_format({"bold": True})
    meta = package_meta()
    about.write(0, 0, meta["title"], bold)
    about.write(
        1,
        0,
        f"版本 {meta['version']} · 许可 {meta['licenses'][0]['name']} · 每个资源一个工作表，字段说明如下。",
    )
    row = 3
    for col, head in enumerate(["资源", "字段", "名称", "类型", "说明"]):
        about.write(row, col, head, bold)
    for name in frames:
        for f in schema(name)["fields"]:
            row += 1
            about.write_row(
                row, 0, [name, f["name"], f.get("title", ""), f["type"], f.get("description", "")]
            )
    for name, frame in frames.items():
        for part, start in enumerate(range(0, max(frame.height, 1), EXCEL_MAX_ROWS)):
            sheet = name[:28] if part == 0 else f"{name[:24]} ({part + 1})"
            frame.slice(start, EXCEL_MAX_ROWS).write_excel(
                workbook=book, worksheet=sheet, autofit=frame.height < 20_000
            )
    book.close()
    return buf.getvalue()


README = """政府信息公开工作年度报告数据 · {title}
版本 {version}，生成于 {created}。许可：{license}（{license_path}）。

datapackage.json 描述每个文件的字段、类型与约束（Frictionless Data Package）；
data/ 中每个资源一个 CSV 文件（UTF-8、逗号分隔、首行为字段名）。
用 Excel 打开请使用同一网站上各省的 Excel 工作簿（downloads/xlsx/，直接打开 UTF-8 CSV 会显示乱码）。

引用：{cite}

Government information-disclosure annual reports of Chinese agencies, as data.
datapackage.json describes every file; data/ holds one UTF-8 CSV per resource.
Licence: {license}. Cite as: {cite}
"""


def citation() -> str:
    meta = package_meta()
    return f"xxgk，《{meta['title']}》，版本 {meta['version']}，{meta['homepage']}"


def _zip(pkg: Path, path: Path) -> None:
    meta = package_meta()
    desc = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    readme = README.format(
        title=meta["title"],
        version=meta["version"],
        created=desc["created"],
        license=meta["licenses"][0]["name"],
        license_path=meta["licenses"][0]["path"],
        cite=citation(),
    )
    stamp = _zip_time(desc["created"])
    members = [("README.txt", readme.encode("utf-8")), ("datapackage.json", pkg / "datapackage.json")]
    members += [(f"data/{f.name}", f) for f in sorted((pkg / "data").glob("*.csv"))]
    # level 6 (zlib's default), which the site's .gz files copy (site_package)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                zf.writestr(info, data)
            else:
                big = data.stat().st_size > 1 << 31  # sections.csv nears 4 GiB at national scale
                with data.open("rb") as src, zf.open(info, "w", force_zip64=big) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)


def json_ld(created: str) -> str:
    """schema.org Dataset, so that search engines list the data (escaped for a <script>; URLs
    relative to the data page)."""
    meta = package_meta()
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "dateModified": created[:10],
        "license": meta["licenses"][0]["path"],
        "keywords": meta["keywords"],
        "inLanguage": "zh-CN",
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "xxgk"},
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": fmt, "contentUrl": f"../{url}"}
            for fmt, url in (
                ("application/zip", f"downloads/{FILES['zip']}"),
                ("application/json", "datapackage/datapackage.json"),
            )
        ],
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
