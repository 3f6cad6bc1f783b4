"""The documents of a matter's steps, made through each kind's ``DocumentSpec.build`` from
what the step recorded: a township accepts its own matter, extends, answers by Art. 32's
parts, the county reviews and the city re-reviews (outside the platform); a village assigns
to its township; a township refuses one and mediates another; the intake room dispatches.
Every document is rendered, stored, downloadable, verifiable by hash and by the code
printed on it, and pdftotext reads back exactly what the test entered under each heading."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from xinfang.platform.jobs.embedded import run_pending

PETITIONER = {"name": "赵六", "id_number": "11010519491231002X", "phone": "13912345678", "address": "城东社区5号"}
TOWNSHIP, COUNTY, VILLAGE = "411323001", "411323", "411323001001"
OPINION = {"request": "要求恢复被填埋的灌溉渠并赔偿当季损失", "facts": "经现场核查，渠道因县道拓宽施工被填埋约三百米，属实",
           "result": "support", "basis": "《中华人民共和国水法》第三十五条", "opinion": "责成施工方于三十日内恢复渠道。"}
REVIEW = {"request": "要求撤销原处理意见中关于赔偿数额的内容", "facts": "复查查明，原意见认定的受损面积有误，应为十二亩",
          "result": "explain", "basis": "《中华人民共和国民法典》第一千一百八十四条", "opinion": "原处理意见认定事实基本清楚，已向信访人解释说明。"}
REREVIEW = {"request": "要求按市场价赔偿全部损失", "facts": "复核查明，复查意见认定事实清楚、适用依据正确",
            "result": "reject", "basis": "《信访工作条例》第三十六条", "opinion": "维持复查意见。"}
# what every page carries besides the text: the page number and the verification stamp
FURNITURE = re.compile(r"—\d+—|(事项编号：[0-9A-Z-]+)?核验码：[2-9A-Z]{4}(-[2-9A-Z]{4}){1,2}")
HEADINGS = ("一、信访人投诉请求", "二、事实和理由", "三、处理意见", "四、法律法规依据")


@pytest.fixture
def today(clock):
    clock.on(2026, 3, 2, 10)
    return clock


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _register(client, demo, user, code, **extra):
    body = {"node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "其他", "summary": "反映灌溉渠被填埋", "petitioners": [PETITIONER],
            "received_on": "2026-01-05", **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _ok(client, demo, matter_id, action, user, **payload):
    resp = client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _document(app, client, demo, matter, kind, user, **body) -> tuple[dict, str]:
    """Generate the step's document, run the render job, download it; (document, its text)."""
    asked = client.post(f"/api/matters/{matter['id']}/documents/{kind}", json=body, headers=demo.headers(user))
    assert asked.status_code == 202, asked.text
    assert asked.headers["location"] == asked.json()["status_url"]
    run_pending(app.state.session_factory)
    return _fetched(client, demo, asked.json(), user)


def _fetched(client, demo, asked: dict, user: str) -> tuple[dict, str]:
    doc = client.get(asked["status_url"], headers=demo.headers(user)).json()
    assert doc["status"] == "done", doc
    pdf = client.get(doc["file_url"], headers=demo.headers(user))
    assert pdf.status_code == 200 and pdf.headers["x-content-sha256"] == doc["sha256"]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, check=True, capture_output=True).stdout
    flat = _flat(text.decode())
    # the code printed on the page finds the document; the file verifies by hash
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}", doc["code"]) and f"核验码：{doc['code']}" in flat
    by_code = client.get(f"/api/documents/code/{doc['code'].lower().replace('-', ' ')}", headers=demo.headers(user))
    assert by_code.status_code == 200 and by_code.json()["match"] is True
    assert by_code.json()["document"]["sha256"] == doc["sha256"]
    verified = client.post("/api/documents/verify", headers=demo.headers(user),
                           files={"data": ("文书.pdf", pdf.content, "application/pdf")})
    assert verified.status_code == 200 and verified.json()["match"] is True, verified.text
    assert verified.json()["document"]["id"] == doc["id"]
    return doc, FURNITURE.sub("", flat)


