#!/usr/bin/env bash
# Refresh the site's vendored front-end files from the npm registry (run by hand, then commit).
# The site serves them itself: readers' browsers never load anything from another host, and
# `make build` needs no Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund
dest=src/xxgk/site/assets/vendor/echarts
mkdir -p "$dest"
# The "common" build: line, bar and pie charts with legend, tooltip, aria and the SVG renderer
# (715 KB against 1.1 MB for the full build); Chinese is ECharts' built-in locale.
cp node_modules/echarts/dist/echarts.common.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE "$dest/"
node -e 'console.log(require("./node_modules/echarts/package.json").version)' > "$dest/VERSION"
echo "vendored echarts $(cat "$dest/VERSION") into $dest"
# axe-core for the browser tests' accessibility checks (tests/test_browser.py injects it into the
# page under test). It belongs to the tests, never to the site: it lives under tests/vendor/.
axe=tests/vendor/axe-core
mkdir -p "$axe"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$axe/"
node -e 'console.log(require("./node_modules/axe-core/package.json").version)' > "$axe/VERSION"
echo "vendored axe-core $(cat "$axe/VERSION") into $axe"
