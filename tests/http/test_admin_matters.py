#!/usr/bin/env python3
"""test_admin_matters.py - the back office of the catalogue (pages/admin_matters.c):
drafting by an officer, publishing by the head of the owning unit, the portal
showing the new version and the old one, editing and version 2, withdrawal
(both through their confirmation step, see test_publish.py),
guides, validation errors naming the field (400, nothing saved), CSRF, unit
scope (403 by URL for another unit), valid HTML.  TAP on stdout."""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
NAME = "测试用节能监察事项甲"


def matter_form(csrf, **over):
    f = {
        "_csrf": csrf, "kind": "matter", "name": NAME, "category": "inspection",
        "duties": "对重点用能单位执行节能法律法规的情况进行监督检查。",
        "authority": "现场检查、调阅资料、责令改正。",
        "basis_0_law": "《中华人民共和国节约能源法》", "basis_0_article": "第十二条",
        "basis_1_law": "", "basis_1_article": "",
        "procedure_0_name": "制定检查计划", "procedure_0_note": "按年度计划", "procedure_0_time_limit": "",
        "procedure_1_name": "", "procedure_1_note": "", "procedure_1_time_limit": "",
        "procedure_2_name": "现场检查", "procedure_2_note": "两名执法人员", "procedure_2_time_limit": "1个工作日",
        "procedure_3_name": "作出处理", "procedure_3_note": "", "procedure_3_time_limit": "30日内",
        "remedy_0_type": "review", "remedy_0_body": "云南省人民政府", "remedy_0_time_limit": "60日内",
        "remedy_1_type": "litigation", "remedy_1_body": "昆明市中级人民法院", "remedy_1_time_limit": "6个月内",
    }
    f.update(over)
    return f


def jget(c, path):
    r = c.get(path, headers=JSON)
    try:
        return r.status, r.json()
    except ValueError:
        return r.status, None


def office_ids(c, kind="matter"):
    st, m = jget(c, "/admin/matters?kind=%s&page=1" % kind)
    ids = set()
    page = 1
    while st == 200 and m:
        ids |= {it["id"] for it in m["items"]}
        if page * m["per_page"] >= m["total"]:
            break
        page += 1
        st, m = jget(c, "/admin/matters?kind=%s&page=%d" % (kind, page))
    return ids


def count_named(c, name):
    st, m = jget(c, "/admin/matters?kind=matter&q=" + urllib.parse.quote(name))
    return m["total"] if m else -1


def draft_token(c, mid):
    """The token of the draft the confirmation page shows (GET …/publish)."""
    st, m = jget(c, "/admin/matters/%d/publish" % mid)
    return m.get("draft_token", "") if st == 200 and m else ""


def confirm_publish(c, mid, csrf, note):
    return c.post_form("/admin/matters/%d/publish" % mid, {"_csrf": csrf, "change_note": note, "confirm": "1",
                                                           "draft_token": draft_token(c, mid)})


