"""The petition-month campaign type: seed 001's phases, duties, metrics and documents."""

from __future__ import annotations

from xinfang.platform.api import FIVE_ONES, CampaignLink, CampaignType, ChecklistItemSpec, MatterChecklistSpec
from xinfang.plugins.petition_month import documents, metrics
from xinfang.plugins.petition_month.duties import ANNEXES, CHECKLISTS, KEY, NAME, PHASES, SOURCE

PETITION_MONTH = CampaignType(
    key=KEY,
    name=NAME,
    description="全面排查矛盾纠纷、领导干部定期接访、集中攻坚化解信访积案,为期一个月:"
                "动员部署2天、活动实施28天、总结巩固1天。",
    source=SOURCE,
    phases=PHASES,
    checklists=CHECKLISTS,
    # 五个一 per backlog matter: the ledger's row (annex 2) names them, each tick carries the
    # evidence (the 包案 notice, the plan, the signed minutes …) for every backlog matter in scope
    matter_checklist=MatterChecklistSpec(
        "five_ones", "五个一", tuple(ChecklistItemSpec(key, text, evidence=True) for key, text in FIVE_ONES.items()),
        matters="backlog"),
    metrics=metrics.SPECS,
    documents=documents.SPECS,
    ledgers=("screening", "backlog", "reception", "rota", "reporting"),
    # its own page, offered on the generic campaign page (declared in plugin.xinfang_pages)
    links=(CampaignLink("信访月汇总与文书", "/campaigns/{campaign_id}/petition-month", "petition_month:read",
                        "排查、接访、积案、报送的汇总,生成实施方案、附件台账、接访公告和总结报告"),),
    extra={"annexes": list(ANNEXES), "seed": "001"},
)
