"""督办函: the letter an office sends the unit it supervises (条例第四十条; seeds 000 and 004:
立案督办、发函督办、现场督办、专项督办).

Built from a ``SupervisionLetter`` (the document context's ``subject``): the facts any 督办
order can give — who supervises whom, how, about what (a matter, or the unit's work),
what is required and by when the result is reported. The manual 督办 orders hand one to
``documents.generate(..., "supervision_letter", office_id, subject=letter)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xinfang.platform.documents.registry import template
from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.matters.documents import LAW, LETTER_FIELDS, NOTICE_HTML, _sentence, _short, issuer_name
from xinfang.platform.templating import cn_date

KEY = "supervision_letter"
MODES = {"case": "立案督办", "letter": "发函督办", "onsite": "现场督办", "special": "专项督办"}


@dataclass(frozen=True)
class SupervisionLetter:
    """What a 督办函 says. ``supervisor`` and ``unit`` are tree nodes; ``subject`` is what is
    supervised (e.g. 反映灌溉渠被填埋的信访事项超期未办结), ``matter_number`` its matter if any."""

    supervisor: Any
    unit: Any
    mode: str
    subject: str
    requirements: str
    due_on: dt.date
    on: dt.date
    number: str = ""
    matter_number: str = ""


def build(ctx: DocumentContext) -> dict[str, Any]:
    letter = ctx.subject
    if not isinstance(letter, SupervisionLetter):
        raise BadRequest("督办函须由督办记录生成")
    if letter.mode not in MODES:
        raise BadRequest(f"督办方式应为：{'、'.join(f'{k}（{v}）' for k, v in MODES.items())}")
    if letter.due_on <= letter.on:
        raise BadRequest("报送办理结果的期限应晚于督办日期")
    issuer = issuer_name(letter.supervisor)
    mode = MODES[letter.mode]
    about = _short(_sentence(letter.subject).rstrip("。"))
    if letter.matter_number:
        about += f"（事项编号：{letter.matter_number}）"
    return {
        "issuer": issuer, "number": letter.number or str(ctx.params.get("number") or ""), "title": "督办函",
        "matter_number": letter.matter_number, "addressee": f"{letter.unit.name}：",
        "body": [f"关于{about}，根据{LAW}第四十条的规定，现予{mode}。",
                 f"督办要求：{_sentence(letter.requirements)}",
                 f"请于{cn_date(letter.due_on)}前将办理情况和结果书面报告本机关。逾期未报告或办理不力的，"
                 "将按规定予以通报并追究相关责任。"],
        "date": letter.on.isoformat(), "copy_to": "", "printed_by": issuer, "printed_on": letter.on.isoformat(),
    }


SPEC = DocumentSpec(KEY, "督办函", template(KEY, "督办函", NOTICE_HTML, LETTER_FIELDS), build)
