"""harness.py - run the zhifa server for an HTTP test and talk to it.

Python 3 standard library only.  A test file tests/http/test_NAME.py does:

    import harness
    t = harness.Tap()
    with harness.Server(t) as srv:          # init --demo + serve, waits for /healthz
        c = srv.client()                    # cookie jar, no automatic redirects
        r = c.get("/")
        t.is_(r.status, 200, "home page")
        t.ok(r.header("X-Request-Id"), "request id")
        c.login("admin", "secret")          # GET /login, POST with its _csrf
        r = c.post_form("/x", {"a": "1", "_csrf": c.csrf("/x/new")})
        t.html_valid(r, "page is valid HTML")
    t.done()                                # prints the plan, exits 1 on failure

Invariants:
  * the server runs from a fresh temporary data directory on a free loopback
    port and is always stopped (SIGTERM, then SIGKILL) when the `with` ends;
  * its stderr is kept; a sanitizer report (AddressSanitizer, LeakSanitizer,
    UBSan "runtime error:") in it is a failed assertion, so is an exit by
    a signal other than our SIGTERM;
  * with ZHIFA_TEST_DB=postgres://... each Server gets a fresh PostgreSQL
    database (created with psql, dropped afterwards) passed to `serve` as
    --db URL and to both `init` and `serve` as the environment ZHIFA_DB;
  * Server(tap, share=other) is a second instance of a running Server: no
    init, the same data directory and database (other owns and removes
    them), its own port and stderr;
  * output is TAP on stdout (run by prove); diagnostics start with '#'.

Environment: ZHIFA_BIN (default build/asan/zhifa), ZHIFA_TEST_DB,
ZHIFA_HTTP_VERBOSE=1 prints the server's stderr at the end.
"""

import html.parser
import http.client
import http.cookiejar
import json as jsonlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "SUMMARY: AddressSanitizer")
CJK = re.compile("[\u4e00-\u9fff]")


# ---------------------------------------------------------------- TAP ----
class Tap:
    """TAP output: ok/is_/like/html_valid/skip/diag, then done() (exits)."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=None):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name.replace("\n", " ")))
        if not cond:
            self.failed += 1
            if diag:
                self.diag(diag)
        sys.stdout.flush()
        return bool(cond)

    def skip(self, reason):
        """One skipped test (TAP "# skip" directive) with its reason."""
        self.n += 1
        print("ok %d # skip %s" % (self.n, reason.replace("\n", " ")))
        sys.stdout.flush()

    def is_(self, got, want, name):
        return self.ok(got == want, name, "got: %r\nexpected: %r" % (got, want))

    def like(self, got, pattern, name):
        return self.ok(got is not None and re.search(pattern, got) is not None, name,
                       "got: %r\nexpected to match: %r" % ((got or "")[:300], pattern))

    def diag(self, msg):
        for line in str(msg).splitlines() or [""]:
            print("#   " + line)
        sys.stdout.flush()

    def bail(self, msg):
        print("Bail out! " + msg.replace("\n", " "))
        sys.stdout.flush()
        raise SystemExit(1)

    def html_valid(self, resp, name):
        """Assert the body is HTML without tidy *errors* (warnings allowed)."""
        errs = tidy_errors(resp.body)
        return self.ok(not errs, name, errs)

    def done(self):
        print("1..%d" % self.n)
        sys.stdout.flush()
        raise SystemExit(1 if self.failed else 0)


def tidy_errors(body):
    """Run `tidy -q -e -utf8` on body (bytes or str).  Returns "" when tidy
    reports no errors (exit status 0 or 1 = warnings only), else its report."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    tidy = shutil.which("tidy")
    if not tidy:
        return "tidy 未安装(scripts/deps.sh test)"
    p = subprocess.run([tidy, "-q", "-e", "-utf8"], input=body, capture_output=True, timeout=60)
    if p.returncode >= 2:
        return p.stderr.decode("utf-8", "replace") or "tidy exit %d" % p.returncode
    return ""