def _parts(flat: str) -> list[str]:
    """What stands under each of Art. 32's headings, in order (the closing paragraph cut off)."""
    positions = [flat.index(h) for h in HEADINGS]
    assert positions == sorted(positions), "the parts are printed in the statute's order"
    ends = [*positions[1:], flat.index("如不服") if "如不服" in flat else flat.index("本复核意见为终结意见")]
    return [flat[p + len(h):end] for p, h, end in zip(positions, HEADINGS, ends, strict=True)]


def _assert_parts(flat: str, given: dict, label: str) -> None:
    request, facts, opinion, basis = _parts(flat)
    assert request == _flat(given["request"])
    assert facts == _flat(given["facts"])
    assert opinion == _flat(f"{label}。{given['opinion']}")
    assert basis == _flat(given["basis"])


def test_a_claim_through_acceptance_opinion_review_and_rereview(app, client, demo, today):
    m = _register(client, demo, "xx_by_officer", TOWNSHIP)
    number = m["number"]
    premature = client.post(f"/api/matters/{m['id']}/documents/acceptance", json={},
                            headers=demo.headers("xx_by_officer"))
    assert premature.status_code == 409 and "受理告知书" in premature.json()["message"]
    _ok(client, demo, m["id"], "accept", "xx_by_officer", on="2026-01-05")
    doc, text = _document(app, client, demo, m, "acceptance", "xx_by_officer", number="白信受〔2026〕1号")
    assert doc["kind"] == "matter_acceptance" and doc["number"] == "白信受〔2026〕1号"
    assert "信访事项受理告知书" in text and f"事项编号：{number}" in text and "赵六：" in text
    assert "2026年1月5日依法受理" in text and "60日内办结" in text and "白羽街道办事处" in text

    _ok(client, demo, m["id"], "classify", "xx_by_officer", route=6)
    _ok(client, demo, m["id"], "extend", "xx_by_leader", on="2026-01-08", days=30, reason="需委托第三方测量受损面积",
        told_petitioner_on="2026-01-08")
    _, text = _document(app, client, demo, m, "extension", "xx_by_officer")
    assert "信访事项延期办理告知书" in text and "因需委托第三方测量受损面积，经本机关负责人批准，办理期限延长30日" in text
    assert "第三十四条" in text

    missing = client.post(f"/api/matters/{m['id']}/actions/reply", headers=demo.headers("xx_by_officer"),
                          json={**OPINION, "basis": " "})
    assert missing.status_code == 400 and "法律法规依据" in missing.json()["message"]
    _ok(client, demo, m["id"], "reply", "xx_by_officer", on="2026-01-10", **OPINION)
    doc, text = _document(app, client, demo, m, "opinion", "xx_by_officer")
    assert doc["kind"] == "matter_opinion" and f"事项编号：{number}" in text
    _assert_parts(text, OPINION, "予以支持")
    assert "30日内向西峡县人民政府请求复查" in text  # one level above the township (Art. 35)

    _ok(client, demo, m["id"], "deliver", "xx_by_officer", on="2026-01-12", method="mail", proof="EMS 9876")
    _ok(client, demo, m["id"], "request_review", "xx_officer", on="2026-01-20")
    _ok(client, demo, m["id"], "review_reply", "xx_leader", on="2026-02-05", **REVIEW)
    township_tries = client.post(f"/api/matters/{m['id']}/documents/review_opinion", json={},
                                 headers=demo.headers("xx_by_officer"))
    assert township_tries.status_code == 404 and "管辖范围" in township_tries.json()["message"], \
        "the county issued the review opinion; the township cannot make it"
    doc, text = _document(app, client, demo, m, "review_opinion", "xx_officer")
    assert doc["issuer"] == "西峡县人民政府" and "复查意见书" in text
    _assert_parts(text, REVIEW, "解释说明")
    assert "白羽街道办事处于2026年1月10日出具的信访处理意见" in text and "2026年1月20日请求复查" in text
    assert "30日内向西峡县人民政府的上一级机关、单位请求复核" in text  # above the county: outside the platform

    _ok(client, demo, m["id"], "deliver", "xx_officer", on="2026-02-06", method="in_person", proof="签收")
    _ok(client, demo, m["id"], "request_rereview", "xx_officer", on="2026-02-10", outside_body="南阳市信访局")
    _ok(client, demo, m["id"], "rereview_reply", "xx_officer", on="2026-02-28", **REREVIEW)
    doc, text = _document(app, client, demo, m, "rereview_opinion", "xx_officer")
    assert doc["issuer"] == "南阳市信访局" and "复核意见书" in text and "本复核意见为终结意见" in text
    _assert_parts(text, REREVIEW, "不予支持")
    assert "依据南阳市信访局出具的书面意见录入" in text

    listing = client.get(f"/api/matters/{m['id']}/documents", headers=demo.headers("xx_officer")).json()
    steps = {s["action"]: s for s in listing["steps"]}
    assert set(steps) == {"accept", "extend", "reply", "review_reply", "rereview_reply"}
    assert all(len(s["documents"]) == 1 and s["documents"][0]["status"] == "done" for s in steps.values())
    assert len(listing["documents"]) == 5


