"""The built site in a real browser: Debian's Chromium, headless, over local HTTP.

`make test` installs Chromium when it is missing (scripts/install_browser.sh); without it these
tests fail rather than skip, saying how to get it.

Accessibility (WCAG 2.1 AA, as GB/T 37668-2019 asks): axe-core, vendored under tests/vendor/
from npm (package.json) and injected by the tests only — the site never ships it — runs on every
kind of page; a serious or critical violation fails. Pages with real numbers (charts, findings on
cells) come from a small synthetic corpus (xxgk.synth), the seeds being all zeros.
"""

from __future__ import annotations

import csv
import functools
import os
import re
import shutil
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPORTS, SEEDS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from xxgk.pipeline import build
from xxgk.site import preview
from xxgk.synth.variants import VARIANTS, make_case

ARCHIVE = "wuhan-qiaokou-danganguan"  # 武汉市硚口区档案馆, seed 005
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@functools.cache
def axe_source() -> str:
    return AXE.read_text("utf-8")


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


EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)>"
VARIANT_FILES = ("template_mix", "label_typos", "blank_total_column")


@pytest.fixture(scope="module")
def synth_site(tmp_path_factory, serve) -> dict:
    """A site with real numbers: four synthetic reports (two agencies × two years, with deliberate
    errors) and seed 005 with a script in its text; its three agencies count as too many for a
    printed list (the home finder then asks the site's search). Yields its URL and agency ids."""
    import xxgk.site as site
    from xxgk.synth import corpus

    tmp = tmp_path_factory.mktemp("synthsite")
    reports = tmp / "reports"
    reports.mkdir()
    for k, (rep, _) in enumerate(corpus(4, seed=1, years=2)):
        (reports / f"{k:06d}-{rep.agency.kind}-{rep.year}.txt").write_text(rep.render(), encoding="utf-8")
    text = (
        SEEDS[4]
        .read_text("utf-8")
        .replace("（一）政府信息处理费收取情况", f"（一）政府信息处理费收取情况{EVIL}")
    )
    (reports / "evil.txt").write_text(text, encoding="utf-8")
    for variant in VARIANT_FILES:  # reports that raise the warnings of issue 8 (xxgk.synth.variants)
        case = make_case(VARIANTS[variant], "cells", seed=1)
        (reports / case.name).write_bytes(case.data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(site, "AGENCY_LIST_ROWS", 2)
        result = build(reports, tmp / "out")
    assert result.ok, result.failed
    with (tmp / "out" / "datapackage" / "data" / "reports.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    errors: dict[str, int] = {}
    for r in rows:
        errors[r["agency_id"]] = errors.get(r["agency_id"], 0) + int(r["error_checks"] or 0)
    variants = {
        r["source_file"].split("-cells-")[0]: r["agency_id"] for r in rows if "-cells-" in r["source_file"]
    }
    synthetic = sorted(
        (a for a in errors if a != ARCHIVE and a not in variants.values()), key=lambda a: -errors[a]
    )
    assert errors[synthetic[0]] > 0  # findings to mark on cells
    return {"url": serve(tmp / "out" / "site"), "agency": synthetic[0], "variants": variants}


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

    def __init__(self, browser, base: str, path: str, wait_until: str = "networkidle"):
        self.problems: list[str] = []
        self.page = page = browser.new_page()
        page.on(  # (a request cut short by going on to the next page is not a failure)
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" in (r.failure or "") or self.problems.append(f"failed: {r.url} {r.failure}")
            ),
        )
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
        page.goto(base + path, wait_until=wait_until)

    def charts(self) -> list[dict]:
        """Each chart: its id, whether ECharts drew it, the text of the drawn SVG, and the sentence
        said instead where its numbers are all 0 or blank (then nothing is drawn)."""
        if self.page.query_selector("figure.xx-chart[data-kind]"):
            try:
                self.page.wait_for_selector("figure.xx-chart.xx-chart-ready", timeout=15_000)
            except PlaywrightTimeout:
                pytest.fail(f"no chart was drawn; problems on the page: {self.problems}")
        return self.page.eval_on_selector_all(
            "figure.xx-chart",
            """figs => figs.map(f => ({
            id: f.id, ready: f.classList.contains('xx-chart-ready'),
            empty: f.querySelector('.xx-chart-empty')?.textContent || '',
            marks: f.querySelectorAll('.xx-chart-canvas svg path').length,
            text: Array.from(f.querySelectorAll('.xx-chart-canvas svg text'), t => t.textContent).join(' '),
            width: f.querySelector('.xx-chart-canvas svg')?.getBoundingClientRect().width || 0}))""",
        )

    def start_axe(self) -> None:
        """Start axe-core's WCAG 2.1 A/AA rules on the page as it is now; `axe()` waits for the
        result, so pages in other tabs (each its own renderer process) are checked meanwhile.
        axe is put into the page as inline script: no request is made, and the site never has it.
        (preload: false — axe would fetch every stylesheet again for one rule about locking the
        screen's orientation, which this site's CSS never does.)"""
        self.page.evaluate(
            """([source, tags]) => { window.xxAxe = new Promise(done => setTimeout(() => {
                const script = document.createElement('script');
                script.textContent = source;
                document.head.appendChild(script);
                done(axe.run(document, {runOnly: {type: 'tag', values: tags},
                                        resultTypes: ['violations'], preload: false}));
            }, 0)); }""",
            [axe_source(), WCAG_AA],
        )

    def axe(self) -> list[str]:
        """Each serious or critical violation as 「rule (impact): n nodes, e.g. selector — why」."""
        if not self.page.evaluate("() => !!window.xxAxe"):
            self.start_axe()
        result = self.page.evaluate("() => window.xxAxe")
        return [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']} — "
            + v["nodes"][0]["failureSummary"].replace("\n", " ")[:300]
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]


def test_home_loads_everything_from_itself_and_draws_its_charts(browser, seed_site, synth_site):
    # The seeds received no application: the two charts of requests say so instead of drawing
    # empty axes; the chart of reports is drawn.
    visit = Visit(browser, seed_site, "")
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-outcomes", "chart-shares", "chart-reports"]
    assert charts[0]["empty"] and charts[1]["empty"] and not charts[0]["ready"]
    assert charts[2]["ready"] and charts[2]["marks"] > 5 and charts[2]["width"] > 200, charts[2]
    assert visit.problems == []
    visit.page.close()
    visit = Visit(browser, synth_site["url"], "")
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-outcomes", "chart-shares", "chart-reports"]
    for c in charts:
        assert c["ready"] and not c["empty"] and c["marks"] > 5 and c["width"] > 200, c
    # Chinese labels drawn by the chart itself: legend names and the years on the axis.
    assert "予以公开" in charts[0]["text"] and "2024" in charts[0]["text"]
    assert "公开比例" in charts[1]["text"]
    # Each drawing is an image named by its caption, whose text alternative is the table below.
    canvas = visit.page.eval_on_selector_all(
        ".xx-chart-canvas",
        """cs => cs.map(c => [c.getAttribute('role'),
            document.getElementById(c.getAttribute('aria-labelledby')).textContent,
            document.getElementById(c.getAttribute('aria-describedby')).textContent])""",
    )
    assert canvas[0] == [
        "img",
        "历年申请办理结果（件）",
        "图中的数字见下表「历年申请办理结果（件）：数字」。",
    ]
    assert visit.problems == []
    visit.page.close()


def test_agency_page_loads_with_summary_card_charts_and_downloads(browser, seed_site, synth_site):
    visit = Visit(browser, synth_site["url"], f"agencies/{synth_site['agency']}/")
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-applicants", "chart-outcomes"]
    assert all(c["ready"] and c["width"] > 200 for c in charts)
    assert "自然人" in charts[0]["text"]
    assert visit.problems == []
    visit.page.close()
    visit = Visit(browser, seed_site, f"agencies/{ARCHIVE}/")
    page = visit.page
    assert page.title().startswith("武汉市硚口区档案馆")
    assert "2024年度概要" in page.inner_text("section.xx-summary")
    # No application in any year: one sentence each, no empty axes.
    charts = visit.charts()
    assert [(c["id"], c["empty"]) for c in charts] == [
        ("chart-applicants", "本机关历年均未收到申请。"),
        ("chart-outcomes", "本机关历年均没有办结或结转的申请。"),
    ]
    assert page.query_selector(".xx-chart-canvas") is None
    # Every link on the page that downloads something answers with the file.
    hrefs = page.eval_on_selector_all("a[download]", "as => as.map(a => a.href)")
    assert any(h.endswith(".xlsx") for h in hrefs) and any(h.endswith(".csv") for h in hrefs)
    for href in hrefs:
        response = page.request.get(href)
        assert response.ok and len(response.body()) > 100, href
    assert page.request.get(next(h for h in hrefs if h.endswith(".xlsx"))).body()[:2] == b"PK"
    # The header's icons come from the site's icon file, and are drawn from it (a hidden one, as
    # the search box's back arrow on a wide screen, has no size until shown).
    icons = page.eval_on_selector_all("svg use", "us => us.map(u => u.getAttribute('href'))")
    assert len(icons) >= 5 and all(h.split("#")[0].endswith("assets/xxgk-icons.svg") for h in icons)
    assert page.eval_on_selector(".md-logo svg use", "u => u.getBBox().width") > 0
    sprite = page.request.get(
        page.eval_on_selector(
            "svg use", "u => new URL(u.getAttribute('href'), location.href).href.split('#')[0]"
        )
    )
    ids = set(re.findall(r'<symbol id="([^"]+)"', sprite.text()))
    assert {h.split("#")[1] for h in icons} <= ids
    assert visit.problems == []
    page.close()


def test_searching_a_chinese_name_finds_the_agency_page(browser, seed_site):
    """The header's search (Pagefind): a word of a Chinese name finds the page, loading from the
    site only the index files the query needs; the box works by keyboard and meets WCAG 2.1 AA
    with its results open."""
    visit = Visit(browser, seed_site, "")
    page = visit.page
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(urlsplit(r.url).path))
    page.focus("input.md-search__input")  # in the header at 1280 px (a button opens it on a phone)
    page.keyboard.type("档案馆")  # typed as keys, one character after another
    page.wait_for_selector(".md-search-result__item a", timeout=15_000)
    hits = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    assert f"/agencies/{ARCHIVE}/" in [urlsplit(h).path for h in hits], hits
    assert "个符合条件的结果" in page.inner_text(".md-search-result__meta")
    # Only Pagefind's files, from this site: its library, the index chunk and the fragments shown.
    searched = [p for p in loaded if p.startswith("/pagefind/")]
    assert any(p.startswith("/pagefind/index/") for p in searched), searched
    assert not any(p.endswith("search_index.json") for p in loaded)
    assert visit.axe() == []  # WCAG 2.1 AA with the search open on its results
    page.keyboard.press("ArrowDown")  # from the box to the first result
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.click(f".md-search-result__item a[href*='{ARCHIVE}']")
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == f"/agencies/{ARCHIVE}/"
    assert "武汉市硚口区档案馆" in page.inner_text("h1")
    page.focus(".md-search__input")  # Escape closes the box again
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
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
    head = "#agencies ~ table.xx-sortable thead th:nth-child(1)"
    page.click(head)
    first = page.eval_on_selector_all(names, "ts => ts.map(t => t.textContent)")
    page.focus(f"{head} button")  # the same from the keyboard: the header's button, then Enter
    page.keyboard.press("Enter")
    again = page.eval_on_selector_all(names, "ts => ts.map(t => t.textContent)")
    assert len(first) > 1 and again == list(reversed(first))
    assert page.get_attribute(head, "aria-sort") == "ascending"
    assert visit.problems == []
    page.close()


