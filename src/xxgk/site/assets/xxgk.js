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
