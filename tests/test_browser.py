"""The built site in a real browser: Debian's Chromium, headless, over local HTTP.

`make test` installs Chromium when it is missing (scripts/install_browser.sh); without it these
tests fail rather than skip, saying how to get it.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
from conftest import REPORTS, SEEDS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from xxgk.pipeline import build
from xxgk.site import preview

ARCHIVE = "wuhan-qiaokou-danganguan"  # 武汉市硚口区档案馆, seed 005


def chromium_path() -> str:
    path = os.environ.get("XXGK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "Chromium not found: `make test` installs Debian's chromium (scripts/install_browser.sh), "
            "or set XXGK_CHROMIUM to a Chromium binary"
        )
    return path


@pytest.fixture(scope="module")
def serve():
    """Serve folders on 127.0.0.1; yields a function folder → URL."""
    with ExitStack() as stack:
        yield lambda folder: stack.enter_context(preview.serve(folder))


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory, serve) -> str:
    """The site built from reports/, the five seeds, as CI publishes it."""
    tmp = tmp_path_factory.mktemp("seedsite")
    result = build(REPORTS, tmp / "out")
    assert result.ok, result.failed
    return serve(tmp / "out" / "site")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh profile each run
            executable_path=chromium_path(),
            headless=True,
            args=preview.CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


class Visit:
    """One page load with everything that went wrong on the way: failed requests, HTTP errors,
    requests to another host, console errors, uncaught exceptions and dialogs (a script that ran)."""

    def __init__(self, browser, base: str, path: str):
        self.problems: list[str] = []
        self.page = page = browser.new_page()
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on(
            "request",
            lambda r: (
                r.url.startswith((base, "data:", "blob:")) or self.problems.append(f"another host: {r.url}")
            ),
        )
        page.on(
            "console", lambda m: m.type in ("error", "warning") and self.problems.append(f"console: {m.text}")
        )
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.goto(base + path, wait_until="networkidle")

    def charts(self) -> list[dict]:
        """Each chart: its id, whether ECharts drew it, and the text of the drawn SVG."""
        try:
            self.page.wait_for_selector("figure.xx-chart.xx-chart-ready", timeout=15_000)
        except PlaywrightTimeout:
            pytest.fail(f"no chart was drawn; problems on the page: {self.problems}")
        return self.page.eval_on_selector_all(
            "figure.xx-chart",
            """figs => figs.map(f => ({
            id: f.id, ready: f.classList.contains('xx-chart-ready'),
            marks: f.querySelectorAll('.xx-chart-canvas svg path').length,
            text: Array.from(f.querySelectorAll('.xx-chart-canvas svg text'), t => t.textContent).join(' '),
            width: f.querySelector('.xx-chart-canvas svg')?.getBoundingClientRect().width || 0}))""",
        )


def test_home_loads_everything_from_itself_and_draws_its_charts(browser, seed_site):
    visit = Visit(browser, seed_site, "")
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-outcomes", "chart-shares", "chart-reports"]
    for c in charts:
        assert c["ready"] and c["marks"] > 5 and c["width"] > 200, c
    # Chinese labels drawn by the chart itself: legend names and the years on the axis.
    assert "予以公开" in charts[0]["text"] and "2024" in charts[0]["text"]
    assert "公开比例" in charts[1]["text"]
    assert visit.problems == []
    visit.page.close()


def test_agency_page_loads_with_summary_card_charts_and_downloads(browser, seed_site):
    visit = Visit(browser, seed_site, f"agencies/{ARCHIVE}/")
    page = visit.page
    assert page.title().startswith("武汉市硚口区档案馆")
    assert "2024年度概要" in page.inner_text("section.xx-summary")
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-applicants", "chart-outcomes"]
    assert all(c["ready"] and c["width"] > 200 for c in charts)
    assert "自然人" in charts[0]["text"]
    # Every link on the page that downloads something answers with the file.
    hrefs = page.eval_on_selector_all("a[download]", "as => as.map(a => a.href)")
    assert any(h.endswith(".xlsx") for h in hrefs) and any(h.endswith(".csv") for h in hrefs)
    for href in hrefs:
        response = page.request.get(href)
        assert response.ok and len(response.body()) > 100, href
    assert page.request.get(next(h for h in hrefs if h.endswith(".xlsx"))).body()[:2] == b"PK"
    assert visit.problems == []
    page.close()


def test_searching_a_chinese_name_finds_the_agency_page(browser, seed_site):
    visit = Visit(browser, seed_site, "")
    page = visit.page
    page.focus("input.md-search__input")
    # Material's search worker loads the index first; typing before it is ready is dropped.
    page.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('初始化')", timeout=15_000
    )
    page.fill("input.md-search__input", "档案馆")
    page.keyboard.press("End")  # Material searches on keyup, which inserted Chinese text does not send
    page.wait_for_selector(".md-search-result__item a", timeout=15_000)
    hits = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    assert f"/agencies/{ARCHIVE}/" in [urlsplit(h).path for h in hits], hits
    page.click(f".md-search-result__item a[href*='{ARCHIVE}']")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == f"/agencies/{ARCHIVE}/"
    assert "武汉市硚口区档案馆" in page.inner_text("h1")
    assert visit.problems == []
    page.close()


def test_agency_list_filters_as_you_type_and_tables_sort(browser, seed_site):
    visit = Visit(browser, seed_site, "")
    page = visit.page
    page.fill("form.xx-find input", "档案馆")  # the home page's way in by agency
    page.press("form.xx-find input", "Enter")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/agencies/" and page.input_value("#xx-filter") == "档案馆"
    page.fill("#xx-filter", "硚口")
    assert page.inner_text("#xx-count") == "4"
    page.fill("#xx-filter", "档案馆")
    visible = page.eval_on_selector_all(
        "#xx-agencies tbody tr",
        "rs => rs.filter(r => r.style.display !== 'none').map(r => r.cells[0].textContent)",
    )
    assert visible == ["武汉市硚口区档案馆"]
    assert page.inner_text("#xx-count") == "1"
    page.goto(seed_site + "years/2024/", wait_until="networkidle")
    names = "#agencies ~ table.xx-sortable tbody tr td:first-child"
    page.click("#agencies ~ table.xx-sortable thead th:nth-child(1)")
    first = page.eval_on_selector_all(names, "ts => ts.map(t => t.textContent)")
    page.click("#agencies ~ table.xx-sortable thead th:nth-child(1)")
    again = page.eval_on_selector_all(names, "ts => ts.map(t => t.textContent)")
    assert len(first) > 1 and again == list(reversed(first))
    assert visit.problems == []
    page.close()


def test_script_in_a_report_shows_as_text_and_never_runs(browser, serve, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    text = (
        SEEDS[4]
        .read_text("utf-8")
        .replace("（一）政府信息处理费收取情况", f"（一）政府信息处理费收取情况{evil}")
    )
    (reports / "evil.txt").write_text(text, encoding="utf-8")
    result = build(reports, tmp_path / "out")
    assert result.ok, result.failed
    base = serve(tmp_path / "out" / "site")
    visit = Visit(browser, base, f"agencies/{ARCHIVE}/")
    assert evil in visit.page.inner_text(".xx-text")
    assert visit.page.evaluate("document.querySelectorAll('.xx-text script, .xx-text img').length") == 0
    # No dialog opened and the broken image was never requested.
    assert visit.problems == []
    visit.page.close()


def test_region_page_compares_agencies_and_charts_the_regions_years(browser, seed_site):
    visit = Visit(browser, seed_site, "regions/hubei-wuhan-qiaokou/")
    page = visit.page
    assert [c["id"] for c in visit.charts()] == ["chart-outcomes", "chart-shares", "chart-reports"]
    agencies = page.eval_on_selector_all(
        "#agencies ~ table tbody tr td:first-child", "ts => ts.map(t => t.textContent)"
    )
    assert "武汉市硚口区档案馆" in agencies and len(agencies) == 4  # the four 硚口区 seeds
    page.click("article a[href='../hubei-wuhan/']")  # up to the city, which compares its districts
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/regions/hubei-wuhan/"
    districts = page.eval_on_selector(  # the first table after the heading
        "#subregions ~ table", "t => Array.from(t.tBodies[0].rows, r => r.cells[0].textContent)"
    )
    assert sorted(districts) == ["新洲区", "硚口区"]
    assert visit.problems == []
    page.close()


@pytest.mark.parametrize("path", ["", f"agencies/{ARCHIVE}/", "regions/hubei-wuhan/", "years/2024/", "data/"])
def test_pages_fit_a_phone_screen(browser, seed_site, path):
    """Wide tables scroll inside themselves; the page itself never scrolls sideways at 390 px."""
    visit = Visit(browser, seed_site, path)
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # charts redraw on resize
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert visit.problems == []
    page.close()


def test_home_finder_falls_back_to_search_when_the_list_is_too_long(browser, serve, tmp_path, monkeypatch):
    import xxgk.site as site

    monkeypatch.setattr(site, "AGENCY_LIST_ROWS", 3)  # the seeds' five agencies are "too many"
    result = build(REPORTS, tmp_path / "out")
    assert result.ok, result.failed
    base = serve(tmp_path / "out" / "site")
    visit = Visit(browser, base, "")
    page = visit.page
    page.fill("form.xx-find input", "档案馆")
    page.press("form.xx-find input", "Enter")
    page.wait_for_url("**/agencies/?q=*")
    page.wait_for_selector(".md-search-result__item a", timeout=15_000)
    hits = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    assert f"/agencies/{ARCHIVE}/" in [urlsplit(h).path for h in hits], hits
    assert visit.problems == []
    page.close()
