"""信访秩序集中整治 (seed 000, action 5; plugins/order), over HTTP on both databases.

西峡县 enables the campaign for 白羽街道 and 丹水镇 on a day the test's clock sets; the county
keeps a catalogue whose every entry cites its clause; officers record incidents, a legal
reviewer confirms or rejects them; responses follow Art. 47; the person's matters go on; the
retention task anonymises; the closing report's 依法处置率 is the value counted by hand below.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from sqlalchemy import select

from tests.integration.order_samples import (
    BAIYU,
    COUNTY,
    DANSHUI,
    REVIEWER,
    catalogue,
    confirm,
    enable,
    evidence,
    incident,
    ok,
    person_with_matter,
    reviewer,
)
from xinfang.platform.audit.models import AuditDetail, AuditRecord
from xinfang.platform.clock import CHINA
from xinfang.platform.documents.models import Document
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.jobs.periodic import registered
from xinfang.plugins.order.models import Evidence, Incident, IncidentPerson, Response
from xinfang.plugins.order.vocabulary import ERASED

START = "2026-03-02"
OFFICER, DS_OFFICER = "xx_by_officer", "xx_ds_officer"


@pytest.fixture
def campaign(client, demo, clock):
    clock.on(2026, 3, 2, 9)
    behaviours = catalogue(client, demo)
    reviewer(client, demo)
    campaign_id = enable(client, demo, START)
    clock.on(2026, 3, 10, 15)
    return campaign_id, behaviours


def _post(client, demo, incident_id, path, user, body, status=None):
    resp = client.post(f"/api/petition-order/incidents/{incident_id}/{path}", headers=demo.headers(user), json=body)
    if status is not None:
        assert resp.status_code == status, resp.text
    return resp


def _json(resp) -> dict:
    return resp.json()


def _pdf_text(client, demo, document_id, user, tmp_path) -> str:
    content = client.get(f"/api/documents/{document_id}/file", headers=demo.headers(user))
    assert content.status_code == 200, content.text
    path = tmp_path / f"{document_id}.pdf"
    path.write_bytes(content.content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"—\d+—|核验码：[2-9A-Z]{4}-[2-9A-Z]{4}", "", re.sub(r"\s+", "", text))


def _document(app, client, demo, resp, user) -> dict:
    assert resp.status_code == 202, resp.text
    run_pending(app.state.session_factory)
    doc = ok(client.get(resp.json()["status_url"], headers=demo.headers(user)))
    assert doc["status"] == "done", doc
    return doc


def test_a_catalogue_entry_must_cite_its_clause(client, demo):
    headers = demo.headers("xx_admin")
    missing = client.post("/api/petition-order/behaviours", headers=headers, json={"name": "缠访"})
    assert missing.status_code == 400 and "条款" in missing.json()["message"]
    wrong = client.post("/api/petition-order/behaviours", headers=headers, json={"name": "缠访", "clause": "art25"})
    assert wrong.status_code == 400 and "第二十六条" in wrong.json()["message"]
    made = ok(client.post("/api/petition-order/behaviours", headers=headers,
                          json={"name": "在信访接待场所滞留", "clause": "art26_4"}), 201)
    assert made["clause_short"] == "第二十六条第（四）项" and made["number"] == 1
    listed = ok(client.get("/api/petition-order/behaviours", headers=demo.headers(OFFICER)))
    assert [b["name"] for b in listed["behaviours"]] == ["在信访接待场所滞留"]
    # officers read it, only the county admin changes it
    refused = client.post("/api/petition-order/behaviours", headers=demo.headers(OFFICER),
                          json={"name": "串访", "clause": "art26_5"})
    assert refused.status_code == 403


def test_the_campaign_end_to_end(app, client, demo, campaign, clock, tmp_path, system_session):
    campaign_id, behaviours = campaign
    p1, _ = person_with_matter(client, demo, BAIYU, OFFICER, "周一", 1, "2026-03-03")
    p2, _ = person_with_matter(client, demo, DANSHUI, DS_OFFICER, "吴二", 2, "2026-03-03")
    p3, _ = person_with_matter(client, demo, BAIYU, OFFICER, "郑三", 3, "2026-03-03")

    # A (白羽): evidenced, confirmed, dissuaded, then referred after the staff response → lawful
    a = incident(client, demo, campaign_id, BAIYU, OFFICER, behaviours["art26_1"], [p1], "2026-03-05",
                 "周一等人围堵县行政中心东门,阻断车辆通行")
    evidence(client, demo, a, OFFICER)
    too_early = _post(client, demo, a, "referral", OFFICER, {"ground": "public_order"}, 409)
    assert "尚未经法制审核员确认" in too_early.json()["message"], "an unconfirmed incident cannot lead to a referral"
    confirm(client, demo, a)
    _post(client, demo, a, "responses", OFFICER, {"kind": "dissuade", "person_id": p1, "given_at": "2026-03-05T10:00:00+08:00",
                                                   "told": "告知其应到接待场所反映诉求,不得围堵机关"}, 201)
    detail = _json(_post(client, demo, a, "referral", OFFICER, {"ground": "public_order",
                                                              "referred_at": "2026-03-05T11:00:00+08:00"}, 201))
    assert detail["referral"]["after_response"] is True and detail["referral"]["review"] == ""
    _post(client, demo, a, "referral/outcome", OFFICER, {"outcome": "公安机关现场带离并予以警告", "on": "2026-03-06"}, 200)

    # B (丹水): evidenced and confirmed, but no staff response on record → not lawful
    b = incident(client, demo, campaign_id, DANSHUI, DS_OFFICER, behaviours["art26_4"], [p2], "2026-03-06",
                 "吴二在镇信访接待室滞留至深夜")
    evidence(client, demo, b, DS_OFFICER)
    confirm(client, demo, b)

    # C (白羽): an on-site emergency referral (a knife), reviewed afterwards and upheld → lawful
    c = incident(client, demo, campaign_id, BAIYU, OFFICER, behaviours["art26_2"], [p3], "2026-03-07",
                 "郑三携带管制刀具进入接待大厅")
    evidence(client, demo, c, OFFICER)
    confirm(client, demo, c)
    _post(client, demo, c, "referral", OFFICER, {"ground": "public_order", "referred_at": "2026-03-07T09:30:00+08:00",
                                                  "emergency_reason": "当事人持刀,现场无法先行劝阻"}, 201)
    upheld = _json(_post(client, demo, c, "referral/review", REVIEWER, {"upheld": True, "note": "情况紧急,移送适当"}, 200))
    assert upheld["referral"]["review"] == "upheld"

    # D (白羽): a draft no one else sees, then rejected: its personal data is gone
    d = incident(client, demo, campaign_id, BAIYU, OFFICER, behaviours["art20"], [p1], "2026-03-08",
                 "周一带领十余人来访未推选代表")
    evidence(client, demo, d, OFFICER, b"rejected-evidence")
    assert client.get(f"/api/petition-order/incidents/{d}", headers=demo.headers("xx_by_admin")).status_code == 404
    assert client.get(f"/api/petition-order/incidents/{d}", headers=demo.headers(REVIEWER)).status_code == 200
    assert client.get(f"/api/petition-order/incidents/{d}", headers=demo.headers("xx_supervisor")).status_code == 200
    no_reason = _post(client, demo, d, "review", REVIEWER, {"decision": "reject"}, 400)
    assert "理由" in no_reason.json()["message"]
    _json(_post(client, demo, d, "review", REVIEWER, {"decision": "reject", "note": "现场只有三人,不属多人走访"}, 200))
    assert client.get(f"/api/petition-order/incidents/{d}", headers=demo.headers(REVIEWER)).status_code == 404
    system_session.rollback()
    assert system_session.get(Incident, d) is None
    assert system_session.scalars(select(IncidentPerson).where(IncidentPerson.incident_id == d)).all() == []
    assert system_session.scalars(select(Evidence).where(Evidence.incident_id == d)).all() == []
    details = system_session.scalars(select(AuditDetail).join(
        AuditRecord, (AuditRecord.chain == AuditDetail.chain) & (AuditRecord.seq == AuditDetail.seq))
        .where(AuditRecord.object_type == "po_incidents", AuditRecord.object_id == str(d),
               AuditRecord.action.in_(("create", "update", "delete"))).order_by(AuditDetail.seq)).all()
    assert details and all(x.before is None and x.after is None and x.erased_at for x in details)
    decision = system_session.scalar(select(AuditRecord).where(AuditRecord.action == "incident_rejected",
                                                               AuditRecord.object_id == str(d)))
    assert decision is not None
    assert "周一带领" not in str(system_session.scalars(select(AuditDetail.after)).all())

    # E (丹水): a referral with neither a prior response nor an emergency is refused; 教育 is a session
    e = incident(client, demo, campaign_id, DANSHUI, DS_OFFICER, behaviours["art26_4"], [p2], "2026-03-09",
                 "吴二再次在镇信访接待室滞留并大声吵闹")
    evidence(client, demo, e, DS_OFFICER)
    confirm(client, demo, e)
    bare = _post(client, demo, e, "referral", DS_OFFICER, {"ground": "public_order"}, 400)
    assert "先行劝阻、批评或者教育" in bare.json()["message"]
    detention = _post(client, demo, e, "responses", DS_OFFICER, {"kind": "detain", "told": "关押"}, 400)
    assert "第四十七条" in detention.json()["message"]
    _post(client, demo, e, "responses", DS_OFFICER, {"kind": "educate", "told": "学习条例第二十六条"}, 400)
    _post(client, demo, e, "responses", DS_OFFICER, {"kind": "educate", "person_id": p2, "minutes": 45,
                                                      "given_at": "2026-03-09T14:00:00+08:00",
                                                      "told": "讲解《信访工作条例》第二十条、第二十六条"}, 201)
    _post(client, demo, e, "referral", DS_OFFICER, {"ground": "public_order", "referred_at": "2026-03-09T16:00:00+08:00"}, 201)

    # the person's side: a notice (PDF) and an objection, reviewed
    notice = _document(app, client, demo, _post(client, demo, a, "notices", OFFICER, {"person_id": p1}), OFFICER)
    text = _pdf_text(client, demo, notice["id"], OFFICER, tmp_path)
    assert "信访秩序告知书" in text and "第二十六条第（一）项" in text and "异议" in text
    assert "信访事项不受本记录影响" in text
    objection = _json(_post(client, demo, a, "objections", OFFICER, {"person_id": p1, "text": "我只是路过,没有围堵"}, 201))
    objection_id = objection["objections"][0]["id"]
    assert _post(client, demo, a, "objection-reviews", OFFICER,
                 {"objection_id": objection_id, "upheld": False, "note": "x"}).status_code == 403
    reviewed = _json(_post(client, demo, a, "objection-reviews", REVIEWER,
                        {"objection_id": objection_id, "upheld": False, "note": "监控录像显示其参与围堵"}, 200))
    assert reviewed["objections"][0]["status"] == "dismissed"

    # 依法处置率 by hand: A, C, E lawful; B has no staff response; D was rejected and does not count → 3/4
    clock.on(2026, 8, 31, 10)  # after the campaign's last day (2026-08-30)
    summary = ok(client.get(f"/api/campaigns/{campaign_id}/petition-order/summary", headers=demo.headers("xx_officer"),
                            params={"node_id": demo.node(COUNTY).id}))
    assert (summary["incidents"], summary["lawful"], summary["lawful_text"]) == (4, 3, "75.0%")
    assert summary["not_lawful"] == [{"id": b, "occurred_on": "2026-03-06",
                                      "problems": ["没有工作人员劝阻、批评或教育的记录"]}]
    assert summary["by_clause"] == {"第二十六条第（一）项": 1, "第二十六条第（二）项": 1, "第二十六条第（四）项": 2}
    assert summary["by_node"] == {"丹水镇": 2, "白羽街道": 2}
    assert (summary["sessions"], summary["session_minutes"], summary["referrals"]) == (1, 45, 3)
    report = _document(app, client, demo, client.post(
        f"/api/campaigns/{campaign_id}/petition-order/documents/summary", headers=demo.headers("xx_officer"),
        json={"node_id": demo.node(COUNTY).id}), "xx_officer")
    report_text = _pdf_text(client, demo, report["id"], "xx_officer", tmp_path)
    assert "依法处置率75.0%" in report_text
    for key in ("plan", "catalogue", "monthly"):
        _document(app, client, demo, client.post(
            f"/api/campaigns/{campaign_id}/petition-order/documents/{key}", headers=demo.headers("xx_officer"),
            json={"node_id": demo.node(COUNTY).id, "on": "2026-03-15"}), "xx_officer")

    # every read of an incident is audited, with who read it
    ok(client.get(f"/api/petition-order/incidents/{a}", headers=demo.headers("xx_leader")))
    system_session.rollback()  # a fresh snapshot
    reads = system_session.execute(select(AuditRecord.object_id, AuditRecord.actor_name)
                                   .where(AuditRecord.action == "incident_read")).all()
    assert (str(d), REVIEWER) in reads and (str(a), "xx_leader") in reads

    # the supervisor reads everything and exports the log with its review trail, and changes nothing
    listed = ok(client.get(f"/api/campaigns/{campaign_id}/petition-order/incidents", headers=demo.headers("xx_supervisor")))
    assert sorted(i["id"] for i in listed) == sorted([a, b, c, e])
    export = client.get(f"/api/campaigns/{campaign_id}/petition-order/export", headers=demo.headers("xx_supervisor"),
                        params={"format": "csv"})
    assert export.status_code == 200, export.text
    assert "事后审查:审查认为合法" in export.text and "否:没有工作人员劝阻、批评或教育的记录" in export.text
    assert _post(client, demo, b, "responses", "xx_supervisor", {"kind": "dissuade", "told": "x"}).status_code == 403
    # a township sees only its own incidents
    mine = ok(client.get(f"/api/campaigns/{campaign_id}/petition-order/incidents", headers=demo.headers(DS_OFFICER)))
    assert sorted(i["id"] for i in mine) == sorted([b, e])


def test_the_petition_goes_on_and_others_see_no_trace(client, demo, campaign, clock):
    campaign_id, behaviours = campaign
    person, matter_id = person_with_matter(client, demo, BAIYU, OFFICER, "冯四", 4, "2026-03-10")
    account = "冯四在街道信访接待室滞留滋事"
    inc = incident(client, demo, campaign_id, BAIYU, OFFICER, behaviours["art26_4"], [person], "2026-03-10", account)
    evidence(client, demo, inc, OFFICER)
    confirm(client, demo, inc)
    _post(client, demo, inc, "responses", OFFICER, {"kind": "criticise", "person_id": person, "told": "批评其滞留行为"}, 201)

    def act(action, **body):
        return ok(client.post(f"/api/matters/{matter_id}/actions/{action}", headers=demo.headers(OFFICER),
                              json={"on": clock.now.astimezone(CHINA).date().isoformat(), **body}))

    act("accept")
    clock.on(2026, 3, 20, 10)
    act("classify", route=6)
    handling = [c for c in act("reply", request="要求补足拆迁补偿款", facts="经核查属实", result="support",
                               basis="《国有土地上房屋征收与补偿条例》第十九条", opinion="予以补足。")["clocks"]
                if c["kind"] == "handling"][-1]
    assert handling["state"] == "met" and handling["stopped_on"] == "2026-03-20" <= handling["due_on"]

    detail = ok(client.get(f"/api/petition-order/incidents/{inc}", headers=demo.headers(OFFICER)))
    assert [m["state"] for m in detail["matters"]] == ["replied"], "the incident page shows the matter's state"

    # the county admin holds matters:read and people:read but not the campaign's permission
    for user in ("xx_admin",):
        headers = demo.headers(user)
        for url in (f"/api/matters/{matter_id}", f"/api/people/{person}", f"/api/people/{person}/matters",
                    f"/matters/{matter_id}"):
            seen = client.get(url, headers=headers)
            assert seen.status_code == 200, (user, url, seen.text)
            assert account not in seen.text and "滞留" not in seen.text and "第二十六条" not in seen.text, (user, url)
        assert client.get(f"/api/petition-order/incidents/{inc}", headers=headers).status_code == 403

    # the notice to the person is a document of the campaign's own kind: not in the general
    # documents list, page or verification of anyone without the campaign's permission
    notice = client.post(f"/api/petition-order/incidents/{inc}/notices", headers=demo.headers(OFFICER),
                         json={"person_id": person})
    assert notice.status_code == 202, notice.text
    notice_id = notice.json()["id"]
    listed = ok(client.get("/api/documents", headers=demo.headers(OFFICER)))
    assert notice_id in [d["id"] for d in listed["items"]], "the campaign's staff see it"
    headers = demo.headers("xx_admin")
    assert notice_id not in [d["id"] for d in ok(client.get("/api/documents", headers=headers))["items"]]
    assert client.get(f"/api/documents/{notice_id}", headers=headers).status_code == 404
    assert "信访秩序告知书" not in client.get("/documents", headers=headers).text
    code = ok(client.get(f"/api/documents/{notice_id}", headers=demo.headers(OFFICER)))["code"]
    assert client.get(f"/api/documents/code/{code}", headers=headers).status_code == 404


def test_after_the_retention_period_the_incident_is_anonymised(app, client, demo, campaign, clock, system_session):
    campaign_id, behaviours = campaign
    ok(client.put(f"/api/petition-order/counties/{demo.node(COUNTY).id}/retention", headers=demo.headers("xx_admin"),
                  json={"days": 30}))
    person, _ = person_with_matter(client, demo, BAIYU, OFFICER, "陈五", 5, "2026-03-03")
    inc = incident(client, demo, campaign_id, BAIYU, OFFICER, behaviours["art26_1"], [person], "2026-03-04",
                   "陈五拦截公务车辆")
    evidence(client, demo, inc, OFFICER)
    confirm(client, demo, inc)
    _post(client, demo, inc, "responses", OFFICER, {"kind": "dissuade", "person_id": person,
                                                    "given_at": "2026-03-04T09:00:00+08:00", "told": "劝其离开车道"}, 201)
    notice = client.post(f"/api/petition-order/incidents/{inc}/notices", headers=demo.headers(OFFICER),
                         json={"person_id": person})
    assert notice.status_code == 202, notice.text
    task = registered(app.state.session_factory)["petition_order_retention"]
    assert task.run(app.state.session_factory, dt.datetime(2026, 4, 3, 2, tzinfo=CHINA)).endswith("0条")
    assert task.run(app.state.session_factory, dt.datetime(2026, 4, 4, 2, tzinfo=CHINA)).endswith("1条")
    assert task.run(app.state.session_factory, dt.datetime(2026, 4, 5, 2, tzinfo=CHINA)).endswith("0条")
    system_session.rollback()
    row = system_session.get(Incident, inc)
    assert row.status == "anonymised" and "陈五" not in row.account and row.clause == "art26_1"
    assert system_session.scalars(select(IncidentPerson).where(IncidentPerson.incident_id == inc)).all() == []
    assert {r.told for r in system_session.scalars(select(Response).where(Response.incident_id == inc))} == {ERASED}
    assert system_session.get(Document, notice.json()["id"]) is None, "the notice naming the person is gone too"
    audit = system_session.scalar(select(AuditRecord).where(AuditRecord.action == "incident_anonymised",
                                                            AuditRecord.object_id == str(inc)))
    assert audit is not None and audit.actor_name == "信访秩序整治保存期限规则"
    erased = system_session.scalars(select(AuditDetail).join(
        AuditRecord, (AuditRecord.chain == AuditDetail.chain) & (AuditRecord.seq == AuditDetail.seq))
        .where(AuditRecord.object_type == "po_incidents", AuditRecord.object_id == str(inc),
               AuditRecord.action == "create")).all()
    assert erased and all(x.erased_at is not None and x.after is None for x in erased)
    # the figures still count it: the structure stays
    summary = ok(client.get(f"/api/campaigns/{campaign_id}/petition-order/summary", headers=demo.headers("xx_officer"),
                            params={"node_id": demo.node(COUNTY).id}))
    assert (summary["incidents"], summary["lawful"]) == (1, 1)
