"""The rows of a matters export: one row per matter, Chinese columns, petitioners' personal
data masked unless the caller may and asks to see it, and never shown to the accused unit.

The masking decision is the one ``views.viewer_for`` makes for a single matter, computed
once per owning node and per accused unit instead of once per row, so that a
50,000-row export does not ask the database a question per matter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.matters import clocks, views, vocabulary
from xinfang.platform.matters.models import PETITIONER_FIELDS, Matter, MatterPetitioner
from xinfang.platform.matters.states import STATES
from xinfang.platform.privacy.fields import PROTECTED_NOTICE, Viewer
from xinfang.tenants.models import Node

MAX_EXPORT_ROWS = 50_000
TITLE = "信访事项"
SEPARATOR = "、"  # several petitioners of one matter share its row

COLUMNS: list[tuple[str, str]] = [
    ("number", "编号"), ("received_on", "登记日期"), ("owner_name", "登记单位"), ("owner_code", "登记单位代码"),
    ("channel", "信访渠道"), ("form", "信访形式"), ("headcount", "人数"), ("kind", "事项类别"),
    ("category", "问题分类"), ("summary", "摘要"), ("demands", "诉求"), ("overreach", "越级情况"),
    ("joint_signature", "联名"), ("law_related", "涉法涉诉"), ("state", "状态"), ("deadline_state", "期限状态"),
    ("due_on", "办理期限"), ("closed_on", "办结日期"), ("repeat_count", "重复次数"), ("is_first", "初信初访"),
    ("name", "信访人"), ("id_number", "身份证号"), ("phone", "联系电话"), ("address", "住址"),
]


def _yes(value: bool) -> str:
    return "是" if value else "否"


@dataclass
class _Viewers:
    """``views.viewer_for``, remembered per owning node and per accused unit."""

    session: Session
    actor: Actor
    unmask: bool
    _pii: dict[int, bool] = field(default_factory=dict)
    _accused: dict[int, bool] = field(default_factory=dict)

    def may_read_pii(self, matter: Matter, owner: Node) -> bool:
        if matter.node_id not in self._pii:
            self._pii[matter.node_id] = authorize(self.actor, owner, "pii", "read")
        return self._pii[matter.node_id]

    def accused(self, matter: Matter) -> bool:
        if matter.kind != "accusation" or matter.accused_node_id is None:
            return False
        if matter.accused_node_id not in self._accused:
            self._accused[matter.accused_node_id] = views.acts_for_accused(self.session, self.actor, matter)
        return self._accused[matter.accused_node_id]

    def of(self, matter: Matter, owner: Node) -> Viewer:
        return Viewer(may_read_pii=self.unmask and self.may_read_pii(matter, owner), unmask=self.unmask,
                      accused=self.accused(matter))


def count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def export_rows(session: Session, actor: Actor, query: Select, unmask: bool) -> list[dict]:
    """The rows of every matter ``query`` selects (already filtered and ordered).

    With ``unmask``, the caller must hold ``pii:read`` at every exported matter's owning
    node (else 403, as for the people export); a matter that accuses the caller's unit is
    exported with the petitioner replaced by the legal notice either way (条例 Art. 30).
    """
    matters = session.scalars(query.limit(MAX_EXPORT_ROWS + 1)).all()  # no COUNT unless over the limit
    if len(matters) > MAX_EXPORT_ROWS:
        raise BadRequest(f"符合条件的信访事项共{count(session, query)}件,超过单次导出上限{MAX_EXPORT_ROWS}件,"
                         "请缩小筛选范围(例如按登记日期分段)后分次导出")
    ids = query.with_only_columns(Matter.id).order_by(None)
    petitioners: dict[int, list[MatterPetitioner]] = defaultdict(list)
    for p in session.scalars(select(MatterPetitioner).where(MatterPetitioner.matter_id.in_(ids))
                             .order_by(MatterPetitioner.matter_id, MatterPetitioner.id)):
        petitioners[p.matter_id].append(p)
    owners = {n.id: n for n in session.execute(
        select(Node).where(Node.id.in_({m.node_id for m in matters})),
        execution_options={"skip_scope": True}).scalars()}
    viewers = _Viewers(session, actor, unmask)
    if unmask:
        refused = {m.node_id for m in matters if not viewers.may_read_pii(m, owners[m.node_id])}
        if refused:
            names = "、".join(sorted(owners[n].name for n in refused)[:5])
            raise Forbidden(f"导出范围内有您无权查看完整个人信息的单位({names})登记的事项,"
                            "请缩小筛选范围或取消“完整导出”")
    return [_row(m, owners[m.node_id], petitioners[m.id], viewers.of(m, owners[m.node_id])) for m in matters]


def _row(matter: Matter, owner: Node, petitioners: list[MatterPetitioner], viewer: Viewer) -> dict:
    accusation = matter.kind == "accusation"
    shown = [PETITIONER_FIELDS.redact(views._petitioner(p), viewer, accusation) for p in petitioners]
    people = {key: SEPARATOR.join(str(p[key]) for p in shown if p[key]) for key in
              ("name", "id_number", "phone", "address")}
    if accusation and viewer.accused:  # one notice, not one per petitioner
        people = {key: (PROTECTED_NOTICE if value else "") for key, value in people.items()}
    return {
        "number": matter.number, "received_on": matter.received_on, "owner_name": owner.name,
        "owner_code": owner.code, "channel": vocabulary.label(vocabulary.CHANNELS, matter.channel),
        "form": vocabulary.label(vocabulary.FORMS, matter.form), "headcount": matter.headcount,
        "kind": vocabulary.label(vocabulary.KINDS, matter.kind), "category": matter.category,
        "summary": matter.summary, "demands": matter.demands,
        "overreach": vocabulary.label(vocabulary.OVERREACH, matter.overreach),
        "joint_signature": _yes(matter.joint_signature), "law_related": _yes(matter.law_related),
        "state": STATES.get(matter.state, matter.state),
        "deadline_state": clocks.STATES.get(matter.deadline_state or "", ""), "due_on": matter.due_on,
        "closed_on": matter.closed_on, "repeat_count": matter.repeat_count, "is_first": _yes(matter.is_first),
        **people,
    }
