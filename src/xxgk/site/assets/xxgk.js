// The agency list filters as you type (no library, nothing loaded from elsewhere); the home
// page's 「查找机关」 box arrives here as ?find=…. (Where the list is too long to print, the box
// sends ?q=… instead, which opens the site search with that query: see the search below.)
document$.subscribe(function () {
  var input = document.getElementById("xx-filter");
  if (!input) return;
  var asked = new URLSearchParams(window.location.search).get("find");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#xx-agencies tbody tr"));
  var count = document.getElementById("xx-count");
  function apply() {
    var q = input.value.trim();
    var shown = 0;
    rows.forEach(function (tr) {
      var hit = !q || tr.textContent.indexOf(q) !== -1;
      tr.style.display = hit ? "" : "none";
      if (hit) shown++;
    });
    if (count) count.textContent = shown;
  }
  input.addEventListener("input", apply);
  if (asked) {
    input.value = asked;
    apply();
  }
});

// Tables marked xx-sortable sort by a column from a button in its header (numbers as numbers):
// reachable with Tab, pressed with Enter or Space; the header says how the table is sorted.
document$.subscribe(function () {
  document.querySelectorAll("table.xx-sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      if (th.querySelector("button.xx-sort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "xx-sort";
      button.title = "按此列排序";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var desc = th.getAttribute("aria-sort") !== "descending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); delete h.dataset.sort; });
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        th.dataset.sort = desc ? "desc" : "asc";
        function key(tr) {
          var t = tr.cells[col].textContent.trim().replace("%", "");
          var n = parseFloat(t);
          return isNaN(n) ? t : n;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          var r = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
          return desc ? -r : r;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });
});

// 「大字」: larger text on every page of the site, remembered in this browser (localStorage; no
// request anywhere). The class is set before the page is drawn by overrides/main.html.
document$.subscribe(function () {
  var root = document.documentElement;
  document.querySelectorAll("button.xx-textsize").forEach(function (button) {
    function show() {
      var large = root.classList.contains("xx-large");
      button.setAttribute("aria-pressed", large ? "true" : "false");
      button.title = large ? "再按一次恢复标准大小的文字" : "放大网页文字";
    }
    show();
    if (button.dataset.bound) return;
    button.dataset.bound = "1";
    button.addEventListener("click", function () {
      var large = root.classList.toggle("xx-large");
      try { localStorage.setItem("xx-text", large ? "large" : "normal"); } catch (e) { /* private mode */ }
      show();
      window.dispatchEvent(new Event("resize"));  // charts redraw at the new size
    });
  });
  // Material's menu and search buttons are <label>s: Tab reaches them (tabindex in the header
  // override) and Enter or Space opens them, as a button would.
  document.querySelectorAll("label.md-header__button[for][tabindex]").forEach(function (label) {
    if (label.dataset.bound) return;
    label.dataset.bound = "1";
    label.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      label.click();
      if (label.htmlFor === "__search") {
        var input = document.querySelector(".md-search__input");
        if (input) input.focus();
      }
    });
  });
  // A table wider than the screen scrolls inside its own box: the box takes the focus so the
  // keyboard can scroll it too (WCAG 2.1.1), and only while it does scroll.
  function scrollable() {
    document.querySelectorAll(".xx-table, .md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (!box.matches("table")) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "表格（可左右滚动）");
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  scrollable();
  if (!window.xxScrollable) {
    window.xxScrollable = true;
    window.addEventListener("resize", function () { window.requestAnimationFrame(scrollable); });
  }
  // Printed, a page says where it came from.
  document.querySelectorAll(".xx-page-url").forEach(function (el) { el.textContent = window.location.href; });
  // A cell of an agency's table that findings concern names them (data-f: their numbers in the
  // year's list, y<year>-f<n>); their text becomes its tooltip here, written once in the list
  // rather than into every cell. Without scripts the cell is still marked, and the finding's own
  // cell links to it.
  document.querySelectorAll("td[data-f]").forEach(function (td) {
    var year = (td.closest("table").getAttribute("aria-labelledby") || "").split("-")[0];
    td.title = td.dataset.f.split(" ").map(function (n) {
      var li = document.getElementById(year + "-f" + n);
      if (!li) return "";
      var text = li.textContent, link = li.querySelector("a");
      return (link ? text.slice(0, text.lastIndexOf(link.textContent)) : text).trim();
    }).filter(Boolean).join("\n");
  });
});