def test_script_in_a_report_shows_as_text_and_never_runs(browser, synth_site):
    visit = Visit(browser, synth_site["url"], f"agencies/{ARCHIVE}/")  # seed 005 with a script
    assert EVIL in visit.page.inner_text(".xx-text")
    assert visit.page.evaluate("document.querySelectorAll('.xx-text script, .xx-text img').length") == 0
    # No dialog opened and the broken image was never requested.
    assert visit.problems == []
    visit.page.close()


def test_region_page_compares_agencies_and_charts_the_regions_years(browser, seed_site):
    visit = Visit(browser, seed_site, "regions/hubei-wuhan-qiaokou/")
    page = visit.page
    charts = visit.charts()
    assert [c["id"] for c in charts] == ["chart-outcomes", "chart-shares", "chart-reports"]
    assert [bool(c["empty"]) for c in charts] == [True, True, False] and charts[2]["ready"]
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


# Header cells that wrap one character a line: taller than three lines of text yet narrower
# than their text laid out on one line (「新收申请」 printed vertically).
BROKEN_HEADERS = """() => Array.from(document.querySelectorAll('table thead th')).filter(th => {
    const text = th.textContent.trim(), style = getComputedStyle(th);
    if (text.length < 2 || th.offsetParent === null) return false;
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    return th.clientHeight / th.rowSpan > 3.5 * line && text.length <= 8;  // per row it spans
}).map(th => th.textContent.trim())"""


