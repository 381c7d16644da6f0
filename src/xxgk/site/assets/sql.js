// The SQL page (sql/): DuckDB SQL over the site's own data, run in the visitor's browser.
// DuckDB-WASM is vendored next to this file (assets/vendor/duckdb-wasm/, scripts/vendor_assets.sh)
// and only this page loads this module; the engine (7.6 MB, 34 MB unpacked) is fetched on the
// first query (or the first click on an example), never when the page opens. Nothing is asked of another host: the
// bundle is chosen from a local map (never jsDelivr) and extensions are never auto-installed.
//
// The tables are the data package's CSVs (datapackage/data/<name>.csv.gz on this site: gzip, which
// DuckDB's CSV reader unpacks itself, so a static host must send the file as it is, without a
// Content-Encoding header, as GitHub Pages, nginx, Caddy and Apache do by default), read with the column
// types of their Table Schemas exactly as xxgk's aggregate stage reads them before writing the
// Parquet files (xxgk.aggregate.load_resources): the same tables, by construction. Not the Parquet
// files themselves: since DuckDB-WASM 1.29 the Parquet reader is an extension that DuckDB fetches
// from extensions.duckdb.org at first use, and the CSV reader is built in.

const VENDOR = new URL("vendor/duckdb-wasm/", import.meta.url);
// One bundle: "eh" (WebAssembly exception handling) runs in every current browser. Its engine is
// published gzip-compressed (34 MB → 7.6 MB of the site) and unpacked here (see `unpacked`).
const MANUAL_BUNDLES = {
  eh: {
    mainModule: new URL("duckdb-eh.wasm.gz", VENDOR).href,
    mainWorker: new URL("duckdb-browser-eh.worker.js", VENDOR).href,
  },
};
const SHOWN_ROWS = 1000; // rows drawn in the table; the CSV has them all
const LONG_TEXT = 40; // characters: longer text wraps in its cell, shorter stays on one line

const root = document.getElementById("xx-sql");
const editor = document.getElementById("xx-sql-editor");
const runButton = document.getElementById("xx-sql-run");
const status = document.getElementById("xx-sql-status");
const errorBox = document.getElementById("xx-sql-error");
const result = document.getElementById("xx-sql-result");
const csvLink = document.getElementById("xx-sql-csv");
const tables = JSON.parse(root.dataset.tables); // {resource: [[column, DuckDB type], …] in file order}
const csvBase = new URL(root.dataset.csv, document.baseURI);

let engine = null; // Promise of {duckdb, arrow, conn, version}
let busy = false;
let csvUrl = null;

function say(text) {
  status.textContent = text;
}

function fail(prefix, err) {
  const message = (err && err.message) || String(err);
  errorBox.hidden = false; // shown first, then filled: screen readers announce the alert's text
  errorBox.replaceChildren();
  const head = document.createElement("p");
  head.textContent = prefix;
  const detail = document.createElement("pre");
  detail.textContent = message;
  errorBox.append(head, detail);
}

