"""The fixed vocabularies of a petition matter (条例 Arts. 17, 20, 31), keys and Chinese labels."""

from __future__ import annotations

CHANNELS = {"letter": "来信", "visit": "来访", "online": "网上信访", "phone": "来电", "transfer": "上级转送"}
FORMS = {"individual": "个访", "collective": "集体访"}
KINDS = {"suggestion": "建议意见", "accusation": "检举控告", "claim": "申诉求决"}
# How far above the competent level the petitioner went (越级).
OVERREACH = {"none": "未越级", "city": "到市", "province": "到省", "beijing": "进京"}
OPINION_RESULTS = {"support": "予以支持", "explain": "解释说明", "reject": "不予支持"}
JOINT_MODES = {"joint_handling": "联办", "joint_check": "联核", "joint_reply": "联复"}
# Art. 31: how a 申诉求决 matter is dealt with; items 1–4 leave the 信访 track (诉访分离, Art. 28).
ROUTES = {
    1: "第一项:诉讼、复议、检察或公安法律程序",
    2: "第二项:仲裁",
    3: "第三项:党员申诉、申请复审",
    4: "第四项:行政复议、裁决、确认、许可、处罚等行政程序",
    5: "第五项:依法履行职责或答复",
    6: "第六项:调查核实,出具信访处理意见书",
}
DIVERTED_ROUTES = frozenset({1, 2, 3, 4})
# Art. 29: what became of a suggestion.
SUGGESTION_DECISIONS = {"adopt": "采纳", "partly": "部分采纳", "not_adopt": "未予采纳"}
# 送达 of a written answer.
DELIVERY_METHODS = {"in_person": "直接送达", "mail": "邮寄送达", "electronic": "电子送达", "agent": "委托送达",
                    "left": "留置送达"}
# Art. 33
AGREEMENT_MODES = {"mediation": "调解", "settlement": "和解"}
AGREEMENT_SIDES = {"petitioner": "信访人一方", "other": "争议另一方"}

# Art. 20: a collective visit sends at most five representatives.
MAX_REPRESENTATIVES = 5

# Categories a county starts with (seeds 000–003); each county edits its own list.
DEFAULT_CATEGORIES = ("农村土地承包", "村级财务", "企业改制遗留", "城镇房屋拆迁", "征地", "涉法涉诉", "欠薪",
                      "房地产", "邻里纠纷", "环境保护", "社会保障", "其他")


def label(vocabulary: dict[str, str], key: str) -> str:
    return vocabulary.get(key, key)


def check(vocabulary: dict[str, str], key: str, what: str) -> str:
    from xinfang.platform.errors import BadRequest

    if key not in vocabulary:
        raise BadRequest(f"{what}应为:{'、'.join(f'{k}({v})' for k, v in vocabulary.items())}")
    return key
