// forms.js - progressive enhancement of the back-office forms (src/http/form.h).
// Without it everything works by submitting: the error summary is shown at
// the top, and 添加一行 / 删除 re-render the form on the server.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // GOV.UK pattern: move the focus to the error summary.
    var sum = document.getElementById("error-summary");
    if (sum) sum.focus();

    // Repeated rows: add and remove in place.
    document.querySelectorAll("fieldset[data-rows]").forEach(function (fs) {
      var group = fs.getAttribute("data-rows");
      var tbody = fs.querySelector("tbody");
      function renumber() {
        var rows = tbody.querySelectorAll("tr[data-row]");
        rows.forEach(function (tr, k) {
          var no = tr.querySelector(".row-no");
          if (no) no.textContent = String(k + 1);
          var del = tr.querySelector(".row-del");
          if (del) del.setAttribute("aria-label", "删除第" + (k + 1) + "行");
          // the cells' labels name their row ("第3行的名称", "第3条依据的…")
          tr.querySelectorAll("label").forEach(function (l) {
            l.textContent = l.textContent.replace(/^第\d+/, "第" + (k + 1));
          });
        });
      }
      fs.addEventListener("click", function (ev) {
        var btn = ev.target.closest("button[name=_rows]");
        if (!btn || !fs.contains(btn)) return;
        var v = btn.value;
        if (v === group + ":add") {
          var rows = tbody.querySelectorAll("tr[data-row]");
          var last = rows[rows.length - 1];
          if (!last) return;
          ev.preventDefault();
          var max = 0;
          rows.forEach(function (tr) { max = Math.max(max, +tr.getAttribute("data-row")); });
          var n = max + 1;
          var tr = last.cloneNode(true);
          var old = "_" + last.getAttribute("data-row") + "_";
          tr.setAttribute("data-row", String(n));
          tr.querySelectorAll("[id],[name],[for]").forEach(function (el) {
            ["id", "name", "for"].forEach(function (a) {
              var x = el.getAttribute(a);
              if (x && x.indexOf(old) >= 0) el.setAttribute(a, x.replace(old, "_" + n + "_"));
            });
          });
          tr.querySelectorAll("input").forEach(function (el) {
            el.value = "";
            el.removeAttribute("aria-invalid");
            el.removeAttribute("aria-describedby");
          });
          tr.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
          var del = tr.querySelector(".row-del");
          if (del) del.value = group + ":del:" + n;
          tbody.appendChild(tr);
          renumber();
          var first = tr.querySelector("input,select");
          if (first) first.focus();
        } else if (v.indexOf(group + ":del:") === 0) {
          var row = btn.closest("tr[data-row]");
          if (!row || tbody.querySelectorAll("tr[data-row]").length < 2) return;
          ev.preventDefault();
          var next = row.nextElementSibling || row.previousElementSibling;
          row.remove();
          renumber();
          var f = next && next.querySelector("input,select");
          if (f) f.focus();
        }
      });
    });
  });
})();
