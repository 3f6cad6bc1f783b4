"""Demo data: two counties with townships, villages/communities, grids, departments and a
user for every role. Loaded by ``xinfang demo`` and by ``make run`` on an empty database."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.roles import JOB_BY_KEY
from xinfang.platform.accounts.passwords import hash_password
from xinfang.platform.accounts.service import create_user, grant_role
from xinfang.platform.matters.models import CountyRules
from xinfang.tenants.models import Node
from xinfang.tenants.tree import create_node

DEMO_PASSWORD = "Xinfang-2026"

# (level, code, name, parent code)
TREE = [
    ("county", "411323", "西峡县", None),
    ("township", "411323001", "白羽街道", "411323"),
    ("township", "411323100", "丹水镇", "411323"),
    ("village", "411323001001", "城东社区", "411323001"),
    ("village", "411323001002", "莲花社区", "411323001"),
    ("village", "411323100201", "丹水村", "411323100"),
    ("village", "411323100202", "上营村", "411323100"),
    ("grid", "411323001001-01", "城东社区第一网格", "411323001001"),
    ("grid", "411323001001-02", "城东社区第二网格", "411323001001"),
    ("grid", "411323100201-01", "丹水村第一网格", "411323100201"),
    ("department", "411323-ZJJ", "西峡县住房和城乡建设局", "411323"),
    ("department", "411323-RSJ", "西峡县人力资源和社会保障局", "411323"),
    ("department", "411323-JW", "西峡县纪委监委", "411323"),
    ("county", "350582", "晋江市", None),
    ("township", "350582001", "青阳街道", "350582"),
    ("township", "350582002", "梅岭街道", "350582"),
    ("village", "350582001001", "莲屿社区", "350582001"),
    ("village", "350582001002", "洪山社区", "350582001"),
    ("village", "350582002001", "桂山社区", "350582002"),
    ("grid", "350582001001-01", "莲屿社区第一网格", "350582001001"),
    ("grid", "350582002001-01", "桂山社区第一网格", "350582002001"),
    ("department", "350582-ZJJ", "晋江市住房和城乡建设局", "350582"),
    ("department", "350582-RSJ", "晋江市人力资源和社会保障局", "350582"),
    ("department", "350582-JW", "晋江市纪委监委", "350582"),
]

# each county's 纪检监察 body
DISCIPLINE = {"411323": "411323-JW", "350582": "350582-JW"}

# (username, display name, position, home node code, job key in permissions.roles.JOBS):
# each user holds the roles of their job, at their home node or the ancestor the job names.
USERS = [
    ("operator", "平台运维", "运维工程师", None, "platform_operator"),
    ("xx_admin", "王建国", "县信访局系统管理员", "411323", "county_admin"),
    ("xx_officer", "李秀英", "县信访局干部", "411323", "county_officer"),
    ("xx_leader", "张志强", "副县长", "411323", "county_leader"),
    ("xx_supervisor", "刘正", "县纪委监委干部", "411323", "county_supervisor"),
    ("xx_handler", "陈敏", "住建局信访专干", "411323-ZJJ", "department_handler"),
    ("xx_jw_handler", "高洁", "县纪委监委信访室干部", "411323-JW", "department_handler"),
    ("xx_by_admin", "赵丽", "白羽街道信访办主任", "411323001", "township_office_head"),
    ("xx_by_officer", "孙伟", "白羽街道信访干部", "411323001", "township_officer"),
    ("xx_by_leader", "周涛", "白羽街道党工委书记", "411323001", "township_leader"),
    ("xx_by_supervisor", "吴静", "白羽街道纪工委书记", "411323001", "township_supervisor"),
    ("xx_ds_officer", "郑磊", "丹水镇信访干部", "411323100", "township_officer"),
    ("xx_cd_head", "韩桂兰", "城东社区党支部书记、居委会主任", "411323001001", "community_head"),
    ("xx_grid", "冯梅", "城东社区网格员", "411323001001-01", "grid_worker"),
    ("jj_admin", "林志明", "市信访局系统管理员", "350582", "county_admin"),
    ("jj_officer", "黄淑芬", "市信访局干部", "350582", "county_officer"),
    ("jj_leader", "蔡国华", "副市长", "350582", "county_leader"),
    ("jj_supervisor", "许清", "市纪委监委干部", "350582", "county_supervisor"),
    ("jj_handler", "洪伟", "人社局信访专干", "350582-RSJ", "department_handler"),
    ("jj_qy_admin", "施雅琴", "青阳街道信访办主任", "350582001", "township_office_head"),
    ("jj_qy_officer", "庄文斌", "青阳街道信访干部", "350582001", "township_officer"),
    ("jj_qy_leader", "丁海峰", "青阳街道党工委书记", "350582001", "township_leader"),
    ("jj_ml_officer", "苏晓燕", "梅岭街道信访干部", "350582002", "township_officer"),
    ("jj_ly_head", "王丽娜", "莲屿社区党委书记、居委会主任", "350582001001", "community_head"),
    ("jj_grid", "吕建华", "莲屿社区网格员", "350582001001-01", "grid_worker"),
]

_LEVEL_OF = {code: level for level, code, _name, _parent in TREE}
_PARENT_OF = {code: parent for _level, code, _name, parent in TREE}


def roles_of(home: str | None, job_key: str) -> list[tuple[str, str | None]]:
    """(role, node code) for a demo user: each role of the job at the home node's ancestor of its level."""
    out = []
    for role, level in JOB_BY_KEY[job_key].roles:
        if level == "platform":
            out.append((role, None))
            continue
        code = home
        while code is not None and _LEVEL_OF[code] != level:
            code = _PARENT_OF[code]
        if code is None:
            raise ValueError(f"demo job {job_key} needs a {level} above {home}")
        out.append((role, code))
    return out


