"""Importing existing (historical) matters from an Excel sheet with Chinese headers.

All or nothing: every row is checked and registered through ``service.register`` in the
caller's one transaction; if any row is wrong, the caller rolls back and the clerk gets
every bad row by the row number Excel shows, with the reason, and nothing is imported.
A row may carry a 办结日期: the matter was already closed, so its clocks stop on that day.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field, replace

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.matters import clocks, service, vocabulary
from xinfang.platform.matters.models import Matter, MatterEvent
from xinfang.platform.matters.rules import Rules, rules_for
from xinfang.platform.privacy.identity import id_number_problem, phone_problem
from xinfang.platform.spreadsheets.limits import LIMITS
from xinfang.platform.spreadsheets.reading import Row, read_table
from xinfang.platform.spreadsheets.writing import append_row, write_cell
from xinfang.tenants.models import Node

MAX_IMPORT_ROWS = 1_000  # 30–40 ms of CPU a row (SQLite, PostgreSQL): a file must finish inside the proxy's 120 s
SHEET = "信访事项"
GUIDE = "填写说明"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool  # the cell must be filled
    note: str
    example: str = ""


COLUMNS = [
    Column("登记日期", "received_on", True, "格式如 2025-03-18;不得晚于今天;期限自此日起计算"),
    Column("登记单位代码", "node_code", True, "组织架构中的单位代码(县6位、乡镇9位、村12位),须在您的管辖范围内"),
    Column("信访渠道", "channel", True, "、".join(vocabulary.CHANNELS.values())),
    Column("信访形式", "form", True, "、".join(vocabulary.FORMS.values())),
    Column("人数", "headcount", False, "整数,不填按1人;集体访应为2人及以上"),
    Column("事项类别", "kind", True, "、".join(vocabulary.KINDS.values())),
    Column("问题分类", "category", True, "本县设置的问题分类之一"),
    Column("摘要", "summary", True, "反映的主要问题"),
    Column("诉求", "demands", False, "信访人的具体诉求"),
    Column("越级情况", "overreach", False, "、".join(vocabulary.OVERREACH.values()) + ";不填按未越级"),
    Column("信访人姓名", "name", True, "每行登记一名信访人"),
    Column("身份证号", "id_number", True, "18位居民身份证号码(请设置为文本格式,避免末几位变成0)"),
    Column("联系电话", "phone", False, "手机号11位,座机如0377-69663756"),
    Column("住址", "address", False, ""),
    Column("办结日期", "closed_on", False, "已办结的事项填写办结日期;不填表示仍在办理"),
]
REQUIRED_HEADERS = [c for c in COLUMNS if c.field != "closed_on"]  # the columns a file must have
# Other header texts clerks use for the same columns.
ALIASES = {**{c.header: c.field for c in COLUMNS}, "事项摘要": "summary", "信访人": "name", "姓名": "name",
           "身份证号码": "id_number", "电话": "phone", "来访人数": "headcount", "登记单位编码": "node_code"}
# Spellings of the fixed vocabularies seen in county ledgers, besides the labels themselves.
SYNONYMS = {
    "channel": {"网上": "online", "网信": "online", "电话": "phone", "转送": "transfer", "转办": "transfer"},
    "form": {"个人访": "individual", "个体访": "individual", "集访": "collective"},
    "kind": {"建议": "suggestion", "检举": "accusation", "控告": "accusation", "申诉": "claim", "求决": "claim"},
    "overreach": {"否": "none", "无": "none", "市": "city", "省": "province", "京": "beijing", "赴京": "beijing"},
}
VOCABULARIES = {"channel": (vocabulary.CHANNELS, "信访渠道"), "form": (vocabulary.FORMS, "信访形式"),
                "kind": (vocabulary.KINDS, "事项类别"), "overreach": (vocabulary.OVERREACH, "越级情况")}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


@dataclass
class Parsed:
    row: int
    data: service.MatterIn
    closed_on: dt.date | None


@dataclass
class Result:
    imported: list[tuple[int, Matter]] = field(default_factory=list)
    closed: int = 0

    def to_dict(self) -> dict:
        return {"imported": len(self.imported), "closed": self.closed, "open": len(self.imported) - self.closed,
                "matters": [{"row": row, "id": m.id, "number": m.number} for row, m in self.imported]}


def parse_date(text: str) -> dt.date | None:
    """A date as clerks type it (2025-03-18, 2025/3/18, 2025年3月18日) or as Excel stores it."""
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    if text.isdigit() and 20_000 <= int(text) <= 80_000:  # an Excel serial day number (1954–2119)
        return from_excel(int(text)).date()
    return None


def _vocabulary_key(kind: str, text: str) -> str | None:
    words, _ = VOCABULARIES[kind]
    by_label = {label: key for key, label in words.items()}
    return by_label.get(text) or (text if text in words else None) or SYNONYMS[kind].get(text)


class _Rows:
    """Checks one row at a time, remembering each node and county it has looked up."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.nodes: dict[str, Node | str] = {}
        self.rules: dict[int, Rules] = {}
        self.today = clock.today()

    def node(self, code: str) -> Node | str:
        """The registering node, or why it cannot be used."""
        if code not in self.nodes:
            node = self.session.scalar(select(Node).where(Node.code == code))
            if node is None:
                exists = self.session.execute(select(Node.id).where(Node.code == code),
                                              execution_options={"skip_scope": True}).first()
                self.nodes[code] = (f"登记单位代码“{code}”不在您的管辖范围内" if exists
                                    else f"登记单位代码“{code}”不存在")
            elif not authorize(self.actor, node, "matters", "register"):
                self.nodes[code] = f"您不能在“{node.name}”登记信访事项"
            else:
                self.nodes[code] = node
        return self.nodes[code]

    def categories(self, node: Node) -> tuple[str, ...]:
        county = node.county_id or node.id
        if county not in self.rules:
            self.rules[county] = rules_for(self.session, county)
        return self.rules[county].categories

    def parse(self, row: Row) -> Parsed | list[str]:
        v = row.values
        problems = [f"{c.header}不能为空" for c in COLUMNS if c.required and not v.get(c.field)]
        keys = {}
        for kind, (words, what) in VOCABULARIES.items():
            text = v.get(kind, "")
            if not text:
                keys[kind] = "none" if kind == "overreach" else ""
                continue
            keys[kind] = _vocabulary_key(kind, text) or ""
            if not keys[kind]:
                problems.append(f"{what}“{text}”不是可选项,应为:{'、'.join(words.values())}")
        received = closed = None
        if v.get("received_on"):
            received = parse_date(v["received_on"])
            if received is None:
                problems.append(f"登记日期“{v['received_on']}”格式不正确,应如 2025-03-18")
            elif received > self.today:
                problems.append("登记日期不能晚于今天")
        if v.get("closed_on"):
            closed = parse_date(v["closed_on"])
            if closed is None:
                problems.append(f"办结日期“{v['closed_on']}”格式不正确,应如 2025-03-18")
            elif closed > self.today:
                problems.append("办结日期不能晚于今天")
            elif received is not None and closed < received:
                problems.append("办结日期不能早于登记日期")
        headcount = 1
        if v.get("headcount"):
            try:
                headcount = int(v["headcount"])
            except ValueError:
                headcount = 0
            if headcount < 1:
                problems.append(f"人数“{v['headcount']}”应为正整数")
        if v.get("id_number") and (problem := id_number_problem(v["id_number"])):
            problems.append(problem)
        if v.get("phone") and (problem := phone_problem(v["phone"])):
            problems.append(problem)
        node = self.node(v["node_code"]) if v.get("node_code") else None
        if isinstance(node, str):
            problems.append(node)
        elif node is not None and v.get("category") and v["category"] not in self.categories(node):
            problems.append(f"问题分类“{v['category']}”不是本县设置的分类(见模板“{GUIDE}”页)")
        if problems:
            return problems
        petitioner = service.PetitionerIn(name=v["name"], id_number=v["id_number"], phone=v.get("phone", ""),
                                          address=v.get("address", ""))
        data = service.MatterIn(node_id=node.id, channel=keys["channel"], form=keys["form"], kind=keys["kind"],
                                category=v["category"], summary=v["summary"], petitioners=[petitioner],
                                demands=v.get("demands", ""), headcount=headcount, overreach=keys["overreach"],
                                received_on=received)
        return Parsed(row.number, data, closed)


