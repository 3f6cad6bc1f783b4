"""The campaign's phases and each level's duties, as seed 001 sets them out.

Day offsets count from the campaign's first day (the seed: 动员部署 9月15日–16日, 活动实施
9月17日–10月14日, 总结巩固 10月15日, i.e. days 0–1, 2–29 and 30). Weekly duties follow the
seed's cadence: screening twice a week, reports every Wednesday and Friday, the rota rules
checked week by week. Which duties the platform's own data proves is in ``AUTOMATIC``;
the rest are ticked by hand with evidence.
"""

from __future__ import annotations

from xinfang.platform.api import ChecklistItemSpec, ChecklistSpec, PhaseSpec

KEY = "petition_month"
NAME = "“大排查”“大接访”“大化解”信访月专项活动"
SOURCE = "青阳街道办事处《青阳街道“大排查”“大接访”“大化解”信访月专项活动实施方案》（晋政青〔2024〕62号，种子文件001）"

MOBILIZE, IMPLEMENT, CONSOLIDATE = "mobilize", "implement", "consolidate"
PHASES = (
    PhaseSpec(MOBILIZE, "动员部署", 0, 1),
    PhaseSpec(IMPLEMENT, "活动实施", 2, 29),
    PhaseSpec(CONSOLIDATE, "总结巩固", 30, 30),
)
# What each phase is for (the plan notice prints these after the phase's dates).
PHASE_TEXT = {
    MOBILIZE: "制定具体实施方案，进行全面动员部署，分解工作责任，明确时序进度。",
    IMPLEMENT: "街道（乡镇）、社区（村）联动，“大排查”“大接访”“大化解”三大活动同步实施，推动信访总量、"
               "进京越级上访、到省集体上访等指标明显下降。",
    CONSOLIDATE: "认真总结活动开展情况，提炼可复制、可推广的经验，固化成长效机制，分析存在的问题和不足，"
                 "进一步健全完善信访工作制度体系。",
}


def _item(key: str, text: str, recurrence: str = "once", times: int = 1, evidence: bool = False) -> ChecklistItemSpec:
    return ChecklistItemSpec(key, text, recurrence, times, evidence)


CHECKLISTS = (
    ChecklistSpec("township_mobilize", "动员部署（街道、乡镇）", "township", (
        _item("plan", "制定具体实施方案，印发各社区（村）和相关单位", evidence=True),
        _item("meeting", "召开动员部署会议，分解工作责任，明确时序进度", evidence=True),
    ), phase=MOBILIZE),
    ChecklistSpec("township_screening", "矛盾纠纷大排查（街道、乡镇）", "township", (
        _item("screening", "每周2次排查矛盾纠纷和信访突出问题，重大情况随时排查报告", "week", 2),
        _item("analysis", "对信访突出问题、社会热难点问题开展专题分析和综合分析，提出源头防范建议", evidence=True),
    ), phase=IMPLEMENT),
    ChecklistSpec("township_reception", "领导干部大接访（街道、乡镇）", "township", (
        _item("main_leaders", "党政主要领导每周不少于1次在基层治理中心接访下访", "week", 1),
        _item("daily_leader", "每日安排1名及以上领导在基层治理中心接访下访", "week", 1),
        _item("daily_notice", "提前公布接访领导和时间地点，每天发布接访公告", "week", 1),
        _item("ownership", "接访中当场不能解决的疑难复杂事项确定包案领导，落实“四包”责任", "week", 1),
    ), phase=IMPLEMENT),
    ChecklistSpec("township_backlog", "信访积案大化解（街道、乡镇）", "township", (
        _item("listing", "未按期办结、重复信访和进京到省信访事项全部列入积案清单（应列尽列），逐案落实“五个一”",
              "week", 1),
    ), phase=IMPLEMENT),
    ChecklistSpec("township_consolidate", "总结巩固（街道、乡镇）", "township", (
        _item("summary", "总结活动开展情况，形成总结报告", evidence=True),
        _item("mechanism", "提炼可复制、可推广的经验，固化为长效机制", evidence=True),
    ), phase=CONSOLIDATE),
    ChecklistSpec("village_mobilize", "动员部署（社区、村）", "village", (
        _item("deploy", "传达实施方案，明确社区（网格）排查和接访责任", evidence=True),
    ), phase=MOBILIZE),
    ChecklistSpec("village_screening", "矛盾纠纷大排查（社区、村）", "village", (
        _item("screening", "社区（网格）每周2次排查矛盾纠纷，重大情况随时排查报告", "week", 2),
        _item("report_screening", "每周三、五向街道（乡镇）信访办报送排查的信访突出问题清单", "week", 2),
        _item("report_reception", "每周三、五向街道（乡镇）信访办报送接访情况", "week", 2),
    ), phase=IMPLEMENT),
    ChecklistSpec("village_reception", "领导干部大接访（社区、村）", "village", (
        _item("first_grid_head", "第一网格长每周不少于1次在挂钩社区接访下访", "week", 1),
        _item("community_daily", "社区主干每日在社区信访接待室轮值接访", "week", 1),
        _item("notice", "提前公布本社区接访安排", "week", 1),
    ), phase=IMPLEMENT),
    ChecklistSpec("grid_screening", "网格排查", "grid", (
        _item("screening", "网格每周2次排查矛盾纠纷，重大情况随时报告", "week", 2),
    ), phase=IMPLEMENT),
)

# Duties the periodic task ticks from the platform's own records (checklist, item) → source.
AUTOMATIC = {
    ("township_screening", "screening"): "screening",
    ("village_screening", "screening"): "screening",
    ("grid_screening", "screening"): "screening",
    ("village_screening", "report_screening"): "submission",
    ("village_screening", "report_reception"): "submission",
    ("township_reception", "main_leaders"): "rota",
    ("township_reception", "daily_leader"): "rota",
    ("township_reception", "daily_notice"): "rota",
    ("village_reception", "first_grid_head"): "rota",
    ("village_reception", "community_daily"): "rota",
    ("village_reception", "notice"): "rota",
    ("township_reception", "ownership"): "ownership",
    ("township_backlog", "listing"): "backlog",
    ("township_consolidate", "summary"): "document",
}

# The plan's annexes (附件1–4), in the seed's order.
ANNEXES = ("矛盾纠纷排查化解清单", "信访积案和突出问题化解清单", "领导干部接待群众来访登记表",
           "信访月专项活动领导接访安排表")