def is_loaded(session: Session) -> bool:
    return session.scalar(select(Node.id).where(Node.code == TREE[0][1])) is not None


@cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def load(session: Session) -> None:
    """Create the demo tree and users in a system-scoped session (not committed here)."""
    nodes: dict[str, Node] = {}
    for level, code, name, parent in TREE:
        nodes[code] = create_node(session, level, code, name, nodes[parent] if parent else None)
    for username, name, position, home, job in USERS:
        user = create_user(session, username=username, display_name=name, password=DEMO_PASSWORD,
                           node=nodes[home] if home else None, position=position,
                           password_hash=_demo_hash())
        for role, code in roles_of(home, job):
            grant_role(session, None, user, role, nodes[code] if code else None)
    for county, body in DISCIPLINE.items():  # accusations go to the county's 纪检监察 body (Art. 30)
        session.add(CountyRules(node_id=nodes[county].id, discipline_node_id=nodes[body].id))


def listing() -> list[dict]:
    return [{"username": u, "password": DEMO_PASSWORD, "display_name": name, "position": position,
             "job": JOB_BY_KEY[job].title, "roles": [{"role": role, "node": code} for role, code in roles_of(home, job)]}
            for u, name, position, home, job in USERS]



# --- matters a newcomer can see (``load_matters``) ---------------------------------------------
# Each county's matters, registered and moved on through the services with dates in the past
# (so the statutory clocks are real: some due soon, some overdue). Seeded: the same every time.