def import_matters(session: Session, actor: Actor, filename: str, content: bytes) -> Result:
    """Register every row, or raise ``BadRequest`` listing every bad row (the caller rolls back)."""
    if not (filename or "").lower().endswith(".xlsx"):
        raise BadRequest("仅支持导入 .xlsx 格式的 Excel 文件;CSV 或 .xls 文件请在 Excel 中“另存为”Excel 工作簿(.xlsx)后再导入")
    rows = read_table(filename, content, ALIASES, replace(LIMITS, rows=MAX_IMPORT_ROWS))
    if not rows:
        raise BadRequest("文件中没有事项数据(第1行为表头,从第2行起每行一件事项)")
    missing = [c.header for c in REQUIRED_HEADERS if c.field not in rows[0].values]
    if missing:
        raise BadRequest(f"表头缺少以下列:{'、'.join(missing)};请使用导入模板")
    checker = _Rows(session, actor)
    bad: list[dict] = []
    result = Result()
    for row in rows:
        parsed = checker.parse(row)
        if isinstance(parsed, list):
            bad.append(_bad(row.number, parsed))
            continue
        try:
            matter = service.register(session, actor, parsed.data)
        except ClerkError as exc:
            bad.append(_bad(row.number, [d["message"] for d in exc.details] or [exc.message]))
            continue
        if parsed.closed_on is not None:
            close_historical(session, actor, matter, parsed.closed_on)
            result.closed += 1
        result.imported.append((row.number, matter))
    if bad:
        shown = "、".join(str(b["row"]) for b in bad[:20]) + ("等" if len(bad) > 20 else "")
        raise BadRequest(f"有{len(bad)}行数据有误(第{shown}行),全部未导入;请修改后重新上传", details=bad)
    return result


