#!/usr/bin/env python3
"""test_protocol.py - the HTTP protocol edges, over raw sockets: the path is
percent-decoded exactly once, nothing a client sends can forge a line of
the server log, request bodies are refused from their declared length
before they are read, framing that a proxy could read differently is
refused, and pipelined requests are all answered.  TAP on stdout."""

import os
import re
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (debug|info |warn |error) ")


def port_of(srv):
    return int(srv.base.rsplit(":", 1)[1])


def raw(srv, data, wait=5.0, until_close=True):
    """Send data on a fresh connection; read until the server closes it or
    nothing arrives for `wait` seconds.  Returns the bytes received."""
    s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=wait)
    out = b""
    try:
        s.sendall(data)
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    return out


def statuses(data):
    return [int(m) for m in re.findall(rb"(?m)^HTTP/1\.[01] (\d{3}) ", data)]


def check_log_lines(t, srv, name):
    """Every line of the server's stderr is one well-formed log line."""
    bad = [ln for ln in srv.stderr_text().splitlines() if ln and not LOG_LINE.match(ln)]
    t.ok(not bad, name, "\n".join(bad[:10]))


def test_decoding(t, srv):
    c = srv.client()
    t.is_(c.get("/healthz").status, 200, "/healthz is 200")
    t.is_(c.get("/%68ealthz").status, 200, "/%68ealthz (one escape) reaches /healthz")
    r = c.get("/%2568ealthz")
    t.is_(r.status, 404, "/%2568ealthz is decoded once, to /%68ealthz, not twice to /healthz")
    r = c.get("/portal/matters?q=%2541")
    t.is_(r.status, 200, "query with an escaped percent is accepted")
    for path in ("/a%00b", "/%zz", "/%4", "/a%0Ab", "/a%0D%0Ab", "/%7F", "/%FF", "/%C0%80"):
        r = c.get(path)
        t.is_(r.status, 400, "path %s is refused with 400" % path)
    t.is_(c.get("/portal/matters?q=%00").status, 400, "escaped NUL in the query is refused with 400")
    t.is_(c.get("/portal/matters?q=%zz").status, 400, "bad escape in the query is refused with 400")


def test_log_injection(t, srv):
    forged = "2026-01-01T00:00:00Z info  [0000000000000000] GET /admin 200 1us user=admin ip=10.0.0.1"
    enc = forged.replace(" ", "%20").replace("[", "%5B").replace("]", "%5D")
    c = srv.client()
    for sep in ("%0A", "%0D%0A", "%0D"):
        c.get("/no-such%s%s" % (sep, enc))
    # a raw newline cannot be sent in a request line, but other fields reach
    # the log too: MHD's own messages, a user name, an unknown method
    raw(srv, b"GET /x\x01\x1b[31m HTTP/1.1\r\nHost: x\r\n\r\n", wait=2)
    c.post_form("/login", {"username": "a\n" + forged, "password": "x", "_csrf": c.csrf("/login") or ""})
    time.sleep(0.3)
    err = srv.stderr_text()
    t.ok(forged not in err.splitlines() and not any(ln.startswith("2026-01-01T00:00:00Z") for ln in err.splitlines()),
         "no forged line appears in the server log", err[-2000:])
    t.ok("\\x0A2026-01-01T00:00:00Z" in err, "the newline is logged escaped as \\x0A", err[-2000:])
    t.ok("\x1b" not in err and "\x01" not in err, "no raw control character reaches the log")
    check_log_lines(t, srv, "every line of the server log is a well-formed log line")


def send_big(srv, head, chunk, seconds=3.0):
    """Send head, then body bytes as fast as the server takes them, for at
    most `seconds`, reading whatever it answers.  Returns (answer, bytes of
    body sent)."""
    s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=5)
    s.sendall(head)
    s.setblocking(False)
    out, sent, closed = b"", 0, False
    pending = b""  # the rest of a chunk the socket took only part of
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds and not closed:
        try:
            if not pending:
                pending = chunk
            n = s.send(pending)
            sent += n
            pending = pending[n:]
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            closed = True
        try:
            d = s.recv(65536)
            if not d:
                closed = True
            out += d
        except BlockingIOError:
            pass
        except OSError:
            closed = True
    s.close()
    return out, sent


