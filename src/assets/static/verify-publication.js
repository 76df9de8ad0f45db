/*
 * verify-publication.js - the 核验 of one published enforcement decision
 * (page /portal/decisions/{id}/verify), done in the browser.
 *
 * It fetches the verification material (/api/v1/portal/decisions/{id}/proof:
 * the exact published bytes, the ledger leaf, its inclusion proof and the
 * signed checkpoint) and checks, each step shown:
 *   1. SHA-256 of the published bytes = the hash the leaf records;
 *   2. the leaf is the publication's (type publication.published or
 *      publication.corrected, this publication and version);
 *   3. the leaf hash (RFC 9162: SHA-256(0x00 || leaf)) and the inclusion
 *      proof (RFC 9162 section 2.1.3.2) give the checkpoint's root hash;
 *   4. the checkpoint (C2SP signed note) carries a valid Ed25519 signature
 *      by the verifier key in the field #vkey (prefilled from /log/key;
 *      a person may paste the key published elsewhere): key hash
 *      SHA-256(name || 0x0A || 0x01 || key)[:4], WebCrypto "Ed25519".
 * Any failed step makes the result 核验未通过.  Where the browser has no
 * WebCrypto Ed25519 the signature step says so and the result is not a pass.
 *
 * Invariants: results are written with textContent only; nothing runs
 * without #pubverify; the server's answer is trusted for nothing that a
 * hash or the signature does not back.
 */