def test_pages_fit_a_phone_screen(browser, seed_site, synth_site):
    """At 390 px no page scrolls sideways: wide tables scroll inside their own box (which the
    keyboard can reach) with the row labels kept in view, and header cells wrap between words,
    not one character a line."""
    synth = synth_site["url"]
    pages = [(seed_site, p) for p in ("", f"agencies/{ARCHIVE}/", "regions/hubei-wuhan/", "years/2024/")]
    pages += [(seed_site, "data/"), (synth, ""), (synth, f"agencies/{synth_site['agency']}/")]
    visits = {base: Visit(browser, base, "") for base in (seed_site, synth)}
    for base, path in pages:
        visit = visits[base]
        page = visit.page
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + path, wait_until="load")
        visit.charts()
        page.wait_for_timeout(100)  # charts redraw and tables are measured on resize
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.evaluate(BROKEN_HEADERS) == [], path
        boxes = page.eval_on_selector_all(
            "table.xx-table",
            """ts => ts.filter(t => t.offsetParent).map(t => ({right: t.getBoundingClientRect().right,
                scrolls: t.scrollWidth > t.clientWidth + 1, focusable: t.tabIndex === 0}))""",
        )
        assert all(b["right"] <= 391 and (b["focusable"] or not b["scrolls"]) for b in boxes), (path, boxes)
        if page.query_selector("table.xx-apps"):  # table 三: its labels stay while its numbers scroll
            sticky = page.eval_on_selector(
                "table.xx-apps", "t => getComputedStyle(t.tBodies[0].rows[0].cells[0]).position"
            )
            assert sticky == "sticky"
        if base == synth and path.startswith("agencies/"):  # WCAG 2.1 AA on a phone too
            assert visit.axe() == [], path
    for visit in visits.values():
        assert visit.problems == []
        visit.page.close()