def test_body_limits(t, srv):
    # max_body_kib = 16 in this server: 16 KiB
    head = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 2000000000\r\n\r\n")
    out, sent = send_big(srv, head, b"a" * 65536)
    t.is_(statuses(out)[:1], [413], "a declared 2 GB body is answered 413")
    t.ok(sent < 64 * 1024 * 1024, "... before the body is read (%d bytes went out before the close)" % sent)
    # without sending any body at all, the answer comes at once
    t0 = time.monotonic()
    out = raw(srv, head, wait=5)
    t.ok(statuses(out)[:1] == [413] and time.monotonic() - t0 < 4,
         "the 413 comes from Content-Length alone, without waiting for the body")
    api = (b"POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Content-Length: 999999999\r\n\r\n")
    out = raw(srv, api, wait=5)
    t.is_(statuses(out)[:1], [413], "an API POST with a huge Content-Length is answered 413 at once")
    t.like(out.decode("utf-8", "replace"), r'"status":413', "... in the JSON error shape")
    # a chunked body that grows past the limit is not read to its end
    head = (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    out, sent = send_big(srv, head, b"10000\r\n" + b"a" * 65536 + b"\r\n")
    t.ok(sent < 64 * 1024 * 1024, "a chunked body past the limit is cut off (%d bytes sent)" % sent)
    # a body within the limit is still read and handled
    c = srv.client()
    r = c.post_form("/login", {"username": "x", "password": "y", "_csrf": "z"})
    t.is_(r.status, 403, "a small form POST still reaches the router (403 for the bad token)")


def test_refused_stream(t, srv):
    """A tus PATCH refused in mid-body (more bytes than the upload declared)
    is not read to its end: past max_body of dropped bytes the connection
    is closed."""
    c = srv.client()
    t.is_(c.login("jn.zhang", "Zhifa@2026demo").status, 303, "officer logs in")
    m = re.search(r'data-csrf="([0-9a-f]+)"', c.get("/admin/vault").text)
    csrf = m.group(1) if m else ""
    r = c.request("POST", "/api/v1/uploads", body=b"", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10",
                                                                "X-CSRF-Token": csrf})
    t.is_(r.status, 201, "a 10-byte upload is created")
    loc = (r.header("Location") or "").encode()
    cookie = "; ".join("%s=%s" % (k.name, k.value) for k in c.jar).encode()
    head = (b"PATCH " + loc + b" HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
            b"Content-Type: application/offset+octet-stream\r\nTransfer-Encoding: chunked\r\n"
            b"X-CSRF-Token: " + csrf.encode() + b"\r\nCookie: " + cookie + b"\r\n\r\n")
    out, sent = send_big(srv, head, b"10000\r\n" + b"a" * 65536 + b"\r\n")
    t.ok(sent < 64 * 1024 * 1024, "the refused PATCH body is not read to its end (%d bytes went out, answer %r)" % (sent, statuses(out)))
    r = c.request("HEAD", loc.decode(), headers={"Tus-Resumable": "1.0.0"})
    t.is_(r.header("Upload-Offset"), "0", "nothing of it was stored")


