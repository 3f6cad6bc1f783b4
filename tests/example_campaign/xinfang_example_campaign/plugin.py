"""“无访村”争创 (seed 000: a village with no petition to the county or above in a year is
honoured): a county-written campaign, using only the public plugin hooks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from xinfang.platform.api import (
    COLUMN,
    CampaignType,
    ChecklistItemSpec,
    ChecklistSpec,
    Level,
    Matter,
    MetricSpec,
    MigrationSpec,
    NavItem,
    Node,
    PageSpec,
    PermissionSpec,
    PhaseSpec,
    RoleSpec,
    hookimpl,
)
from xinfang_example_campaign import routes


def _villages_without_petitions(session, campaign, node):
    column = getattr(Node, COLUMN[Level(node.level)])
    villages = session.scalars(select(Node.id).where(column == node.id, Node.level == "village")).all()
    with_matters = set(session.scalars(
        select(Matter.village_id).where(Matter.village_id.in_(villages),
                                        Matter.received_on.between(campaign.starts_on, campaign.ends_on))
        .group_by(Matter.village_id).having(func.count() > 0)))
    clean = [v for v in villages if v not in with_matters]
    return (round(len(clean) / len(villages), 4) if villages else None,
            {"villages": len(villages), "without_petitions": len(clean)})


NO_PETITION_VILLAGE = CampaignType(
    key="no_petition_village",
    name="“无访村”争创",
    description="全年无到县以上上访的村(社区),由县委授予“无访村”荣誉称号",
    source="西峡县2013年信访工作思路(种子文件000)",
    phases=(PhaseSpec("declare", "申报", 0, 6), PhaseSpec("assess", "评选", 7, 20)),
    checklists=(
        ChecklistSpec("village_visits", "村(社区)走访", "village",
                      (ChecklistItemSpec("weekly_visit", "每周走访群众,排查矛盾纠纷", recurrence="week", times=1,
                                         evidence=True),), phase="declare"),
        ChecklistSpec("township_declare", "乡镇申报", "township",
                      (ChecklistItemSpec("submit", "汇总并上报本乡镇“无访村”申报材料", evidence=True),),
                      phase="assess"),
    ),
    metrics=(MetricSpec("clean_share", "无访村占比", 0.5, "比例", _villages_without_petitions),),
)


@hookimpl
def xinfang_campaign_types():
    return [NO_PETITION_VILLAGE]


@hookimpl
def xinfang_permissions():
    return [PermissionSpec(routes.READ, "查看无访村争创材料", ("county_admin", "officer", "supervisor")),
            PermissionSpec(routes.AWARD, "授予“无访村”称号", ("county_admin",))]


@hookimpl
def xinfang_roles():
    # the county's assessment panel: reads the campaign and the honours, changes nothing
    return [RoleSpec("village_assessor", "无访村评审员", "查看无访村争创活动和名单",
                     permissions=("campaigns:read", "tenants:read", routes.READ), read_only=True)]


@hookimpl
def xinfang_route_handlers():
    return list(routes.route_handlers)


@hookimpl
def xinfang_migrations():
    return [MigrationSpec("no_petition_village", str(Path(__file__).resolve().parent / "migrations"))]


@hookimpl
def xinfang_pages():
    return [PageSpec("/campaigns/no-petition-village/honours", "“无访村”名单", routes.READ, routes.honours_page)]


@hookimpl
def xinfang_navigation():
    return [NavItem("“无访村”名单", "/campaigns/no-petition-village/honours", routes.READ, order=500)]
