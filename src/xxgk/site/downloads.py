"""The data page's downloads, made from the written package: one XLSX workbook (what people
open in Excel), Parquet files and a DuckDB database (for analysts), and a ZIP of the whole
package with a README inside."""

from __future__ import annotations

import gzip
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from ..aggregate import load_resources
from ..package.schemas import package_meta, polars_schema, resource_names, schema

EXCEL_MAX_ROWS = 1_000_000  # a sheet holds 1,048,576 rows; larger resources continue on more sheets
FILES = {"xlsx": "xxgk.xlsx", "zip": "xxgk-datapackage.zip", "duckdb": "xxgk.duckdb"}


def _names(pkg: Path) -> list[str]:
    return [n for n in resource_names() if (pkg / "data" / f"{n}.csv").exists()]


def make_downloads(pkg: Path, target: Path) -> None:
    """Everything but the workbook, which is the slowest file of the site (xlsxwriter writes about
    170,000 cells a second): write_workbook makes it in another process, meanwhile the pages are
    written, and it replaces the empty placeholder left here for MkDocs' link check."""
    target.mkdir(parents=True, exist_ok=True)
    names = _names(pkg)
    _duckdb_and_parquet(pkg, target, names)
    (target / FILES["xlsx"]).write_bytes(b"")
    _zip(pkg, target / FILES["zip"])


def site_package(pkg: Path, target: Path) -> None:
    """The site's copy of the package (datapackage/): each resource's CSV gzip-compressed
    (data/<name>.csv.gz, the same bytes once unpacked, about a sixth of the size) and a
    datapackage.json whose resources name those files with `compression: gz`, which frictionless
    and DuckDB read as they are. The uncompressed package is the ZIP. Deterministic (no name or
    time in the gzip header)."""
    (target / "data").mkdir(parents=True, exist_ok=True)
    desc = json.loads((pkg / "datapackage.json").read_text("utf-8"))
    for res in desc["resources"]:
        source = pkg / res["path"]
        res["path"] += ".gz"
        res["compression"] = "gz"
        with (
            source.open("rb") as fh,
            (target / res["path"]).open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz,
        ):
            shutil.copyfileobj(fh, gz, 1 << 20)
    text = json.dumps(desc, ensure_ascii=False, indent=2) + "\n"
    (target / "datapackage.json").write_text(text, encoding="utf-8")


def write_workbook(pkg: Path, path: Path) -> Path:
    _workbook(pkg, path, _names(pkg))
    return path


def _duckdb_and_parquet(pkg: Path, target: Path, names: list[str]) -> None:
    db = target / FILES["duckdb"]
    db.unlink(missing_ok=True)
    (target / "parquet").mkdir(exist_ok=True)
    con = duckdb.connect(str(db))
    load_resources(con, pkg / "data", names)
    for name in names:
        out = str(target / "parquet" / f"{name}.parquet").replace("'", "''")
        con.execute(f"COPY {name} TO '{out}' (FORMAT parquet)")
    con.close()


def _workbook(pkg: Path, path: Path, names: list[str]) -> None:
    book = xlsxwriter.Workbook(str(path))
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
    for name in names:
        for f in schema(name)["fields"]:
            row += 1
            about.write_row(
                row, 0, [name, f["name"], f.get("title", ""), f["type"], f.get("description", "")]
            )
    for name in names:
        frame = pl.read_csv(pkg / "data" / f"{name}.csv", schema=polars_schema(name))
        for part, start in enumerate(range(0, max(frame.height, 1), EXCEL_MAX_ROWS)):
            sheet = name[:28] if part == 0 else f"{name[:24]} ({part + 1})"
            frame.slice(start, EXCEL_MAX_ROWS).write_excel(
                workbook=book, worksheet=sheet, autofit=frame.height < 20_000
            )
    book.close()


README = """政府信息公开工作年度报告数据 · {title}
版本 {version}，生成于 {created}。许可：{license}（{license_path}）。

datapackage.json 描述每个文件的字段、类型与约束（Frictionless Data Package）；
data/ 中每个资源一个 CSV 文件（UTF-8、逗号分隔、首行为字段名）。
用 Excel 打开请使用同一网站上的 xxgk.xlsx（直接打开 UTF-8 CSV 会显示乱码）。

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
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", readme)
        zf.write(pkg / "datapackage.json", "datapackage.json")
        for f in sorted((pkg / "data").glob("*.csv")):
            zf.write(f, f"data/{f.name}")


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
                (
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"downloads/{FILES['xlsx']}",
                ),
                ("application/json", "datapackage/datapackage.json"),
            )
        ],
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