MATTERS_PER_COUNTY = 110
SEED = 2026
SUMMARIES = {
    "城镇房屋拆迁": ("反映房屋征收补偿款未足额发放", "反映安置房交付延期", "反映拆迁过渡费停发"),
    "欠薪": ("反映工地拖欠农民工工资", "反映物业公司拖欠保洁人员工资", "反映餐饮企业拖欠员工工资"),
    "农村土地承包": ("反映土地承包经营权被他人占用", "反映土地流转费未按约支付"),
    "邻里纠纷": ("反映邻居加建房屋影响采光", "反映邻居饲养犬只扰民"),
    "环境保护": ("反映养殖场污水直排河道", "反映夜间施工噪声扰民", "反映企业废气异味"),
    "社会保障": ("反映养老保险待遇核定有误", "反映低保资格被取消", "反映医保报销比例不符"),
    "村级财务": ("反映村集体收支未按时公开", "反映村集体资产出租收益去向不明"),
    "征地": ("反映征地补偿标准偏低", "反映青苗补偿未到位"),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("建华", "秀兰", "志强", "桂英", "海峰", "丽娟", "国庆", "春梅", "德明", "玉兰", "小军", "淑珍")
# how far each matter gets: (weight, the acts in order)
TRACKS = (
    (8, ()),
    (10, ("assign",)),
    (25, ("assign", "accept")),
    (6, ("assign", "accept", "extend")),
    (14, ("assign", "accept", "reply")),
    (18, ("assign", "accept", "reply", "deliver", "close")),
    (3, ("not_accept",)),
    (3, ("accept", "classify_divert")),
    (3, ("assign", "accept", "mediate")),
    (5, ("suggestion",)),
    (5, ("accusation",)),
)
REPLY = {"request": "要求依法解决所反映的问题", "facts": "经调查核实，所反映情况基本属实", "result": "support",
         "basis": "《信访工作条例》第三十二条及相关规定", "opinion": "予以支持，责成有关单位限期整改。"}


class _DemoPolicy:
    """The default role templates, for acting as demo users outside a request."""

    def permissions_of(self, role: str) -> frozenset[str]:
        from xinfang.permissions.roles import DEFAULT_POLICY

        return frozenset(DEFAULT_POLICY.get(role, ()))


def _actor(session: Session, username: str):
    from xinfang.permissions.actor import Actor, Assignment
    from xinfang.platform.accounts.models import RoleAssignment, User

    user = session.scalar(select(User).where(User.username == username))
    rows = session.execute(select(RoleAssignment.role, RoleAssignment.node_id, Node.level, Node.code, Node.name)
                           .outerjoin(Node, Node.id == RoleAssignment.node_id)
                           .where(RoleAssignment.user_id == user.id).order_by(RoleAssignment.id)).all()
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name, home_node_id=user.node_id,
                 assignments=tuple(Assignment(*r) for r in rows), policy=_DemoPolicy())  # type: ignore[arg-type]