def test_assignment_refusal_and_mediation_documents(app, client, demo, system_session, today):
    from xinfang.platform.accounts.service import create_user, grant_role

    user = create_user(system_session, username="cd_officer", display_name="cd_officer", password="abc12345x",
                       node=demo.node(VILLAGE), password_hash="x")
    grant_role(system_session, None, user, "officer", demo.node(VILLAGE))
    system_session.commit()
    m = _register(client, demo, "cd_officer", VILLAGE, demands="恢复灌溉")
    _ok(client, demo, m["id"], "assign", "cd_officer", on="2026-01-06", lead_unit_id=demo.node(TOWNSHIP).id,
        report_due_on="2026-02-28", note="请核实后依法办理")
    doc, text = _document(app, client, demo, m, "assignment", "cd_officer")
    assert "信访事项转送交办单" in text and f"事项编号{m['number']}" in text
    assert "承办单位白羽街道" in text and "反馈期限2026年2月28日" in text and "交办要求请核实后依法办理" in text
    assert "第二十二条" in text and doc["node_id"] == demo.node(VILLAGE).id

    refused = _register(client, demo, "xx_by_officer", TOWNSHIP, summary="要求撤销已生效的法院判决")
    _ok(client, demo, refused["id"], "not_accept", "xx_by_officer", on="2026-01-07",
        reason="该诉求已经人民法院生效判决处理，应依照法律程序提出")
    _, text = _document(app, client, demo, refused, "non_acceptance", "xx_by_officer")
    assert "信访事项不予受理告知书" in text and "不予受理的理由：该诉求已经人民法院生效判决处理，应依照法律程序提出。" in text

    mediated = _register(client, demo, "xx_by_officer", TOWNSHIP)
    _ok(client, demo, mediated["id"], "accept", "xx_by_officer", on="2026-01-06")
    _ok(client, demo, mediated["id"], "mediate", "xx_by_officer", on="2026-01-25", mode="mediation",
        terms="施工方于2026年2月10日前恢复渠道\n施工方赔偿赵六当季损失两千元",
        parties=[{"side": "petitioner", "name": "赵六", "agreed": True},
                 {"side": "other", "name": "某建筑公司", "agreed": True, "agreed_on": "2026-01-24"}])
    doc, text = _document(app, client, demo, mediated, "agreement", "xx_by_officer")
    assert doc["title"] == "调解协议书" and "信访人一方：赵六" in text and "争议另一方：某建筑公司" in text
    assert "1.施工方于2026年2月10日前恢复渠道" in text and "2.施工方赔偿赵六当季损失两千元" in text
    assert "经白羽街道办事处主持调解" in text and "第三十三条" in text and "2026年1月24日" in text

    unknown = client.post(f"/api/matters/{mediated['id']}/documents/memo", json={},
                          headers=demo.headers("xx_by_officer"))
    assert unknown.status_code == 400 and "受理告知书" in unknown.json()["message"]
    # built kinds are made from their records only, never from typed-in content
    typed = client.post("/api/documents", headers=demo.headers("xx_by_officer"),
                        json={"kind": "matter_opinion", "node_id": demo.node(TOWNSHIP).id, "inputs": {}})
    assert typed.status_code == 400 and "依据业务记录生成" in typed.json()["message"]


