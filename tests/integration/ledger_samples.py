"""Sample rows of the ledgers, reception, reporting and intake (all inside 白羽街道), and
well-formed bodies for their routes, for the route walk in test_route_walk.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from xinfang.platform.accounts.models import User

TOWNSHIP, VILLAGE, GRID = "411323001", "411323001001", "411323001001-01"


def ledger_samples(app, demo) -> dict[str, object]:
    from xinfang.platform.intake.models import DispatchNotice, IntakeCase
    from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
    from xinfang.platform.matters.service import MatterIn, PetitionerIn, register
    from xinfang.platform.reception.models import LeaderVisit, ReceptionRecord, RotaDuty
    from xinfang.platform.reporting.models import Submission
    from xinfang.tenants.scope import Scope

    township, village, grid = demo.node(TOWNSHIP), demo.node(VILLAGE), demo.node(GRID)
    day = dt.date(2026, 11, 18)
    with app.state.session_factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        actor = demo.actor(s, "xx_by_officer")
        matter = register(s, actor, MatterIn(
            node_id=township.id, channel="visit", form="individual", kind="claim", category="房地产",
            summary="反映房产证迟迟未办", petitioners=[PetitionerIn("孙八", "11010519491231002X")]))
        entry = ScreeningEntry(node_id=grid.id, found_on=day, party_name="周九", category="邻里纠纷",
                               summary="宅基地边界纠纷")
        listed = BacklogEntry(node_id=township.id, matter_id=matter.id, listed_on=day, reasons=["repeat"],
                              deadline=day + dt.timedelta(days=30))
        duty = RotaDuty(node_id=township.id, on=day, leader_name="周涛", leader_position="党工委书记",
                        place="街道基层治理中心2楼接访室", leader_kind="main")
        case = IntakeCase(node_id=township.id, number="411323001-SL-2026-000001", received_on=day,
                          visitor_name="吴十", category="欠薪", summary="工资被拖欠", status="dispatched",
                          triage="dispatch")
        s.add_all([entry, listed, duty, case])
        s.flush()
        record = ReceptionRecord(node_id=township.id, received_on=day, duty_id=duty.id, leader_name="周涛",
                                 visitor_name="郑十一", category="欠薪", summary="反映工程款拖欠")
        submission = Submission(node_id=village.id, kind="screening", due_on=day, period_start=day,
                                item_ids=[entry.id], item_count=1)
        notice = DispatchNotice(node_id=village.id, case_id=case.id, issuer_node_id=township.id, issued_on=day,
                                due_on=day + dt.timedelta(days=15), visitor_name="吴十", category="欠薪",
                                summary="工资被拖欠")
        visit = LeaderVisit(node_id=township.id, kind="visit", visited_on=day, leader_name="周涛", place="城东社区",
                            people_met="社区群众5人", matters_raised="反映小区积水", matter_ids=[matter.id])
        s.add_all([record, submission, notice, visit])
        s.commit()
        return {"entry_id": entry.id, "backlog_id": listed.id, "duty_id": duty.id, "reception_id": record.id,
                "submission_id": submission.id, "case_id": case.id, "notice_id": notice.id,
                "township_code": TOWNSHIP, "visit_id": visit.id}


def ledger_bodies(demo) -> dict[tuple[str, str], dict]:
    from xinfang.tenants.scope import Scope

    with demo.app.state.session_factory(scope=Scope.system(), bind=demo.app.state.read_engine) as s:
        leader = s.scalar(select(User.id).where(User.username == "xx_by_leader"))
    return {
        ("PATCH", "/api/ledgers/screening/{entry_id:int}"): {"progress": "已上门调解一次"},
        ("POST", "/api/ledgers/screening/{entry_id:int}/matter"): {"kind": "claim"},
        ("PATCH", "/api/ledgers/backlog/{backlog_id:int}"): {"progress": "召开协调会"},
        ("PATCH", "/api/reception/records/{reception_id:int}"): {"result": "已交办"},
        ("PATCH", "/api/reception/visits/{visit_id:int}"): {"note": "补记"},
        ("POST", "/api/reception/records/{reception_id:int}/matter"): {"kind": "claim"},
        ("POST", "/api/reception/records/{reception_id:int}/ownership"): {"leader_user_id": leader},
        ("POST", "/api/intake/cases/{case_id:int}/triage"): {"decision": "on_spot", "note": "当场调解"},
        ("POST", "/api/intake/notices/{notice_id:int}/return"): {"outcome": "resolved", "result": "已化解"},
    }


SAMPLE_PARAMETERS = {"entry_id", "backlog_id", "duty_id", "reception_id", "submission_id", "case_id", "notice_id",
                     "township_code", "visit_id"}
