// cases.js - progressive enhancement of the case opening form (src/pages/cases_new.c).
// Without it the 查找 button re-renders the form with the register's matches.
// With it the matches come from /api/v1/parties as one types; the parties
// already ticked stay where they are.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }
  ready(function () {
    var input = document.querySelector("input[data-party-search]");
    var box = document.getElementById("party-results");
    if (!input || !box) return;
    var url = input.getAttribute("data-party-search");
    var timer = null, seq = 0;
    function search() {
      var q = input.value.trim(), mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(q) + "&per_page=10", {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
        if (mine !== seq || !j) return;
        var items = j.items || [];
        // keep the ticked ones, replace the rest
        box.querySelectorAll("label.check-row").forEach(function (l) {
          var cb = l.querySelector("input");
          if (!cb.checked) l.remove();
        });
        var none = box.querySelector("p.muted");
        if (none) none.remove();
        items.forEach(function (p) {
          if (box.querySelector("input[value='" + String(p.id) + "']")) return;
          var l = el("label", { "class": "check-row" });
          l.appendChild(el("input", { type: "checkbox", name: "party_ids", value: String(p.id) }));
          var s = el("span", {}, p.name || "");
          var note = [p.kind_label, p.code].filter(Boolean).join(" · ");
          if (note) s.appendChild(el("small", {}, note));
          l.appendChild(s);
          box.appendChild(l);
        });
        if (!box.querySelector("label.check-row")) box.appendChild(el("p", { "class": "muted" }, "没有找到当事人。"));
      }).catch(function () { /* the 查找 button still works */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); clearTimeout(timer); search(); }
    });
  });
})();
