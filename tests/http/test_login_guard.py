#!/usr/bin/env python3
"""test_login_guard.py - the login lockout over real HTTP (src/people/auth.c,
src/http/client_addr.c, src/http/defer.c, src/pages/admin_login_guard.c):

  * five wrong passwords from one address for account A do not lock out
    account B from that address;
  * a burst of 16 concurrent wrong logins for one account (16 threads)
    checks at most 5 passwords, counted in the login log;
  * unknown name, wrong password and locked account get the same answer
    (status, message, JSON);
  * behind a trusted proxy the login and operation logs show the real
    client (right-most untrusted X-Forwarded-For address, or X-Real-IP);
    from an untrusted peer both headers are ignored;
  * an address with many failures is slowed down, not locked: the right
    password still logs in, after a wait during which the server keeps
    answering others;
  * the administrator sees the locked account (已锁定 in the list too) and
    the slowed address on /admin/login-guard and can unlock / release them,
    both written to the operation log.
TAP on stdout."""

import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"  # PEOPLE_DEMO_PASSWORD in src/people/demo.h
WRONG = "Wrong#Password1"
JSON = {"Accept": "application/json"}


def login_as(client, username, password, headers=None, json_answer=False):
    token = client.csrf("/login")
    h = dict(headers or {})
    if json_answer:
        h.update(JSON)
    return client.post_form("/login", {"username": username, "password": password, "_csrf": token or ""},
                            headers=h)


def log_items(admin, path):
    """The items of one page of a log (its model's "result")."""
    j = admin.get(path, headers=JSON).json()
    return j.get("result", {}).get("items", [])


def login_rows(admin, username):
    """The login-log rows of username (newest first)."""
    rows = []
    page = 1
    while True:
        j = admin.get("/admin/logs/login?username=%s&page=%d" % (username, page), headers=JSON).json()
        res = j.get("result", {})
        rows += res.get("items", [])
        if len(rows) >= res.get("total", 0) or not res.get("items"):
            return rows
        page += 1


def alert_text(body):
    m = re.search(r'<p class="alert error" role="alert">(.*?)</p>', body.decode("utf-8", "replace"))
    return m.group(1) if m else None


