#!/usr/bin/env python3
"""test_case_pages.py - the case pages over HTTP: opening a case
(/cases/new: every problem in Chinese beside its field with the summary,
what was typed kept, nothing written; an officer whose certificate does not
cover the matter named), the case page (/cases/{id}: header, parties,
officers, matters, timeline, the actions the signed-in person may take and
no others), an action (POST /cases/{id}/act), a stale save (409, the
conflict message, the case shown as it now is and what was typed kept),
the list (/cases: filters, sorting, paging, filters kept in the links), the
Excel export, and another unit's case refused by URL.  TAP on stdout."""

import io
import os
import re
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
PENALTY = "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚"
INSPECTION = "工业节能监察"


def login(srv, user):
    c = srv.client()
    r = c.login(user, PW)
    if r.status != 303:
        raise SystemExit("login %s failed: %s" % (user, r.status))
    return c


def jget(c, path):
    r = c.get(path, headers=JSON)
    return r.json() if r.header("Content-Type", "").startswith("application/json") else None


def post(c, path, pairs, csrf_from=None, headers=None):
    return c.post_form(path, list(pairs) + [("_csrf", c.csrf(csrf_from or path))], headers=headers)


def case_id_of(r):
    m = re.match(r"^/cases/(\d+)\?ok=opened$", r.header("Location") or "")
    return int(m.group(1)) if m else None


