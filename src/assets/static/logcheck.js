/*
 * logcheck.js - the file check of the page /log (公信验证).
 *
 * The person picks or drops a file; its SHA-256 is computed here in the
 * browser (WebCrypto, or the vendored js-sha256 where crypto.subtle is
 * unavailable, e.g. plain http on another host) and the file is never
 * uploaded.  The page then fetches the newest checkpoint (/log/checkpoint),
 * asks /api/v1/log/proof/by-hash for the leaf that records the hash at
 * that tree size, recomputes the leaf hash from the leaf bytes and checks
 * the RFC 9162 section 2.1.3.2 inclusion proof against the checkpoint's
 * root hash.  The checkpoint's signature is checked by the tools described
 * on the page (zhifa verify, OpenSSL), not here.
 *
 * Invariants: results are written with textContent only (never as HTML);
 * nothing runs without the form #logcheck; without JavaScript the form is
 * inert and the page says the check needs JavaScript.
 */
(function () {
  "use strict";

  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function b64dec(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function concat(parts) {
    var n = 0, i;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n), o = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], o); o += parts[i].length; }
    return out;
  }

  function subtleOk() {
    return !!(window.crypto && window.crypto.subtle && window.isSecureContext);
  }

  /* SHA-256 of bytes (Uint8Array) -> Promise<Uint8Array>. */
  function sha256(bytes) {
    if (subtleOk())
      return window.crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
    if (!window.sha256) return Promise.reject(new Error("浏览器不支持 SHA-256 计算"));
    return Promise.resolve(new Uint8Array(window.sha256.arrayBuffer(bytes)));
  }

  function readSlice(blob) {
    if (blob.arrayBuffer) return blob.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var fr = new FileReader();
      fr.onload = function () { resolve(fr.result); };
      fr.onerror = function () { reject(fr.error); };
      fr.readAsArrayBuffer(blob);
    });
  }

  /* SHA-256 of a File as lowercase hex, reading it in 4 MiB slices when
   * the incremental vendored hash is used. */
  function hashFile(file, progress) {
    if (subtleOk())
      return readSlice(file).then(function (buf) { return sha256(new Uint8Array(buf)); }).then(hex);
    if (!window.sha256) return Promise.reject(new Error("浏览器不支持 SHA-256 计算"));
    var h = window.sha256.create(), off = 0, step = 4 << 20;
    function next() {
      if (off >= file.size) return Promise.resolve(h.hex());
      return readSlice(file.slice(off, off + step)).then(function (buf) {
        h.update(new Uint8Array(buf));
        off += step;
        progress(Math.min(100, Math.round(off * 100 / file.size)));
        return next();
      });
    }
    return next();
  }

  /* RFC 9162 section 2.1.3.2, with plain numbers (exact below 2^53). */
  function verifyInclusion(index, size, leafHash, proof, root) {
    if (index >= size) return Promise.resolve(false);
    var fn = index, sn = size - 1, r = leafHash, i = 0;
    function step() {
      if (i >= proof.length)
        return Promise.resolve(sn === 0 && hex(r) === hex(root));
      var p = proof[i++];
      if (sn === 0) return Promise.resolve(false);
      var prefix = new Uint8Array([1]), msg;
      if (fn % 2 === 1 || fn === sn) {
        msg = concat([prefix, p, r]);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        msg = concat([prefix, r, p]);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
      return sha256(msg).then(function (h) { r = h; return step(); });
    }
    return step();
  }

  /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) -> "YYYY-MM-DD HH:MM" in Beijing time. */
  function beijing(utc) {
    var t = Date.parse(utc || "");
    if (isNaN(t)) return utc || "";
    var d = new Date(t + 8 * 3600 * 1000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }

  function parseCheckpoint(text) {
    var lines = text.split("\n");
    if (lines.length < 4 || !/^[0-9]+$/.test(lines[1])) throw new Error("检查点格式有误");
    return { origin: lines[0], size: parseInt(lines[1], 10), root: b64dec(lines[2]), rootB64: lines[2] };
  }

  function show(box, cls, title, rows) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var div = document.createElement("div");
    div.className = "alert " + cls;
    var p = document.createElement("p");
    var b = document.createElement("strong");
    b.textContent = title;
    p.appendChild(b);
    div.appendChild(p);
    if (rows && rows.length) {
      var dl = document.createElement("dl");
      dl.className = "props";
      rows.forEach(function (kv) {
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = kv[0];
        dd.textContent = kv[1];
        if (kv[2]) dd.className = kv[2];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      div.appendChild(dl);
    }
    box.appendChild(div);
  }

  function check(fileHash, box) {
    var cp;
    show(box, "warn", "正在查询账本……", [["文件的 SHA-256", fileHash, "hash"]]);
    return fetch("/log/checkpoint", { cache: "no-store" }).then(function (r) {
      if (r.status === 404) throw new Error("账本尚无已签名的检查点，暂时无法核验。");
      if (!r.ok) throw new Error("无法取得检查点（HTTP " + r.status + "）");
      return r.text();
    }).then(function (text) {
      cp = parseCheckpoint(text);
      return fetch("/api/v1/log/proof/by-hash?hash=" + fileHash + "&size=" + cp.size,
                   { headers: { Accept: "application/json" } });
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; });
    }).then(function (res) {
      if (res.status === 404) {
        show(box, "error", "未找到：账本中没有登记这份文件。", [
          ["文件的 SHA-256", fileHash, "hash"], ["核对的检查点（树的大小）", String(cp.size)],
          ["说明", "文件若有任何改动（哪怕一个字节），哈希都会不同。"]]);
        return;
      }
      if (res.status !== 200) {
        var msg = res.body && res.body.error ? res.body.error.message : "HTTP " + res.status;
        throw new Error(msg);
      }
      var j = res.body, leaf = b64dec(j.leaf), leafText = new TextDecoder().decode(leaf);
      var proof = j.proof.map(b64dec);
      return sha256(concat([new Uint8Array([0]), leaf])).then(function (lh) {
        if (hex(lh) !== hex(b64dec(j.hash))) throw new Error("叶子内容与其哈希不符");
        var named = j.matched === "leaf_hash" ? hex(lh) === fileHash
                                              : leafText.indexOf("\"" + fileHash + "\"") >= 0;
        if (!named) throw new Error("返回的叶子没有记录该哈希");
        return verifyInclusion(j.index, cp.size, lh, proof, cp.root).then(function (ok) {
          var leafObj = {};
          try { leafObj = JSON.parse(leafText); } catch (e) { leafObj = {}; }
          var rows = [["文件的 SHA-256", fileHash, "hash"], ["叶子序号", String(j.index)],
                      ["登记类型", leafObj.type || ""], ["登记时间（北京时间）", beijing(leafObj.at)],
                      ["检查点（树的大小）", String(cp.size)], ["检查点根哈希", cp.rootB64, "hash"],
                      ["叶子原文", leafText, "hash"]];
          if (ok) show(box, "ok", "已登记：包含证明验证通过，这份文件与账本中第 " + j.index + " 号记录一致。", rows);
          else show(box, "error", "包含证明验证失败：账本的回答与检查点不符，请保存本页并向本厅反映。", rows);
        });
      });
    }).catch(function (e) {
      show(box, "error", "核验未完成：" + (e && e.message ? e.message : String(e)), [["文件的 SHA-256", fileHash, "hash"]]);
    });
  }

  function start() {
    var form = document.getElementById("logcheck");
    if (!form) return;
    var input = document.getElementById("lc-file"), hashIn = document.getElementById("lc-hash");
    var box = document.getElementById("lc-result");
    var busy = false;

    function runFile(file) {
      if (busy || !file) return;
      busy = true;
      show(box, "warn", "正在浏览器中计算「" + file.name + "」的 SHA-256（文件不会上传）……");
      hashFile(file, function (pct) {
        show(box, "warn", "正在计算「" + file.name + "」的 SHA-256：" + pct + "%");
      }).then(function (h) {
        hashIn.value = h;
        return check(h, box);
      }).catch(function (e) {
        show(box, "error", "无法读取文件：" + (e && e.message ? e.message : String(e)));
      }).then(function () { busy = false; });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var h = (hashIn.value || "").trim().toLowerCase();
      if (input.files && input.files.length && !h) { runFile(input.files[0]); return; }
      if (!/^[0-9a-f]{64}$/.test(h)) {
        show(box, "error", "「SHA-256 哈希」应为 64 位十六进制数字；或者请选择一份文件。");
        hashIn.setAttribute("aria-invalid", "true");
        hashIn.focus();
        return;
      }
      hashIn.removeAttribute("aria-invalid");
      if (!busy) { busy = true; check(h, box).then(function () { busy = false; }); }
    });
    input.addEventListener("change", function () {
      hashIn.value = "";
      if (input.files && input.files.length) runFile(input.files[0]);
    });
    ["dragenter", "dragover"].forEach(function (t) {
      form.addEventListener(t, function (ev) { ev.preventDefault(); form.classList.add("drop"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      form.addEventListener(t, function () { form.classList.remove("drop"); });
    });
    form.addEventListener("drop", function (ev) {
      ev.preventDefault();
      var f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
      if (f) { hashIn.value = ""; runFile(f); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