def _id_number(rng) -> str:
    """A valid resident ID number (GB 11643 check digit) of an invented person."""
    body = f"411323{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def load_matters(session: Session, per_county: int = MATTERS_PER_COUNTY, seed: int = SEED) -> int:
    """A few hundred matters in every state across both counties, through the services
    (registration, 转送交办, 受理, 延期, 答复, 送达, 办结…), dated back from today. Returns
    how many were made. Not committed here; the tree and users (``load``) must exist."""
    import datetime as dt
    import random

    from xinfang.platform import clock
    from xinfang.platform.errors import ClerkError
    from xinfang.platform.matters import service
    from xinfang.platform.matters.models import Matter
    from xinfang.platform.matters.service import MatterIn, PetitionerIn

    rng = random.Random(seed)
    today = clock.today()
    made = 0
    people: list[tuple[str, str]] = []
    counties = {"411323": ("xx_officer", "xx_handler", "xx_leader", ["411323-ZJJ", "411323-RSJ", "411323100"],
                           [("411323001", "xx_by_officer"), ("411323100", "xx_ds_officer"), ("411323", "xx_officer")]),
                "350582": ("jj_officer", "jj_handler", "jj_leader", ["350582-RSJ", "350582-ZJJ", "350582002"],
                           [("350582001", "jj_qy_officer"), ("350582002", "jj_ml_officer"), ("350582", "jj_officer")])}
    codes = {n.code: n for n in session.scalars(select(Node).where(Node.code.in_(
        [c for v in counties.values() for c in v[3] + [o for o, _ in v[4]]])))}
    actors: dict[str, Any] = {}

    def actor(username: str):
        if username not in actors:
            actors[username] = _actor(session, username)
        return actors[username]

    for officer, handler, leader, units, offices in counties.values():
        for _ in range(per_county):
            weights = [w for w, _ in TRACKS]
            track = rng.choices([t for _, t in TRACKS], weights=weights)[0]
            kind = "suggestion" if track == ("suggestion",) else "accusation" if track == ("accusation",) else "claim"
            category = rng.choice(list(SUMMARIES))
            office, clerk = rng.choice(offices)
            age = rng.randint(0, 110) if track else rng.randint(0, 20)
            received = today - dt.timedelta(days=age)
            if rng.random() < 0.25 and people:  # a repeat visitor: 一人一档 shows several matters
                name, number = rng.choice(people)
            else:
                name, number = rng.choice(SURNAMES) + rng.choice(GIVEN), _id_number(rng)
                people.append((name, number))
            collective = rng.random() < 0.1
            petitioners = [PetitionerIn(name=name, id_number=number, phone=f"139{rng.randint(10000000, 99999999)}",
                                        address="本县", representative=collective)]
            data = MatterIn(node_id=codes[office].id, channel=rng.choice(("visit", "letter", "online", "phone")),
                            form="collective" if collective else "individual", kind=kind, category=category,
                            summary=rng.choice(SUMMARIES[category]) if kind == "claim" else
                            ("建议" + rng.choice(("增设公交站点", "改善农贸市场环境", "延长政务大厅办理时间"))
                             if kind == "suggestion" else "检举村干部在低保评定中优亲厚友"),
                            petitioners=petitioners, demands="请求依法处理", headcount=rng.randint(5, 30) if collective else 1,
                            overreach=rng.choices(("none", "city", "province"), weights=(90, 8, 2))[0],
                            received_on=received)
            matter = service.register(session, actor(clerk), data)
            made += 1
            on = received
            for step in _steps(track):
                on = on + dt.timedelta(days=rng.randint(*step[2]))
                if on > today:
                    break
                payload = dict(step[1])
                if step[0] == "assign":
                    candidates = [u for u in units if codes[u].id != matter.node_id]
                    payload["lead_unit_id"] = codes[rng.choice(candidates)].id
                if step[0] in ("extend",):
                    payload["told_petitioner_on"] = on.isoformat()
                who = {"officer": officer, "handler": handler, "leader": leader, "clerk": clerk}[step[3]]
                if step[3] == "handler":  # the department's own handler, else the county office acts for the unit
                    lead = service.lead_unit(session, matter)
                    who = handler if lead is not None and lead.unit_id == actor(handler).home_node_id else officer
                try:
                    with session.begin_nested():
                        service.act(session, actor(who), session.get(Matter, matter.id), step[0], {**payload,
                                                                                                 "on": on.isoformat()})
                except ClerkError:
                    break
    session.flush()
    return made