# ------------------------------------------------------------ parsing ----
class _FormInputs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs = []  # (name, value, type)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            a = dict(attrs)
            self.inputs.append((a.get("name"), a.get("value") or "", (a.get("type") or "text").lower()))


def form_inputs(body):
    """All <input> elements of a page as a list of (name, value, type)."""
    p = _FormInputs()
    p.feed(body if isinstance(body, str) else body.decode("utf-8", "replace"))
    return p.inputs


def extract_csrf(body):
    """The value of the first input named _csrf in the page, or None."""
    for name, value, _ in form_inputs(body):
        if name == "_csrf":
            return value
    return None


# ------------------------------------------------------------- client ----
class Response:
    def __init__(self, status, headers, body, url):
        self.status = status
        self.headers = headers  # email.message.Message: case-insensitive
        self.body = body        # bytes
        self.url = url

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name, default=None):
        return self.headers.get(name, default) if self.headers is not None else default

    def json(self):
        return jsonlib.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<Response %s %s>" % (self.status, self.url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Client:
    """An HTTP client with its own cookie jar.  Redirects are not followed
    unless follow=True is passed; 4xx/5xx are returned, never raised."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self._plain = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self._follow = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def request(self, method, path, body=None, headers=None, follow=False, timeout=30):
        req = urllib.request.Request(self.url(path), data=body, method=method, headers=headers or {})
        opener = self._follow if follow else self._plain
        try:
            with opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read(), r.geturl())
        except urllib.error.HTTPError as e:
            try:
                data = e.read()
            except (OSError, http.client.HTTPException):
                data = b""
            return Response(e.code, e.headers, data, self.url(path))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields, **kw):
        """POST application/x-www-form-urlencoded (fields: dict or list of pairs)."""
        body = urllib.parse.urlencode(fields).encode("utf-8")
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(kw.pop("headers", {}) or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def post_json(self, path, obj, **kw):
        body = jsonlib.dumps(obj, ensure_ascii=False).encode("utf-8")
        h = {"Content-Type": "application/json", "Accept": "application/json"}
        h.update(kw.pop("headers", {}) or {})
        return self.request("POST", path, body=body, headers=h, **kw)

    def csrf(self, path):
        """GET path and return the _csrf value of its form (None if absent)."""
        return extract_csrf(self.get(path, follow=True).body)

    def login(self, username, password):
        """GET /login, then POST /login with username, password and the form's
        _csrf.  Returns the POST's response (normally a 303 redirect)."""
        token = self.csrf("/login")
        return self.post_form("/login", {"username": username, "password": password, "_csrf": token or ""})

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c
        return None

    def raw(self, method, path, body=b"", headers=None, timeout=30):
        """A request over http.client that tolerates the server answering
        (e.g. 413) and closing before the whole body is sent.  Cookies are
        not used.  Returns a Response, status 0 if there was no answer."""
        u = urllib.parse.urlsplit(self.url(path))
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        h = {"Content-Length": str(len(body))}
        h.update(headers or {})
        try:
            conn.putrequest(method, u.path + ("?" + u.query if u.query else ""))
            for k, v in h.items():
                conn.putheader(k, v)
            conn.endheaders()
            try:
                for i in range(0, len(body), 65536):
                    conn.send(body[i:i + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass
            r = conn.getresponse()
            return Response(r.status, r.msg, r.read(), self.url(path))
        except (ConnectionResetError, BrokenPipeError, http.client.HTTPException, socket.timeout) as e:
            return Response(0, None, str(e).encode(), self.url(path))
        finally:
            conn.close()


# ------------------------------------------------------------- server ----
def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url_with_db(url, name):
    u = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))


def _psql(url, sql):
    psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
    return subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          capture_output=True, text=True, timeout=60)