def test_framing(t, srv):
    cases = [
        ("two Content-Length headers",
         b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcdefg"),
        ("two equal Content-Length headers",
         b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde"),
        ("Content-Length with Transfer-Encoding",
         b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("Transfer-Encoding with Content-Length (other order)",
         b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n"),
        ("a transfer coding other than chunked",
         b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        ("a tus PATCH with both headers",
         b"PATCH /api/v1/uploads/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
         b"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n\r\n0\r\n\r\n"),
    ]
    for name, req in cases:
        out = raw(srv, req, wait=5)
        t.is_(statuses(out)[:1], [400], "%s: 400" % name)
        t.ok(harness.CJK.search(out.decode("utf-8", "replace")), "%s: a Chinese message" % name)
    out = raw(srv, b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n3\r\na=b\r\n0\r\n\r\n", wait=5)
    t.is_(statuses(out)[:1], [403], "a plain chunked body is accepted (403 for the missing token)")


def test_error_messages(t, srv):
    """The calendar import's error quotes the date it refuses, cut to 40
    bytes; cut inside a Chinese character it was not UTF-8 any more, and the
    JSON answer was the literal null.  Now it is a JSON error object."""
    import json
    adm = srv.client()
    t.is_(adm.login("admin", "Zhifa@2026demo").status, 303, "admin logs in")
    token = adm.csrf("/admin/calendar")
    for p in range(3):   # the cut falls before, or 1 or 2 bytes into, a character
        bad = json.dumps({"years": {"2027": {"holidays": ["x" * p + "二" * 20], "workdays": []}}},
                         ensure_ascii=False)
        r = adm.post_form("/admin/calendar", {"_csrf": token or "", "source": "通知", "json": bad},
                          headers={"Accept": "application/json"})
        try:
            j = json.loads(r.body.decode("utf-8"))
        except ValueError:
            j = None
        msg = j.get("error", {}).get("message", "") if isinstance(j, dict) else ""
        t.ok(r.status == 400 and "二二二" in msg and "不是真实的日期" in msg,
             "import error quoting a date cut at byte %d is a JSON error naming it" % (40 - p), r.body[:300])


def read_responses(s, want, head_at=(), timeout=10):
    """Read from s until `want` complete responses (by Content-Length; the
    responses numbered in head_at answer HEAD and have no body) have
    arrived, the peer closes, or timeout.  Returns their statuses."""
    s.settimeout(timeout)
    data = b""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        while True:
            m = re.match(rb"HTTP/1\.1 (\d{3}) [^\r]*\r\n(.*?)\r\n\r\n", data, re.S)
            if not m:
                break
            cl = re.search(rb"(?im)^content-length: *(\d+)", m.group(2))
            n = int(cl.group(1)) if cl and len(got) not in head_at else 0
            end = m.end() + n
            if len(data) < end:
                break
            got.append(int(m.group(1)))
            data = data[end:]
        if len(got) >= want:
            break
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        data += d
    return got


def test_pipelining(t, srv):
    """Several requests sent at once on one connection are all answered, in
    order (RFC 9112, 9.3.2)."""
    reqs = [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"HEAD /portal/matters HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 11\r\n\r\nusername=ab",
        b"GET /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/v1/portal/matters HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /admin HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    want = [200, 200, 200, 403, 404, 200, 303, 200]
    s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=10)
    t0 = time.monotonic()
    s.sendall(b"".join(reqs))
    got = read_responses(s, len(reqs), head_at=(2,))
    s.close()
    t.is_(got, want, "%d pipelined requests sent at once are all answered in order" % len(reqs))
    t.ok(time.monotonic() - t0 < 5, "... without stalling")
    # the same, with the requests cut at odd places across several sends
    s = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    blob = b"".join(reqs)
    for i in range(0, len(blob), 97):
        s.sendall(blob[i:i + 97])
        time.sleep(0.002)
    got = read_responses(s, len(reqs), head_at=(2,))
    s.close()
    t.is_(got, want, "pipelined requests arriving in odd pieces are all answered")


def test_header_safety(t, srv):
    """No byte a client sends reaches a response header raw: the login
    redirect's next= (followed at once when logged in) with a raw control
    byte (found by fuzz_http_query) or a decoded tab, CR or LF is
    percent-encoded in Location."""
    c = srv.client()
    t.is_(c.login("admin", "Zhifa@2026demo").status, 303, "admin logs in")
    cookie = ("zf_session=%s" % c.cookie("zf_session").value).encode()
    for q, name in ((b"next=/admin/matters?page\x1d3D2", "a raw control byte"),
                    (b"next=/admin%0D%0ASet-Cookie:%20zf_session=x", "an escaped CR LF"),
                    (b"next=/%09/evil.example/", "an escaped tab")):
        out = raw(srv, b"GET /login?" + q + b" HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
                  b"\r\nConnection: close\r\n\r\n", wait=5)
        head = out.split(b"\r\n\r\n", 1)[0]
        lines = head.split(b"\r\n")
        bad = [ln for ln in lines if any(c < 0x20 or c == 0x7F for c in ln if c != 9)]
        t.ok(out.startswith(b"HTTP/1.1 ") and not bad, "login redirect with %s: no control character in the head" % name,
             repr(bad[:2]))
        t.ok(not any(ln.lower().startswith(b"set-cookie: zf_session=x") for ln in lines),
             "... and no header forged from it")
        loc = [ln for ln in lines if ln.lower().startswith(b"location:")]
        t.ok(lines[0].startswith(b"HTTP/1.1 303") and loc, "... it is a redirect", repr(lines[:1]))
        t.ok(all(b"\t" not in ln and b"/\t/" not in ln for ln in loc), "... Location carries no raw tab", repr(loc))


def main():
    t = harness.Tap()
    with harness.Server(t, demo=True, env={"ZHIFA_LOG_REQUESTS": "1"}) as srv:
        test_decoding(t, srv)
        test_log_injection(t, srv)
        test_error_messages(t, srv)
        test_pipelining(t, srv)
        test_header_safety(t, srv)
        test_refused_stream(t, srv)
    with harness.Server(t, demo=False, env={"ZHIFA_MAX_BODY_KIB": "16"}) as srv:
        test_body_limits(t, srv)
        test_framing(t, srv)
    t.done()


if __name__ == "__main__":
    main()