def _steps(track: tuple[str, ...]) -> list[tuple[str, dict, tuple[int, int], str]]:
    """(action, payload, days after the previous step (min, max), who)."""
    table = {
        "assign": ("assign", {}, (0, 6), "officer"),
        "accept": ("accept", {"note": "符合受理条件"}, (1, 5), "handler"),
        "extend": ("extend", {"days": 30, "reason": "案情复杂，需现场勘验"}, (40, 55), "leader"),
        "reply": ("reply", REPLY, (15, 45), "handler"),
        "deliver": ("deliver", {"method": "in_person", "proof": "信访人签收回执"}, (1, 4), "handler"),
        "close": ("close", {"note": "已答复并送达"}, (1, 10), "handler"),
        "not_accept": ("not_accept", {"reason": "已经或者依法应当通过诉讼途径解决"}, (1, 10), "clerk"),
        "classify_divert": ("classify", {"route": 1, "body": "人民法院诉讼程序"}, (1, 10), "handler"),
        "mediate": ("mediate", {"mode": "mediation", "terms": "双方自愿达成调解协议，一次性补偿到位",
                                "parties": [{"side": "petitioner", "name": "信访人", "agreed": True},
                                            {"side": "other", "name": "被反映单位", "agreed": True}]}, (5, 30),
                    "handler"),
        "suggestion": ("accept", {}, (1, 5), "clerk"),
        "accusation": ("transfer_discipline", {"note": "属纪检监察机关职责范围"}, (1, 5), "clerk"),
    }
    steps = [table[t] for t in track]
    if track == ("suggestion",):
        steps.append(("answer_suggestion", {"decision": "partly", "reply": "感谢您的建议，已部分采纳"}, (5, 20),
                      "clerk"))
    return steps



# --- the rest of a county's work (``load_activity``) -------------------------------------------
# Ledgers, the rota and receptions, leaders' visits, the intake room, 督办, the Wednesday/Friday
# reports and an active petition month — each through its domain's service, as the clerks
# would, so the pages of every domain open on real content. Seeded like the matters.

SCREENING = (("邻里纠纷", "宅基地边界争议，双方多次发生口角", ["collective"]),
             ("欠薪", "装修工程队拖欠务工人员工资约8万元", ["collective"]),
             ("环境保护", "小区周边餐饮油烟扰民，居民多次投诉", []),
             ("城镇房屋拆迁", "棚户区改造过渡安置费发放不及时", ["overreach"]),
             ("村级财务", "村民对集体土地租金分配有异议", []))
# per county: (county office user, leader, township officer per township, community head, discipline user)
ACTIVITY = {"411323": {"officer": "xx_officer", "admin": "xx_admin", "leader": ("张志强", "副县长"),
                       "townships": {"411323001": ("xx_by_officer", ("周涛", "党工委书记")),
                                     "411323100": ("xx_ds_officer", ("郑磊", "镇长"))},
                       "head": "xx_cd_head", "village": "411323001001", "unit": "411323-ZJJ"},
            "350582": {"officer": "jj_officer", "admin": "jj_admin", "leader": ("蔡国华", "副市长"),
                       "townships": {"350582001": ("jj_qy_officer", ("丁海峰", "党工委书记")),
                                     "350582002": ("jj_ml_officer", ("苏晓燕", "街道办主任"))},
                       "head": "jj_ly_head", "village": "350582001001", "unit": "350582-RSJ"}}


def _tried(session: Session, what: str, step) -> Any:
    """One clerk's act in a savepoint: a refusal (a rule the demo's dates happen to break)
    leaves nothing behind and is logged, and the rest of the demo goes on."""
    import logging

    from xinfang.platform.errors import ClerkError

    try:
        with session.begin_nested():
            return step()
    except ClerkError as exc:
        logging.getLogger(__name__).info("demo: %s skipped: %s", what, exc.message)
        return None