function quoteIdent(name) {
  return '"' + name.replace(/"/g, '""') + '"';
}

function quoteString(text) {
  return "'" + text.replace(/'/g, "''") + "'";
}

// The engine as the browser unpacks it: a same-origin blob: URL that the worker fetches and
// compiles. A host that sent the file with Content-Encoding: gzip (against the site's advice) has
// unpacked it already: the bytes then start as WebAssembly does, and are used as they came.
async function unpacked(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  let bytes = await response.arrayBuffer();
  const head = new Uint8Array(bytes, 0, 2);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = await new Response(stream).arrayBuffer();
  }
  return URL.createObjectURL(new Blob([bytes], { type: "application/wasm" }));
}

async function start() {
  const duckdb = await import(new URL("duckdb-browser.js", VENDOR).href);
  const arrow = await import("apache-arrow"); // the page's import map: the vendored Arrow
  const features = await duckdb.getPlatformFeatures();
  if (!features.wasmExceptions || typeof DecompressionStream === "undefined") {
    throw new Error(
      "这个浏览器不支持 WebAssembly 异常处理或解压缩流，无法运行 DuckDB。请使用 Chrome 或 Edge 95、Firefox 113、" +
        "Safari 16.4 或更新的版本，或下载 Parquet / DuckDB 文件在本机查询。"
    );
  }
  const bundle = await duckdb.selectBundle(MANUAL_BUNDLES);
  const module = await unpacked(bundle.mainModule);
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  try {
    await db.instantiate(module, bundle.pthreadWorker);
  } finally {
    URL.revokeObjectURL(module);
  }
  await db.open({
    query: { castDecimalToDouble: true }, // HUGEINT sums and DECIMALs arrive as numbers
    // Simple static servers (python -m http.server) answer a range request with the whole file.
    filesystem: { allowFullHTTPReads: true },
  });
  const conn = await db.connect();
  await conn.query("SET autoinstall_known_extensions = false");
  await conn.query("SET autoload_known_extensions = false");
  for (const [name, columns] of Object.entries(tables)) {
    const file = name + ".csv.gz";
    await db.registerFileURL(file, new URL(file, csvBase).href, duckdb.DuckDBDataProtocol.HTTP, false);
    const spec = columns
      .map(([c, t]) => `${quoteString(c)}: ${quoteString(t)}`)
      .join(", ");
    await conn.query(
      `CREATE VIEW ${quoteIdent(name)} AS SELECT * FROM read_csv(${quoteString(file)}, header = true, ` +
        `columns = {${spec}}, nullstr = '', quote = '"', escape = '"')`
    );
  }
  return { duckdb, arrow, conn, version: await db.getVersion() };
}

function load() {
  if (!engine) {
    say("正在加载 DuckDB（约 8 MB，只在第一次查询时下载）…");
    root.classList.add("xx-loading"); // (not aria-busy: the status inside must still be read out)
    engine = start().then(
      (e) => {
        root.classList.remove("xx-loading");
        if (!busy) say(`DuckDB ${e.version} 已就绪：按「运行」或 Ctrl+Enter 执行。`);
        return e;
      },
      (err) => {
        root.classList.remove("xx-loading");
        engine = null; // another try may succeed (a dropped connection)
        throw err;
      }
    );
  }
  return engine;
}

// A value as text: the same text in the table and in the CSV. Numbers as JavaScript prints them
// (shortest exact form), BIGINT in full, dates as YYYY-MM-DD, NULL as null (shown 「NULL」).
function text(value, type, arrow) {
  if (value === null || value === undefined) return null;
  if (arrow.DataType.isDate(type)) {
    return new Date(Number(value)).toISOString().slice(0, 10);
  }
  if (arrow.DataType.isTimestamp(type)) {
    return new Date(Number(value)).toISOString().replace("T", " ").replace(/(\.000)?Z$/, "");
  }
  if (typeof value === "bigint" || typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) {
    return Array.from(value, (b) => "\\x" + b.toString(16).padStart(2, "0").toUpperCase()).join("");
  }
  const plain = typeof value.toJSON === "function" ? value.toJSON() : value;
  return JSON.stringify(plain, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

function csvField(v) {
  if (v === null) return "";
  return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

function show(table, arrow, version, seconds) {
  const fields = table.schema.fields;
  const columns = fields.map((f, i) => table.getChildAt(i));
  const numeric = fields.map(
    (f) => arrow.DataType.isInt(f.type) || arrow.DataType.isFloat(f.type) || arrow.DataType.isDecimal(f.type)
  );
  const total = table.numRows;
  const lines = [fields.map((f) => csvField(f.name)).join(",")];
  const shown = Math.min(total, SHOWN_ROWS);

  const box = document.createElement("div");
  box.className = "xx-sql-box";
  box.tabIndex = 0; // the keyboard scrolls a wide result too
  box.setAttribute("role", "region");
  box.setAttribute("aria-labelledby", "xx-sql-caption");
  const el = document.createElement("table");
  el.className = "xx-sql-table";
  const caption = el.createCaption();
  caption.id = "xx-sql-caption";
  caption.textContent =
    `查询结果：${total.toLocaleString("zh-CN")} 行` +
    (total > shown ? `（表中显示前 ${shown.toLocaleString("zh-CN")} 行，CSV 含全部行）` : "");
  const headRow = el.createTHead().insertRow();
  fields.forEach((f) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = f.name;
    headRow.appendChild(th);
  });
  const body = el.createTBody();
  for (let r = 0; r < total; r++) {
    const values = columns.map((col, c) => text(col ? col.get(r) : null, fields[c].type, arrow));
    lines.push(values.map(csvField).join(","));
    if (r >= shown) continue;
    const tr = body.insertRow();
    values.forEach((v, c) => {
      const td = tr.insertCell();
      if (v === null) {
        td.className = "xx-null";
        td.textContent = "NULL";
      } else {
        td.textContent = v;
        if (numeric[c]) td.className = "n";
        else if (v.length > LONG_TEXT) td.className = "xx-long";
      }
    });
  }
  box.appendChild(el);
  result.replaceChildren(box);

  if (csvUrl) URL.revokeObjectURL(csvUrl);
  // With a BOM: Excel then reads the Chinese text as UTF-8.
  csvUrl = URL.createObjectURL(new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }));
  csvLink.href = csvUrl;
  csvLink.textContent = `下载 CSV（${total.toLocaleString("zh-CN")} 行）`;
  csvLink.hidden = false;
  say(`查询完成：${total.toLocaleString("zh-CN")} 行，${fields.length} 列，用时 ${seconds.toFixed(2)} 秒（DuckDB ${version}）。`);
}

async function run() {
  if (busy) return;
  const sql = editor.value.trim();
  if (!sql) {
    say("请先输入 SQL。");
    editor.focus();
    return;
  }
  busy = true;
  runButton.setAttribute("aria-disabled", "true");
  errorBox.hidden = true;
  let e;
  try {
    e = await load();
  } catch (err) {
    say("DuckDB 加载失败。");
    fail("DuckDB 加载失败：", err);
    done();
    return;
  }
  say("正在查询…");
  result.setAttribute("aria-busy", "true");
  const t0 = performance.now();
  try {
    const table = await e.conn.query(sql);
    show(table, e.arrow, e.version, (performance.now() - t0) / 1000);
  } catch (err) {
    say("查询出错。");
    result.replaceChildren();
    csvLink.hidden = true;
    fail("查询出错（DuckDB 的说明如下）：", err);
  } finally {
    result.removeAttribute("aria-busy");
    done();
  }
}

function done() {
  busy = false;
  runButton.removeAttribute("aria-disabled");
  root.dataset.runs = String(Number(root.dataset.runs || 0) + 1); // finished runs (for the browser tests)
}

runButton.addEventListener("click", run);
editor.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    run();
  }
});
document.querySelectorAll("button.xx-sql-example").forEach((button) => {
  button.addEventListener("click", () => {
    editor.value = button.dataset.sql;
    editor.focus();
    const first = !engine;
    load().catch(() => {}); // start downloading DuckDB meanwhile; run() reports a failure
    say(
      `已填入示例「${button.textContent}」` +
        (first ? "；正在加载 DuckDB（约 8 MB，只在第一次下载）…" : "：") +
        "按「运行」或 Ctrl+Enter 执行。"
    );
  });
});
// Typing shows the intent to query: the engine starts loading then.
editor.addEventListener("input", () => load().catch(() => {}), { once: true });
root.dataset.ready = "true"; // the page's controls work (for the browser tests)