// Charts: every <figure class="xx-chart"> holds a table of its numbers (what screen readers and
// copy-paste get) and the chart is drawn from that table, so the two cannot disagree. ECharts is
// vendored next to this file and loaded only on pages that have a chart to draw (a chart whose
// numbers are all 0 or blank is a sentence, with nothing to draw). The drawing is one image for
// assistive technology (role="img", named by the caption, described by the table's note), so
// ECharts' own generated description is off.
(function () {
  var self = document.currentScript && document.currentScript.src;
  var vendor = self ? self.replace(/xxgk\.js(\?.*)?$/, "vendor/echarts/echarts.common.min.js") : null;
  var loading = null;

  function loadECharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = vendor;
        s.onload = function () { resolve(window.echarts); };
        s.onerror = function () { reject(new Error("图表库加载失败：" + vendor)); };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function number(text) {
    var t = text.trim().replace(/,/g, "").replace("%", "");
    if (t === "" || t === "—") return null;
    var n = parseFloat(t);
    return isNaN(n) ? null : n;
  }

  function optionFrom(figure) {
    var table = figure.querySelector("table");
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var kind = figure.dataset.kind || "bar";
    var percent = figure.dataset.percent === "true";
    var categories = rows.map(function (tr) { return tr.cells[0].textContent.trim(); });
    var series = heads.slice(1).map(function (name, i) {
      return {
        name: name, type: kind, stack: figure.dataset.stack === "true" ? "all" : undefined,
        connectNulls: true, barMaxWidth: 48,
        data: rows.map(function (tr) { return number(tr.cells[i + 1].textContent); })
      };
    });
    // A plain legend wraps onto lines; make room for them above the plot (about 12 px a character).
    var width = figure.querySelector(".xx-chart-canvas").clientWidth || 320;
    var legendWidth = series.reduce(function (w, s) { return w + 30 + 12 * s.name.length; }, 0);
    var legendLines = Math.max(1, Math.ceil(legendWidth / Math.max(width - 20, 100)));
    return {
      aria: { enabled: false },
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + (percent ? "%" : ""); } },
      legend: { top: 0, itemGap: 8, itemWidth: 14, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 16, top: 16 + 22 * legendLines, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: categories },
      yAxis: { type: "value", minInterval: percent ? 0 : 1, max: percent ? 100 : null,
               axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
      series: series
    };
  }

  document$.subscribe(function () {
    var figures = document.querySelectorAll("figure.xx-chart[data-kind]");
    if (!figures.length || !vendor) return;
    loadECharts().then(function (echarts) {
      figures.forEach(function (figure) {
        var canvas = figure.querySelector(".xx-chart-canvas");
        var chart = echarts.getInstanceByDom(canvas) || echarts.init(canvas, null, { renderer: "svg", locale: "ZH" });
        chart.setOption(optionFrom(figure));
        figure.classList.add("xx-chart-ready");
        window.addEventListener("resize", function () { chart.resize(); });
      });
    }, function (err) { console.warn(err.message); });
  });
})();