def item_id_from(r):
    m = re.search(r"/admin/matters/(\d+)\?ok=", r.header("Location") or "")
    return int(m.group(1)) if m else None


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        officer = srv.client()
        r = officer.login("jn.zhang", PW)
        t.is_(r.status, 303, "jn.zhang logs in")
        head = srv.client()
        t.is_(head.login("jn.head", PW).status, 303, "jn.head logs in")
        other = srv.client()
        t.is_(other.login("aq.head", PW).status, 303, "aq.head logs in")

        # ---- the list ----
        r = officer.get("/admin/matters")
        t.is_(r.status, 200, "GET /admin/matters is 200")
        t.html_valid(r, "list page is valid HTML")
        t.like(r.text, r'aria-current="page">执法事项<', "matter tab is current")
        t.like(r.text, r'href="/admin/matters/new\?kind=matter"', "officer sees the new-draft link")
        st, m = jget(officer, "/admin/matters")
        t.is_(st, 200, "list answers JSON")
        units = {it["unit_name"] for it in m["items"]}
        t.ok(units <= {"节能与综合利用处"}, "officer (own scope) sees only own unit's items", units)
        t.ok(all("status" in it and "has_draft" in it for it in m["items"]), "list entries carry status and has_draft")
        st, m = jget(officer, "/admin/matters?kind=guide")
        t.is_((st, m and m["kind"]), (200, "guide"), "guide tab lists guides")
        t.is_(officer.get("/admin/matters?kind=bogus").status, 400, "unknown kind is 400")
        t.is_(officer.get("/admin/matters?status=bogus", headers=JSON).status, 400, "unknown status is 400")
        st, m = jget(other, "/admin/matters")
        aq_units = {it["unit_name"] for it in m["items"]}
        t.ok("节能与综合利用处" not in aq_units, "aq.head does not see jn items", aq_units)
        st, _ = jget(officer, "/admin/matters?unit=999999")
        t.ok(st in (403, 400), "officer filtering by a foreign unit is refused (%s)" % st)
        archivist = srv.client()
        archivist.login("dangan", PW)
        t.is_(archivist.get("/admin/matters").status, 403, "archivist may not use /admin/matters")

        # ---- the form ----
        r = officer.get("/admin/matters/new?kind=matter")
        t.is_(r.status, 200, "GET new matter form is 200")
        t.html_valid(r, "new matter form is valid HTML")
        for name in ("name", "category", "duties", "authority", "basis_0_law", "basis_2_article",
                     "procedure_2_name", "procedure_0_time_limit", "remedy_0_type", "remedy_1_body"):
            t.like(r.text, r'<label[^>]*for="f-%s"' % name, "form has a label for %s" % name)
        csrf = harness.extract_csrf(r.body)
        t.ok(csrf, "form has _csrf")
        for kind in ("guide", "inspection"):
            r = officer.get("/admin/matters/new?kind=" + kind)
            t.is_(r.status, 200, "GET new %s form is 200" % kind)
            t.html_valid(r, "new %s form is valid HTML" % kind)
        t.is_(officer.get("/admin/matters/new?kind=x").status, 400, "new form with a bad kind is 400")
        t.is_(other.get("/admin/matters/new?kind=matter").status, 200, "a head may open the form")
        t.is_(srv.client().get("/admin/matters/new").status, 303, "anonymous is sent to login")

        before = count_named(head, NAME)
        t.is_(before, 0, "no item of the test name yet")

        # CSRF
        f = matter_form(csrf)
        del f["_csrf"]
        r = officer.post_form("/admin/matters/new", f)
        t.is_(r.status, 403, "POST new without _csrf is 403")

        # validation: empty name
        r = officer.post_form("/admin/matters/new", matter_form(csrf, name="  "))
        t.is_(r.status, 400, "empty name is 400")
        t.like(r.text, r'role="alert"[^>]*>.*事项名称', "alert names 事项名称")
        t.like(r.text, r'id="f-name"[^>]*aria-invalid="true"', "name input is marked invalid")
        t.like(r.text, r'id="e-name">[^<]*事项名称', "message next to the name input")
        t.like(r.text, "对重点用能单位执行节能法律法规", "duties input kept")
        t.like(r.text, r'name="procedure_2_name"[^>]*value="作出处理"|value="作出处理"', "procedure rows kept")
        t.html_valid(r, "error form is valid HTML")

        # validation: a single procedure step
        r = officer.post_form("/admin/matters/new", matter_form(
            csrf, procedure_2_name="", procedure_2_note="", procedure_2_time_limit="",
            procedure_3_name="", procedure_3_time_limit=""))
        t.is_(r.status, 400, "one procedure step is 400")
        t.like(r.text, r'id="e-procedure">[^<]*程序步骤[^<]*至少两步', "message next to the procedure rows")
        # a step with a note but no name
        r = officer.post_form("/admin/matters/new", matter_form(csrf, procedure_3_name=""))
        t.is_(r.status, 400, "step without a name is 400")
        t.like(r.text, r'id="f-procedure_2_name"[^>]*aria-invalid="true"',
               "the nameless step (third row sent, blank row dropped) is marked")
        t.like(r.text, r'id="e-procedure_2_name">[^<]*第3步', "its message names step 3")

        # validation: bad category
        r = officer.post_form("/admin/matters/new", matter_form(csrf, category="nonsense"))
        t.is_(r.status, 400, "bad category is 400")
        t.like(r.text, r'id="e-category">[^<]*类别', "message next to the category select")
        # validation: no legal basis
        r = officer.post_form("/admin/matters/new", matter_form(csrf, basis_0_law="", basis_0_article=""))
        t.is_(r.status, 400, "no legal basis is 400")
        t.like(r.text, r'id="e-basis">[^<]*法律依据', "message next to the basis rows")
        # validation: remedy body missing
        r = officer.post_form("/admin/matters/new", matter_form(csrf, remedy_1_body=""))
        t.is_(r.status, 400, "remedy without body is 400")
        t.like(r.text, r'id="e-remedy_1_body">[^<]*受理机关', "message next to the remedy body")
        # JSON client
        r = officer.post_json("/admin/matters/new", {"kind": "matter", "content": {"name": NAME, "procedure": ["a"]}},
                              headers={"X-CSRF-Token": csrf})
        t.is_(r.status, 400, "JSON create with bad content is 400")
        try:
            err = r.json()["error"]
        except (ValueError, KeyError):
            err = {}
        t.ok(err.get("field") and err.get("message"), "JSON error has field and message", r.text[:300])
        t.is_(count_named(head, NAME), 0, "nothing was saved by the failed attempts")

        # success
        r = officer.post_form("/admin/matters/new", matter_form(csrf))
        t.is_(r.status, 303, "valid matter is created (303)")
        mid = item_id_from(r)
        t.ok(mid, "redirect names the new item", r.header("Location"))
        r = officer.get("/admin/matters/%d?ok=created" % mid)
        t.is_(r.status, 200, "item page is 200")
        t.like(r.text, "已保存草稿", "confirmation shown")
        t.html_valid(r, "item page (draft) is valid HTML")
        t.ok("/publish" not in r.text, "officer sees no publish form")
        t.like(r.text, r'/admin/matters/%d/edit' % mid, "officer sees the edit link")
        st, m = jget(officer, "/admin/matters/%d" % mid)
        t.is_((m["status"], m["draft"]["name"], m["latest_version"]), ("draft", NAME, 0), "draft stored")
        t.is_([s["name"] for s in m["draft"]["procedure"]], ["制定检查计划", "现场检查", "作出处理"],
              "procedure rows stored in order, blank row dropped")
        t.is_(m["draft"]["basis"], [{"law": "《中华人民共和国节约能源法》", "article": "第十二条"}], "basis stored")
        t.is_(len(m["draft"]["remedy"]), 2, "two remedy channels stored")
        t.ok(m["can_edit"] and not m["can_publish"], "officer: can_edit, not can_publish")
        r = officer.get("/admin/matters/%d/flowchart.svg?of=draft" % mid)
        t.is_(r.status, 200, "draft flowchart is served")
        t.like(r.header("Content-Type"), r"image/svg\+xml", "flowchart is SVG")
        t.like(r.text, "现场检查", "flowchart draws the steps")
        t.is_(srv.client().get("/portal/matters/%d" % mid).status, 404, "draft is not on the portal")

        # permissions before publishing
        r = officer.post_form("/admin/matters/%d/publish" % mid, {"_csrf": csrf, "change_note": "x"})
        t.is_(r.status, 403, "officer's POST publish is 403")
        t.is_(other.get("/admin/matters/%d" % mid).status, 403, "aq.head gets 403 for the jn item by URL")
        t.is_(other.get("/admin/matters/%d" % mid, headers=JSON).status, 403, "... also as JSON")
        t.is_(other.get("/admin/matters/%d/edit" % mid).status, 403, "aq.head cannot open the edit form")
        t.is_(other.get("/admin/matters/%d/flowchart.svg" % mid).status, 403, "aq.head cannot read the draft flowchart")
        ocsrf = other.csrf("/admin/matters")
        r = other.post_form("/admin/matters/%d/publish" % mid, {"_csrf": ocsrf, "change_note": "x"})
        t.is_(r.status, 403, "aq.head's POST publish is 403")
        r = other.post_form("/admin/matters/%d/edit" % mid, matter_form(ocsrf, name="篡改"))
        t.is_(r.status, 403, "aq.head's POST edit is 403")
        t.ok(mid not in office_ids(other), "aq.head's list does not contain the item")
        t.is_(officer.get("/admin/matters/999999").status, 404, "unknown item is 404")

        # publish version 1
        r = head.get("/admin/matters/%d" % mid)
        t.is_(r.status, 200, "jn.head opens the item")
        t.like(r.text, r'href="/admin/matters/%d/publish"' % mid, "jn.head sees the link to publish")
        t.html_valid(r, "item page with the publish link is valid HTML")
        hcsrf = harness.extract_csrf(r.body)
        r = head.post_form("/admin/matters/%d/publish" % mid, {"change_note": "首次公示"})
        t.is_(r.status, 403, "publish without _csrf is 403")
        r = confirm_publish(head, mid, hcsrf, "长" * 201)
        t.is_(r.status, 400, "over-long change note is 400")
        t.like(r.text, r'id="e-change_note">[^<]*变更说明', "message next to the change note")
        t.html_valid(r, "publish error page is valid HTML")
        st, m = jget(head, "/admin/matters/%d" % mid)
        t.is_(m["latest_version"], 0, "nothing published by the failed attempt")
        r = confirm_publish(head, mid, hcsrf, "首次公示")
        t.is_(r.status, 303, "jn.head publishes (303)")
        t.like(r.header("Location"), r"/admin/matters/%d\?ok=published" % mid, "redirect to the item")
        r = head.get(r.header("Location"))
        t.like(r.text, "已发布", "publish confirmation shown")
        st, m = jget(head, "/admin/matters/%d" % mid)
        t.is_((m["status"], m["latest_version"], m["has_draft"]), ("published", 1, False), "version 1 published")
        r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": "", "confirm": "1",
                                                              "draft_token": "x"})
        t.is_(r.status, 409, "publishing without a pending draft is 409")

        pub = srv.client()
        r = pub.get("/portal/matters?q=" + urllib.parse.quote(NAME))
        t.like(r.text, r'href="/portal/matters/%d"' % mid, "published matter listed on /portal/matters")
        st, pm = jget(pub, "/api/v1/portal/matters?q=" + urllib.parse.quote(NAME))
        t.ok(st == 200 and any(it["id"] == mid for it in pm["items"]), "... and on /api/v1/portal/matters")
        r = head.get("/admin/matters/%d/flowchart.svg?of=published" % mid)
        t.is_(r.status, 200, "published flowchart served in the back office")

        # edit -> version 2
        r = officer.get("/admin/matters/%d/edit" % mid)
        t.is_(r.status, 200, "officer opens the edit form")
        t.html_valid(r, "edit form is valid HTML")
        t.like(r.text, r'value="%s"' % NAME, "edit form pre-filled with the name")
        t.like(r.text, r'value="现场检查"', "edit form pre-filled with the steps")
        t.like(r.text, r'<option value="inspection" selected>', "category pre-selected")
        f = matter_form(csrf, duties="第二版职责:监督检查重点用能单位。")
        del f["kind"]
        r = officer.post_form("/admin/matters/%d/edit" % mid, dict(f, procedure_0_name="", procedure_0_note="",
                                                                 procedure_2_name="", procedure_2_note="",
                                                                 procedure_2_time_limit=""))
        t.is_(r.status, 400, "edit with one step left is 400")
        t.like(r.text, "第二版职责", "edit error keeps the input")
        st, m = jget(officer, "/admin/matters/%d" % mid)
        t.is_(m["has_draft"], False, "failed edit saved nothing")
        r = officer.post_form("/admin/matters/%d/edit" % mid, f)
        t.is_(r.status, 303, "officer saves the edit")
        st, m = jget(officer, "/admin/matters/%d" % mid)
        t.is_((m["has_draft"], m["draft"]["duties"], m["published"]["duties"][:2]),
              (True, "第二版职责:监督检查重点用能单位。", "对重"), "draft holds the edit, published unchanged")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_(pm["version"], 1, "portal still shows version 1 before publishing")
        r = head.get("/admin/matters/%d" % mid)
        t.like(r.text, "工作草稿", "item page shows the working draft")
        t.like(r.text, "现行公示第 1 版", "... and the published version 1")
        t.html_valid(r, "item page with draft and published is valid HTML")
        r = confirm_publish(head, mid, hcsrf, "修改职责表述")
        t.is_(r.status, 303, "jn.head publishes version 2")
        st, pm = jget(pub, "/api/v1/portal/matters/%d" % mid)
        t.is_((pm["version"], pm["content"]["duties"]), (2, "第二版职责:监督检查重点用能单位。"), "portal shows version 2")
        t.is_([v["version"] for v in pm["versions"]], [2, 1], "portal lists versions 2 and 1")
        t.is_(pm["versions"][0]["change_note"], "修改职责表述", "change note of version 2 is public")
        r = pub.get("/portal/matters/%d" % mid)
        t.like(r.text, r"\?version=1\">第 1 版", "portal page links version 1")
        st, v1 = jget(pub, "/api/v1/portal/matters/%d?version=1" % mid)
        t.ok(st == 200 and v1["content"]["duties"].startswith("对重点用能单位"), "version 1 still readable")

        # a guide for the matter
        r = officer.get("/admin/matters/new?kind=guide&matter=%d" % mid)
        t.like(r.text, r'<option value="%d" selected>' % mid, "guide form preselects the matter")
        gform = {"_csrf": csrf, "kind": "guide", "matter_id": str(mid), "name": "测试指南",
                 "accepting_body": "节能与综合利用处", "approving_body": "省工业和信息化厅",
                 "conditions": "符合条件", "time_limit": "20个工作日", "materials": "",
                 "fees": "不收费", "contact": "0871-00000000"}
        r = officer.post_form("/admin/matters/new", gform)
        t.is_(r.status, 400, "guide without materials is 400")
        t.like(r.text, r'id="e-materials">[^<]*申请材料', "message next to the materials")
        r = officer.post_form("/admin/matters/new", dict(gform, matter_id=""))
        t.is_(r.status, 400, "guide without a matter is 400")
        t.like(r.text, r'id="e-matter_id">', "message next to the matter select")
        r = officer.post_form("/admin/matters/new", dict(gform, materials="申请书\n\n营业执照复印件\n"))
        t.is_(r.status, 303, "guide created")
        gid = item_id_from(r)
        st, g = jget(officer, "/admin/matters/%d" % gid)
        t.is_((g["kind"], g["matter_id"], g["draft"]["materials"]), ("guide", mid, ["申请书", "营业执照复印件"]),
              "guide linked, materials one per line")
        r = officer.get("/admin/matters/%d" % gid)
        t.html_valid(r, "guide page is valid HTML")
        st, m = jget(officer, "/admin/matters/%d" % mid)
        t.ok(any(x["id"] == gid for x in m["guides"]), "matter page lists its guide")
        r = officer.get("/admin/matters/%d/edit" % gid)
        t.like(r.text, "申请书\n营业执照复印件", "guide edit form joins materials by line")
        t.html_valid(r, "guide edit form is valid HTML")

        # an inspection item
        r = officer.post_form("/admin/matters/new", {
            "_csrf": csrf, "kind": "inspection", "matter_id": "", "name": "测试抽查", "content": "检查内容",
            "basis_0_law": "《节约能源法》", "method": "双随机", "frequency": "每年一次", "inspecting_unit": ""})
        t.is_(r.status, 303, "inspection item created")
        st, ins = jget(officer, "/admin/matters/%d" % item_id_from(r))
        t.is_(ins["draft"]["inspecting_unit"], "节能与综合利用处", "inspecting unit defaults to the unit")

        # JSON clients: create, edit, publish with X-CSRF-Token
        content = {"name": "测试JSON事项", "category": "penalty", "duties": "职责", "authority": "权限",
                   "basis": [{"law": "《节约能源法》", "article": "第八十二条"}],
                   "procedure": ["立案", {"name": "调查取证", "note": "", "time_limit": "90日"}],
                   "remedy": [{"type": "review", "body": "省政府", "time_limit": "60日"}]}
        r = officer.post_json("/admin/matters/new", {"kind": "matter", "content": content},
                              headers={"X-CSRF-Token": csrf})
        t.is_(r.status, 201, "JSON create is 201")
        jid = r.json().get("id") if r.status == 201 else None
        t.ok(jid, "JSON create answers the id", r.text[:300])
        r = officer.post_json("/admin/matters/%s/edit" % jid, {"content": dict(content, authority="新权限")},
                              headers={"X-CSRF-Token": csrf})
        t.is_(r.status, 200, "JSON edit is 200")
        r = officer.post_json("/admin/matters/%s/edit" % jid, {"content": dict(content, category="x")},
                              headers={"X-CSRF-Token": csrf})
        t.is_((r.status, r.json()["error"]["field"]), (400, "category"), "JSON edit error names the field")
        r = head.post_json("/admin/matters/%s/publish" % jid, {"change_note": "首次公示"},
                           headers={"X-CSRF-Token": hcsrf})
        t.is_((r.status, r.json()["error"]["field"]), (409, "confirm"), "JSON publish without confirm is 409")
        r = head.post_json("/admin/matters/%s/publish" % jid, {"change_note": "首次公示", "confirm": True},
                           headers={"X-CSRF-Token": hcsrf})
        t.is_((r.status, r.json().get("version")), (200, 1), "JSON publish answers version 1")
        st, pm = jget(pub, "/api/v1/portal/matters/%s" % jid)
        t.is_((st, pm and pm["content"]["authority"]), (200, "新权限"), "JSON-published matter is on the portal")

        # other roles: wide scope reads, no actions
        lead = srv.client()
        lead.login("fenguan", PW)
        st, m = jget(lead, "/admin/matters/%d" % mid)
        if st == 200:
            t.ok(not m["can_edit"] and not m["can_publish"], "fenguan may read but not act")
        else:
            t.is_(st, 403, "fenguan outside scope gets 403")

        # withdraw
        r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": "  ", "confirm": "1"})
        t.is_(r.status, 400, "withdraw without a reason is 400")
        t.like(r.text, r'id="e-reason">[^<]*撤下原因', "message next to the reason")
        t.html_valid(r, "withdraw error page is valid HTML")
        t.is_(pub.get("/portal/matters/%d" % mid).status, 200, "still on the portal")
        r = officer.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": csrf, "reason": "x", "confirm": "1"})
        t.is_(r.status, 403, "officer's POST withdraw is 403")
        r = other.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": ocsrf, "reason": "x", "confirm": "1"})
        t.is_(r.status, 403, "aq.head's POST withdraw is 403")
        r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": "职能调整,暂停公示",
                                                               "confirm": "1"})
        t.is_(r.status, 303, "jn.head withdraws")
        r = pub.get("/portal/matters/%d" % mid)
        t.is_(r.status, 200, "withdrawn item keeps its public page")
        t.like(r.text, "已撤下", "... saying it was withdrawn")
        r = pub.get("/portal/matters?q=" + urllib.parse.quote(NAME))
        t.ok('href="/portal/matters/%d"' % mid not in r.text, "withdrawn item not in the portal list")
        st, m = jget(head, "/admin/matters/%d" % mid)
        t.is_((m["status"], m["withdrawals"][0]["reason"]), ("withdrawn", "职能调整,暂停公示"), "withdrawal recorded")
        r = head.get("/admin/matters/%d?ok=withdrawn" % mid)
        t.like(r.text, "撤下记录", "item page shows the withdrawals")
        t.like(r.text, "职能调整", "... with the reason")
        t.html_valid(r, "withdrawn item page is valid HTML")
        st, m = jget(head, "/admin/matters?status=withdrawn")
        t.ok(any(it["id"] == mid for it in m["items"]), "status filter finds the withdrawn item")
    t.done()


if __name__ == "__main__":
    main()