def load_activity(session: Session, seed: int = SEED) -> dict[str, int]:
    """What a county's offices did besides the matters, dated back from today. Not committed
    here; ``load`` and ``load_matters`` must have run. Returns counts by kind."""
    import random

    from xinfang.platform import clock
    from xinfang.platform.calendar.service import load_calendar
    from xinfang.platform.reporting import cycle

    rng = random.Random(seed + 1)
    today, now = clock.today(), clock.now()
    calendar = load_calendar(session)
    codes = {n.code: n for n in session.scalars(select(Node))}
    made = {"screening": 0, "backlog": 0, "duties": 0, "receptions": 0, "visits": 0, "intake": 0,
            "supervision": 0, "reports": 0, "ticks": 0}
    for county_code, plan in ACTIVITY.items():
        county = codes[county_code]
        officer = _actor(session, plan["officer"])
        made["screening"] += _screening(session, rng, codes, county, today)
        made["backlog"] += _backlog(session, officer, county, today)
        for township_code, (clerk, leader) in plan["townships"].items():
            township, actor = codes[township_code], _actor(session, clerk)
            made["duties"] += _rota(session, actor, township, leader, today, calendar, now)
            made["receptions"] += _receptions(session, rng, actor, township, leader, today)
            made["intake"] += _intake(session, rng, actor, township, codes[plan["unit"]], today, calendar)
        made["visits"] += bool(_tried(session, "下访", lambda o=officer, c=county, p=plan: _visit(session, o, c, p, today)))
        made["supervision"] += _supervision(session, officer, county, today)
        made["reports"] += _reports(session, rng, codes, county, today, now, calendar, cycle)
        made["ticks"] += _campaign(session, rng, _actor(session, plan["admin"]), county, codes, today)
    session.flush()
    return made


def _villages(session: Session, under: Node) -> list[Node]:
    column = {"county": Node.county_id, "township": Node.township_id}[under.level]
    return list(session.scalars(select(Node).where(column == under.id, Node.level == "village").order_by(Node.code)))


def _screening(session: Session, rng, codes: dict[str, Node], county: Node, today) -> int:
    """Annex 1: two or three issues found in each village's screening in the last fortnight."""
    import datetime as dt

    from xinfang.platform.ledgers import screening

    officer = _actor(session, ACTIVITY[county.code]["officer"])
    made = 0
    for village in _villages(session, county):
        for _ in range(rng.randint(2, 3)):
            category, summary, risks = rng.choice(SCREENING)
            found = today - dt.timedelta(days=rng.randint(0, 14))
            data = screening.ScreeningIn(
                node_id=village.id, found_on=found, party_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                category=category, summary=summary, headcount=rng.randint(1, 12), risks=risks,
                responsible_unit=f"{village.name}调委会", responsible_leader="包片领导", responsible_person="网格员",
                measures="入户走访，摸清诉求，组织双方调解", plan="一案一策：明确责任人和化解时限",
                deadline=found + dt.timedelta(days=rng.choice((7, 15, 30))), progress="已开展第一次调解",
                status=rng.choice(("pending", "in_progress", "resolved")))
            made += _tried(session, "排查", lambda d=data: screening.create(session, officer, d, today)) is not None
    return made


def _backlog(session: Session, officer, county: Node, today) -> int:
    """Annex 2: the county's overdue and repeat matters, listed (应列尽列) with a plan each."""
    import datetime as dt

    from xinfang.platform.ledgers import backlog
    from xinfang.platform.matters.models import Matter
    from xinfang.platform.matters.states import OPEN_STATES

    matters = session.scalars(select(Matter).where(Matter.county_id == county.id, Matter.state.in_(OPEN_STATES),
                                                   (Matter.deadline_state == "overdue") | Matter.repeat_of_id.is_not(None))
                              .order_by(Matter.id).limit(6)).all()
    made = 0
    for matter in matters:
        data = backlog.BacklogIn(matter_id=matter.id, deadline=today + dt.timedelta(days=30),
                                 reasons=["overdue" if matter.deadline_state == "overdue" else "repeat"],
                                 cause="诉求涉及多个部门，久拖未决", leader=ACTIVITY[county.code]["leader"][0],
                                 task_team="信访局、住建局、属地街道", plan="五个一：一名领导、一个班子、一套方案、一抓到底、一个结果",
                                 progress="已召开专题会议研究", status="in_progress")
        made += _tried(session, "积案", lambda d=data: backlog.create(session, officer, d, today)) is not None
    return made