// Search (Pagefind, indexed at build time by site/search.py) in Material's search box: the
// index is split in small files and a query downloads only the parts it needs. pagefind.js is
// loaded from this site when the box is first used. Results are links (Tab, or ↓ ↑ from the
// box), Escape closes; the count is announced (aria-live). A ?q=… in the address (the home page's
// finder, when the agency list is too long to print) opens the box with that query. Titles and
// excerpts are set as text: Pagefind escapes the page text in its excerpts, and its <mark> tags
// are the only markup taken from them.
(function () {
  var PAGE = 10;  // results shown at once; 「显示更多结果」 adds as many again
  var pagefind = null;
  var token = 0;

  function root() { return window.__md_scope || new URL("../..", window.location); }

  // The index is split (site/search.py): the national pages' with the library in pagefind/, each
  // group of provinces' in a folder that xxgk-shards.json names, merged here before any search.
  function load() {
    if (!pagefind) {
      var base = new URL("pagefind/", root());
      pagefind = import(new URL("pagefind.js", base).href).then(function (pf) {
        var options = { baseUrl: root().pathname };
        return pf.options(options).then(function () {
          pf.init();
          return fetch(new URL("xxgk-shards.json", base).href);
        }).then(function (response) {
          if (!response.ok) throw new Error("pagefind/xxgk-shards.json: HTTP " + response.status);
          return response.json();
        }).then(function (shards) {
          return Promise.all(shards.map(function (shard) {
            return pf.mergeIndex(new URL(shard, base).href, options);
          }));
        }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function decode(text) {
    var names = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", "#39": "'", "#x27": "'" };
    return text.replace(/&(lt|gt|amp|quot|apos|#39|#x27);/g, function (_, n) { return names[n]; });
  }

  function teaser(excerpt) {
    var p = document.createElement("p");
    p.className = "md-search-result__teaser";
    var marked = false;
    excerpt.split(/(<\/?mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) return;
      var text = document.createTextNode(decode(part));
      if (marked) {
        var m = document.createElement("mark");
        m.appendChild(text);
        p.appendChild(m);
      } else {
        p.appendChild(text);
      }
    });
    return p;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    article.appendChild(title);
    article.appendChild(teaser(data.excerpt || ""));
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  document$.subscribe(function () {
    var box = document.querySelector(".xx-search");
    var toggle = document.getElementById("__search");
    if (!box || !toggle || box.dataset.bound) return;
    box.dataset.bound = "1";
    var input = box.querySelector(".md-search__input");
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    var more = null;

    function open() { if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); } }
    function close() {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
      input.blur();
    }

    function show(results, from) {
      if (more) { more.remove(); more = null; }
      var page = results.slice(from, from + PAGE);
      var mine = token;
      return Promise.all(page.map(function (r) { return r.data(); })).then(function (datas) {
        if (mine !== token) return;
        datas.forEach(function (d) { list.appendChild(item(d)); });
        if (results.length > from + PAGE) {
          more = document.createElement("li");
          more.className = "md-search-result__item xx-search-more";
          var button = document.createElement("button");
          button.type = "button";
          button.className = "md-button";
          button.textContent = "显示更多结果";
          button.addEventListener("click", function () {
            var next = list.children.length - 1;
            show(results, from + PAGE).then(function () {
              var first = list.children[next] && list.children[next].querySelector("a");
              if (first) first.focus();
            });
          });
          more.appendChild(button);
          list.appendChild(more);
        }
      });
    }

    function search() {
      var q = input.value.trim();
      var mine = ++token;
      if (!q) {
        list.textContent = "";
        meta.textContent = "键入以开始搜索";
        return Promise.resolve();
      }
      return load().then(function (pf) { return pf.search(q); }).then(function (found) {
        if (mine !== token || !found) return;
        list.textContent = "";
        var n = found.results.length;
        meta.textContent = n ? "找到 " + n + " 个符合条件的结果" : "没有找到符合条件的结果";
        return show(found.results, 0);
      }, function (err) {
        if (mine !== token) return;
        meta.textContent = "搜索暂不可用：请通过 HTTP 打开本站（python -m http.server -d site）。";
        console.warn(err && err.message);
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      open();
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener("focus", function () { open(); load().catch(function () {}); });
    box.querySelector(".md-search__form").addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); close(); return; }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(list.querySelectorAll("a, button"));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      e.preventDefault();
      if (e.key === "ArrowDown") (links[at + 1] || links[links.length - 1]).focus();
      else if (at > 0) links[at - 1].focus();
      else input.focus();
    });
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked) {
      input.value = asked;
      open();
      search();
    }
  });
})();
