"""The campaign type: six months (seed 000: “利用半年时间”), three phases, its metrics and documents."""

from __future__ import annotations

from xinfang.platform.api import CampaignType, PhaseSpec
from xinfang.plugins.order import documents, metrics
from xinfang.plugins.order.vocabulary import KEY, NAME, SOURCE

PETITION_ORDER = CampaignType(
    key=KEY,
    name=NAME,
    description="依照《信访工作条例》第二十条、第二十六条、第四十七条,对违反信访秩序的行为逐件登记、审核、"
                "依法劝阻批评教育;当事人的信访事项照常办理。为期半年。",
    source=SOURCE,
    phases=(PhaseSpec("mobilise", "动员部署", 0, 14), PhaseSpec("rectify", "集中整治", 15, 166),
            PhaseSpec("review", "总结评估", 167, 181)),
    metrics=metrics.SPECS,
    documents=documents.SPECS,
    extra={"seed": "000", "statute": ["第二十条", "第二十六条", "第四十七条"]},
)