(function () {
  "use strict";

  var box = document.getElementById("pubverify");
  if (!box) return;
  var steps = document.getElementById("verify-steps");
  var result = document.getElementById("verify-result");
  var keyField = document.getElementById("vkey");
  var button = document.getElementById("verify-run");

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

  /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) -> "YYYY-MM-DD HH:MM" in Beijing time. */
  function beijing(utc) {
    var t = Date.parse(utc || "");
    if (isNaN(t)) return utc || "";
    var d = new Date(t + 8 * 3600 * 1000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  function subtle() {
    return window.crypto && window.crypto.subtle && window.isSecureContext ? window.crypto.subtle : null;
  }

  function sha256(bytes) {
    var s = subtle();
    if (s) return s.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
    return Promise.reject(new Error("浏览器不支持 SHA-256 计算（需要 HTTPS）"));
  }

  /* RFC 9162 section 2.1.3.2, with plain numbers (exact below 2^53). */
  function rootFromInclusion(index, size, leafHash, proof) {
    if (index >= size) return Promise.resolve(null);
    var fn = index, sn = size - 1, r = leafHash, i = 0;
    function step() {
      if (i >= proof.length) return Promise.resolve(sn === 0 ? r : null);
      var p = proof[i++];
      if (sn === 0) return Promise.resolve(null);
      var msg;
      if (fn % 2 === 1 || fn === sn) {
        msg = concat([new Uint8Array([1]), p, r]);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        msg = concat([new Uint8Array([1]), r, p]);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
      return sha256(msg).then(function (h) { r = h; return step(); });
    }
    return step();
  }

  function same(a, b) { return a && b && hex(a) === hex(b); }

  function addStep(ok, text) {
    var li = document.createElement("li");
    li.className = ok === true ? "pass" : ok === false ? "fail" : "info";
    var b = document.createElement("strong");
    b.textContent = ok === true ? "通过" : ok === false ? "失败" : "说明";
    li.appendChild(b);
    li.appendChild(document.createTextNode("　" + text));
    steps.appendChild(li);
    return ok;
  }

  /* "name+hex8+base64(0x01||key)" -> {name, hash, key} or null. */
  function parseVkey(text) {
    var m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+\/=]+)$/.exec((text || "").trim());
    if (!m) return null;
    var material;
    try { material = b64dec(m[3]); } catch (e) { return null; }
    if (material.length !== 33 || material[0] !== 1) return null;
    return { name: m[1], hash: m[2], material: material, key: material.slice(1) };
  }

  /* Split a signed note: {text, sigs: [{name, hash(hex8), sig}]} or null. */
  function parseNote(note) {
    var at = note.indexOf("\n\n");
    if (at < 0) return null;
    var text = note.slice(0, at + 1), sigs = [];
    note.slice(at + 2).split("\n").forEach(function (line) {
      var m = /^\u2014 (\S+) ([A-Za-z0-9+\/=]+)$/.exec(line);
      if (!m) return;
      var raw;
      try { raw = b64dec(m[2]); } catch (e) { return; }
      if (raw.length < 5) return;
      sigs.push({ name: m[1], hash: hex(raw.slice(0, 4)), sig: raw.slice(4) });
    });
    return { text: text, sigs: sigs };
  }

  function checkSignature(note, vkeyText) {
    var vk = parseVkey(vkeyText);
    if (!vk) return Promise.resolve(addStep(false, "验证密钥格式不正确（应为“名称+8位十六进制+Base64”）。"));
    return sha256(concat([utf8(vk.name), new Uint8Array([10]), vk.material])).then(function (h) {
      if (hex(h.slice(0, 4)) !== vk.hash) return addStep(false, "验证密钥的密钥哈希与密钥本身不符。");
      var n = parseNote(note);
      if (!n) return addStep(false, "检查点不是有效的签名笔记。");
      var mine = n.sigs.filter(function (s) { return s.name === vk.name && s.hash === vk.hash && s.sig.length === 64; });
      if (!mine.length) return addStep(false, "检查点上没有该验证密钥的 Ed25519 签名。");
      var s = subtle();
      if (!s) return addStep(false, "浏览器不支持签名验证，请用命令行工具核验。");
      return s.importKey("raw", vk.key, { name: "Ed25519" }, false, ["verify"]).then(function (key) {
        return s.verify({ name: "Ed25519" }, key, mine[0].sig, utf8(n.text));
      }).then(function (ok) {
        return addStep(ok, ok ? "检查点的 Ed25519 签名经上面所填的验证密钥验证有效。"
                             : "检查点的签名与验证密钥不符。");
      }, function () {
        return addStep(false, "本浏览器不支持 Ed25519 签名验证，请用命令行工具核验。");
      });
    });
  }

  function run() {
    while (steps.firstChild) steps.removeChild(steps.firstChild);
    result.textContent = "正在核验……";
    result.className = "verify-result";
    var id = box.getAttribute("data-id"), ver = box.getAttribute("data-version");
    var m, leafBytes, leaf, contentHash, pass = true;
    function note(ok) { if (ok !== true) pass = false; return ok; }
    fetch("/api/v1/portal/decisions/" + encodeURIComponent(id) + "/proof?version=" + encodeURIComponent(ver),
          { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("服务器回答 HTTP " + r.status); return r.json(); })
      .then(function (j) {
        m = j;
        if (m.pending) throw new Error("账本的检查点尚未覆盖这条记录，请稍后再试。");
        leafBytes = b64dec(m.leaf.leaf);
        leaf = JSON.parse(new TextDecoder("utf-8").decode(leafBytes));
        if (typeof m.content === "string") {
          return sha256(utf8(m.content)).then(function (h) {
            contentHash = hex(h);
            note(addStep(contentHash === leaf.sha256,
              "所公示内容（" + utf8(m.content).length + " 字节）的 SHA-256 为 " + contentHash +
              (contentHash === leaf.sha256 ? "，与账本叶子登记的哈希一致。" : "，与账本叶子登记的 " + leaf.sha256 + " 不符：内容在公示后被改动。")));
          });
        }
        contentHash = m.sha256;
        addStep(null, "该决定已不在公示中，只核验账本登记的哈希 " + m.sha256 + "。");
        note(addStep(m.sha256 === leaf.sha256, "账本叶子登记的哈希为 " + leaf.sha256 + "。"));
      })
      .then(function () {
        var mine = (leaf.type === "publication.published" || leaf.type === "publication.corrected") &&
          String(leaf.publication_id) === String(id) && String(leaf.version) === String(m.version);
        note(addStep(mine, "账本第 " + m.leaf_index + " 号叶子" + (mine ? "是本公示第 " + m.version + " 版的" +
          (leaf.type === "publication.published" ? "公示" : "更正") + "记录（登记于北京时间 " + beijing(leaf.at) + "）。" : "不是本公示该版本的记录。")));
        return sha256(concat([new Uint8Array([0]), leafBytes]));
      })
      .then(function (lh) {
        note(addStep(same(lh, b64dec(m.leaf.hash)), "叶子哈希 " + hex(lh) + "。"));
        var proof = (m.inclusion.proof || []).map(b64dec);
        return rootFromInclusion(m.leaf_index, m.checkpoint_size, lh, proof);
      })
      .then(function (root) {
        var lines = m.checkpoint.split("\n"), cpRoot = lines.length > 2 ? b64dec(lines[2]) : null;
        var okSize = lines.length > 2 && lines[1] === String(m.checkpoint_size);
        note(addStep(okSize && same(root, cpRoot), root
          ? "包含证明（" + (m.inclusion.proof || []).length + " 个哈希）算出的根哈希" + (okSize && same(root, cpRoot) ? "与" : "不符合") +
            "大小为 " + m.checkpoint_size + " 的检查点。"
          : "包含证明无效。"));
        var k = keyField.value.trim();
        if (k) return k;
        return fetch("/log/key", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (t) {
          keyField.value = t.trim();
          return keyField.value;
        });
      })
      .then(function (k) { return checkSignature(m.checkpoint, k); })
      .then(function (ok) {
        note(ok);
        result.textContent = pass ? "核验通过：所公示内容与公开账本中登记的一致，发布后未被改动。"
                                  : "核验未通过：上面标为“失败”的检查不成立。";
        result.className = "verify-result " + (pass ? "pass" : "fail");
      })
      .catch(function (e) {
        result.textContent = "核验未能完成：" + (e && e.message ? e.message : String(e));
        result.className = "verify-result fail";
      });
  }

  button.addEventListener("click", run);
  run();
})();