def test_home_finder_falls_back_to_search_when_the_list_is_too_long(browser, synth_site):
    visit = Visit(browser, synth_site["url"], "")  # built with a list of at most 2 agencies
    page = visit.page
    page.fill("form.xx-find input", "档案馆")
    page.press("form.xx-find input", "Enter")
    page.wait_for_url("**/agencies/?q=*")
    page.wait_for_selector(".md-search-result__item a", timeout=15_000)
    hits = page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    assert f"/agencies/{ARCHIVE}/" in [urlsplit(h).path for h in hits], hits
    assert visit.problems == []
    page.close()


# Every kind of page: seeds (all zeros) and the synthetic site (charts, findings on cells).
SEED_PAGES = [
    "",
    "agencies/",
    "regions/",
    "years/",
    "data/",
    "method/",
    f"agencies/{ARCHIVE}/",
    "regions/hubei-wuhan-qiaokou/",
    "years/2024/",
]
# The synthetic site's pages whose content the seeds lack: charts drawn, errors on cells. (Its
# region and year pages are the seeds' templates with other numbers.)
SYNTH_PAGES = ["", "agency"]


def test_every_kind_of_page_meets_wcag_21_aa(browser, seed_site, synth_site):
    """axe-core, WCAG 2.1 A and AA rules: no serious or critical violation on any kind of page
    (the search open on its results: test_searching_a_chinese_name_finds_the_agency_page; tables
    that scroll on a phone take the keyboard's focus: test_pages_fit_a_phone_screen). Pages are
    checked a few at a time, each tab in its own renderer process."""
    synth_agency = f"agencies/{synth_site['agency']}/"
    targets = [(seed_site, p, 1280) for p in SEED_PAGES]
    targets += [(synth_site["url"], synth_agency if p == "agency" else p, 1280) for p in SYNTH_PAGES]
    targets += [(synth_site["url"], f"agencies/{synth_site['variants']['label_typos']}/", 1280)]
    found: dict[str, list[str]] = {}
    for start in range(0, len(targets), AXE_TABS):
        running = []
        for base, path, width in targets[start : start + AXE_TABS]:
            visit = Visit(browser, base, path, wait_until="load")
            visit.page.set_viewport_size({"width": width, "height": 844})
            visit.charts()  # drawn before axe looks
            visit.start_axe()
            site = "seeds" if base == seed_site else "synthetic"
            running.append((f"{path or '/'} at {width} px ({site})", visit))
        for name, visit in running:
            found[name] = visit.axe() + visit.problems
            visit.page.close()
    assert {k: v for k, v in found.items() if v} == {}


