"""The working-day calendar over HTTP: who may enter a notice, what a bad notice does, and
how an entered year changes deadlines (on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.integration.calendar_samples import INVENTED_2027
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.calendar.models import CalendarDay, CalendarYear
from xinfang.platform.calendar.service import load_calendar


def _deadline(client, headers, start: str, amount: int, unit: str = "calendar_days", **extra) -> dict:
    r = client.get("/api/calendar/deadline", params={"start": start, "amount": amount, "unit": unit, **extra},
                   headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def _stored_days(system_session) -> int:
    system_session.rollback()  # a fresh snapshot
    return system_session.scalar(select(func.count()).select_from(CalendarDay))


def test_operator_enters_a_year_and_deadlines_stop_being_provisional(client, demo, system_session):
    officer = demo.headers("xx_officer")
    before = _deadline(client, officer, "2026-12-28", 5, "working_days")
    assert before["due"] == "2027-01-04" and before["provisional"] and before["uncovered_years"] == [2027]
    years = client.get("/api/calendar/years", headers=officer).json()
    assert 2027 not in [y["year"] for y in years["years"]] and years["version"] == before["calendar_version"]

    r = client.put("/api/calendar/years/2027", json=INVENTED_2027, headers=demo.headers("operator"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["source"] == "database" and body["entered_by"] and body["version"] != before["calendar_version"]
    assert [(d["date"], d["kind"]) for d in body["days"]] == [
        ("2027-01-01", "holiday"), ("2027-01-02", "holiday"), ("2027-01-03", "holiday"), ("2027-01-09", "workday")]

    after = _deadline(client, officer, "2026-12-28", 5, "working_days")
    assert (after["due"], after["provisional"]) == ("2027-01-05", False)
    assert after["calendar_version"] == body["version"]
    assert _deadline(client, officer, "2026-12-25", 15)["due"] == "2027-01-09"  # invented make-up Saturday

    system_session.rollback()
    assert load_calendar(system_session).version == body["version"]
    row = system_session.get(CalendarYear, 2027)
    assert row.document_number == "测试〔2026〕1号" and row.entered_by_id is not None
    audited = system_session.scalar(select(func.count()).select_from(AuditRecord)
                                    .where(AuditRecord.object_type.in_(["calendar_years", "calendar_days"])))
    assert audited >= 5


def test_entering_a_year_again_replaces_it(client, demo, system_session):
    operator = demo.headers("operator")
    assert client.put("/api/calendar/years/2027", json=INVENTED_2027, headers=operator).status_code == 200
    first = client.get("/api/calendar/years", headers=operator).json()["version"]
    smaller = {**INVENTED_2027, "holidays": INVENTED_2027["holidays"][:1], "workdays": []}
    r = client.put("/api/calendar/years/2027", json=smaller, headers=operator)
    assert r.status_code == 200, r.text
    assert r.json()["version"] != first
    assert _stored_days(system_session) == 1
    days = client.get("/api/calendar/years/2027", headers=operator).json()["days"]
    assert [d["date"] for d in days] == ["2027-01-01"]


def test_package_years_are_listed_and_readable(client, demo):
    headers = demo.headers("xx_officer")
    listed = client.get("/api/calendar/years", headers=headers).json()
    by_year = {y["year"]: y for y in listed["years"]}
    assert by_year[2025]["source"] == "package" and by_year[2026]["source"] == "package"
    days = client.get("/api/calendar/years/2025", headers=headers).json()["days"]
    national_day = [d for d in days if d["date"].startswith("2025-10") or d["date"] == "2025-09-28"]
    assert ("2025-09-28", "workday", "国庆节") in [(d["date"], d["kind"], d["name"]) for d in national_day]
    assert ("2025-10-08", "holiday") in [(d["date"], d["kind"]) for d in national_day]
    missing = client.get("/api/calendar/years/2027", headers=headers)
    assert missing.status_code == 404 and "尚未录入" in missing.json()["message"]


def test_deadline_endpoint_counts_the_official_calendar(client, demo):
    headers = demo.headers("xx_officer")
    assert _deadline(client, headers, "2025-09-20", 15)["due"] == "2025-10-09"  # 国庆 2025
    assert _deadline(client, headers, "2025-10-03", 5, "working_days")["due"] == "2025-10-14"
    assert _deadline(client, headers, "2025-09-01", 60, "working_days")["due"] == "2025-11-28"
    provincial = _deadline(client, headers, "2025-09-26", 15, rule="working_days_only")
    assert (provincial["due"], provincial["rule"]) == ("2025-10-23", "working_days_only")
    bad = client.get("/api/calendar/deadline", params={"start": "2025-01-01", "amount": 5, "unit": "weeks"},
                     headers=headers)
    assert bad.status_code == 400 and "期限单位" in bad.json()["message"]


def test_only_the_operator_may_enter_a_year(client, demo, system_session):
    for user in ("xx_officer", "xx_supervisor"):
        r = client.put("/api/calendar/years/2027", json=INVENTED_2027, headers=demo.headers(user))
        assert r.status_code == 403, (user, r.text)
        assert r.json()["message"] == "您没有执行此操作的权限"
    supervisor = demo.headers("xx_supervisor")
    assert client.get("/api/calendar/years", headers=supervisor).status_code == 200
    assert client.get("/api/calendar/years/2026", headers=supervisor).status_code == 200
    assert client.get("/api/calendar/deadline", params={"start": "2026-02-11", "amount": 5, "unit": "working_days"},
                      headers=supervisor).json()["due"] == "2026-02-25"
    assert client.put("/api/calendar/years/2027", json=INVENTED_2027).status_code == 401
    assert _stored_days(system_session) == 0


def test_a_bad_notice_is_refused_in_chinese_and_stores_nothing(client, demo, system_session):
    operator = demo.headers("operator")
    outside = {**INVENTED_2027, "holidays": [{"date": "2028-01-01", "name": "元旦"}]}
    wednesday = {**INVENTED_2027, "workdays": [{"date": "2027-01-06", "name": "元旦"}]}
    for notice, fragment in ((outside, "不在2027年内"), (wednesday, "星期三")):
        r = client.put("/api/calendar/years/2027", json=notice, headers=operator)
        assert r.status_code == 400, r.text
        body = r.json()
        assert r.headers["content-type"].startswith("application/json")
        assert body["error"] == "bad_request" and fragment in body["message"]
        assert body["details"] and all(d["message"] for d in body["details"])
    malformed = {**INVENTED_2027, "holidays": [{"date": "2027-13-01", "name": "元旦"}]}
    r = client.put("/api/calendar/years/2027", json=malformed, headers=operator)
    assert r.status_code == 400 and r.json()["error"] == "invalid_input"
    assert _stored_days(system_session) == 0
    assert system_session.get(CalendarYear, 2027) is None
    assert client.get("/api/calendar/years/2027", headers=operator).status_code == 404
