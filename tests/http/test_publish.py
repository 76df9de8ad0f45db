#!/usr/bin/env python3
"""test_publish.py - publishing and withdrawing behind a confirmation step
(pages/admin_matters.c), and what the public sees of a withdrawn item and of
earlier versions (pages/portal.c).

Checks:
  * GET /admin/matters/{id}/publish shows the differences from the version
    now public, field by field (changed fields marked, old and new values,
    removed and added lines), a preview of the public page and a form
    carrying confirm=1 and the draft's token; nothing is published by it;
  * a POST without the confirmation (no confirm, or no token) answers the
    confirmation page and publishes nothing; a token of an older draft is
    refused (409) and publishes nothing; JSON needs "confirm": true (409
    naming "confirm" otherwise);
  * withdrawing asks for confirmation and a reason (400 and a Chinese
    message when empty);
  * a withdrawn item keeps its public page: 200, 已撤下, the date and the
    reason, and a version list whose entries each open at their own URL,
    marked 历史版本 with their period; lists and search leave it out;
  * guides and inspection items go through the same steps.
TAP on stdout."""

import datetime
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}


def jget(c, path):
    r = c.get(path, headers=JSON)
    try:
        return r.status, r.json()
    except ValueError:
        return r.status, None


def today_shanghai():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")


def row_of(html, label):
    """The <tr> of the differences table whose header cell starts with label."""
    m = re.search(r'<tr class="(\w+)"><th scope="row">%s(?:(?!</tr>).)*</tr>' % re.escape(label), html, re.S)
    return m


def published_of(c, kind):
    """A published item of kind in the actor's list."""
    st, m = jget(c, "/admin/matters?kind=%s" % kind)
    for it in (m or {}).get("items", []):
        if it["status"] == "published" and not it["has_draft"]:
            return it["id"]
    return None


