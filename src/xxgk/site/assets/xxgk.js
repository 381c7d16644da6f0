// The agency list filters as you type (no library, nothing loaded from elsewhere); the home
// page's 「查找机关」 box arrives here as ?find=…. (Where the list is too long to print, the box
// sends ?q=… instead, for which Material opens its search.)
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

// Tables marked xx-sortable sort by a column when its header is clicked (numbers as numbers).
document$.subscribe(function () {
  document.querySelectorAll("table.xx-sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.style.cursor = "pointer";
      th.title = "点击排序";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var desc = th.dataset.sort !== "desc";
        heads.forEach(function (h) { delete h.dataset.sort; });
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

// Charts: every <figure class="xx-chart"> holds a table of its numbers (what screen readers and
// copy-paste get) and the chart is drawn from that table, so the two cannot disagree. ECharts is
// vendored next to this file and loaded only on pages that have a chart.
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
      aria: { enabled: true },
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
    var figures = document.querySelectorAll("figure.xx-chart");
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
