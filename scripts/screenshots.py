"""Screenshots of a built site for the README, in Debian's headless Chromium (run by hand): the home
page and an agency page on a desktop (1280 px) and on a phone (390 px), and on a phone an agency
that received no application (its charts are one sentence each, not empty axes).

.venv/bin/python scripts/generate_corpus.py 200 /tmp/shots/reports && cp reports/*.txt /tmp/shots/reports/
.venv/bin/xxgk build --reports /tmp/shots/reports --out /tmp/shots
.venv/bin/python scripts/screenshots.py /tmp/shots/site anyang-longan-caizhengju \\
    --empty wuhan-qiaokou-danganguan
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

from xxgk.site.preview import CHROMIUM_FLAGS, serve

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("agency_id", help="an agency with numbers")
    ap.add_argument("--empty", help="an agency that received no application", default=None)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    shots = [
        ("home", "", 1280, 1300),
        ("agency", f"agencies/{args.agency_id}/", 1280, 1900),
        ("home-390", "", 390, 1700),
        ("agency-390", f"agencies/{args.agency_id}/", 390, 2400),
    ]
    if args.empty:
        shots.append(("agency-empty-390", f"agencies/{args.empty}/", 390, 1900))
    with serve(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
        )
        for name, path, width, height in shots:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + path, wait_until="networkidle")
            if page.query_selector("figure.xx-chart[data-kind]"):
                page.wait_for_selector("figure.xx-chart.xx-chart-ready")
            page.screenshot(path=OUT / f"{name}.png")
            print(OUT / f"{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
