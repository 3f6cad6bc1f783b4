"""A small hand-made data set for the statistics tests: matters, their clocks, follow-ups and
timeline entries written straight into the tables (as the services would have left them), so
every expected figure can be worked out by hand from this file alone.

The period is March 2026, counted on 15 April 2026. 西峡县 (411323) has 白羽街道 (411323001),
丹水镇 (411323100) and 住建局 (411323-ZJJ); one 晋江市 matter must never be counted there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from xinfang.platform.matters.models import FollowUp, Matter, MatterAccess, MatterClock, MatterEvent, MatterOpinion
from xinfang.platform.public.models import MatterEvaluation
from xinfang.tenants.models import Node

D = dt.date


def _node(session, code: str) -> Node:
    return session.scalar(select(Node).where(Node.code == code))


def load(session) -> dict[str, int]:
    """The sample matters (key → id). Each line says what it adds up to."""
    ids: dict[str, int] = {}

    def matter(key: str, code: str, received: dt.date, channel: str, form: str, headcount: int, kind: str,
               category: str, overreach: str = "none", joint: bool = False, repeat_of: str | None = None,
               closed: dt.date | None = None, state: str = "handling") -> Matter:
        node = _node(session, code)
        row = Matter(number=f"T{len(ids) + 1:04d}", node_id=node.id, place_node_id=node.id, channel=channel, form=form,
                     headcount=headcount, kind=kind, category=category, summary=f"样例{key}", overreach=overreach,
                     joint_signature=joint, repeat_of_id=ids.get(repeat_of or ""), is_first=repeat_of is None,
                     repeat_count=2 if repeat_of else 1, received_on=received, closed_on=closed, state=state,
                     **node.ancestry_with_self())
        session.add(row)
        session.flush()
        session.add(MatterAccess(subject_id=row.id, node_id=node.id, reason="owner", **node.ancestry_with_self()))
        ids[key] = row.id
        return row

    def clock(key: str, kind: str, holder: str, due: dt.date, stopped: dt.date | None = None) -> None:
        unit = _node(session, holder)
        owner = session.get(Matter, ids[key]).node_id
        if unit.id != owner and unit.level != "county":  # assigned to the unit: it may see the matter
            session.add(MatterAccess(subject_id=ids[key], node_id=unit.id, reason="lead", **unit.ancestry_with_self()))
        state = "on_time" if stopped is None else ("met" if stopped <= due else "late")
        session.add(MatterClock(matter_id=ids[key], kind=kind, node_id=_node(session, holder).id,
                                started_on=due - dt.timedelta(days=15), amount=15, unit="calendar_days", rule="civil_code",
                                due_on=due, calendar_version="test", stopped_on=stopped, state=state))

    by, ds, county, zjj = "411323001", "411323100", "411323", "411323-ZJJ"
    # March 2026 — 5 matters, 11 people
    matter("M1", by, D(2026, 3, 2), "visit", "individual", 1, "claim", "征地", closed=D(2026, 3, 20), state="closed")
    matter("M2", by, D(2026, 3, 5), "visit", "collective", 6, "claim", "征地", overreach="province", joint=True)
    matter("M3", county, D(2026, 3, 10), "letter", "individual", 1, "suggestion", "其他", closed=D(2026, 3, 28),
           state="closed")
    matter("M4", ds, D(2026, 3, 15), "online", "individual", 2, "claim", "欠薪", overreach="beijing", repeat_of="M1")
    matter("M5", county, D(2026, 3, 31), "phone", "individual", 1, "claim", "其他", overreach="city",
           closed=D(2026, 3, 31), state="concluded")
    # the periods compared with: February 2026 (环比) and March 2025 (同比)
    matter("M6", by, D(2026, 2, 20), "visit", "individual", 1, "claim", "征地", closed=D(2026, 2, 25), state="closed")
    matter("M7", county, D(2025, 3, 12), "letter", "individual", 1, "claim", "其他")
    # a visit to the county about 城东社区 (June 2025): 城东社区 is not a 无访村 in 2025
    village = _node(session, "411323001001")
    matter("M9", county, D(2025, 6, 3), "visit", "individual", 1, "claim", "其他").place_node_id = village.id
    # another county: never in 西峡县's figures
    matter("M8", "350582", D(2026, 3, 3), "visit", "collective", 9, "claim", "征地")

    clock("M1", "acknowledge", by, D(2026, 3, 17), D(2026, 3, 3))  # met
    clock("M1", "handling", by, D(2026, 5, 2), D(2026, 3, 20))  # met
    clock("M2", "acknowledge", by, D(2026, 3, 20))  # open past its due date: late
    clock("M3", "dispose", county, D(2026, 3, 25), D(2026, 3, 27))  # late
    clock("M3", "handling", zjj, D(2026, 3, 28), D(2026, 3, 28))  # met (住建局 holds it)
    clock("M4", "handling", ds, D(2026, 3, 30))  # open, overdue: late (an online matter)
    clock("M4", "feedback", ds, D(2026, 4, 30))  # not yet due: not counted
    clock("M4", "objection", ds, D(2026, 3, 20))  # a window, never counted
    clock("M5", "feedback", county, D(2026, 3, 20), D(2026, 3, 19))  # met
    clock("M6", "handling", by, D(2026, 4, 5), D(2026, 2, 25))  # met, in February
    clock("M8", "handling", "350582001", D(2026, 3, 20), D(2026, 3, 25))  # 晋江: late, never counted here

    for key, on, satisfaction, stopped in (("M1", D(2026, 3, 25), "satisfied", True),
                                           ("M3", D(2026, 3, 30), "dissatisfied", False)):
        session.add(FollowUp(matter_id=ids[key], on=on, by="回访员", satisfaction=satisfaction,
                             stopped_petitioning=stopped))
    # opinions issued and the petitioners' own ratings (参评率, 满意率): in March 西峡县 issued four
    # (M1, M3, M3's 复查意见, M4), three were rated, two of those 满意/基本满意
    for key, stage, issued, holder, rating in (
            ("M1", "opinion", D(2026, 3, 18), by, "satisfied"),
            ("M3", "opinion", D(2026, 3, 27), county, "dissatisfied"),
            ("M3", "review", D(2026, 3, 30), county, None),
            ("M4", "opinion", D(2026, 3, 29), ds, "basically_satisfied"),
            ("M6", "opinion", D(2026, 2, 24), by, "satisfied"),  # February
            ("M8", "opinion", D(2026, 3, 21), "350582", "dissatisfied")):  # 晋江
        unit, matter_row = _node(session, holder), session.get(Matter, ids[key])
        session.add(MatterOpinion(matter_id=ids[key], stage=stage, node_id=unit.id, request="样例请求", facts="样例事实",
                                  result="support", basis="样例依据", issued_on=issued))
        if rating:
            session.add(MatterEvaluation(matter_id=ids[key], county_id=matter_row.county_id, node_id=unit.id,
                                         step=stage, rating=rating))
    for key in ("M3", "M5"):  # both asked for 复查; only M5 went on to 终结
        session.add(MatterEvent(matter_id=ids[key], on=D(2026, 3, 26), actor_name="测试", action="request_review",
                                label="申请复查"))
    session.commit()
    return ids


def ranking_samples(app, demo) -> dict[str, object]:
    """One published ranking of 西峡县 (for the route walk in test_route_walk.py)."""
    from xinfang.platform.statistics import ranking
    from xinfang.platform.statistics.periods import month
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        made = ranking.publish(s, _node(s, "411323"), "township", month(2026, 10), D(2026, 11, 20), "", "测试")
        s.commit()
        return {"ranking_id": made.id}


def ranking_bodies(demo) -> dict[tuple[str, str], dict]:
    return {("PUT", "/api/statistics/counties/{county_id:int}/ranking-rules"): {"weights": {"on_time_closing": 1},
                                                                               "volume_bounds": [5]},
            ("POST", "/api/statistics/counties/{county_id:int}/rankings"): {"period": "2026-10", "reason": "更正"},
            ("PUT", "/api/statistics/counties/{county_id:int}/four-none-rules"): {
                "criteria": [{"key": "beijing", "limit": 0}]},
            ("POST", "/api/statistics/counties/{county_id:int}/quarterly-assessment"): {"period": "2026-Q3"},
            ("POST", "/api/statistics/nodes/{node_id:int}/work-report"): {"period": "2026-10"},
            ("POST", "/api/statistics/nodes/{node_id:int}/work-report.docx"): {"period": "2026-10"}}


SAMPLE_PARAMETERS = {"ranking_id"}