@pytest.mark.today(2026, 11, 16, 9)
def test_the_intake_rooms_dispatch_notice(app, client, demo):
    case = client.post("/api/intake/cases", headers=demo.headers("xx_officer"), json={
        "node_id": demo.node(COUNTY).id, "visitor_name": "黄某", "visitor_id_number": "110105198001010016",
        "visitor_phone": "13912345678", "category": "城镇房屋拆迁", "summary": "安置房漏水，开发商拒不维修",
        "demands": "要求维修并赔偿损失", "received_on": "2026-11-16"}).json()
    triaged = client.post(f"/api/intake/cases/{case['id']}/triage", headers=demo.headers("xx_officer"), json={
        "decision": "dispatch", "unit_id": demo.node("411323-ZJJ").id, "on": "2026-11-16", "days": 15,
        "requirements": "请于期限内核查处理并书面回报"}).json()
    notice = triaged["notices"][0]
    asked = client.post(f"/api/intake/notices/{notice['id']}/document", json={}, headers=demo.headers("xx_officer"))
    assert asked.status_code == 202, asked.text
    run_pending(app.state.session_factory)
    doc, text = _fetched(client, demo, asked.json(), "xx_officer")
    assert "矛盾纠纷受理分流指派通知单" in text and f"编号：{notice['number']}" in text and "事项编号" not in text
    assert "西峡县矛盾纠纷受理室" in text and doc["subject"] == f"intake_notice:{notice['id']}"
    assert "承办单位西峡县住房和城乡建设局" in text and "回报期限2026年12月1日" in text
    assert "139****5678" in text and "13912345678" not in text


def test_the_supervision_letter_renders_from_its_context(app, demo, today):
    import datetime as dt

    from xinfang.platform.documents.service import generate
    from xinfang.platform.errors import BadRequest
    from xinfang.platform.matters.supervision_letter import SupervisionLetter
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_officer")
        county, township = (s.get(type(demo.node(COUNTY)), demo.node(c).id) for c in (COUNTY, TOWNSHIP))
        letter = SupervisionLetter(supervisor=county, unit=township, mode="letter",
                                   subject="反映灌溉渠被填埋的信访事项超过办理期限未办结",
                                   requirements="立即组织核查，依法出具处理意见", due_on=dt.date(2026, 3, 12),
                                   on=dt.date(2026, 3, 2), number="西信督〔2026〕2号",
                                   matter_number="411323-2026-000009")
        late = SupervisionLetter(**{**letter.__dict__, "due_on": dt.date(2026, 3, 1)})
        with pytest.raises(BadRequest):
            generate(s, actor, "supervision_letter", county.id, subject=late)
        document = generate(s, actor, "supervision_letter", county.id, subject=letter, subject_ref="matter:0")
        s.commit()
        document_id = document.id
    run_pending(app.state.session_factory)
    from xinfang.platform.documents.models import Document

    with app.state.session_factory(scope=Scope.system()) as s:
        document = s.get(Document, document_id)
        assert document.status == "done", document.error
        path = Path(app.state.settings.storage_dir) / document.file_path
    flat = _flat(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)
    assert "西峡县人民政府" in flat and "督办函" in flat and "西信督〔2026〕2号" in flat and "白羽街道：" in flat
    assert ("关于反映灌溉渠被填埋的信访事项超过办理期限未办结（事项编号：411323-2026-000009），"
            "根据《信访工作条例》第四十条的规定，现予发函督办。") in flat
    assert "督办要求：立即组织核查，依法出具处理意见。" in flat
    assert "请于2026年3月12日前将办理情况和结果书面报告本机关" in flat and "411323-2026-000009" in flat