AXE_TABS = 4


FOCUSED = """(e) => { e = e instanceof Element ? e : document.activeElement; const s = getComputedStyle(e);
    return {tag: e.tagName, cls: e.className && e.className.baseVal === undefined ? e.className : '',
        text: (e.textContent || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30),
        href: e.getAttribute('href') || '', download: e.hasAttribute('download'),
        ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none',
        visible: !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)}; }"""


def test_an_agency_page_by_keyboard_alone(browser, synth_site):
    """Tab reaches every control of an agency page in order, each with a visible focus ring, and
    leaves the page at its end (no trap); the skip link, the 「大字」 button and the finding
    links work from the keyboard."""
    visit = Visit(browser, synth_site["url"], f"agencies/{synth_site['agency']}/")
    page = visit.page
    visit.charts()
    expected = page.evaluate(
        """() => Array.from(document.querySelectorAll('a[href], button, input, summary, [tabindex="0"]'))
        .filter(e => e.offsetWidth || e.offsetHeight || e.getClientRects().length).length"""
    )
    # Each element the focus lands on, as it looks then (recorded in the page: one round trip).
    page.evaluate(
        """f => { window.xxFocus = [];
        document.addEventListener('focusin', e => e.target instanceof Element
            && xxFocus.push((0, eval)(f)(e.target))); }""",
        FOCUSED,
    )
    for _ in range(expected + 8):
        page.keyboard.press("Tab")
    stops = page.evaluate("xxFocus")
    # Past the last control the focus leaves the page and comes back to the first: no trap.
    again = [i for i, s in enumerate(stops) if s["href"] == "#xx-content"]
    assert len(again) >= 2, f"Tab never came round to the skip link again: a trap? {stops[-5:]}"
    seen = stops[: again[1]]
    assert seen[0]["text"] == "跳到正文" and seen[0]["href"] == "#xx-content"
    assert len(seen) >= expected - 2, (len(seen), expected)  # every visible control
    assert [s for s in seen if not s["ring"] or not s["visible"]] == []
    texts = [s["text"] for s in seen]
    for control in ("机关", "搜索", "大字", "全部表格（Excel）", "表三 CSV", "错误1"):
        assert control in texts, (control, texts)
    assert sum(s["download"] for s in seen) >= 3  # the workbook, the CSV and each year's original
    # Shift+Tab goes back the same way.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["text"] == stops[-2]["text"]
    # The skip link moves the focus to the content; a finding's number jumps to the finding.
    page.focus("a.xx-skip")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "xx-content"
    page.focus("sup.xx-ref a")
    target = page.get_attribute("sup.xx-ref a", "href")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == target
    # 「大字」 with the keyboard.
    page.focus("button.xx-textsize")
    page.keyboard.press("Enter")
    assert page.get_attribute("button.xx-textsize", "aria-pressed") == "true"
    page.keyboard.press("Space")
    assert page.get_attribute("button.xx-textsize", "aria-pressed") == "false"
    assert visit.problems == []
    page.close()


