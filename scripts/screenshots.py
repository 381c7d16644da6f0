"""Screenshots of a built site for the README, in Debian's headless Chromium (run by hand).

.venv/bin/python scripts/benchmark.py --sizes 10000 --keep /tmp/bench
.venv/bin/python scripts/screenshots.py /tmp/bench/out-10000/site hangzhou-fuyang-minzhengju
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
    ap.add_argument("agency_id")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with serve(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
        )
        for name, path, height in (("home", "", 1300), ("agency", f"agencies/{args.agency_id}/", 1900)):
            page = browser.new_page(viewport={"width": 1280, "height": height})
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_selector("figure.xx-chart.xx-chart-ready")
            page.screenshot(path=OUT / f"{name}.png")
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
