"""The form of each act on the matter page: its fields with Chinese labels, and how a posted
form becomes the payload ``service.act`` takes (the same payload the JSON API sends).

Only the fields are declared here; every rule (what is required, windows, limits) stays in
the service, whose Chinese message the page shows when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.opinions import PARTS

MAX_FIELD = 10_000  # no act field is longer (LongText)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | number | select | checkbox | unit
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""


def _choices(vocab: dict) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), v) for k, v in vocab.items())


NOTE = Field("note", "备注", "textarea")
OPINION = (Field("request", PARTS["request"], "textarea", True),
           Field("facts", PARTS["facts"], "textarea", True),
           Field("result", "处理意见", "select", True, _choices(vocabulary.OPINION_RESULTS)),
           Field("basis", PARTS["basis"], "textarea", True),
           Field("opinion", "意见书正文（可选）", "textarea"))

FIELDS: dict[str, tuple[Field, ...]] = {
    "assign": (Field("lead_unit_id", "承办单位", "unit", True),
               Field("report_due_on", "要求反馈办理结果的期限", "date"), NOTE),
    "return": (Field("reason", "退回理由（不属于本单位职权范围的具体说明）", "textarea", True),),
    "accept": (Field("new_facts", "信访人提出了新的事实和理由", "checkbox"), NOTE),
    "not_accept": (Field("reason", "不予受理的理由", "textarea", True),),
    "transfer_discipline": (NOTE,),
    "discipline_feedback": (Field("result", "办理结果", "textarea", True),),
    "answer_suggestion": (Field("decision", "研究结论", "select", True, _choices(vocabulary.SUGGESTION_DECISIONS)),
                          Field("reply", "对建议意见的回复", "textarea", True),
                          Field("reward_note", "奖励情况（如有）", "text")),
    "classify": (Field("route", "处理方式（条例第三十一条）", "select", True, _choices(vocabulary.ROUTES)),
                 Field("body", "导入的机关或程序（第一至四项填写）", "text"), NOTE),
    "perform": (Field("outcome", "办理方式", "select", True,
                      (("performed", "依法履行职责"), ("answered", "依法答复"))),
                Field("text", "履行职责的情况或答复内容", "textarea", True), Field("basis", "依据", "text")),
    "mediate": (Field("mode", "结案方式", "select", True, _choices(vocabulary.AGREEMENT_MODES)),
                Field("terms", "协议内容", "textarea", True),
                Field("petitioner_party", "信访人一方（姓名）", "text", True),
                Field("other_party", "争议另一方（姓名或名称）", "text", True),
                Field("agreed", "双方当事人均已同意协议", "checkbox")),
    "extend": (Field("days", "延长天数（不超过30日）", "number", True),
               Field("reason", "延期理由", "textarea", True),
               Field("told_petitioner_on", "告知信访人延期理由的日期", "date", True)),
    "reply": OPINION,
    "review_reply": OPINION,
    "rereview_reply": OPINION,
    "deliver": (Field("method", "送达方式", "select", True, _choices(vocabulary.DELIVERY_METHODS)),
                Field("proof", "送达凭证（签收回执、邮寄单号等）", "text", True)),
    "feedback": (Field("report", "反馈的办理结果（办结报告）", "textarea", True),),
    "request_review": (Field("outside_body", "复查机关（平台外机关时填写）", "text"), NOTE),
    "request_rereview": (Field("outside_body", "复核机关（平台外机关时填写）", "text"), NOTE),
    "pause": (NOTE,),
    "resume": (NOTE,),
    "close": (NOTE,),
}
DATE_FIELD = Field("on", "办理日期（不填为今天）", "date")
INTEGERS = frozenset({"lead_unit_id", "route", "days"})


def fields_of(action: str) -> tuple[Field, ...]:
    return (*FIELDS.get(action, (NOTE,)), DATE_FIELD)


def payload_of(action: str, form: dict[str, Any]) -> dict[str, Any]:
    """The act's payload from a posted form: known fields only, texts trimmed and bounded,
    ticked boxes True, numbers as numbers (a number that is not one is left for the
    service to refuse in Chinese)."""
    payload: dict[str, Any] = {}
    for spec in fields_of(action):
        raw = str(form.get(spec.name) or "").strip()[:MAX_FIELD]
        if spec.kind == "checkbox":
            payload[spec.name] = bool(raw)
        elif raw == "":
            continue
        elif spec.name in INTEGERS and raw.isdigit():
            payload[spec.name] = int(raw)
        else:
            payload[spec.name] = raw
    if action == "mediate":
        agreed = payload.pop("agreed", False)
        payload["parties"] = [{"side": side, "name": payload.pop(key, ""), "agreed": agreed}
                              for side, key in (("petitioner", "petitioner_party"), ("other", "other_party"))]
    return payload