def _bad(number: int, problems: list[str]) -> dict:
    return {"row": number, "message": f"第{number}行:{';'.join(problems)}", "problems": problems}


def close_historical(session: Session, actor: Actor, matter: Matter, on: dt.date) -> None:
    """Record that an imported matter was closed on ``on``: its open clocks stop that day.

    The steps between registration and closing were not recorded in this system, so the
    timeline says so instead of inventing them."""
    for running in clocks.open_clocks(session, matter):
        clocks.stop(running, on)
    session.add(MatterEvent(matter_id=matter.id, on=on, actor_id=actor.user_id, actor_name=actor.display_name,
                            node_id=matter.node_id, action="close", label="办结(历史事项导入)",
                            from_state=matter.state, to_state="closed",
                            note="历史事项按导入表格所载办结日期登记办结,此前的办理过程未在本系统记录",
                            data={"imported": True}))
    matter.state, matter.closed_on = "closed", on
    matter.due_on, matter.deadline_state = None, None  # what refresh_matter says with no clock open


def template(session: Session, actor: Actor) -> bytes:
    """The import template: the header row, one example row that imports for this user, and
    a guide sheet with every allowed value (drop-down lists in the data sheet use it)."""
    node = _example_node(session, actor)
    categories = rules_for(session, (node.county_id or node.id) if node else None).categories
    category = "欠薪" if "欠薪" in categories else categories[0]
    example = {"received_on": clock.today().isoformat(), "node_code": node.code if node else "", "channel": "来访",
               "form": "个访", "headcount": 1, "kind": "申诉求决", "category": category,
               "summary": "反映在某工地务工期间工资被拖欠三个月", "demands": "要求支付拖欠的工资", "overreach": "未越级",
               "name": "张三", "id_number": "11010519491231002X", "phone": "13800138000",
               "address": "某某社区某某路1号", "closed_on": ""}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    append_row(sheet, [c.header for c in COLUMNS])
    append_row(sheet, [example[c.field] for c in COLUMNS])  # the category is the county's own text
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = max(12, min(40, 2 * len(str(example[column.field])) + 2))
        if column.field in ("node_code", "id_number", "phone", "received_on", "closed_on"):
            for r in range(2, 1002):  # text cells: Excel must not turn an ID number into 1.10105E+17
                sheet.cell(row=r, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = book.create_sheet(GUIDE)
    guide.append(["列名", "是否必填", "说明"])
    for column in COLUMNS:
        guide.append([column.header, "必填" if column.required else "选填", column.note])
    guide.append([])
    lists = {"信访渠道": list(vocabulary.CHANNELS.values()), "信访形式": list(vocabulary.FORMS.values()),
             "事项类别": list(vocabulary.KINDS.values()), "越级情况": list(vocabulary.OVERREACH.values()),
             "问题分类": list(categories)}
    start = guide.max_row + 1
    for offset, (title, values) in enumerate(lists.items()):
        letter = get_column_letter(offset + 1)
        guide[f"{letter}{start}"] = f"{title}可选值"
        guide[f"{letter}{start}"].font = bold
        for n, value in enumerate(values, start=1):
            write_cell(guide[f"{letter}{start + n}"], value)
        target = get_column_letter(next(i for i, c in enumerate(COLUMNS, start=1) if c.header == title))
        check = DataValidation(type="list", allow_blank=True, showErrorMessage=True, errorTitle="取值不正确",
                               error=f"请从下拉列表中选择{title}",
                               formula1=f"'{GUIDE}'!${letter}${start + 1}:${letter}${start + len(values)}")
        sheet.add_data_validation(check)
        check.add(f"{target}2:{target}1001")
    guide.column_dimensions["A"].width, guide.column_dimensions["C"].width = 16, 70
    for row in guide.iter_rows(min_row=1, max_row=len(COLUMNS) + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _example_node(session: Session, actor: Actor) -> Node | None:
    """Where this user registers matters (their first such assignment), else their home node."""
    for node_id in [a.node_id for a in actor.holding("matters:register")] + [actor.home_node_id]:
        if node_id is not None:
            node = session.execute(select(Node).where(Node.id == node_id),
                                   execution_options={"skip_scope": True}).scalar_one_or_none()
            if node is not None:
                return node
    return None
