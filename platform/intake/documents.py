"""受理分流指派通知单 as a document: the facts the unit needs to act on, the requirements and
the day by which it reports back, printed from the dispatch notice the intake room issued."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from xinfang.platform.documents.registry import template
from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.intake.models import DispatchNotice, IntakeCase
from xinfang.platform.matters.documents import HERE, SLIP_FIELDS
from xinfang.platform.privacy.identity import mask_phone
from xinfang.platform.templating import cn_date
from xinfang.tenants.models import Node

KEY = "intake_dispatch_notice"


def _node(session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def build(ctx: DocumentContext) -> dict[str, Any]:
    notice = ctx.subject
    if not isinstance(notice, DispatchNotice):
        raise BadRequest("分流指派通知单须由受理室的分流记录生成")
    session = ctx.session
    office, unit = _node(session, notice.issuer_node_id), _node(session, notice.node_id)
    case = session.execute(select(IntakeCase).where(IntakeCase.id == notice.case_id),
                           execution_options={"skip_scope": True}).scalar_one()
    issuer = f"{office.name}矛盾纠纷受理室"  # the room signs its notices (seed 002)
    rows = [
        ["来访日期", cn_date(case.received_on)],
        ["来访人", f"{notice.visitor_name}（共{notice.headcount}人）"],
        ["联系电话", mask_phone(notice.visitor_phone) or "—"],  # as the unit sees it on screen
        ["问题类别", notice.category],
        ["反映问题", notice.summary],
        ["诉求", notice.demands or "—"],
        ["承办单位", unit.name],
        ["分流日期", cn_date(notice.issued_on)],
        ["办理要求", notice.requirements or "—"],
        ["回报期限", cn_date(notice.due_on)],
    ]
    return {"issuer": issuer, "number": str(ctx.params.get("number") or "").strip() or notice.number,
            "title": "矛盾纠纷受理分流指派通知单",
            "matter_number": "", "addressee": f"{unit.name}：", "rows": rows,
            "body": [f"请你单位按照办理要求及时调处化解，并于{cn_date(notice.due_on)}前将办理结果回报本受理室（办理回报）。"],
            "date": notice.issued_on.isoformat(), "copy_to": "", "printed_by": issuer,
            "printed_on": notice.issued_on.isoformat()}


SPEC = DocumentSpec(KEY, "矛盾纠纷受理分流指派通知单",
                    template(KEY, "矛盾纠纷受理分流指派通知单", HERE / "matter_form.html", SLIP_FIELDS), build)
