"""Hostile and careless input gets a 400 (or 413) with a Chinese message naming the field,
never a 500 — on SQLite and PostgreSQL (issue 12, findings 6 and 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.integration.test_app_basics import assert_json_error

VALID_ID = "11010519491231002X"


@pytest.fixture
def matter_body(demo):
    return {"node_id": demo.node("411323").id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "其他", "summary": "拖欠工资", "petitioners": [{"name": "张三", "id_number": VALID_ID}]}


def _register(client, demo, body):
    return client.post("/api/matters", json=body, headers=demo.headers("xx_officer"))


@pytest.mark.parametrize("body", [b"[" * 1000 + b"]" * 1000, b'{"username":' * 1000 + b'"x"' + b"}" * 1000])
def test_deeply_nested_json_is_refused_even_before_login(client, demo, body):
    message = assert_json_error(client.post("/api/auth/login", content=body,
                                            headers={"content-type": "application/json"}), 400)["message"]
    assert "嵌套" in message
    assert_json_error(client.post("/api/matters", content=body, headers={**demo.headers("xx_officer"),
                                                                        "content-type": "application/json"}), 400)


def test_invalid_utf8_and_invalid_json_bodies(client, demo):
    bad = b'{"username": "\xff\xfe", "password": "x"}'
    assert "UTF-8" in assert_json_error(client.post("/api/auth/login", content=bad,
                                                    headers={"content-type": "application/json"}), 400)["message"]
    assert_json_error(client.post("/api/auth/login", content=b'{"username": ', headers={"content-type": "application/json"}),
                      400)
    # a multipart text field that is not UTF-8 (Litestar decodes it before any handler runs)
    boundary = "b0undary"
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n").encode() + b"\xff\xfe~" + (
        f"\r\n--{boundary}--\r\n").encode()
    refused = client.post("/api/supervisions/1/reports", content=form, headers={
        **demo.headers("xx_handler"), "content-type": f"multipart/form-data; boundary={boundary}"})
    assert "UTF-8" in assert_json_error(refused, 400)["message"]


@pytest.mark.parametrize(("url", "field"), [
    ("/api/matters/9223372036854775808", "matter_id"), ("/api/matters/2147483648", "matter_id"),
    ("/api/matters?page=9223372036854775808", "page"), ("/api/matters?node_id=2147483648", "node_id"),
    ("/api/matters?per_page=9223372036854775808", "per_page"), ("/api/people?page=99999999999999999999", "page")])
def test_integers_beyond_the_column_type_in_paths_and_queries(client, demo, url, field):
    body = assert_json_error(client.get(url, headers=demo.headers("xx_officer")), 400)
    assert field in body["message"]


@pytest.mark.parametrize("headcount", [2**63, 2**31])
def test_integers_beyond_the_column_type_in_bodies(client, demo, matter_body, headcount):
    body = assert_json_error(_register(client, demo, {**matter_body, "form": "collective", "headcount": headcount}), 400)
    assert "headcount" in body["message"]


@pytest.mark.parametrize("where", ["name", "summary", "query"])
def test_nul_and_control_characters_anywhere(client, demo, matter_body, where):
    if where == "query":
        response = client.get("/api/matters?q=a%00b", headers=demo.headers("xx_officer"))
    elif where == "name":
        response = _register(client, demo, {**matter_body, "petitioners": [{"name": "张\x00三", "id_number": VALID_ID}]})
    else:
        response = _register(client, demo, {**matter_body, "summary": "拖欠\x07工资"})
    body = assert_json_error(response, 400)
    assert ("q" if where == "query" else where) in body["message"]


def test_lengths_follow_the_columns(client, demo, matter_body):
    long_name = _register(client, demo, {**matter_body, "petitioners": [{"name": "张" * 65, "id_number": VALID_ID}]})
    assert "petitioners[0].name" in assert_json_error(long_name, 400)["message"]
    assert "64" in long_name.json()["message"]
    long_summary = _register(client, demo, {**matter_body, "summary": "诉" * 10_001})
    assert "summary" in assert_json_error(long_summary, 400)["message"]
    huge = _register(client, demo, {**matter_body, "summary": "x" * (3 * 1024 * 1024)})
    assert_json_error(huge, 413)
    assert _register(client, demo, {**matter_body, "summary": "诉" * 10_000}).status_code == 201


@pytest.mark.parametrize("name", ["张" * 65, "张\x00三"])
def test_every_write_is_bounded_at_the_column(demo, system_session, name):
    """Free-form bodies, imports and plugins write through the ORM: the flush refuses text
    that does not fit its column (SQLite would store it, PostgreSQL would fail) on both."""
    from xinfang.platform.errors import BadRequest
    from xinfang.platform.people.models import Person

    system_session.add(Person(node_id=demo.node("411323").id, name=name, id_number=VALID_ID))
    with pytest.raises(BadRequest, match="“name”"):
        system_session.flush()
    system_session.rollback()


@pytest.mark.parametrize("day", ["0001-01-01", "2101-01-01"])
def test_dates_within_sensible_years(client, demo, matter_body, day):
    body = assert_json_error(_register(client, demo, {**matter_body, "received_on": day}), 400)
    assert "received_on" in body["message"]
    query = assert_json_error(client.get(f"/api/matters?received_from={day}", headers=demo.headers("xx_officer")), 400)
    assert "received_from" in query["message"]


def test_audit_since_without_an_offset_is_beijing_time(client, demo):
    response = client.get("/api/audit?since=2025-01-01T00:00:00", headers=demo.headers("xx_supervisor"))
    assert response.status_code == 200, response.text
    assert_json_error(client.get("/api/audit?since=0001-01-01T00:00:00", headers=demo.headers("xx_supervisor")), 400)


@pytest.mark.parametrize("form", [
    b'--B\r\nContent-Disposition: form-data; name="data"\r\n\r\nnot a file\r\n--B--\r\n',
    b'--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--B--\r\n',
    b"--B--\r\n"])
def test_multipart_without_its_file_part(client, demo, form):
    for url, user in (("/api/matters/import", "xx_officer"), ("/api/ledgers/screening/import", "xx_by_officer"),
                      ("/api/documents/verify", "xx_officer")):
        response = client.post(url, content=form, headers={**demo.headers(user),
                                                           "content-type": "multipart/form-data; boundary=B"})
        assert "上传的文件" in assert_json_error(response, 400)["message"], url


def test_full_width_id_numbers_land_in_the_same_file(client, demo, matter_body, system_session):
    from xinfang.platform.people.models import Person

    assert _register(client, demo, matter_body).status_code == 201
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID[:-1]) + "x"  # １１０…２x
    same = {**matter_body, "petitioners": [{"name": "张三", "id_number": f" {full_width} "}]}
    assert _register(client, demo, same).status_code == 201
    numbers = system_session.scalars(select(Person.id_number).where(Person.name == "张三")).all()
    assert numbers == [VALID_ID]
    found = client.get(f"/api/people?id_number={full_width}", headers=demo.headers("xx_officer")).json()
    assert found["total"] == 1
    assert system_session.scalar(select(func.count()).select_from(Person).where(Person.name == "张三")) == 1