def edit_json(c, csrf, mid, change):
    st, m = jget(c, "/admin/matters/%d" % mid)
    content = dict(m["draft"] or m["published"])
    content.update(change)
    return c.post_json("/admin/matters/%d/edit" % mid, {"content": content}, headers={"X-CSRF-Token": csrf})


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        officer, head, pub = srv.client(), srv.client(), srv.client()
        t.is_(officer.login("jn.zhang", PW).status, 303, "jn.zhang logs in")
        t.is_(head.login("jn.head", PW).status, 303, "jn.head logs in")
        ocsrf = officer.csrf("/admin/matters")
        hcsrf = head.csrf("/admin/matters")

        mid = published_of(head, "matter")
        t.ok(mid, "jn.head has a published matter")
        st, before = jget(head, "/admin/matters/%d" % mid)
        v0 = before["latest_version"]
        old = before["published"]
        t.is_(head.get("/admin/matters/%d/publish" % mid).status, 409, "no draft: nothing to confirm (409)")

        # ---- an edit: two fields changed, one of them by a line ----
        new_duties = old["duties"] + "\n新增：对节能服务机构的监督检查。"
        r = edit_json(officer, ocsrf, mid, {"duties": new_duties, "category": "penalty"
                                            if old["category"] != "penalty" else "inspection"})
        t.is_(r.status, 200, "officer edits the published matter")
        r = head.get("/admin/matters/%d" % mid)
        t.like(r.text, r'href="/admin/matters/%d/publish">预览并发布' % mid, "item page links to the preview")
        t.ok('action="/admin/matters/%d/publish"' % mid not in r.text, "item page has no one-click publish form")

        r = head.get("/admin/matters/%d/publish" % mid)
        t.is_(r.status, 200, "GET the publish confirmation page")
        t.html_valid(r, "confirmation page is valid HTML")
        html = r.text
        t.like(html, "与现行第 %d 版相比，共 <strong>2</strong> 项有修改：事项类别、职责" % v0,
               "summary names the two changed fields")
        row = row_of(html, "职责")
        t.ok(row and row.group(1) == "changed" and "已修改" in row.group(0), "职责 row marked changed")
        t.ok(row and "<ins>新增：对节能服务机构的监督检查。</ins>" in row.group(0), "... the added line marked <ins>")
        t.ok(row and re.search(r'<div class="line">%s</div>' % re.escape(harness_escape(old["duties"].split("\n")[0])),
                               row.group(0)), "... the kept line unmarked")
        row = row_of(html, "事项类别")
        t.ok(row and row.group(1) == "changed" and "<del>" in row.group(0) and "<ins>" in row.group(0),
             "事项类别 row: old value struck, new value marked")
        row = row_of(html, "名称")
        t.ok(row and row.group(1) == "same" and "已修改" not in row.group(0), "名称 row not marked")
        t.like(html, "公示页面预览", "preview of the public page")
        t.like(html, r'(?s)<div class="preview-page">.*新增：对节能服务机构的监督检查。', "preview shows the draft")
        t.like(html, r'name="confirm" value="1"', "form carries confirm=1")
        token = re.search(r'name="draft_token" value="([0-9a-f]{64})"', html)
        t.ok(token, "form carries the draft's token")
        token = token.group(1) if token else ""
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_(pm["version"], v0, "looking at the preview published nothing")
        st, jm = jget(head, "/admin/matters/%d/publish" % mid)
        t.ok(st == 200 and jm["draft_token"] == token and any(f["changed"] for f in jm["diff"]),
             "the confirmation model as JSON: token and diff")
        t.is_(officer.get("/admin/matters/%d/publish" % mid).status, 403, "an officer cannot open it")

        # ---- skipping the confirmation publishes nothing ----
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "跳过确认"})
        t.is_(r.status, 200, "POST without confirm answers the confirmation page")
        t.like(r.text, "确认发布第 %d 版" % (v0 + 1), "... which asks to confirm")
        t.like(r.text, 'value="跳过确认"', "... keeping the change note")
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "x", "confirm": "1"})
        t.is_(r.status, 200, "POST with confirm but without the draft's token answers the confirmation page")
        r = head.post_json("/admin/matters/%d/publish" % mid, {"change_note": "x"}, headers={"X-CSRF-Token": hcsrf})
        t.is_((r.status, r.json()["error"]["field"]), (409, "confirm"), "JSON without confirm is 409 naming confirm")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        st, om = jget(head, "/admin/matters/%d" % mid)
        t.is_((pm["version"], om["latest_version"], om["has_draft"]), (v0, v0, True), "nothing was published")

        # ---- the draft changes after the preview: refused ----
        r = edit_json(officer, ocsrf, mid, {"authority": old["authority"] + "（再次修改）"})
        t.is_(r.status, 200, "officer edits again after the preview")
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "修订职责",
                                                              "confirm": "1", "draft_token": token})
        t.is_(r.status, 409, "confirming a preview of an older draft is 409")
        t.like(r.text, r'role="alert"[^>]*><p>未发布：预览之后草稿又被修改过', "... saying the draft changed")
        t.like(r.text, "权限", "... and showing the new differences")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_(pm["version"], v0, "... nothing published")

        # ---- confirmed ----
        st, jm = jget(head, "/admin/matters/%d/publish" % mid)
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "修订职责",
                                                              "confirm": "1", "draft_token": jm["draft_token"]})
        t.is_(r.status, 303, "confirmed publication (303)")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_((pm["version"], pm["content"]["duties"]), (v0 + 1, new_duties), "the portal shows the new version")

        # ---- withdrawal: confirmation and reason ----
        r = head.get("/admin/matters/%d" % mid)
        t.like(r.text, r'href="/admin/matters/%d/withdraw"' % mid, "item page links to the withdrawal page")
        r = head.get("/admin/matters/%d/withdraw" % mid)
        t.is_(r.status, 200, "GET the withdrawal confirmation page")
        t.html_valid(r, "withdrawal confirmation page is valid HTML")
        t.like(r.text, r'<textarea id="f-reason" name="reason"[^>]*required', "it asks for the reason")
        t.like(r.text, "(?s)公示页面预览.*已撤下", "... and previews the public page")
        r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": "依据修订，重新编制"})
        t.is_(r.status, 200, "POST without confirm answers the confirmation page")
        t.like(r.text, "依据修订，重新编制</textarea>", "... keeping the reason")
        r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": " ", "confirm": "1"})
        t.is_(r.status, 400, "confirmed without a reason is 400")
        t.like(r.text, r'id="e-reason">[^<]*「撤下原因」不能为空', "... with the Chinese message on the field")
        t.html_valid(r, "withdrawal error page is valid HTML")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_(pm.get("status"), "published", "nothing withdrawn so far")
        r = head.post_json("/admin/matters/%d/withdraw" % mid, {"reason": "x"}, headers={"X-CSRF-Token": hcsrf})
        t.is_((r.status, r.json()["error"]["field"]), (409, "confirm"), "JSON withdrawal without confirm is 409")
        st, home0 = jget(pub, "/")
        st, units0 = jget(pub, "/portal/bodies")
        reason = "依据修订，重新编制"
        r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": reason, "confirm": "1"})
        t.is_(r.status, 303, "confirmed withdrawal (303)")
        st, home1 = jget(pub, "/")
        t.is_(home1["stats"]["matters"], home0["stats"]["matters"] - 1, "the home page counts one matter less")
        st, units1 = jget(pub, "/portal/bodies")
        t.is_(sum(u["matters"] for u in units1["bodies"]), sum(u["matters"] for u in units0["bodies"]) - 1,
              "so does the list of enforcement bodies")

        # ---- the withdrawn public page ----
        r = pub.get("/portal/matters/%d" % mid)
        t.is_(r.status, 200, "withdrawn matter: public page answers 200")
        t.html_valid(r, "withdrawn page is valid HTML")
        t.like(r.text, "<h2>已撤下</h2>", "it says 已撤下")
        t.like(r.text, "已于 <strong>%s \\d\\d:\\d\\d</strong> 撤下" % today_shanghai(), "... with the date")
        t.like(r.text, "撤下原因：" + reason, "... and the reason")
        t.ok(new_duties.split("\n")[1] not in r.text, "the withdrawn content is not shown as current")
        for v in range(1, v0 + 2):
            t.like(r.text, r'href="/portal/matters/%d\?version=%d">第 %d 版' % (mid, v, v), "version %d listed" % v)
        t.like(r.text, "历史版本", "versions marked 历史版本")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_((pm["status"], pm["withdrawal"]["reason"]), ("withdrawn", reason), "JSON: status and withdrawal")
        t.ok(all(v["effective_to"] for v in pm["versions"]), "JSON: every version has an end of its period")
        r = pub.get("/portal/matters/%d?version=%d" % (mid, v0 + 1))
        t.is_(r.status, 200, "the last version opens at its own URL")
        t.like(r.text, r"<strong>历史版本</strong>：您正在查看第 %d 版，有效期 \d{4}-\d\d-\d\d \d\d:\d\d 至 \d{4}-\d\d-\d\d \d\d:\d\d"
               % (v0 + 1), "... marked 历史版本 with its period")
        t.like(r.text, "新增：对节能服务机构的监督检查。", "... with its content")
        t.like(r.text, "该公示内容已撤下", "... saying the item was withdrawn")
        t.html_valid(r, "version page is valid HTML")
        t.is_(pub.get("/portal/matters/%d/flowchart.svg" % mid).status, 404, "no flowchart in force once withdrawn")
        r = pub.get("/portal/matters/%d/flowchart.svg?version=%d" % (mid, v0 + 1))
        t.ok(r.status == 200 and "<svg" in r.text, "the flowchart of the withdrawn version stays readable")
        r = pub.get("/portal/matters/%d?version=%d" % (mid, v0))
        t.is_(r.status, 200, "the earlier version opens too")
        t.like(r.text, "(?s)历史版本.*第 %d 版" % v0, "... marked 历史版本")
        t.is_(pub.get("/portal/matters/%d?version=%d" % (mid, v0 + 5)).status, 404, "a version that does not exist is 404")

        # lists and search leave it out
        name = pm["content"]["name"]
        r = pub.get("/portal/matters?q=" + urllib.parse.quote(name))
        t.ok('href="/portal/matters/%d"' % mid not in r.text, "not in the portal list")
        st, s = jget(pub, "/api/v1/portal/search?q=" + urllib.parse.quote(name))
        t.ok(all(it["id"] != mid for it in s["matters"]), "not found by search")
        st, l = jget(pub, "/api/v1/portal/matters?per_page=100")
        t.ok(all(it["id"] != mid for it in l["items"]), "not in the API list")

        # edited and published again, the item comes back as a new version
        r = edit_json(officer, ocsrf, mid, {"authority": old["authority"] + "（恢复公示）"})
        t.is_(r.status, 200, "officer edits the withdrawn matter")
        r = head.get("/admin/matters/%d/publish" % mid)
        t.like(r.text, "与已撤下的第 %d 版相比" % (v0 + 1), "the preview compares with the withdrawn version")
        st, jm = jget(head, "/admin/matters/%d/publish" % mid)
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "恢复公示",
                                                              "confirm": "1", "draft_token": jm["draft_token"]})
        t.is_(r.status, 303, "published again after confirmation")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_((pm["status"], pm["version"], pm["withdrawal"]), ("published", v0 + 2, None), "public again as a new version")
        t.ok(pm["versions"][0]["effective_to"] is None and pm["versions"][1]["effective_to"] is not None,
             "the new version is in force, the withdrawn one ended at its withdrawal")
        r = pub.get("/portal/matters/%d" % mid)
        t.ok("<h2>已撤下</h2>" not in r.text and "（恢复公示）" in r.text, "the public page shows it in force again")


        gid, ghead = None, None
        for who in ("jn.head", "aq.head", "wx.head", "gf.head", "hx.head"):
            c = srv.client()
            c.login(who, PW)
            gid = published_of(c, "guide")
            if gid:
                ghead = c
                break
        t.ok(gid, "a head has a published guide")
        gcsrf = ghead.csrf("/admin/matters")
        st, g = jget(ghead, "/admin/matters/%d" % gid)
        gv = g["latest_version"]
        r = pub.get("/portal/guides/%d?version=%d" % (gid, gv))
        t.like(r.text, "即现行公示版本", "the version in force is said to be in force")
        mats = g["published"]["materials"] + ["新增材料：节能评估报告"]
        t.is_(edit_json(ghead, gcsrf, gid, {"materials": mats}).status, 200, "the head edits a guide's materials")
        r = ghead.get("/admin/matters/%d/publish" % gid)
        row = row_of(r.text, "申请材料")
        t.ok(row and row.group(1) == "changed" and "新增材料：节能评估报告</ins>" in row.group(0),
             "guide: the added material marked")
        st, jm = jget(ghead, "/admin/matters/%d/publish" % gid)
        r = ghead.post_form("/admin/matters/%d/publish" % gid, {"_csrf": gcsrf, "change_note": "增加材料",
                                                                "confirm": "1", "draft_token": jm["draft_token"]})
        t.is_(r.status, 303, "guide published after confirmation")
        r = pub.get("/portal/guides/%d?version=%d" % (gid, gv))
        t.like(r.text, "<strong>历史版本</strong>", "the guide's previous version is now 历史版本")
        t.like(r.text, r'href="/portal/guides/%d">查看现行第 %d 版' % (gid, gv + 1), "... linking the current one")

        iid = published_of(head, "inspection")
        t.ok(iid, "jn.head has a published inspection item")
        r = head.post_form("/admin/matters/%d/withdraw" % iid, {"_csrf": hcsrf, "reason": "本年度不再抽查",
                                                               "confirm": "1"})
        t.is_(r.status, 303, "inspection item withdrawn after confirmation")
        r = pub.get("/portal/inspections/%d" % iid)
        t.ok(r.status == 200 and "已撤下" in r.text and "本年度不再抽查" in r.text,
             "withdrawn inspection item: page with 已撤下 and the reason")
        st, l = jget(pub, "/api/v1/portal/inspections?per_page=100")
        t.ok(all(it["id"] != iid for it in l["items"]), "... and out of the inspection list")
    t.done()


def harness_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


if __name__ == "__main__":
    main()