def _rota(session: Session, actor, township: Node, leader: tuple[str, str], today, calendar, now) -> int:
    """Annex 4: this week and next, a leader on duty every working day, the main leader once a
    week; published (a notice on the public page)."""
    import datetime as dt

    from xinfang.platform.reception import rota

    monday = today - dt.timedelta(days=today.weekday())
    deputies = (("李卫东", "副书记"), ("王海燕", "副主任"), ("陈立新", "人大工委主任"), ("刘芳", "纪工委书记"))
    made = 0
    for offset in range(12):
        day = monday + dt.timedelta(days=offset)
        if not calendar.is_workday(day):
            continue
        main = day.weekday() == 2  # the main leader every Wednesday
        name, position = leader if main else deputies[offset % len(deputies)]
        data = rota.DutyIn(node_id=township.id, on=day, leader_name=name, leader_position=position,
                           place=f"{township.name}基层治理中心一楼接访室", leader_kind="main" if main else "leader",
                           duties="接待来访群众，协调解决诉求")
        made += _tried(session, "排班", lambda d=data: rota.create_duty(session, actor, d)) is not None
    _tried(session, "发布排班", lambda: rota.publish(session, actor, township, monday, monday + dt.timedelta(days=13),
                                                  calendar, now))
    return made


def _receptions(session: Session, rng, actor, township: Node, leader: tuple[str, str], today) -> int:
    """Annex 3: receptions on this week's duty days so far, one of them opening a matter."""
    import datetime as dt

    from xinfang.platform.reception import register
    from xinfang.platform.reception.models import RotaDuty

    duties = session.scalars(select(RotaDuty).where(RotaDuty.node_id == township.id, RotaDuty.on <= today,
                                                    RotaDuty.on >= today - dt.timedelta(days=7))
                             .order_by(RotaDuty.on)).all()
    made = 0
    for n, duty in enumerate(duties[:3]):
        category, summary, _ = rng.choice(SCREENING)
        data = register.ReceptionIn(node_id=township.id, received_on=duty.on, duty_id=duty.id,
                                    visitor_name=rng.choice(SURNAMES) + rng.choice(GIVEN), category=category,
                                    summary=summary, demands="请求协调解决", headcount=rng.randint(1, 4),
                                    visitor_id_number=_id_number(rng),
                                    decision="责成社区和相关部门调查处理", assigned_unit="属地社区",
                                    result="已答复来访人，正在办理" if n else "", open_matter=n == 0)
        made += _tried(session, "接访", lambda d=data: register.create(session, actor, d, today)) is not None
    return made


def _visit(session: Session, officer, county: Node, plan: dict, today):
    """A county leader's 下访 (seed 004 counts them against the quota)."""
    import datetime as dt

    from xinfang.platform.reception import visits

    name, position = plan["leader"]
    data = visits.VisitIn(node_id=county.id, kind="visit", visited_on=today - dt.timedelta(days=6), leader_name=name,
                          leader_position=position, place="白羽街道基层治理中心" if county.code == "411323" else "青阳街道基层治理中心",
                          people_met="社区群众、网格员8人", people_count=8, matters_raised="反映老旧小区改造进度慢、停车难",
                          problems_solved=1, solutions="现场协调住建部门制定改造时间表")
    return visits.create(session, officer, data, today)


def _intake(session: Session, rng, actor, township: Node, unit: Node, today, calendar) -> int:
    """The intake room (受理室): one visitor dispatched to a unit, one settled on the spot."""
    import datetime as dt

    from xinfang.platform.intake import service as intake

    made = 0
    for decision in ("dispatch", "on_spot"):
        category, summary, _ = rng.choice(SCREENING)
        data = intake.CaseIn(node_id=township.id, visitor_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                             category=category, summary=summary, received_on=today - dt.timedelta(days=rng.randint(1, 5)),
                             demands="请求尽快处理")

        def step(data=data, decision=decision):
            case = intake.register(session, actor, data, today)
            triage = intake.TriageIn(decision=decision, unit_id=unit.id if decision == "dispatch" else None,
                                     requirements="请于期限内调查处理并回报结果" if decision == "dispatch" else "",
                                     note="" if decision == "dispatch" else "经受理室当场调解，双方达成一致",
                                     on=data.received_on)
            intake.triage(session, actor, case, triage, today, calendar)
            return case

        made += _tried(session, "受理室", step) is not None
    return made


