"""Screenshots of a built site for the README, in Debian's headless Chromium (run by hand).

.venv/bin/python scripts/benchmark.py --sizes 10000 --keep /tmp/bench
.venv/bin/python scripts/screenshots.py /tmp/bench/out-10000/site hangzhou-fuyang-minzhengju
"""

from __future__ import annotations

import argparse
import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("site", type=Path)
    ap.add_argument("agency_id")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=FLAGS)
        for name, path, height in (("home", "", 1300), ("agency", f"agencies/{args.agency_id}/", 1900)):
            page = browser.new_page(viewport={"width": 1280, "height": height})
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_selector("figure.xx-chart.xx-chart-ready")
            page.screenshot(path=OUT / f"{name}.png")
            print(OUT / f"{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
