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
# DuckDB-WASM for the SQL page (sql/), loaded by assets/sql.js on that page only. One bundle: "eh"
# (WebAssembly exception handling: Chrome/Edge 95, Firefox 100, Safari 15.2 and later, i.e. every
# current browser); "mvp" (39 MB more) would serve only browsers older than that, and "coi" needs
# cross-origin-isolation headers a static host does not send. Files copied: the ES module, the eh
# worker and the eh .wasm gzip-compressed (34 MB → 7.6 MB of the site: assets/sql.js unpacks it
# with the browser's DecompressionStream, Firefox 113 and Safari 16.4 on). The module is renamed
# .mjs → .js so that any static server sends it with a JavaScript MIME type.
duck=src/xxgk/site/assets/vendor/duckdb-wasm
rm -rf "$duck" && mkdir -p "$duck"
dist=node_modules/@duckdb/duckdb-wasm/dist
cp "$dist/duckdb-browser.mjs" "$duck/duckdb-browser.js"
cp "$dist/duckdb-browser-eh.worker.js" "$duck/"
gzip -9 -n -c "$dist/duckdb-eh.wasm" > "$duck/duckdb-eh.wasm.gz"
# The npm package ships no licence file; its package.json says MIT. This is the repository's LICENSE.
cat > "$duck/LICENSE" <<'LICENCE'
Copyright 2021 DuckDB WASM Contributors (see https://github.com/duckdb/duckdb-wasm/graphs/contributors)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE
# duckdb-browser.js imports "apache-arrow" (the page maps that name to this file with an import
# map). Arrow publishes no single-file ES module, only a UMD bundle: it is wrapped unchanged in a
# module that hands it an `exports` object and re-exports every name it fills in.
umd=node_modules/apache-arrow/Arrow.es2015.min.js
names=$(node -e 'const e={}; new Function("exports","module",require("fs").readFileSync(process.argv[1],"utf8"))
  .call(globalThis,e,{}); console.log(Object.keys(e).filter(k => /^[A-Za-z_$][\w$]*$/.test(k)).join(", "))' "$umd")
{
  echo "// Apache Arrow $(node -p 'require("./node_modules/apache-arrow/package.json").version') (Apache-2.0, LICENSE.arrow.txt), its UMD bundle as an ES module (scripts/vendor_assets.sh)."
  echo "const exports = {}, module = {};"
  cat "$umd"
  echo
  echo "export const { $names } = exports;"
} > "$duck/apache-arrow.js"
cp node_modules/apache-arrow/LICENSE.txt "$duck/LICENSE.arrow.txt"
cp node_modules/apache-arrow/NOTICE.txt "$duck/NOTICE.arrow.txt"
node -p '"@duckdb/duckdb-wasm " + require("./node_modules/@duckdb/duckdb-wasm/package.json").version
  + "\napache-arrow " + require("./node_modules/apache-arrow/package.json").version' > "$duck/VERSION"
echo "vendored duckdb-wasm ($(tr '\n' ' ' < "$duck/VERSION")) into $duck: $(du -sh "$duck" | cut -f1)"
