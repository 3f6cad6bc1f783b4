"""The lifecycle of a matter under the 信访工作条例 (2022), as a table of transitions.

registered ─assign→ assigned ─accept→ handling ─reply→ replied ─request_review→ reviewing
    ↑  └─not_accept (信访部门)     │  └─return (not competent, Art. 23) → registered
    │                             └─not_accept → not_accepted
replied ─close→ closed;  reviewing ─review_reply→ review_replied ─request_rereview→ rereviewing
review_replied ─close→ closed;  rereviewing ─rereview_reply→ concluded (终结, Art. 36)

``handling`` covers 受理 and 办理: the 60-day clock runs from acceptance (Art. 34).
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = {
    "registered": "已登记",
    "assigned": "已转送交办",
    "handling": "已受理办理中",
    "not_accepted": "不予受理",
    "replied": "已出具处理意见",
    "reviewing": "复查中",
    "review_replied": "已出具复查意见",
    "rereviewing": "复核中",
    "concluded": "已终结",
    "closed": "已办结",
}
OPEN_STATES = frozenset({"registered", "assigned", "handling", "replied", "reviewing", "review_replied",
                         "rereviewing"})
FINAL_STATES = frozenset(STATES) - OPEN_STATES


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state stays (an event on the timeline)
    permission: str  # matters:<this>, checked at the node the transition acts on


TRANSITIONS = {t.action: t for t in (
    Transition("assign", "转送交办", frozenset({"registered"}), "assigned", "matters:assign"),
    Transition("return", "退回(不属于本单位职权范围)", frozenset({"assigned"}), "registered", "matters:handle"),
    Transition("accept", "受理", frozenset({"assigned"}), "handling", "matters:handle"),
    Transition("not_accept", "不予受理", frozenset({"registered", "assigned"}), "not_accepted", "matters:handle"),
    Transition("extend", "延长办理期限", frozenset({"handling"}), None, "matters:approve"),
    Transition("reply", "出具处理意见书", frozenset({"handling"}), "replied", "matters:handle"),
    Transition("request_review", "申请复查", frozenset({"replied"}), "reviewing", "matters:review"),
    Transition("review_reply", "出具复查意见", frozenset({"reviewing"}), "review_replied", "matters:review"),
    Transition("request_rereview", "申请复核", frozenset({"review_replied"}), "rereviewing", "matters:review"),
    Transition("pause", "听证(期限中止)", frozenset({"rereviewing", "handling"}), None, "matters:review"),
    Transition("resume", "听证结束(期限恢复)", frozenset({"rereviewing", "handling"}), None, "matters:review"),
    Transition("rereview_reply", "出具复核意见(终结)", frozenset({"rereviewing"}), "concluded", "matters:review"),
    Transition("close", "办结", frozenset({"replied", "review_replied"}), "closed", "matters:handle"),
)}


def allowed(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def refusal(action: str, state: str) -> str | None:
    """Why ``action`` cannot happen in ``state`` (Chinese, for a 409), or None."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"未知的操作“{action}”"
    if state not in transition.sources:
        possible = "、".join(t.label for t in allowed(state)) or "无"
        return f"事项当前状态为“{STATES[state]}”,不能“{transition.label}”。当前可进行的操作:{possible}"
    return None
