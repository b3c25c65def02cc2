(function () {
  "use strict";
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function cellValue(row, i) {
    var c = row.cells[i];
    return c.hasAttribute("data-value") ? c.getAttribute("data-value") : c.textContent.trim();
  }
  each(document.querySelectorAll("section.objects"), function (sec) {
    var table = sec.querySelector("table.objects");
    var body = table.tBodies[0];
    var status = sec.querySelector(".f-status"), kind = sec.querySelector(".f-kind"), text = sec.querySelector(".f-text");
    var shown = sec.querySelector(".shown");
    function apply() {
      var s = status.value, k = kind.value, q = text.value.trim().toLowerCase(), n = 0;
      each(body.rows, function (r) {
        var ok = (!s || r.getAttribute("data-status") === s) && (!k || r.getAttribute("data-kind") === k) &&
          (!q || r.getAttribute("data-text").indexOf(q) >= 0);
        r.hidden = !ok;
        if (ok) { n++; }
      });
      shown.textContent = String(n);
    }
    status.addEventListener("change", apply);
    kind.addEventListener("change", apply);
    text.addEventListener("input", apply);
    each(table.tHead.rows[0].cells, function (th, i) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        each(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        var numeric = th.getAttribute("data-sort") === "number";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i), d;
          if (numeric) { d = Number(x) - Number(y); } else { d = x.localeCompare(y); }
          return d * dir || Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
        });
        each(rows, function (r) { body.appendChild(r); });
      });
    });
  });
  each(document.querySelectorAll(".topology"), function (top) {
    var panel = top.querySelector(".panel");
    each(top.querySelectorAll("g.node"), function (g) {
      function show() {
        each(top.querySelectorAll("g.node.selected"), function (x) { x.classList.remove("selected"); });
        g.classList.add("selected");
        var tpl = document.getElementById("p-" + g.id);
        panel.textContent = "";
        panel.appendChild(tpl.content.cloneNode(true));
      }
      g.addEventListener("click", show);
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); }
      });
    });
  });
})();
