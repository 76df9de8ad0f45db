"""uploads_lib.py - helpers shared by the vault's HTTP tests (test_uploads.py,
test_crash.py): tus requests, multipart form uploads, the page's CSRF token,
and stopping/starting the server on the same data folder and port."""
import base64
import os
import re
import signal
import subprocess
import time
import urllib.parse
import uuid


def b64(s):
    return base64.b64encode(s.encode()).decode()


def page_csrf(c):
    r = c.get("/admin/vault")
    m = re.search(r'data-csrf="([0-9a-f]+)"', r.text)
    return m.group(1) if m else ""


def tus(c, method, path, body=b"", headers=None):
    h = {"Tus-Resumable": "1.0.0"}
    h.update(headers or {})
    if method == "PATCH":
        h.setdefault("Content-Type", "application/offset+octet-stream")
    return c.request(method, path, body=body if method in ("PATCH", "POST") else None, headers=h)


def multipart(fields, files):
    """fields: list of (name, value); files: list of (name, filename, ctype, bytes)."""
    boundary = "----zhifa" + uuid.uuid4().hex
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
    for k, fn, ct, data in files:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                % (boundary, k, fn, ct)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def form_upload(c, csrf, name, ctype, data, accept=None):
    fields = [("_csrf", csrf)] if csrf is not None else []
    body, ct = multipart(fields, [("file", name, ctype, data)])
    h = {"Content-Type": ct}
    if accept:
        h["Accept"] = accept
    return c.request("POST", "/admin/vault/upload", body=body, headers=h)


def vault_json(c):
    return c.get("/admin/vault", headers={"Accept": "application/json"}).json()


def session_cookie(c):
    return "; ".join("%s=%s" % (k.name, k.value) for k in c.jar)


def stop(srv, hard):
    """Stop the server: SIGKILL when hard, else SIGTERM."""
    srv.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
    srv.proc.wait(timeout=30)


def restart(srv, hard):
    """Stop the server (SIGKILL when hard, else SIGTERM) and start it
    again on the same data folder and port."""
    stop(srv, hard)
    return start(srv)


def start(srv):
    """Start the server again on its data folder and port; True when it
    answers /healthz."""
    port = urllib.parse.urlsplit(srv.base).port
    cmd = [srv.bin, "serve", "--data", os.path.join(srv.tmp, "data"), "--listen", "127.0.0.1:%d" % port]
    if srv.db_url:
        cmd += ["--db", srv.db_url]
    srv.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=srv._stderr, env=srv._env())
    c = srv.client()
    for _ in range(600):
        try:
            if c.get("/healthz", timeout=2).status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def run_cli(srv, *args):
    return subprocess.run([srv.bin] + list(args), capture_output=True, timeout=120, env=srv._env())


def tus_create(c, csrf, length, metadata=None):
    """Create a tus upload; its Location ("" on failure)."""
    h = {"Upload-Length": str(length), "X-CSRF-Token": csrf}
    if metadata:
        h["Upload-Metadata"] = metadata
    r = tus(c, "POST", "/api/v1/uploads", headers=h)
    return r.header("Location") or ""


def raw_patch(srv, c, loc, offset, parts, csrf, content_length=None, chunked=False, pause=0.0, timeout=60):
    """A PATCH over one http.client connection, the body sent as the
    given parts (pause seconds between them), either with Content-Length
    (content_length, default the parts' total) or chunked.  Returns
    (status, headers) or (0, error text) when the server did not answer."""
    import http.client
    u = urllib.parse.urlsplit(srv.base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.putrequest("PATCH", loc)
        h = [("Tus-Resumable", "1.0.0"), ("Upload-Offset", str(offset)), ("X-CSRF-Token", csrf),
             ("Content-Type", "application/offset+octet-stream"), ("Cookie", session_cookie(c))]
        if chunked:
            h.append(("Transfer-Encoding", "chunked"))
        else:
            total = sum(len(p) for p in parts)
            h.append(("Content-Length", str(total if content_length is None else content_length)))
        for k, v in h:
            conn.putheader(k, v)
        conn.endheaders()
        for i, p in enumerate(parts):
            if i and pause:
                time.sleep(pause)
            if chunked:
                conn.send(b"%x\r\n" % len(p) + p + b"\r\n")
            else:
                conn.send(p)
        if chunked:
            conn.send(b"0\r\n\r\n")
        r = conn.getresponse()
        r.read()
        return r.status, r.msg
    except (OSError, Exception) as e:  # noqa: BLE001 - any failure means "no answer"
        return 0, str(e)
    finally:
        conn.close()


def second_server(srv):
    """Start one more `zhifa serve` on srv's data folder (and database) on
    another port; returns (process, base URL), or (None, None) when it
    does not answer.  Stop it with stop_process."""
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [srv.bin, "serve", "--data", os.path.join(srv.tmp, "data"), "--listen", "127.0.0.1:%d" % port]
    if srv.db_url:
        cmd += ["--db", srv.db_url]
    err = open(os.path.join(srv.tmp, "server2.stderr"), "wb")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=srv._env())
    err.close()
    base = "http://127.0.0.1:%d" % port
    import harness
    c = harness.Client(base)
    for _ in range(600):
        try:
            if c.get("/healthz", timeout=2).status == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    return None, None


def stop_process(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
