"""The petitioner's side over HTTP, no login (issue 18): a 网上信访 submission lands as a
registered matter with its number, 查询码 and receipt; the lookup follows it through
acceptance, extension and the opinion, which the petitioner rates once and the unit sees;
wrong codes are throttled and never open another matter; an accusation names no handling
body; a generated notice's printed code and file verify on the public page, a changed file
does not."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest
from sqlalchemy import select

# the same petitioner and opinion as the matter documents' tests
from tests.integration.test_matter_documents import OPINION, PETITIONER, _flat
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.matters.models import Matter
from xinfang.platform.public import throttle
from xinfang.platform.public.access import matter_key

pytestmark = pytest.mark.today(2026, 3, 2, 10)  # a Monday
COUNTY = "411323"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STAFF_NAMES = ("李秀英", "陈敏", "高洁", "刘正")


def _answer(question: str) -> str:
    a, b = re.findall(r"\d+", question)
    return str(int(a) + int(b))


def _submit(client, request="恢复被填埋的灌溉渠", facts="县道拓宽施工填埋了我家承包地旁的灌溉渠", kind="claim",
            files=None, answer=None, **person):
    offer = client.get(f"/api/public/submissions/{COUNTY}/form").json()
    fields = {**PETITIONER, **person, "kind": kind, "category": "其他", "request": request, "facts": facts,
              "token": offer["token"], "answer": answer or _answer(offer["question"])}
    return client.post(f"/api/public/submissions/{COUNTY}", data=fields,
                       files=files or [("attachments", ("现场.png", PNG, "image/png"))])


def _look(client, number, code):
    return client.post("/api/public/progress", json={"number": number, "code": code})


def _act(client, demo, matter_id, action, user, **payload):
    resp = client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text


def _matter_id(system_session, number):
    return system_session.scalar(select(Matter.id).where(Matter.number == number))


def test_online_petition_lookup_and_evaluation(app, client, demo, system_session, clock):
    refused = _submit(client, answer="0")
    assert refused.status_code == 400 and "验证题" in refused.json()["message"]
    bad_file = _submit(client, files=[("attachments", ("病毒.png", b"MZ\x90\x00 not an image", "image/png"))])
    assert bad_file.status_code == 400 and "不是PDF、JPEG或PNG" in bad_file.json()["message"]
    bad_id = _submit(client, id_number="110105194912310021")
    assert bad_id.status_code == 400 and "身份证" in bad_id.json()["message"]

    sent = _submit(client)
    assert sent.status_code == 201, sent.text
    done = sent.json()
    number, code = done["number"], done["query_code"]
    assert number.startswith(f"{COUNTY}-2026-") and re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){2}", code)
    again = _submit(client)  # the same ID number and text within ten minutes: merged
    assert again.status_code == 201 and again.json()["merged"] is True and again.json()["number"] == number

    # the petitioner's file is on the matter like a clerk's upload: the county office opens it
    matter_id = _matter_id(system_session, number)
    files = client.get(f"/api/matters/{matter_id}/attachments", headers=demo.headers("xx_officer")).json()
    assert [(f["filename"], f["media_type"], f["note"]) for f in files["items"]] == [("现场.png", "image/png", "信访人网上提交")]
    assert client.get(files["items"][0]["download"], headers=demo.headers("xx_officer")).content == PNG

    run_pending(app.state.session_factory)  # the receipt
    view = _look(client, number, code).json()
    assert view["state_label"] == "已登记" and view["channel_label"] == "网上信访"
    assert [m["label"] for m in view["milestones"]] == ["已登记"] and view["milestones"][0]["body"] == "西峡县人民政府"
    receipt = client.post(f"/api/public/progress/documents/{done['receipt_document_id']}",
                          json={"number": number, "code": code})
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    text = _flat(subprocess.run(["pdftotext", "-", "-"], input=receipt.content, check=True,
                                capture_output=True).stdout.decode())
    # (pdftotext drops a hyphen that ends a line: compare without them)
    assert "网上信访事项登记回执" in text and code.replace("-", "") in text.replace("-", "") and number in text

    matter_id = _matter_id(system_session, number)
    _act(client, demo, matter_id, "accept", "xx_officer", on="2026-03-02")
    _act(client, demo, matter_id, "classify", "xx_officer", route=6)
    clock.advance(days=3)
    _act(client, demo, matter_id, "extend", "xx_leader", on="2026-03-05", days=30, reason="需委托第三方测量受损面积",
         told_petitioner_on="2026-03-05")
    view = _look(client, number, code).json()
    assert view["state_label"] == "已受理办理中" and "已受理" in [m["label"] for m in view["milestones"]]
    extension = next(m for m in view["milestones"] if m["step"] == "extend")
    assert extension["reason"] == "需委托第三方测量受损面积" and extension["until"]
    assert view["may_evaluate"] == []
    early = client.post("/api/public/evaluations", json={"number": number, "code": code, "step": "opinion",
                                                          "rating": "satisfied"})
    assert early.status_code == 409 and "尚未出具" in early.json()["message"]

    _act(client, demo, matter_id, "reply", "xx_officer", on="2026-03-05", **OPINION)
    view = _look(client, number, code).json()
    assert view["opinions"][0]["opinion"] == OPINION["opinion"] and view["opinions"][0]["result_label"] == "予以支持"
    assert view["may_evaluate"] == [{"step": "opinion", "label": "处理意见"}]
    rated = client.post("/api/public/evaluations", json={"number": number, "code": code, "step": "opinion",
                                                          "rating": "basically_satisfied", "comment": "希望尽快施工"})
    assert rated.status_code == 201, rated.text
    assert rated.json()["evaluations"][0]["rating_label"] == "基本满意" and rated.json()["may_evaluate"] == []
    twice = client.post("/api/public/evaluations", json={"number": number, "code": code, "step": "opinion",
                                                          "rating": "dissatisfied"})
    assert twice.status_code == 409 and "只能评价一次" in twice.json()["message"]
    staff = client.get(f"/api/matters/{matter_id}", headers=demo.headers("xx_officer")).json()
    assert staff["evaluations"] == [{**staff["evaluations"][0], "step": "opinion", "rating": "basically_satisfied",
                                     "comment": "希望尽快施工"}]
    page = client.get(f"/matters/{matter_id}", headers=demo.headers("xx_officer"))
    assert "信访人评价" in page.text and "基本满意" in page.text
    assert not any(name in _look(client, number, code).text for name in STAFF_NAMES)

    # the page form: the same lookup, for a browser
    html = client.post("/public/progress", data={"number": number, "code": code})
    assert html.status_code == 200 and "已出具处理意见书" in html.text and "需委托第三方测量受损面积" in html.text


def test_wrong_codes_are_throttled_and_open_nothing(app, client, demo, clock):
    first = _submit(client).json()
    other = _submit(client, request="要求公开村级财务", facts="村委会三年未公开账目", name="钱七",
                    id_number="11010519491231002X").json()
    crossed = _look(client, first["number"], other["query_code"])
    assert crossed.status_code == 404 and first["number"] not in crossed.json()["message"]
    assert "灌溉渠" not in crossed.text

    answers = [_look(client, first["number"], "ABCD-EFGH-JKMN").status_code for _ in range(20)]
    assert answers[0] == 404 and answers[-1] == 429, answers
    held = _look(client, first["number"], first["query_code"])
    assert held.status_code == 429 and int(held.headers["retry-after"]) > 0  # this address waits…
    with app.state.session_factory() as session:  # …nobody else does: no lock on the matter itself
        now = clock()
        assert throttle.seconds_to_wait(session, matter_key(first["number"]), "198.51.100.7", now) == 0
    clock.advance(minutes=throttle.WINDOW_MINUTES + 1)
    assert _look(client, first["number"], first["query_code"]).status_code == 200  # the wait ends


def test_an_accusation_names_no_handling_body(client, demo, system_session, clock):
    done = _submit(client, kind="accusation", request="检举某局干部违规收费", facts="办理不动产登记时被额外收取费用").json()
    matter_id = _matter_id(system_session, done["number"])
    _act(client, demo, matter_id, "assign", "xx_officer", on="2026-03-02",
         lead_unit_id=demo.node("411323-ZJJ").id)
    _act(client, demo, matter_id, "accept", "xx_handler", on="2026-03-02")
    view = _look(client, done["number"], done["query_code"])
    assert view.status_code == 200
    labels = [m["label"] for m in view.json()["milestones"]]
    assert labels == ["已登记", "已转送交办", "已受理"]
    assert "住建局" not in view.text and not any(name in view.text for name in STAFF_NAMES)
    assert _look(client, done["number"], "ABCD-EFGH-JKMN").status_code == 404


def test_a_generated_notice_verifies_and_a_changed_file_does_not(app, client, demo, system_session, clock):
    done = _submit(client).json()
    matter_id = _matter_id(system_session, done["number"])
    _act(client, demo, matter_id, "accept", "xx_officer", on="2026-03-02")
    asked = client.post(f"/api/matters/{matter_id}/documents/acceptance", json={"number": "西信受〔2026〕7号"},
                        headers=demo.headers("xx_officer"))
    assert asked.status_code == 202, asked.text
    run_pending(app.state.session_factory)
    doc = client.get(asked.json()["status_url"], headers=demo.headers("xx_officer")).json()
    pdf = client.get(doc["file_url"], headers=demo.headers("xx_officer")).content
    text = _flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True, capture_output=True).stdout.decode())
    printed = re.search(r"核验码：([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text).group(1)
    assert f"查询码{done['query_code']}".replace("-", "") in text.replace("-", "")  # the 受理告知书 hands it over

    by_code = client.post("/api/public/verify/code", json={"code": printed.lower()})
    assert by_code.status_code == 200
    assert by_code.json() == {"genuine": True, "message": by_code.json()["message"], "issuer": "西峡县人民政府",
                              "number": "西信受〔2026〕7号", "date": "2026-03-02"}
    by_file = client.post("/api/public/verify/file", files={"data": ("告知书.pdf", pdf, "application/pdf")})
    assert by_file.json()["genuine"] is True
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    by_changed = client.post("/api/public/verify/file", files={"data": ("告知书.pdf", bytes(changed), "application/pdf")})
    assert by_changed.status_code == 200 and by_changed.json() == {"genuine": False,
                                                                   "message": by_changed.json()["message"]}
    page = client.post("/public/verify", files={"code": (None, printed), "data": ("", b"", "application/octet-stream")})
    assert page.status_code == 200 and "真实文书" in page.text and "西信受〔2026〕7号" in page.text
    assert client.post("/api/public/verify/code", json={"code": "ABCD-EFGH-JKMN"}).json()["genuine"] is False


@pytest.fixture
def split_client(sqlite_template, tmp_path):
    """The app with a public host name, on a SQLite copy (the host split touches no data, so it
    runs once, not once per database)."""
    import shutil

    from litestar.testing import TestClient

    from tests.conftest import TEST_SECRET, test_plugins
    from xinfang.platform.app import create_app
    from xinfang.platform.settings import Settings

    shutil.copy(sqlite_template, tmp_path / "xinfang.db")
    settings = replace(Settings(), database_url=f"sqlite:///{tmp_path / 'xinfang.db'}", storage_dir=tmp_path / "files",
                       secret_key=TEST_SECRET, audit_signing_key_file=tmp_path / "audit_signing_key.pem",
                       run_background=False, public_host="xf.example.cn")
    application = create_app(settings, plugins=test_plugins())
    with TestClient(app=application, raise_server_exceptions=False) as c:
        yield c
    application.state.engine.dispose()


def test_a_public_host_serves_only_the_petitioners_side(split_client):
    public, staff = {"host": "xf.example.cn"}, {"host": "testserver.local"}
    assert split_client.get("/public/verify", headers=public).status_code == 200
    assert split_client.get("/static/public.css", headers=public).status_code == 200
    assert split_client.get("/login", headers=public).status_code == 404
    assert split_client.post("/api/auth/login", headers=public, json={"username": "x", "password": "y"}).status_code == 404
    assert split_client.get("/login", headers=staff).status_code == 200
    refused = split_client.get("/public/verify", headers=staff)
    assert refused.status_code == 404 and "xf.example.cn" in refused.text


def test_the_public_pages_render_without_a_login(client, demo):
    for path in ("/public/submit/411323", "/public/progress", "/public/verify", "/public/verify?code=ABCD-EFGH-JKMN"):
        resp = client.get(path, headers={"accept": "text/html"})
        assert resp.status_code == 200 and "/static/public.css" in resp.text, path
    assert client.get("/public/submit/999999", headers={"accept": "text/html"}).status_code == 404
