"""The SQL page (sql/) in a real browser: DuckDB-WASM, vendored under assets/vendor/duckdb-wasm/,
runs SQL over the site's own data (the package's CSVs, gzip-compressed, typed by their schemas).
Every example query, and one typed query, must give the same rows as DuckDB in Python over the
site's Parquet files (fetched from the same server): the page's tables are the published data.
Nothing may come from another host — the worker's requests included — and the page meets WCAG 2.1
AA (axe-core).

The seed site, the browser and `Visit` are test_browser.py's (imported, so each is built once per
module as there).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import re
import urllib.request

import duckdb
import pytest

# Fixtures shared with the other browser tests (pytest finds them as names of this module).
from test_browser import Visit, browser, seed_site, serve  # noqa: F401

QUERY_SECONDS = 180_000  # the first query downloads and compiles 34 MB of WebAssembly (ms)

ROWS = """() => {
    const table = document.querySelector('#xx-sql-result table');
    if (!table) return null;
    return {caption: table.caption.textContent,
        heads: Array.from(table.tHead.rows[0].cells, th => [th.textContent, th.scope]),
        rows: Array.from(table.tBodies[0].rows, tr => Array.from(tr.cells,
            td => td.classList.contains('xx-null') ? null : td.textContent))};
}"""

# Dates, booleans, doubles (some with many digits), NULLs and text, as typed by a visitor.
TYPED = """SELECT report_id, year, published_on, on_time, fee_collected_yuan, agency_name,
       error_checks + warning_checks AS findings, year / 7 AS sevenths, NULL AS nothing
FROM reports
ORDER BY report_id"""


def python_duckdb(base: str, tables: list[str], folder) -> duckdb.DuckDBPyConnection:
    """DuckDB in Python with the page's table names, over the Parquet files the site publishes."""
    con = duckdb.connect()
    for name in tables:
        path = folder / f"{name}.parquet"
        with urllib.request.urlopen(f"{base}downloads/parquet/{name}.parquet") as r:
            path.write_bytes(r.read())
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path}')")
    return con


def same(text: str | None, value) -> bool:
    """A cell as the page prints it against a value from DuckDB in Python."""
    if value is None or text is None:
        return value is None and text is None
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int | float | decimal.Decimal):
        return float(text) == float(value)
    if isinstance(value, datetime.date):
        return text == value.isoformat()
    return text == str(value)


def expect_rows(con: duckdb.DuckDBPyConnection, sql: str, shown: dict) -> None:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert [h[0] for h in shown["heads"]] == names, sql
    assert all(h[1] == "col" for h in shown["heads"])
    assert len(shown["rows"]) == len(rows), (sql, shown["rows"], rows)
    for got, want in zip(shown["rows"], rows, strict=True):
        assert all(same(t, v) for t, v in zip(got, want, strict=True)), (sql, got, want)
    assert shown["caption"] == f"查询结果：{len(rows)} 行"


def run_and_read(page, how: str = "button") -> dict:
    """Run the editor's SQL (the 「运行」 button, or Ctrl+Enter in the editor) and read the result."""
    before = int(page.get_attribute("#xx-sql", "data-runs") or 0)
    if how == "button":
        page.click("#xx-sql-run")
    else:
        page.press("#xx-sql-editor", "Control+Enter")
    page.wait_for_function(
        "n => +(document.getElementById('xx-sql').dataset.runs || 0) > n", arg=before, timeout=QUERY_SECONDS
    )
    return page.evaluate(ROWS)