def _supervision(session: Session, officer, county: Node, today) -> int:
    """Manual 督办: one over a matter a unit is handling, one letter to a township (late), one reported."""
    import datetime as dt

    from xinfang.platform.matters.models import Matter
    from xinfang.platform.supervision import service as supervision

    handling = session.scalars(select(Matter).where(Matter.county_id == county.id, Matter.state == "handling")
                               .order_by(Matter.due_on, Matter.id).limit(2)).all()
    townships = [n for n in session.scalars(select(Node).where(Node.parent_id == county.id, Node.level == "township")
                                            .order_by(Node.code))]
    orders = [supervision.OrderIn(kind="case", subject=f"关于{m.summary[:20]}的立案督办", requirements="限期办结并书面回报",
                                  due_on=today + dt.timedelta(days=5 + 3 * n), matter_id=m.id,
                                  issued_on=today - dt.timedelta(days=3)) for n, m in enumerate(handling)]
    orders.append(supervision.OrderIn(kind="letter", subject="矛盾纠纷排查不到位", requirements="限期整改，报送整改情况",
                                      due_on=today - dt.timedelta(days=2), unit_id=townships[0].id,
                                      issued_on=today - dt.timedelta(days=12)))
    made = 0
    for data in orders:
        made += _tried(session, "督办", lambda d=data: supervision.create(session, officer, d, today)) is not None
    return made


def _reports(session: Session, rng, codes, county: Node, today, now, calendar, cycle) -> int:
    """Wednesday/Friday: the communities with a demo user send the last reporting day's lists."""
    import datetime as dt

    head = ACTIVITY[county.code]["head"]
    village = codes[ACTIVITY[county.code]["village"]]
    actor = _actor(session, head)
    due = cycle.next_due(calendar, today)
    if due > today:
        due = cycle.previous_due(calendar, due)
    made = 0
    for kind in cycle.KINDS:
        made += _tried(session, "报送", lambda k=kind: cycle.submit(session, actor, village, k, due, "本期排查情况见清单",
                                                                  min(now, cycle.deadline_of(due) - dt.timedelta(hours=2)),
                                                                  calendar)) is not None
    return made


def _campaign(session: Session, rng, admin, county: Node, codes, today) -> int:
    """The petition month, enabled county-wide ten days ago, with some duties ticked."""
    import datetime as dt

    from xinfang.platform.campaigns import service as campaigns
    from xinfang.platform.campaigns.registry import campaign_type
    from xinfang.platform.extensions.manager import plugins_of

    ctype = campaign_type(plugins_of(session), "petition_month")
    campaign = _tried(session, "专项活动", lambda: campaigns.enable(
        session, admin, ctype, f"{county.name}信访“大排查、大接访、大化解”活动月", [county.id],
        today - dt.timedelta(days=10), None, {}))
    if campaign is None:
        return 0
    made = 0
    for code, (clerk, _leader) in ACTIVITY[county.code]["townships"].items():
        actor, township = _actor(session, clerk), codes[code]
        for item in ("screening", "screening"):
            made += _tried(session, "活动任务", lambda a=actor, t=township, i=item: campaigns.tick(
                session, a, ctype, campaign, t, "township_screening", i, today - dt.timedelta(days=rng.randint(0, 2)),
                "组织社区开展矛盾纠纷排查", [])) is not None
        made += _tried(session, "活动任务", lambda a=actor, t=township: campaigns.tick(
            session, a, ctype, campaign, t, "township_reception", "main_leaders", today - dt.timedelta(days=1),
            "党工委书记在基层治理中心接访", [])) is not None
    return made
