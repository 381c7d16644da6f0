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
