"""A county's own settings for matters, with defaults when it has not set them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from xinfang.platform.matters.models import CountyRules
from xinfang.platform.matters.vocabulary import DEFAULT_CATEGORIES
from xinfang.tenants.models import Node

CHECKLISTS = {
    # seed 001: 包掌握情况、包思想教育、包解决化解、包息诉息访
    "four": ("包掌握情况", "包思想教育", "包解决化解", "包息诉息访"),
    # seed 003: “五包”即包掌握情况、包思想转化、包解决问题、包劝返、包息诉罢访
    "five": ("包掌握情况", "包思想转化", "包解决问题", "包劝返", "包息诉罢访"),
}


@dataclass(frozen=True)
class Rules:
    counting_rule: str = "civil_code"
    due_soon_days: int = 3
    escalate_every_days: int = 5
    ownership_checklist: str = "four"
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    discipline_node_id: int | None = None  # the county's 纪检监察 body (Art. 30)

    def to_dict(self) -> dict:
        return {"counting_rule": self.counting_rule, "due_soon_days": self.due_soon_days,
                "escalate_every_days": self.escalate_every_days, "ownership_checklist": self.ownership_checklist,
                "checklist_items": list(CHECKLISTS[self.ownership_checklist]), "categories": list(self.categories),
                "discipline_node_id": self.discipline_node_id}


def rules_for(session: Session, county_id: int | None) -> Rules:
    row = session.execute(_RULES, {"county": county_id},
                          execution_options={"skip_scope": True}).one_or_none() if county_id else None
    if row is None:
        return Rules()
    return Rules(row.counting_rule, row.due_soon_days, row.escalate_every_days, row.ownership_checklist,
                 categories_of(row.categories), row.discipline_node_id)


def categories_of(stored: list[str] | None) -> tuple[str, ...]:
    """A county's categories from its rules row's column (None: no row); the defaults when it set none."""
    return tuple(stored or ()) or DEFAULT_CATEGORIES


# built once (every act and registration reads its county's rules); the values, not the row
_RULES = select(CountyRules.counting_rule, CountyRules.due_soon_days, CountyRules.escalate_every_days,
                CountyRules.ownership_checklist, CountyRules.categories,
                CountyRules.discipline_node_id).where(CountyRules.node_id == bindparam("county"))


def category_problems(session: Session, node: Node, category: str) -> list[str]:
    """A matter, screening entry, reception or intake case takes one of its county's categories."""
    categories = rules_for(session, node.county_id or node.id).categories
    return [] if category in categories else [f"问题类别应为本县设置的分类之一:{'、'.join(categories)}"]


def visit_problems(session: Session, node: Node, category: str, summary: str, headcount: int) -> list[str]:
    """What the record of a visit (a leader's reception, an intake case) must say."""
    found = category_problems(session, node, category)
    if not summary.strip():
        found.append("反映的问题不能为空")
    if headcount < 1:
        found.append("来访人数至少为1")
    return found