def same_answers(t, srv):
    """Unknown, wrong and locked answer identically."""
    admin = srv.client()
    t.is_(admin.login("admin", PW).status, 303, "admin logs in")
    # lock jn.liu by the administrator, and wx.zhao by five failures
    users = admin.get("/admin/users", headers=JSON).json()["users"]
    liu = next(u for u in users if u["username"] == "jn.liu")
    token = admin.csrf("/admin/users/%d" % liu["id"])
    admin.post_form("/admin/users/%d/lock" % liu["id"], {"_csrf": token})
    for _ in range(5):
        login_as(srv.client(), "wx.zhao", WRONG)
    cases = {
        "unknown name": ("nobody.at.all", WRONG),
        "wrong password": ("jn.zhang", WRONG),
        "locked by the administrator, right password": ("jn.liu", PW),
        "locked by the administrator, wrong password": ("jn.liu", WRONG),
        "locked after failures, right password": ("wx.zhao", PW),
    }
    html, js = {}, {}
    for name, (u, p) in cases.items():
        r = login_as(srv.client(), u, p)
        html[name] = (r.status, alert_text(r.body))
        r = login_as(srv.client(), u, p, json_answer=True)
        j = r.json()
        j.get("error", {}).pop("request_id", None)
        js[name] = (r.status, j)
    base = html["unknown name"]
    t.ok(base[0] == 401 and base[1] and "用户名或密码错误" in base[1], "unknown name: 401 and the neutral message",
         repr(base))
    for name in cases:
        t.is_(html[name], base, "HTML answer, %s: same as an unknown name" % name)
        t.is_(js[name], js["unknown name"], "JSON answer, %s: same as an unknown name" % name)
    token = admin.csrf("/admin/users/%d" % liu["id"])
    admin.post_form("/admin/users/%d/unlock" % liu["id"], {"_csrf": token})


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        admin = srv.client()
        t.is_(admin.login("admin", PW).status, 303, "admin logs in")

        # A's failures do not lock B out of the same address
        for i in range(5):
            r = login_as(srv.client(), "aq.ma", WRONG)
        t.is_(r.status, 401, "5th wrong password for A: 401")
        t.is_(login_as(srv.client(), "aq.ma", PW).status, 401, "A is locked: the right password is refused")
        t.is_(login_as(srv.client(), "aq.zhu", PW).status, 303,
              "five wrong passwords for A from one address do not lock out B")

        # the administrator sees the lock, in the list and on the guard page
        r = admin.get("/admin/users")
        row = re.search(r'aq\.ma</a>.*?</tr>', r.text, re.S)
        t.ok(row and "已锁定" in row.group(0), "the account list shows A as 已锁定")
        users = admin.get("/admin/users", headers=JSON).json()["users"]
        ma = next(u for u in users if u["username"] == "aq.ma")
        t.ok(ma.get("temp_locked") and ma.get("lock_until_local"), "the JSON list says A is locked, until when")
        r = admin.get("/admin/login-guard")
        t.is_(r.status, 200, "the login guard page opens")
        t.html_valid(r, "login guard page is valid HTML")
        t.ok("aq.ma" in r.text and "密码连续错误" in r.text, "it lists A as locked after failures")
        g = admin.get("/admin/login-guard", headers=JSON).json()["guard"]
        t.ok(any(a["username"] == "aq.ma" and a["kind"] == "failures" for a in g["accounts"]), "JSON lists A")
        officer = srv.client()
        officer.login("jn.zhang", PW)
        t.is_(officer.get("/admin/login-guard").status, 403, "an officer may not open it")
        token = admin.csrf("/admin/login-guard")
        r = admin.post_form("/admin/users/%d/unlock" % ma["id"], {"_csrf": token})
        t.is_(r.status, 303, "the administrator unlocks A")
        t.is_(login_as(srv.client(), "aq.ma", PW).status, 303, "A logs in again")
        ops = log_items(admin, "/admin/logs?action=user.unlock")
        t.ok(any(it["object_id"] == str(ma["id"]) for it in ops), "the unlock is in the operation log")

        # 16 concurrent wrong logins for one account: at most 5 checks
        clients = [srv.client() for _ in range(16)]
        tokens = [c.csrf("/login") for c in clients]
        results = [None] * 16
        barrier = threading.Barrier(16)

        def one(i):
            barrier.wait()
            r = clients[i].post_form("/login", {"username": "gf.xu", "password": WRONG, "_csrf": tokens[i] or ""})
            results[i] = r.status

        threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        t.ok(all(s == 401 for s in results), "all 16 refused with 401 (%s)" % results)
        rows = login_rows(admin, "gf.xu")
        checked = [x for x in rows if x["result"] == "fail"]
        refused = [x for x in rows if x["result"] == "locked"]
        t.ok(1 <= len(checked) <= 5, "at most 5 passwords checked of 16 concurrent attempts (%d)" % len(checked))
        t.is_(len(checked) + len(refused), 16, "every attempt is in the login log")
        t.is_(login_as(srv.client(), "gf.xu", PW).status, 401, "then the right password is refused too")

        same_answers(t, srv)

        # untrusted peer: X-Forwarded-For and X-Real-IP are ignored
        r = login_as(srv.client(), "jn.he", PW, headers={"X-Forwarded-For": "198.51.100.77",
                                                          "X-Real-IP": "198.51.100.78"})
        t.is_(r.status, 303, "jn.he logs in with forged headers")
        last = login_rows(admin, "jn.he")[0]
        t.is_(last["ip"], "127.0.0.1", "without trusted proxies the login log keeps the peer address")

    # behind a trusted proxy (127.0.0.1 plays nginx)
    with harness.Server(t, env={"ZHIFA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}) as srv:
        admin = srv.client()
        t.is_(admin.login("admin", PW).status, 303, "admin logs in (trusted proxy server)")
        fwd = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.2.3"}
        c = srv.client()
        r = login_as(c, "jn.head", PW, headers=fwd)
        t.is_(r.status, 303, "login through the proxy")
        last = login_rows(admin, "jn.head")[0]
        t.is_(last["ip"], "203.0.113.9", "login log: the right-most untrusted X-Forwarded-For address")
        # an operation by that session: the operation log names the real client too
        users = c.get("/admin/users", headers=JSON).json()["users"]
        me = next(u for u in users if u["username"] == "jn.head")
        r = c.get("/admin/users/%d" % me["id"], headers={"X-Forwarded-For": "203.0.113.10"})
        token = harness.extract_csrf(r.body)
        r = c.post_form("/account/password", {"_csrf": token, "old_password": PW,
                                              "new_password": "Kx7#mQ2!vLp9", "new_password2": "Kx7#mQ2!vLp9"},
                        headers={"X-Forwarded-For": "203.0.113.10"})
        t.is_(r.status, 303, "password changed through the proxy")
        ops = log_items(admin, "/admin/logs?action=user.password_change")
        t.ok(any(it["ip"] == "203.0.113.10" for it in ops), "operation log: the real client address", repr(ops[:1]))
        r = login_as(srv.client(), "jn.zhang", PW, headers={"X-Real-IP": "203.0.113.11"})
        t.is_(login_rows(admin, "jn.zhang")[0]["ip"], "203.0.113.11", "X-Real-IP from a trusted proxy")
        r = login_as(srv.client(), "jn.zhang", PW, headers={"X-Forwarded-For": "not-an-address, 203.0.113.12"})
        t.is_(login_rows(admin, "jn.zhang")[0]["ip"], "203.0.113.12", "a malformed entry left of the client is ignored")

        # an address with many failures: slowed down, never locked
        bad = {"X-Forwarded-For": "192.0.2.66"}
        for i in range(21):
            login_as(srv.client(), "guess%d" % i, WRONG, headers=bad)
        g = admin.get("/admin/login-guard", headers=JSON).json()["guard"]
        t.ok(any(a["ip"] == "192.0.2.66" for a in g["addresses"]), "the guard page lists the slowed address")
        # two more: the first takes the free slot, the second waits for the
        # next one and leaves the slot after it ahead of the clock
        login_as(srv.client(), "guess-more", WRONG, headers=bad)
        login_as(srv.client(), "guess-more2", WRONG, headers=bad)
        held = {}

        def slow_login():
            t0 = time.monotonic()
            held["status"] = login_as(srv.client(), "wx.li", PW, headers=bad).status
            held["secs"] = time.monotonic() - t0

        th = threading.Thread(target=slow_login)
        th.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        others = [srv.client().get("/healthz").status for _ in range(4)]
        quick = time.monotonic() - t0
        th.join()
        t.ok(held.get("status") == 303, "the right password from the slowed address logs in (%s)" % held.get("status"))
        t.ok(held.get("secs", 0) >= 0.9, "after waiting its slot (%.2f s)" % held.get("secs", 0))
        t.ok(all(s == 200 for s in others) and quick < 0.8,
             "meanwhile the server answers others at once (%.2f s for 4 requests)" % quick)
        token = admin.csrf("/admin/login-guard")
        r = admin.post_form("/admin/login-guard/release", {"_csrf": token, "ip": "192.0.2.66"})
        t.is_(r.status, 303, "the administrator releases the address")
        g = admin.get("/admin/login-guard", headers=JSON).json()["guard"]
        t.ok(not any(a["ip"] == "192.0.2.66" for a in g["addresses"]), "it is no longer listed")
        ops = log_items(admin, "/admin/logs?action=login.address_release")
        t.ok(any(it["object_id"] == "192.0.2.66" for it in ops), "the release is in the operation log")
        t0 = time.monotonic()
        r = login_as(srv.client(), "wx.li", PW, headers=bad)
        t.ok(r.status == 303 and time.monotonic() - t0 < 0.9, "released: no wait")
        r = admin.post_form("/admin/login-guard/release", {"_csrf": token, "ip": "192.0.2.200"})
        t.is_(r.status, 404, "releasing an address without failures: 404")
    t.done()


if __name__ == "__main__":
    main()
