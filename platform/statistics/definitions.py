"""What is counted and how: the breakdowns of the totals and the rates, as data.

Each definition carries the words docs/statistics.md and the dashboard print (numerator,
denominator, which date puts a row in the period, which clock), so the page cites the same
definition the code computes. A rate whose data does not exist yet is declared with
``count=None`` (shown as not available); adding it is giving it a count. 参评率 and 满意率 count
the petitioners' own ratings (``matter_evaluations``, platform/public), never staff 回访.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, literal
from sqlalchemy.sql.elements import ColumnElement

from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.routes import registering_level
from xinfang.platform.statistics import figures as f
from xinfang.platform.statistics.figures import Frame
from xinfang.tenants.levels import LEVEL_KEYS


@dataclass(frozen=True)
class Breakdown:
    """Totals split by one property of the matter; ``param`` is the matter list's filter for it."""

    key: str
    label: str
    column: Callable[[], ColumnElement]
    labels: dict[str, str]
    param: str
    values: Callable[[str], str] = str  # the filter's value for a group's value


BREAKDOWNS = (
    Breakdown("channel", "按渠道", lambda: Matter.channel, vocabulary.CHANNELS, "channel"),
    Breakdown("form", "按形式", lambda: Matter.form, vocabulary.FORMS, "form"),
    Breakdown("kind", "按类型", lambda: Matter.kind, vocabulary.KINDS, "kind"),
    Breakdown("category", "按问题类别", lambda: Matter.category, {}, "category"),
    Breakdown("level", "按登记机构层级", registering_level, LEVEL_KEYS, "level"),
    Breakdown("overreach", "按越级情况", lambda: Matter.overreach, vocabulary.OVERREACH, "reach"),
    Breakdown("repeat", "初件、重件", lambda: case((Matter.repeat_of_id.is_(None), literal("first")),
                                                else_=literal("repeat")),
              {"first": "初件（初信初访）", "repeat": "重件（重信重访）"}, "repeat",
              lambda value: "true" if value == "repeat" else "false"),
    Breakdown("joint", "联名", lambda: case((Matter.joint_signature.is_(True), literal("yes")), else_=literal("no")),
              {"yes": "联名", "no": "非联名"}, "joint", lambda value: "true" if value == "yes" else "false"),
)


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    dates: str
    clock: str
    count: Callable[[Frame], tuple[int, int]] | None
    target: float | None = None
    target_source: str = ""
    higher_is_better: bool = True
    # the matter list behind the denominator and the numerator, when its filters can express them
    links: Callable[[Frame], tuple[dict[str, str], dict[str, str]]] | None = None
    unavailable: str = "暂无（尚无可统计的数据）"


TODAY_CLOCK = "平台时钟（北京时间）的今天；期间内尚未到期的期限不计入"
SEED_000 = "县信访工作目标（种子000）"


RATES = (
    Rate("timely_acceptance", "及时受理率",
         "按期完成的转送交办、受理告知期限数",
         "期间内到期或完成的“登记后转送、交办或告知”（条例第二十二条，15日）和“书面告知信访人是否受理”"
         "（条例第二十三条，15日）期限数",
         "期限完成日（未完成的按到期日）在期间内", TODAY_CLOCK, f.clock_rate(("dispose", "acknowledge"))),
    Rate("on_time_closing", "按期办结率", "按期办结的办理期限数",
         "期间内到期或完成的“受理后办结”期限数（条例第三十四条，60日，延期的按延长后的期限）",
         "期限完成日（未完成的按到期日）在期间内", TODAY_CLOCK, f.clock_rate(("handling",)), 0.90, SEED_000),
    Rate("stopped_petitioning", "息诉罢访率", "其中回访记录为“息诉罢访”的事项数",
         "期间内办结（含终结、调解和解、不予受理、导入法定程序）的事项数",
         "办结日期在期间内", "办结日期；回访不限日期", f.stopped_rate, 0.80, SEED_000),
    Rate("first_resolved", "初信初访一次性化解率", "其中此后没有重信重访的事项数",
         "期间内办结的初信初访事项数", "办结日期在期间内",
         "办结日期；重信重访算到今天", f.first_resolved_rate),
    Rate("repeat_rate", "重信重访率", "其中重信重访（重件）的事项数", "期间内收到的信访事项数",
         "收到日期在期间内", "收到日期", f.repeat_rate, None, "", False, f.repeat_links),
    Rate("transfer_feedback", "上级转送反馈率", "按期反馈的反馈期限数",
         "期间内到期或完成的“按交办机关指定期限反馈办理结果”期限数（条例第二十二条第（三）项）",
         "期限完成日（未完成的按到期日）在期间内", TODAY_CLOCK, f.clock_rate(("feedback",)), 0.90, SEED_000),
    Rate("online_on_time", "网上投诉按期回复率", "按期完成的网上信访办理期限数",
         "期间内到期或完成的网上信访事项“受理后办结”期限数", "期限完成日（未完成的按到期日）在期间内",
         TODAY_CLOCK, f.clock_rate(("handling",), channel="online"), 0.90, SEED_000),
    Rate("conclusion_rate", "终结率", "其中出具复核意见终结的事项数",
         "期间内办结且曾申请复查的事项数", "办结日期在期间内", "办结日期", f.conclusion_rate),
    Rate("participation", "参评率", "其中信访人已通过查询码作出评价的意见数",
         "期间内出具的处理意见、复查意见、复核意见数（每件事项每个环节一份）", "意见出具日期在期间内",
         "出具日期；评价算到今天", f.participation_rate),
    Rate("satisfaction", "满意率", "其中评价为“满意”或“基本满意”的意见数",
         "期间内出具、信访人已作出评价的意见数", "意见出具日期在期间内", "出具日期；评价算到今天",
         f.satisfaction_rate),
    Rate("follow_up_satisfaction", "回访满意率（工作人员回访）", "回访结果为满意、基本满意的回访次数",
         "期间内的回访次数（工作人员回访记录，不是信访人自己的评价）", "回访日期在期间内", "回访日期",
         f.follow_up_rate),
)
RATE_BY_KEY = {rate.key: rate for rate in RATES}

