/*
 * upload.js - the resumable upload of the evidence vault page
 * (/admin/vault): with JavaScript, the upload form sends the chosen file
 * with the tus 1.0 protocol (vendor/tus.min.js) in 8 MiB PATCH requests to
 * /api/v1/uploads, shows a progress bar, retries after network errors and
 * resumes an interrupted upload of the same file (even after a reload or
 * a server restart) from the last byte the server acknowledged.  Without
 * JavaScript the same form is a plain multipart upload.  The case page's
 * 音像记录 section uses the same markup with a camera input and
 * data-done, so the browser returns to the case with the file chosen.  No inline
 * script or style (CSP); the CSRF token comes from data-csrf.
 */
(function () {
  'use strict';
  var box = document.getElementById('tus-upload');
  var form = document.getElementById('vault-form');
  if (!box || !form || !window.tus || !window.tus.isSupported) {
    return;
  }
  var input = document.getElementById('file');
  var desc = document.getElementById('description');
  var bar = document.getElementById('tus-progress');
  var status = document.getElementById('tus-status');
  var button = form.querySelector('button[type="submit"]');
  box.hidden = false;

  /* sizes as the server writes them (core/core.h: size_text) */
  function human(n) {
    if (n < 1024) { return n + ' 字节'; }
    var units = ['KB', 'MB', 'GB', 'TB'];
    var v = n / 1024;
    var u = 0;
    while (v >= 1024 && u + 1 < units.length) { v /= 1024; u++; }
    return (v < 100 ? v.toFixed(1) : v.toFixed(0)) + ' ' + units[u];
  }

  function serverMessage(err) {
    var res = err && err.originalResponse;
    if (res) {
      try {
        var j = JSON.parse(res.getBody());
        if (j && j.error && j.error.message) { return j.error.message; }
      } catch (e) { /* not JSON */ }
    }
    return '网络中断或服务器无应答，请稍后重试（已上传的部分会保留）。';
  }

  form.addEventListener('submit', function (ev) {
    if (!input.files || !input.files.length) { return; }
    ev.preventDefault();
    var file = input.files[0];
    var result = { sha: '', dup: false };
    button.disabled = true;
    bar.value = 0;
    status.className = 'muted';
    status.textContent = '正在准备上传……';
    var upload = new window.tus.Upload(file, {
      endpoint: box.getAttribute('data-endpoint'),
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      removeFingerprintOnSuccess: true,
      metadata: {
        filename: file.name,
        filetype: file.type || 'application/octet-stream',
        description: desc ? desc.value : ''
      },
      headers: { 'X-CSRF-Token': box.getAttribute('data-csrf') },
      onProgress: function (sent, total) {
        var pct = total ? Math.floor(sent * 100 / total) : 0;
        bar.value = pct;
        bar.textContent = pct + '%';
        status.textContent = '已上传 ' + human(sent) + ' / ' + human(total) + '（' + pct + '%）';
      },
      onAfterResponse: function (req, res) {
        var sha = res.getHeader('Upload-Sha256');
        if (sha) {
          result.sha = sha;
          result.dup = res.getHeader('Upload-Duplicate') === '1';
        }
      },
      onError: function (err) {
        button.disabled = false;
        status.className = 'alert error';
        status.textContent = '上传失败：' + serverMessage(err);
      },
      onSuccess: function () {
        bar.value = 100;
        status.textContent = '上传完成，文件已保存。';
        /* data-done: where to go once stored (default the vault page),
         * data-done-param: the query key that carries the file's hash */
        var done = (box.getAttribute('data-done') || '/admin/vault').split('#');
        var loc = done[0];
        if (result.sha) {
          loc += (loc.indexOf('?') < 0 ? '?' : '&') + (box.getAttribute('data-done-param') || 'ok') + '=' +
            result.sha + (result.dup ? '&dup=1' : '');
        }
        window.location.assign(loc + (done.length > 1 ? '#' + done[1] : ''));
      }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        status.textContent = '从上次中断处继续上传……';
      }
      upload.start();
    });
  });
}());