def test_sql_page_answers_like_duckdb_in_python(browser, seed_site, tmp_path):  # noqa: F811
    requests: list[str] = []
    listener = lambda r: requests.append(r.url)  # noqa: E731
    browser.on("request", listener)  # the context's: pages and their workers alike
    try:
        visit = Visit(browser, seed_site, "sql/")
        page = visit.page
        page.wait_for_selector("#xx-sql[data-ready]")
        # Opening the page loads the page only: DuckDB comes with the first query.
        assert not [u for u in requests if "duckdb" in u], requests
        tables = list(json.loads(page.get_attribute("#xx-sql", "data-tables")))
        assert {"reports", "agencies", "applications", "reviews_litigation", "report_summary"} <= set(tables)
        con = python_duckdb(seed_site, tables, tmp_path)

        # Every example: its button fills the editor, 「运行」 runs it.
        buttons = page.query_selector_all("button.xx-sql-example")
        titles = [b.inner_text() for b in buttons]
        assert {"公开比例最高的区", "纠错率（按年度）", "收到申请最多的机关"} <= set(titles)
        for button in buttons:
            button.click()
            sql = page.input_value("#xx-sql-editor")
            assert sql == button.get_attribute("data-sql")
            expect_rows(con, sql, run_and_read(page))
        assert "wasm" in " ".join(requests) and "reports.csv.gz" in " ".join(requests)  # the worker is seen

        # By keyboard alone: an example with Enter (the editor takes the focus), Tab on to 「运行」
        # (no trap in the editor), and a typed query run with Ctrl+Enter in the editor.
        page.focus("button.xx-sql-example >> nth=1")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "xx-sql-editor"
        assert page.input_value("#xx-sql-editor") == buttons[1].get_attribute("data-sql")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "xx-sql-run"
        page.fill("#xx-sql-editor", TYPED)
        shown = run_and_read(page, how="keys")
        expect_rows(con, TYPED, shown)
        assert len(shown["rows"]) == 5
        assert "查询完成：5 行" in page.inner_text("#xx-sql-status")
        # The CSV: the same rows, every one, with a BOM for Excel.
        link = page.query_selector("#xx-sql-csv")
        assert link.is_visible() and link.get_attribute("href").startswith("blob:")
        data = page.evaluate(
            "url => fetch(url).then(r => r.arrayBuffer()).then(b => Array.from(new Uint8Array(b)))",
            link.get_attribute("href"),
        )
        body = bytes(data).decode("utf-8")
        assert body.startswith("\ufeff")
        lines = list(csv.reader(io.StringIO(body[1:], newline="")))
        cur = con.execute(TYPED)
        assert lines[0] == [d[0] for d in cur.description]
        for got, want in zip(lines[1:], cur.fetchall(), strict=True):
            assert all(same(t or None, v) for t, v in zip(got, want, strict=True)), (got, want)

        # A long result: the table shows its first 1,000 rows and says so; the CSV has them all.
        page.fill("#xx-sql-editor", "SELECT range AS n, range / 3 AS third FROM range(2500)")
        shown = run_and_read(page, how="keys")
        assert shown["caption"] == "查询结果：2,500 行（表中显示前 1,000 行，CSV 含全部行）"
        assert len(shown["rows"]) == 1000 and shown["rows"][999][0] == "999"
        assert float(shown["rows"][2][1]) == 2 / 3
        assert link.inner_text() == "下载 CSV（2,500 行）"

        # Errors: said in Chinese, with DuckDB's own message; the last good result is gone.
        page.fill("#xx-sql-editor", "SELECT * FROM no_such_table")
        run_and_read(page, how="keys")
        error = page.inner_text("#xx-sql-error")
        assert "查询出错" in error and "no_such_table" in error
        assert page.query_selector("#xx-sql-result table") is None and not link.is_visible()

        # WCAG 2.1 AA with a result on the page, at desktop width and on a phone, where the wide
        # result scrolls inside its own box (which the keyboard can reach), never the page.
        page.fill("#xx-sql-editor", "SELECT * FROM report_summary ORDER BY report_id")
        run_and_read(page)
        assert visit.axe() == []
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(100)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.eval_on_selector(
            ".xx-sql-box", "b => ({scrolls: b.scrollWidth > b.clientWidth, focusable: b.tabIndex === 0})"
        )
        assert box == {"scrolls": True, "focusable": True}
        page.evaluate("() => { window.xxAxe = null; }")
        assert visit.axe() == []
        assert visit.problems == []
        page.close()
    finally:
        browser.remove_listener("request", listener)
    foreign = [u for u in requests if not u.startswith((seed_site, "blob:", "data:"))]
    assert foreign == []


@pytest.mark.parametrize("path", ["", "data/", "method/", "agencies/wuhan-qiaokou-danganguan/"])
def test_only_the_sql_page_loads_duckdb(seed_site, path):  # noqa: F811
    with urllib.request.urlopen(seed_site + path) as r:
        html = r.read().decode("utf-8")
    assert "duckdb-wasm" not in html and "sql.js" not in html and "importmap" not in html
    assert re.search(r'href="(\.\./)*sql/"', html)  # in the site's navigation
