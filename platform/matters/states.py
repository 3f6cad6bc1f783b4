"""The lifecycle of a matter under the 信访工作条例 (2022), as a table of transitions.

Every kind starts alike: registered ─assign→ assigned ─accept→ handling, or registered
─accept→ handling when the registering body is itself competent (Arts. 22–23); a unit that
is not competent returns it within 5 working days. Then each kind has its own track:

- 建议意见 (Art. 29): handling ─answer_suggestion→ closed (adopt / partly / not; reward note).
- 检举控告 (Art. 30): registered|handling ─transfer_discipline→ transferred ─discipline_feedback→
  closed; or the competent body replies; never 复查/复核.
- 申诉求决 (Art. 31): handling ─classify→ item 一–四: diverted (诉访分离, Art. 28);
  item 五: handling ─perform→ closed; item 六: handling ─reply→ replied ─request_review→
  reviewing ─review_reply→ review_replied ─request_rereview→ rereviewing ─rereview_reply→
  concluded (终结, Art. 36). A dispute may end in mediation or settlement (Art. 33).

``handling`` covers 受理 and 办理: the 60-day clock runs from acceptance (Art. 34). Answers
addressed to the petitioner are ``deliver``-ed (送达); review windows run from that date.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = {
    "registered": "已登记",
    "assigned": "已转送交办",
    "handling": "已受理办理中",
    "not_accepted": "不予受理",
    "transferred": "已移送纪检监察机关",
    "diverted": "已导入法定程序(诉访分离)",
    "replied": "已出具处理意见",
    "reviewing": "复查中",
    "review_replied": "已出具复查意见",
    "rereviewing": "复核中",
    "mediated": "调解和解结案",
    "concluded": "已终结",
    "closed": "已办结",
}
OPEN_STATES = frozenset({"registered", "assigned", "handling", "transferred", "replied", "reviewing",
                         "review_replied", "rereviewing"})
FINAL_STATES = frozenset(STATES) - OPEN_STATES
ANSWERED_STATES = frozenset(STATES) - {"registered", "assigned"}

KINDS_ALL = frozenset({"suggestion", "accusation", "claim"})
CLAIM = frozenset({"claim"})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state stays, or the act itself decides (classify)
    permission: str  # matters:<this>, checked at the node the transition acts on; "a|b": either
    kinds: frozenset[str] = KINDS_ALL
    # for a 申诉求决 matter: the Art. 31 items (None = not yet classified) the act is open to
    routes: frozenset[int | None] | None = None


_REVIEWERS = "matters:review|matters:approve"
TRANSITIONS = {t.action: t for t in (
    Transition("assign", "转送交办", frozenset({"registered"}), "assigned", "matters:assign"),
    Transition("return", "退回(不属于本单位职权范围)", frozenset({"assigned"}), "registered", "matters:handle"),
    Transition("accept", "受理", frozenset({"registered", "assigned"}), "handling", "matters:handle"),
    Transition("not_accept", "不予受理", frozenset({"registered", "assigned"}), "not_accepted", "matters:handle"),
    Transition("transfer_discipline", "移送纪检监察机关", frozenset({"registered", "handling"}), "transferred",
               "matters:assign|matters:handle", frozenset({"accusation"})),
    Transition("discipline_feedback", "纪检监察机关反馈办理结果", frozenset({"transferred"}), "closed",
               "matters:handle", frozenset({"accusation"})),
    Transition("answer_suggestion", "答复建议意见", frozenset({"handling"}), "closed", "matters:handle",
               frozenset({"suggestion"})),
    Transition("classify", "分类处理(条例第三十一条)", frozenset({"handling"}), None, "matters:handle", CLAIM,
               frozenset({None})),
    Transition("perform", "依法履行职责或答复", frozenset({"handling"}), "closed", "matters:handle", CLAIM,
               frozenset({5})),
    Transition("mediate", "调解和解结案", frozenset({"handling"}), "mediated", "matters:handle", CLAIM,
               frozenset({None, 6})),
    Transition("extend", "延长办理期限", frozenset({"handling"}), None, "matters:approve", CLAIM, frozenset({None, 6})),
    # a claim not classified otherwise is item 六 ("不属于以上情形的")
    Transition("reply", "出具处理意见书", frozenset({"handling"}), "replied", "matters:handle",
               frozenset({"claim", "accusation"}), frozenset({None, 6})),
    Transition("deliver", "送达", ANSWERED_STATES, None, "matters:handle|matters:review"),
    Transition("feedback", "向交办机关反馈办理结果", ANSWERED_STATES - {"handling", "transferred"}, None,
               "matters:handle"),
    Transition("request_review", "申请复查", frozenset({"replied"}), "reviewing", _REVIEWERS, CLAIM),
    Transition("review_reply", "出具复查意见", frozenset({"reviewing"}), "review_replied", _REVIEWERS, CLAIM),
    Transition("request_rereview", "申请复核", frozenset({"review_replied"}), "rereviewing", _REVIEWERS, CLAIM),
    Transition("pause", "听证(期限中止)", frozenset({"rereviewing", "handling"}), None, "matters:review|matters:approve|matters:handle", CLAIM),
    Transition("resume", "听证结束(期限恢复)", frozenset({"rereviewing", "handling"}), None, "matters:review|matters:approve|matters:handle", CLAIM),
    Transition("rereview_reply", "出具复核意见(终结)", frozenset({"rereviewing"}), "concluded", _REVIEWERS, CLAIM),
    Transition("close", "办结", frozenset({"replied", "review_replied"}), "closed", "matters:handle"),
)}

# Acts whose timeline entry is a written answer addressed to the petitioner (送达 is recorded for each).
ANSWERS = frozenset({"accept", "not_accept", "discipline_feedback", "answer_suggestion", "classify", "perform",
                     "reply", "review_reply", "rereview_reply"})
# Acts of the body that reviews (one level up), never of the office that owns the matter.
REVIEW_ACTS = frozenset({"request_review", "review_reply", "request_rereview", "rereview_reply"})


def _open_to(t: Transition, state: str, kind: str | None, route: int | None) -> bool:
    if state not in t.sources or (kind is not None and kind not in t.kinds):
        return False
    return t.routes is None or kind != "claim" or route in t.routes


def allowed(state: str, kind: str | None = None, route: int | None = None) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if _open_to(t, state, kind, route)]


def refusal(action: str, state: str, kind: str | None = None, route: int | None = None) -> str | None:
    """Why ``action`` cannot happen now (Chinese, for a 409), or None."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"未知的操作“{action}”"
    if _open_to(transition, state, kind, route):
        return None
    possible = "、".join(t.label for t in allowed(state, kind, route)) or "无"
    if state in transition.sources and kind is not None and kind not in transition.kinds:
        why = f"该类事项不适用“{transition.label}”"
    elif state in transition.sources:
        why = ("申诉求决类事项须先按条例第三十一条分类" if route is None
               else f"按条例第三十一条第{route}项处理的事项不适用“{transition.label}”")
    else:
        why = f"事项当前状态为“{STATES[state]}”,不能“{transition.label}”"
    return f"{why}。当前可进行的操作:{possible}"