class Server:
    """`zhifa init --data TMP --demo`, then `zhifa serve --data TMP --listen
    127.0.0.1:PORT [--db URL]`; waits (up to 60 s) for GET /healthz = 200.
    Use as a context manager; srv.base is the URL, srv.client() a Client."""

    _count = 0

    def __init__(self, tap, demo=True, extra_args=(), env=None, share=None):
        self.tap = tap
        self.share = share
        self.demo = demo
        self.extra_args = list(extra_args)
        self.extra_env = env or {}
        self.bin = os.environ.get("ZHIFA_BIN") or os.path.join(ROOT, "build/asan/zhifa")
        self.proc = None
        self.dbname = None
        self.db_url = None
        self.tmp = None
        self.base = None

    # -- life cycle
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _env(self):
        env = dict(os.environ)
        env.setdefault("ZHIFA_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
        if self.db_url:
            env["ZHIFA_DB"] = self.db_url
        env.update(self.extra_env)
        return env

    def start(self):
        if not os.access(self.bin, os.X_OK):
            self.tap.bail("没有服务程序 %s(先运行 make test-build)" % self.bin)
        self.tmp = tempfile.mkdtemp(prefix="zhifa-http-")
        data = os.path.join(self.tmp, "data")
        pg = os.environ.get("ZHIFA_TEST_DB", "")
        if self.share is not None:
            data = self.share.data
            self.db_url = self.share.db_url
        self.data = data
        if self.share is None and pg:
            Server._count += 1
            self.dbname = "zhifa_h_%d_%d" % (os.getpid(), Server._count)
            _psql(pg, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.dbname)
            p = _psql(pg, "CREATE DATABASE %s" % self.dbname)
            if p.returncode != 0:
                self.dbname = None
                self.tap.bail("无法创建测试数据库: " + p.stderr)
            self.db_url = _url_with_db(pg, self.dbname)
        if self.share is None:
            init = [self.bin, "init", "--data", data] + (["--demo"] if self.demo else [])
            p = subprocess.run(init, capture_output=True, timeout=120, env=self._env())
            self._check_sanitizer(p.stderr.decode("utf-8", "replace"), "init")
            if p.returncode != 0:
                self.tap.diag(p.stderr.decode("utf-8", "replace"))
                self._cleanup()
                self.tap.bail("zhifa init 失败 (exit %d)" % p.returncode)
        port = free_port()
        self.base = "http://127.0.0.1:%d" % port
        cmd = [self.bin, "serve", "--data", data, "--listen", "127.0.0.1:%d" % port]
        if self.db_url:
            cmd += ["--db", self.db_url]
        cmd += self.extra_args
        self.stderr_path = os.path.join(self.tmp, "server.stderr")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._stderr, env=self._env())
        deadline = time.monotonic() + 60
        c = Client(self.base)
        while True:
            if self.proc.poll() is not None:
                err = self.stderr_text()
                self.tap.diag(err[-3000:])
                self._cleanup()
                self.tap.bail("zhifa serve 退出了 (exit %d)" % self.proc.returncode)
            try:
                if c.get("/healthz", timeout=2).status == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                self.stop()
                self.tap.bail("zhifa serve 在 60 秒内没有应答 /healthz")
            time.sleep(0.1)

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _check_sanitizer(self, text, what):
        bad = [m for m in SANITIZER_MARKS if m in text]
        return self.tap.ok(not bad, "%s: no sanitizer report on stderr" % what, text[-6000:])

    def stop(self):
        """Stop the server; assert a clean exit and no sanitizer report."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
                    self.tap.ok(False, "server stops within 30 s of SIGTERM")
            rc = self.proc.returncode
            self._stderr.close()
            err = self.stderr_text()
            if os.environ.get("ZHIFA_HTTP_VERBOSE"):
                self.tap.diag(err)
            self._check_sanitizer(err, "server")
            self.tap.ok(rc in (0, -signal.SIGTERM, 128 + signal.SIGTERM),
                        "server exits cleanly on SIGTERM", "exit status %s\n%s" % (rc, err[-3000:]))
            self.proc = None
        self._cleanup()

    def _cleanup(self):
        if self.dbname:
            _psql(os.environ["ZHIFA_TEST_DB"], "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.dbname)
            self.dbname = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def client(self):
        return Client(self.base)
