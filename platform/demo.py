"""Demo data: two counties with townships, villages/communities, grids, departments and a
user for every role. Loaded by ``xinfang demo`` and by ``make run`` on an empty database."""

from __future__ import annotations

from functools import cache

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

