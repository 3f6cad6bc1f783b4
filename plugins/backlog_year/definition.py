"""The 积案化解年 campaign type: seed 003's four phases anchored to the calendar year, the
九个一 per 积案 (the core's per-matter checklist over the matters this plugin names), metrics
and documents."""

from __future__ import annotations

from xinfang.platform.api import CampaignLink, CampaignType, ChecklistItemSpec, MatterChecklistSpec, PhaseSpec
from xinfang.plugins.backlog_year import documents, figures
from xinfang.plugins.backlog_year.vocabulary import (
    CONCLUDE,
    INSPECT,
    KEY,
    NAME,
    NINE_ONES,
    PREPARE,
    RESOLVE,
    SOURCE,
)

PHASES = (
    PhaseSpec(PREPARE, "排查准备", first_on="01-01", last_on="06-30"),
    PhaseSpec(RESOLVE, "集中化解", first_on="07-01", last_on="09-30"),
    PhaseSpec(INSPECT, "督导检查", first_on="10-01", last_on="10-31"),
    PhaseSpec(CONCLUDE, "审理结案", first_on="11-01", last_on="12-31"),
)

BACKLOG_YEAR = CampaignType(
    key=KEY,
    name=NAME,
    description="逐案化解信访积案:排查准备(六清楚)、集中化解(九个一、五包、60个工作日)、督导检查、"
                "审理结案(六有案卷、结案销号),自启动至当年12月31日。",
    source=SOURCE,
    phases=PHASES,
    matter_checklist=MatterChecklistSpec(
        "nine_ones", "九个一", tuple(ChecklistItemSpec(k, text, evidence=True) for k, text in NINE_ONES.items()),
        matters="campaign"),
    metrics=figures.METRICS,
    documents=documents.SPECS,
    ledgers=("backlog",),
    links=(CampaignLink("积案台账与逐案办理", "/campaigns/backlog-year/{campaign_id}", "backlog_year:read",
                        "积案候选与台账、六清楚、分类、交办、九个一、六有案卷与销号、督导检查、指标和文书"),),
    extra={"seed": "003"},
)