def xlsx_rows(body):
    z = zipfile.ZipFile(io.BytesIO(body))
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return sheet.count("<row ")


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        zhang = login(srv, "jn.zhang")
        r = zhang.get("/cases/new")
        t.is_(r.status, 200, "officer: GET /cases/new")
        t.html_valid(r, "the opening form is valid HTML")
        t.ok("&lt;/optgroup&gt;" not in r.text and r.text.count("</optgroup>") == r.text.count("<optgroup"),
             "the procedure groups are closed, not printed as text")
        t.ok('name="viewport"' in r.text and "/static/cases.js" in r.text, "phone viewport and the party search script")
        form = jget(zhang, "/cases/new")
        procs = {p["code"]: p for p in form["procedures"]}
        matters = {m["name"]: m["id"] for m in form["matters"]}
        officers = {o["name"]: o["user_id"] for o in form["officers"]}
        t.ok("penalty_general" in procs and "inspection" in procs, "procedures in force offered", repr(list(procs)))
        t.ok(PENALTY in matters and INSPECTION in matters, "matters from the published catalogue")
        t.ok({"张晓峰", "刘海燕", "何永平"} <= set(officers), "the unit's certificate holders offered", repr(officers))
        t.ok(form["parties"], "parties from the register offered")
        party = form["parties"][0]["id"]
        insp = form["inspections"][0]["id"] if form["inspections"] else None
        base = [("procedure", "penalty_general"), ("unit_id", str(form["unit_id"])),
                ("title", "某公司使用国家明令淘汰的用能设备"), ("source", "complaint"), ("source_date", form["today"]),
                ("source_note", "群众来信，编号 TEST-1"), ("matter_ids", str(matters[PENALTY])),
                ("party_ids", str(party)), ("officer_ids", str(officers["张晓峰"])),
                ("officer_ids", str(officers["刘海燕"])), ("on_date", form["today"])]

        def without(*names):
            return [p for p in base if p[0] not in names]

        before = jget(zhang, "/cases")["total"]
        # -- every problem at once, beside its field, with the summary; nothing written
        r = post(zhang, "/cases/new", without("title", "matter_ids", "officer_ids") +
                 [("title", ""), ("officer_ids", str(officers["张晓峰"]))])
        t.is_(r.status, 400, "opening with errors: 400")
        t.ok("存在以下问题" in r.text, "the error summary", r.text[:1500])
        errs = re.findall(r'<p class="field-error" id="e-([a-z_]+)">', r.text)
        t.ok({"title", "matter_ids"} <= set(errs), "messages beside title and matters (%s)" % errs, r.text[:3000])
        t.ok(not re.search(r"[A-Za-z]{6,}", " ".join(re.findall(r'<p class="field-error"[^>]*>([^<]*)<', r.text))),
             "the messages are Chinese")
        t.ok("群众来信，编号 TEST-1" in r.text, "what was typed is kept")
        t.html_valid(r, "the form with errors is valid HTML")
        r = post(zhang, "/cases/new", without("officer_ids") + [("officer_ids", str(officers["张晓峰"])),
                                                                ("officer_ids", str(officers["何永平"]))])
        t.ok(r.status == 400 and "何永平的执法证不涵盖执法事项" in r.text and 'id="e-officer_ids"' in r.text,
             "an officer whose certificate does not cover the matter is named", r.text[:2000])
        r = post(zhang, "/cases/new", base + [("matter_ids", "abc")])
        t.is_(r.status, 400, "a malformed matter id: 400")
        r = zhang.post_form("/cases/new", base)
        t.is_(r.status, 403, "opening without _csrf: 403")
        t.is_(jget(zhang, "/cases")["total"], before, "refusals wrote nothing")
        # the party search without JavaScript keeps the form
        r = post(zhang, "/cases/new", base + [("party_q", "公司"), ("_find", "1")])
        t.ok(r.status == 200 and "群众来信，编号 TEST-1" in r.text and "存在以下问题" not in r.text,
             "查找 re-renders the form with what was typed")

        # -- open
        r = post(zhang, "/cases/new", base)
        t.is_(r.status, 303, "opening a case: 303")
        cid = case_id_of(r)
        t.ok(cid, "to the case page", r.header("Location"))
        r = zhang.get("/cases/%d?ok=opened" % cid)
        t.is_(r.status, 200, "the case page")
        t.html_valid(r, "the case page is valid HTML")
        page = jget(zhang, "/cases/%d" % cid)
        c = page["case"]
        t.ok(c["title"] == "某公司使用国家明令淘汰的用能设备" and c["kind"] == "penalty", "the case as opened")
        for label in ("立案号", "执法程序", "当前环节", "承办机构", "执法主体", "当事人", "执法人员", "执法事项", "办理期限", "办案记录"):
            t.ok(label in r.text, "case page shows %s" % label)
        t.ok(c["stage_label"] in r.text and "张晓峰" in r.text and "刘海燕" in r.text and PENALTY in r.text,
             "stage, officers and matter shown")
        t.ok(c["acts"] and 'data-act="opened"' in r.text, "the timeline has the opening act")
        t.ok(not c["clocks"] or ('data-act="clock"' in r.text and "开始计时" in r.text),
             "the timeline has the clocks started", repr(c["clocks"])[:300])
        t.ok(not re.search(r">\s*(filing|penalty|complaint|open|opened)\s*<", r.text), "no codes shown as text")
        zactions = {a["action"] for a in c["actions"]}
        t.ok(r.text.count('action="/cases/%d/act"' % cid) == len(c["actions"]),
             "one form per action the officer may take (%s)" % sorted(zactions))

        head = login(srv, "jn.head")
        hpage = jget(head, "/cases/%d" % cid)
        approve = [a for a in hpage["case"]["actions"] if a["action"] == "approve" and a["allowed"]]
        t.ok(approve, "the head may approve the filing", repr(hpage["case"]["actions"]))
        t.ok(not [a for a in c["actions"] if a["action"] == "approve"], "the officer is not offered the approval")
        sup = login(srv, "jiandu")
        r = sup.get("/cases/%d" % cid)
        t.ok(r.status == 200 and 'action="/cases/%d/act"' % cid not in r.text and 'id="no-actions"' in r.text,
             "a supervisor reads the case and is offered no action")

        # -- an action, then a stale save
        stale = c["row_version"]
        if approve:
            a = approve[0]
            r = post(head, "/cases/%d/act" % cid, [("action", "approve"), ("approval", a.get("approval") or ""),
                                                   ("row_version", str(hpage["case"]["row_version"])),
                                                   ("on_date", form["today"]), ("reason", "同意立案")],
                     csrf_from="/cases/%d" % cid)
            t.is_(r.status, 303, "the head approves: 303")
            after = jget(head, "/cases/%d" % cid)["case"]
            t.ok(after["row_version"] > stale and any(x["type"] == "approved" for x in after["acts"]),
                 "the approval is in the timeline")
            tl = head.get("/cases/%d" % cid).text
            tl = tl[tl.find('id="timeline"'):]
            t.ok('data-act="approved"' in tl and "同意立案" in tl and "立案审批" in tl,
                 "the timeline names the approval and shows its note", tl[:1500])
        act = next((a for a in c["actions"] if a["action"] in ("participant", "advance", "officers")), None)
        if act:
            fields = [("action", act["action"]), ("row_version", str(stale)), ("on_date", form["today"]),
                      ("reason", "我的说明：不要丢")]
            for k in ("to", "approval", "ending", "suspension", "clock"):
                if act.get(k):
                    fields.append((k, act[k]))
            if act["action"] == "participant":
                fields += [("p_kind", "expert"), ("p_name", "王专家"), ("p_id_type", "passport"), ("p_id_number", "E1234567")]
            if act["action"] == "officers":
                fields += [("officer_ids", str(officers["张晓峰"])), ("officer_ids", str(officers["刘海燕"]))]
            r = post(zhang, "/cases/%d/act" % cid, fields, csrf_from="/cases/%d" % cid)
            t.is_(r.status, 409, "a stale save: 409")
            t.ok("已被他人修改" in r.text and "我的说明：不要丢" in r.text, "the conflict message, what was typed kept", r.text[:3000])
            now = jget(zhang, "/cases/%d" % cid)["case"]["row_version"]
            t.ok('name="row_version" value="%d"' % now in r.text, "the page shows the case as it now is")
            t.html_valid(r, "the conflict page is valid HTML")
            r = post(zhang, "/cases/%d/act" % cid, fields, csrf_from="/cases/%d" % cid, headers=JSON)
            t.ok(r.status == 409 and r.json()["error"]["field"] == "row_version", "the same as JSON: 409 naming row_version")
        else:
            t.ok(False, "an officer action to save twice", repr(c["actions"]))
        r = post(zhang, "/cases/%d/act" % cid, [("action", "advance")], csrf_from="/cases/%d" % cid)
        t.ok(r.status == 400 and "版本号" in r.text, "an action without row_version: 400")

        # -- by URL from another unit
        aq = login(srv, "aq.head")
        t.is_(aq.get("/cases/%d" % cid).status, 404, "another division's head: 404")
        r = post(aq, "/cases/%d/act" % cid, [("action", "end"), ("ending", "withdrawn"), ("row_version", "1"),
                                             ("reason", "x")], csrf_from="/cases")
        t.is_(r.status, 404, "nor act on it")
        admin = login(srv, "admin")
        t.is_(admin.get("/cases/%d" % cid).status, 403, "the administrator has no case role: 403")
        t.is_(zhang.get("/cases/999999").status, 404, "an unknown case: 404")

        # -- more cases for the list: inspections (双随机 with the item) and penalties;
        # the demo's cases are there too, so counts are compared with those before
        aq = login(srv, "aq.head")
        filters = {"all": "", "kind": "kind=inspection", "source": "source=random", "matter": "matter=%d" % matters[PENALTY],
                   "officer": "officer=%d" % officers["何永平"], "party": "party=%d" % party,
                   "words": "q=%E7%AC%AC05%E5%8F%B7", "unit": "unit=%d" % form["unit_id"]}
        was = {k: jget(zhang, "/cases?" + v)["total"] for k, v in filters.items()}
        aq_was = jget(aq, "/cases")["total"]
        opened = [cid]
        for i in range(22):
            if i % 2 == 0:
                pairs = [("procedure", "inspection"), ("unit_id", str(form["unit_id"])),
                         ("title", "节能监察 第%02d号" % i), ("source", "random" if insp else "inspection"),
                         ("source_date", form["today"]), ("matter_ids", str(matters[INSPECTION])),
                         ("officer_ids", str(officers["张晓峰"])), ("officer_ids", str(officers["何永平"])),
                         ("party_ids", str(party)), ("on_date", form["today"])]
                if insp:
                    pairs.append(("inspection_item_id", str(insp)))
            else:
                pairs = without("title") + [("title", "用能设备处罚 第%02d号" % i)]
            r = post(zhang, "/cases/new", pairs)
            if r.status != 303:
                t.diag("opening %d: %s %s" % (i, r.status, re.findall(r'<li><a href="#f-[^"]+">([^<]+)', r.text)))
            opened.append(case_id_of(r))
        t.ok(all(opened), "22 more cases opened")
        now = {k: jget(zhang, "/cases?" + v)["total"] for k, v in filters.items()}
        delta = {k: now[k] - was[k] for k in filters}
        lst = jget(zhang, "/cases")
        t.ok(lst["total"] >= 23 and len(lst["items"]) == lst["per_page"] == 20, "page 1: 20 of %d" % lst["total"])
        p2 = jget(zhang, "/cases?page=2")
        t.ok(p2["page"] == 2 and len(p2["items"]) == min(20, lst["total"] - 20), "page 2: the next ones")
        t.is_(delta["all"], 22, "the list counts the new cases")
        ins = jget(zhang, "/cases?kind=inspection")
        t.ok(delta["kind"] == 11 and all(x["kind"] == "inspection" for x in ins["items"]), "filter by kind", repr(delta))
        if insp:
            t.is_(delta["source"], 11, "filter by source")
        t.is_(delta["matter"], 11, "filter by matter")
        t.is_(delta["officer"], 11, "filter by officer")
        t.is_(delta["party"], 22, "filter by party")
        t.is_(now["words"], 1, "filter by words in the title")
        t.is_(delta["unit"], 22, "filter by unit")
        t.ok(all(x["unit_id"] == form["unit_id"] for x in jget(zhang, "/cases?" + filters["unit"])["items"]),
             "the unit filter shows that unit's cases")
        st = jget(zhang, "/cases?stage=%s" % c["stage"])
        t.ok(st["total"] >= 1 and all(x["stage"] == c["stage"] for x in st["items"]), "filter by stage")
        od = jget(zhang, "/cases?due=overdue")
        t.ok(all(x["due_state"] == "overdue" for x in od["items"]), "filter by overdue")
        s = jget(zhang, "/cases?sort=title&dir=asc&kind=penalty")
        titles = [x["title"] for x in s["items"]]
        t.ok(titles == sorted(titles), "sorted by title")
        for bad, field in (("kind=car", "kind"), ("sort=password", "sort"), ("page=x", "page"), ("unit=abc", "unit")):
            r = zhang.get("/cases?" + bad, headers=JSON)
            t.ok(r.status == 400 and r.json()["error"]["field"] == field, "bad filter %s: 400 naming %s" % (bad, field))
        r = zhang.get("/cases?kind=inspection&sort=title&dir=asc")
        t.is_(r.status, 200, "the list page")
        t.html_valid(r, "the list page is valid HTML")
        t.ok('<option value="inspection" selected>' in r.text, "the filter state is shown")
        t.ok("kind=inspection" in (re.search(r'href="(/cases\.xlsx[^"]*)"', r.text) or [None, ""])[1],
             "the export link keeps the filters")
        r = zhang.get("/cases?unit=%d" % form["unit_id"])
        t.ok('href="/cases?unit=%d&amp;page=2"' % form["unit_id"] in r.text, "the pager keeps the filters",
             repr(re.findall(r'href="/cases\?[^"]*page=[^"]*"', r.text)))
        # -- export
        r = zhang.get("/cases.xlsx?kind=inspection")
        t.ok(r.status == 200 and "spreadsheetml" in r.header("Content-Type", ""), "Excel export")
        r = zhang.get("/cases?format=xlsx")
        t.ok(r.status == 200 and xlsx_rows(r.body) == lst["total"] + 2, "?format=xlsx: every case, not one page")
        r = zhang.get("/cases.xlsx?kind=inspection")
        t.ok(xlsx_rows(r.body) == ins["total"] + 2, "the export holds every filtered case")
        # -- another unit's view
        aql = jget(aq, "/cases")
        t.ok(aql["total"] == aq_was and not {x["id"] for x in aql["items"]} & set(opened),
             "another division's head sees none of them")
        t.ok(jget(sup, "/cases")["total"] >= lst["total"], "a supervisor reads them all")
        r = aq.get("/cases?unit=%d" % form["unit_id"], headers=JSON)
        t.ok(r.status in (403, 400), "another division's unit by URL is refused (%d)" % r.status)
        t.is_(admin.get("/cases").status, 403, "the administrator: no case list")
    t.done()


if __name__ == "__main__":
    main()
