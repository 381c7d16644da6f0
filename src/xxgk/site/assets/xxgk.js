// The agency list filters as you type (no library, nothing loaded from elsewhere).
document$.subscribe(function () {
  var input = document.getElementById("xx-filter");
  if (!input) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("#xx-agencies tbody tr"));
  var count = document.getElementById("xx-count");
  input.addEventListener("input", function () {
    var q = input.value.trim();
    var shown = 0;
    rows.forEach(function (tr) {
      var hit = !q || tr.textContent.indexOf(q) !== -1;
      tr.style.display = hit ? "" : "none";
      if (hit) shown++;
    });
    if (count) count.textContent = shown;
  });
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
