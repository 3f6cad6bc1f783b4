"""The statute's words the plugin is allowed to use: the clauses a behaviour may rest on,
the responses Art. 47 ¶1 gives the staff, and the grounds on which ¶2 lets the public
security organs act. Nothing outside these lists can be stored (no detention, no "training")."""

from __future__ import annotations

KEY = "petition_order"
REVIEWER = "legal_reviewer"  # the plugin's role: the county's 法制审核员
NAME = "信访秩序集中整治"
SOURCE = "西峡县2013年信访工作思路“五个专项行动”之五（种子文件000）；《信访工作条例》第二十条、第二十六条、第四十七条"

# 条例第二十六条 items 一–六 and 第二十条: the only clauses a catalogue entry may cite
CLAUSES: dict[str, str] = {
    "art26_1": "第二十六条第（一）项：在机关、单位办公场所周围、公共场所非法聚集，围堵、冲击机关、单位，"
               "拦截公务车辆，或者堵塞、阻断交通",
    "art26_2": "第二十六条第（二）项：携带危险物品、管制器具",
    "art26_3": "第二十六条第（三）项：侮辱、殴打、威胁机关、单位工作人员，非法限制他人人身自由，或者毁坏财物",
    "art26_4": "第二十六条第（四）项：在信访接待场所滞留、滋事，或者将生活不能自理的人弃留在信访接待场所",
    "art26_5": "第二十六条第（五）项：煽动、串联、胁迫、以财物诱使、幕后操纵他人信访，或者以信访为名借机敛财",
    "art26_6": "第二十六条第（六）项：其他扰乱公共秩序、妨害国家和公共安全的行为",
    "art20": "第二十条：走访应到有权处理的本级或上一级机关设立或指定的接待场所；多人走访推选代表不超过5人",
}
CLAUSE_SHORT: dict[str, str] = {
    "art26_1": "第二十六条第（一）项", "art26_2": "第二十六条第（二）项", "art26_3": "第二十六条第（三）项",
    "art26_4": "第二十六条第（四）项", "art26_5": "第二十六条第（五）项", "art26_6": "第二十六条第（六）项",
    "art20": "第二十条",
}

# 条例第四十七条第一款: what the staff may do — nothing else
RESPONSES: dict[str, str] = {"dissuade": "劝阻", "criticise": "批评", "educate": "教育"}

# 条例第四十七条第二款: when the public security organs act
GROUNDS: dict[str, str] = {
    "public_order": "滋事扰序、缠访闹访情节严重，构成违反治安管理行为",
    "assembly": "违反集会游行示威相关法律法规",
}

STATUSES: dict[str, str] = {"draft": "待审核", "confirmed": "已确认", "anonymised": "已匿名化"}
OBJECTION_STATUSES: dict[str, str] = {"pending": "待复核", "upheld": "异议成立", "dismissed": "异议不成立"}
REVIEW_STATES: dict[str, str] = {"pending": "待事后审查", "upheld": "审查认为合法", "not_upheld": "审查认为不当"}

DEFAULT_RETENTION_DAYS = 730  # until a county sets its own (docs/order_campaign.md)
ERASED = "（已清除）"