def test_larger_text_is_remembered_and_the_layout_holds_at_200_percent(browser, synth_site):
    """The 「大字」 button enlarges the text on every page, remembered in the browser (no request to
    another host: Visit checks); at 200% zoom (1280 px seen as 640) nothing scrolls sideways."""
    base = synth_site["url"]
    visit = Visit(browser, base, "")
    page = visit.page
    size = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    before = page.evaluate(size)
    page.click("button.xx-textsize")
    assert page.evaluate(size) >= before * 1.2
    page.goto(base + f"agencies/{synth_site['agency']}/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.classList.contains('xx-large')")
    assert page.get_attribute("button.xx-textsize", "aria-pressed") == "true"
    page.set_viewport_size({"width": 640, "height": 450})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    assert page.evaluate(BROKEN_HEADERS) == []
    page.click("button.xx-textsize")  # back to normal for the other tests (same browser profile)
    assert not page.evaluate("document.documentElement.classList.contains('xx-large')")
    assert visit.problems == []
    page.close()


def test_an_agency_page_prints_as_a_clean_report(browser, synth_site):
    """Printed: no navigation, search or buttons; the page's address and the source files are."""
    visit = Visit(browser, synth_site["url"], f"agencies/{synth_site['agency']}/")
    page = visit.page
    visit.charts()
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.md-header', '.md-tabs', '.md-search', '.md-footer', '.xx-textsize', '.xx-downloads']
        .filter(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'
            && e.getBoundingClientRect().height > 0; })"""
    )
    assert hidden == []
    note = page.inner_text(".xx-print-only")
    assert page.url in note
    sources = page.eval_on_selector_all(".xx-source", "ps => ps.map(p => p.innerText)")
    assert sources and all(".txt" in s and "SHA-256" in s for s in sources)
    # Tables are not split across pages where they fit on one.
    assert page.eval_on_selector("table.xx-apps", "t => getComputedStyle(t).breakInside") == "avoid"
    assert visit.problems == []
    page.close()


def test_warnings_read_plainly_next_to_what_they_concern(browser, synth_site):
    """The warnings of issue 8 on the agency page: a row read from a label printed differently
    shows the printed label (label_variant); a 2021 report's 2019-style single 「（六）其他处理」 row
    is shown as printed in place of the three sub-rows (template_mix); a blank total cell is
    marked where the rule was not evaluated (missing_total). Warnings are 「提示」 with a dashed
    outline, never called 错误; each mark links to its finding."""
    base, ids = synth_site["url"], synth_site["variants"]
    visit = Visit(browser, base, f"agencies/{ids['template_mix']}/")
    page = visit.page
    for kind in ("template_mix", "label_typos", "blank_total_column"):
        if kind != "template_mix":
            page.goto(base + f"agencies/{ids[kind]}/", wait_until="load")
        marks = page.eval_on_selector_all(".xx-warn sup.xx-ref a", "as => as.map(a => a.textContent)")
        assert marks and all(m.startswith("提示") for m in marks), (kind, marks)
        warnings = page.eval_on_selector_all(".xx-findings li.warning", "ls => ls.map(l => l.textContent)")
        assert warnings and not any("错误" in w.split("）")[0] for w in warnings), warnings
        if kind == "template_mix":
            labels = page.eval_on_selector_all(".xx-apps tbody th", "ths => ths.map(th => th.textContent)")
            assert not any(t.startswith(("1.申请人无正当理由", "2.申请人逾期未按", "3.其他")) for t in labels)
            mixed = page.locator(".xx-apps tbody th.xx-warn", has_text="（六）其他处理")
            assert "2019年版" in mixed.inner_text()
            assert mixed.evaluate("th => getComputedStyle(th).outlineStyle") == "dashed"
            ref = mixed.locator("sup.xx-ref a")
            finding = page.locator(ref.get_attribute("href"))
            assert "2019年版" in finding.inner_text() and finding.inner_text().startswith("提示")
        elif kind == "label_typos":
            printed = page.eval_on_selector_all(".xx-apps .xx-printed", "ss => ss.map(s => s.textContent)")
            assert "原文印作「2.重复申申请」" in printed, printed
        else:
            blanks = page.eval_on_selector_all(
                ".xx-apps td.xx-blank.xx-warn",
                """tds => tds.map(td => [getComputedStyle(td, '::after').content,
                    td.querySelector('sup a')?.textContent])""",
            )
            assert len(blanks) >= 20
            assert all(c == '"（空白）"' and (r or "提示").startswith("提示") for c, r in blanks)
    assert visit.problems == []
    page.close()
