// records.js - signing a document on the screen (/documents/{id}/sign,
// src/pages/records_docs.c) with the vendored signature_pad
// (/static/vendor/signature_pad.umd.min.js).
//
// The form[data-sigpad] carries the content_sha256 of the exact version
// being signed (shown on the page above the pad); this script only fills
// its hidden "image" input with the drawing as a PNG data URL when the
// form is submitted.  The server checks everything again (a PNG, its size,
// the hash still current).  Without JavaScript the pad stays hidden and the
// page says so; the scan and refusal forms work without it.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // the 卷内目录's print button (src/pages/records_file.c)
    document.querySelectorAll("button[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    var form = document.querySelector("form[data-sigpad]");
    if (!form || typeof window.SignaturePad !== "function") return;
    var box = form.querySelector("[data-sigpad-box]");
    var canvas = form.querySelector("canvas");
    var image = form.querySelector("input[name=image]");
    var msg = form.querySelector("[data-sigpad-msg]");
    var nojs = form.querySelector("[data-sigpad-nojs]");
    if (!box || !canvas || !image) return;
    box.hidden = false;
    if (nojs) nojs.hidden = true;
    var pad = new window.SignaturePad(canvas, {
      minWidth: 1, maxWidth: 3.2, penColor: "#111", backgroundColor: "rgb(255,255,255)"
    });
    // The canvas fills its box (a phone's width) at a 2:1 ratio, at most
    // 260 CSS pixels high, drawn at the device's pixel ratio; strokes are
    // kept across a resize or a rotation of the phone.
    function size() {
      var data = pad.toData();
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var w = Math.max(canvas.parentNode.clientWidth, 200);
      var h = Math.min(Math.round(w / 2), 260);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear(); // paints the background at the new size
      if (data.length) pad.fromData(data);
    }
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(size, 120);
    });
    size();
    function say(text) {
      if (!msg) return;
      msg.textContent = text;
      msg.hidden = !text;
    }
    pad.addEventListener("beginStroke", function () { say(""); });
    form.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-sig]");
      if (!b) return;
      ev.preventDefault();
      if (b.getAttribute("data-sig") === "clear") {
        pad.clear();
      } else {
        var data = pad.toData();
        if (data.length) {
          data.pop();
          pad.clear();
          pad.fromData(data);
        }
      }
      image.value = "";
    });
    form.addEventListener("submit", function (ev) {
      if (pad.isEmpty()) {
        ev.preventDefault();
        say("请先在签名框内签名。");
        canvas.focus();
        return;
      }
      image.value = pad.toDataURL("image/png");
    });
  });
})();
