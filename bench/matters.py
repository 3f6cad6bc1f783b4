"""Matter lists at county size: p50/p99 latency of the matters list under a township scope
and a county scope, against ``GET /health``, over 200,000 matters.

The two demo counties get a realistic number of townships, villages and departments
(the demo tree has two townships per county; a real one has fifteen to twenty), then
matters are bulk-loaded in a system session (COPY on PostgreSQL into the tables without
their secondary indexes and constraints, built afterwards; Core executemany on SQLite; no ORM,
scope or audit on the way): three years of received dates,
owners at county/township/village offices, lead and co-units, states that follow a
matter's age, open statutory deadlines, repeats, collective visits and petitioners. A
matter is visible only through ``matter_access``, so every matter gets its owner row and
every assigned one a row per unit. The tables are analysed, then the real app is driven
in-process with Litestar's TestClient, the three requests interleaved so noise hits all
alike.

PostgreSQL by default (a database of its own, created and dropped in the server at
XINFANG_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test);
``--sqlite`` runs on a temp SQLite file with 20,000 matters. Options: ``--matters N``,
``--requests N``, ``--keep`` (leave the PostgreSQL database in place and print its name,
for EXPLAIN: bench/list_plans.py), ``--reuse NAME`` (measure such a kept database again,
migrated to head, without loading), ``--sort received_on|due_on|id`` and ``--ascending`` (both
lists in that order; default newest first by received_on). The statements one county list request sends to the database (captured at
the driver, after the warm-up) are also replayed on a plain DB-API connection (psycopg or
sqlite3: no ORM, no app), interleaved with the requests. Prints human lines, then
``overhead_ms=<p99 county list - p99 its raw SQL>`` and, last,
``ratio=<p99 county list / p99 health>``. Results and the EXPLAIN findings: docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from _benchdb import database  # noqa: E402
from litestar.testing import TestClient
from sqlalchemy import JSON, event, func, insert, select, text
from sqlalchemy.engine import make_url

from xinfang.platform import clock
from xinfang.platform import demo as demo_data
from xinfang.platform.accounts.models import AuthSession, User
from xinfang.platform.accounts.service import token_hash
from xinfang.platform.app import create_app
from xinfang.platform.cli import upgrade_database
from xinfang.platform.db import make_engine
from xinfang.platform.extensions.manager import build_plugin_manager
from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.models import (
    Matter,
    MatterAccess,
    MatterCounter,
    MatterPetitioner,
    MatterUnit,
)
from xinfang.platform.privacy.identity import check_digit
from xinfang.platform.sessions import make_session_factory
from xinfang.platform.settings import Settings
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope
from xinfang.tenants.tree import create_node

PG_MATTERS, SQLITE_MATTERS = 200_000, 20_000
REQUESTS, WARM_UP = 400, 40
CHUNK = 10_000
YEARS = 3
SYSTEM = {"skip_scope": True, "skip_audit": True}

TOWNSHIP_USER, COUNTY_USER = "xx_by_officer", "xx_officer"
REQUESTS_MEASURED = {
    "township list": (TOWNSHIP_USER, "/api/matters?state=handling&deadline_state=overdue&per_page=20"),
    "county list": (COUNTY_USER, "/api/matters?per_page=20"),
    "health": (None, "/health"),
}

# Townships added to each demo county (name, relative weight), so that a township's share of
# its county is realistic; the demo's own two townships keep the largest weights.
EXTRA_TOWNSHIPS = {
    "411323": ["紫金街道", "莲花街道", "回车镇", "丁河镇", "桑坪镇", "米坪镇", "双龙镇", "西坪镇", "五里桥镇",
               "阳城镇", "重阳镇", "太平镇", "寨根乡", "二郎坪镇", "军马河镇", "石界河镇", "田关乡"],
    "350582": ["西园街道", "罗山街道", "灵源街道", "新塘街道", "安海镇", "磁灶镇", "陈埭镇", "池店镇", "东石镇",
               "金井镇", "龙湖镇", "内坑镇", "深沪镇", "西滨镇", "永和镇", "英林镇", "紫帽镇"],
}
EXTRA_DEPARTMENTS = [("GAJ", "公安局"), ("ZRZYJ", "自然资源局"), ("JYJ", "教育局"), ("WJW", "卫生健康委员会"),
                     ("SCJGJ", "市场监督管理局"), ("STHJJ", "生态环境局"), ("NYNCJ", "农业农村局"),
                     ("CGJ", "城市管理局"), ("MZJ", "民政局")]
VILLAGE_SUFFIXES = ["东村", "西村", "南村", "北村", "社区", "新村", "河村", "岭村"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕文斌"

CHANNELS = (["letter", "visit", "online", "phone", "transfer"], [25, 30, 35, 5, 5])
KINDS = (["claim", "suggestion", "accusation"], [80, 8, 12])
OVERREACH = (["none", "city", "province", "beijing"], [920, 50, 25, 5])
CATEGORY_WEIGHTS = [12, 6, 3, 9, 8, 4, 10, 11, 9, 7, 8, 13]  # vocabulary.DEFAULT_CATEGORIES, in order
# A matter's state follows its age in days: (age below, [(state, weight), ...]).
STATE_BY_AGE = [
    (15, [("registered", 40), ("assigned", 25), ("handling", 30), ("not_accepted", 5)]),
    (75, [("registered", 3), ("assigned", 7), ("handling", 55), ("replied", 20), ("not_accepted", 5),
          ("closed", 10)]),
    (180, [("handling", 8), ("replied", 12), ("reviewing", 4), ("review_replied", 3), ("rereviewing", 1),
           ("not_accepted", 6), ("closed", 65), ("concluded", 1)]),
    (10**6, [("handling", 1.5), ("replied", 2), ("reviewing", 0.5), ("review_replied", 1), ("rereviewing", 0.3),
             ("not_accepted", 7), ("closed", 84.2), ("concluded", 3.5)]),
]
DUE_SOON_DAYS = 3


@dataclass
class County:
    node: Node
    officer: str
    townships: list[tuple[Node, float, list[Node]]]  # township, weight, its villages
    departments: list[Node]


def _extend_tree(session) -> list[County]:
    """The demo tree plus enough townships, villages and departments to look like a county."""
    nodes = {n.code: n for n in session.scalars(select(Node))}
    counties = []
    for code, names in EXTRA_TOWNSHIPS.items():
        county = nodes[code]
        for i, name in enumerate(names):
            township = create_node(session, "township", f"{code}{200 + i:03d}", name, county)
            for j in range(4 + i % 5):
                create_node(session, "village", f"{township.code}{300 + j:03d}",
                            name[:2] + VILLAGE_SUFFIXES[j], township)
        for suffix, name in EXTRA_DEPARTMENTS:
            create_node(session, "department", f"{code}-{suffix}", f"{county.name}{name}", county)
        all_nodes = list(session.scalars(select(Node).where(Node.county_id == county.id)))
        townships = sorted((n for n in all_nodes if n.level == "township"), key=lambda n: n.code)
        # urban streets and the demo's townships carry the most matters (Zipf-like over the rest)
        weighted = []
        for rank, t in enumerate(sorted(townships, key=lambda n: (n.code not in nodes, n.code)), start=1):
            villages = [n for n in all_nodes if n.level == "village" and n.township_id == t.id]
            weighted.append((t, 1.0 / rank ** 0.8, villages))
        departments = [n for n in all_nodes if n.level == "department"]
        counties.append(County(county, "xx_officer" if code == "411323" else "jj_officer", weighted, departments))
    return counties


def _id_number(rng: random.Random, county_code: str) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
    first = f"{county_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first + check_digit(first)


def _pick(rng: random.Random, choices: tuple[list, list]) -> str:
    return rng.choices(choices[0], choices[1])[0]


def _state(rng: random.Random, age: int) -> str:
    for limit, weights in STATE_BY_AGE:
        if age < limit:
            return rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
    raise AssertionError(age)


def _deadline(due: dt.date | None, on: dt.date) -> str | None:
    if due is None:
        return None
    if on > due:
        return "overdue"
    return "due_soon" if (due - on).days <= DUE_SOON_DAYS else "on_time"


class Generator:
    """Rows for matters and their access, units and petitioners, in received order."""

    def __init__(self, counties: list[County], total: int, on: dt.date, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.counties, self.total, self.today = counties, total, on
        self.counters: dict[tuple[int, int], int] = {}
        self.chain: dict[int, int] = {}  # root matter id -> matters in its chain
        self.recent: dict[int, list[int]] = {c.node.id: [] for c in counties}

    def _owner(self, county: County) -> Node:
        r = self.rng.random()
        if r < 0.25:
            return county.node
        township, _, villages = self.rng.choices(county.townships, [w for _, w, _ in county.townships])[0]
        if r < 0.87 or not villages:
            return township
        return self.rng.choice(villages)

    def _lead(self, county: County, owner: Node) -> Node:
        rng = self.rng
        if owner.level == "township":
            villages = next(v for t, _, v in county.townships if t.id == owner.id)
            if villages and rng.random() < 0.55:
                return rng.choice(villages)
            return rng.choice(county.departments)
        if owner.level == "county" and rng.random() < 0.35:
            return rng.choices(county.townships, [w for _, w, _ in county.townships])[0][0]
        return rng.choice(county.departments)

    def rows(self) -> Iterator[tuple[dict, list[dict], list[dict], list[dict]]]:
        rng, on = self.rng, self.today
        days = YEARS * 365
        # some growth: the density of received dates rises linearly, today's twice the oldest
        ages = sorted((int(days * (2 - math.sqrt(1 + 3 * rng.random()))) for _ in range(self.total)),
                      reverse=True)
        for matter_id, age in enumerate(ages, start=1):
            county = rng.choices(self.counties, [45, 55])[0]
            yield self._matter(matter_id, county, age, on)

    def _matter(self, matter_id: int, county: County, age: int, on: dt.date):
        rng = self.rng
        received = on - dt.timedelta(days=age)
        owner = self._owner(county)
        state = _state(rng, age)
        key = (county.node.id, received.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        kind = _pick(rng, KINDS)
        category = rng.choices(vocabulary.DEFAULT_CATEGORIES, CATEGORY_WEIGHTS)[0]
        collective = rng.random() < 0.08
        headcount = rng.randint(5, 60) if collective else 1

        repeat_of, repeat_count = None, 1
        recent = self.recent[county.node.id]
        if recent and rng.random() < 0.15:
            root = rng.choice(recent[-5000:])
            repeat_of = root
            self.chain[root] = repeat_count = self.chain.get(root, 1) + 1
        else:
            recent.append(matter_id)

        assigned = state not in ("registered", "not_accepted") or (state == "not_accepted" and rng.random() < 0.5)
        lead = self._lead(county, owner) if assigned else None
        span = max(age, 0)
        assigned_on = received + dt.timedelta(days=min(span, rng.randint(1, 10))) if lead else None
        due = closed = None
        extended = False
        if state == "registered":
            due = received + dt.timedelta(days=15)
        elif state == "assigned":
            due = assigned_on + dt.timedelta(days=15)
        elif state == "handling":
            accepted = min(on, assigned_on + dt.timedelta(days=rng.randint(0, 5)))
            extended = rng.random() < 0.08
            due = accepted + dt.timedelta(days=60 + (30 if extended else 0))
        elif state in ("reviewing", "rereviewing"):
            due = on + dt.timedelta(days=rng.randint(-10, 30))
        elif state in ("closed", "not_accepted", "concluded"):
            closed = min(on, received + dt.timedelta(days=rng.randint(10, max(10, min(span, 150)))))

        accused = None
        if kind == "accusation" and rng.random() < 0.5:
            candidates = [n for n in (county.departments + [t for t, _, _ in county.townships])
                          if lead is None or n.id != lead.id]
            accused = rng.choice(candidates)
        place = owner.name
        matter = {
            "id": matter_id, "number": f"{county.node.code}-{received.year}-{self.counters[key]:06d}",
            "node_id": owner.id, "place_node_id": owner.id, **owner.ancestry_with_self(),
            "channel": _pick(rng, CHANNELS), "form": "collective" if collective else "individual",
            "headcount": headcount, "kind": kind, "category": category,
            "summary": f"{place}群众反映{category}问题,请求依法处理", "demands": "请求依法依规解决",
            "overreach": _pick(rng, OVERREACH), "joint_signature": collective and rng.random() < 0.3,
            "law_related": category == "涉法涉诉", "attachments": [],
            "accused_node_id": accused.id if accused else None,
            "accused_description": accused.name if accused else "",
            "state": state, "received_on": received, "due_on": due, "deadline_state": _deadline(due, on),
            "extended": extended, "repeat_of_id": repeat_of, "repeat_count": repeat_count,
            "is_first": repeat_of is None, "needs_ownership": repeat_count >= 3 and closed is None,
            "lower_level_id": None,
            "created_at": dt.datetime.combine(received, dt.time(1 + rng.randrange(9), rng.randrange(60)),
                                              tzinfo=dt.UTC),
            "created_by": county.officer, "closed_on": closed,
        }
        access = [{"subject_id": matter_id, "node_id": owner.id, "reason": "owner", **owner.ancestry_with_self()}]
        units = []
        if lead is not None:
            status = {"assigned": "assigned", "handling": "accepted"}.get(state, "replied")
            unit_list = [(lead, "lead")]
            if rng.random() < 0.1:
                co = rng.choice(county.departments)
                if co.id != lead.id:
                    unit_list.append((co, "co"))
            for unit, role in unit_list:
                units.append({"matter_id": matter_id, "unit_id": unit.id, "role": role, "mode": "joint_handling",
                              "status": status, "assigned_on": assigned_on, "contribution": ""})
                if unit.id != owner.id:
                    access.append({"subject_id": matter_id, "node_id": unit.id, "reason": role,
                                   **unit.ancestry_with_self()})
        petitioners = []
        if rng.random() < 0.35:
            for _ in range(min(headcount, 5)):
                petitioners.append({
                    "matter_id": matter_id, "person_id": None,
                    "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                    "id_number": _id_number(rng, county.node.code), "phone": f"13{rng.randrange(10**9):09d}",
                    "address": place, "representative": collective})
        return matter, access, units, petitioners


def _copy(session, table, rows: list[dict]) -> None:
    """PostgreSQL COPY on the session's own connection and transaction (several times faster
    than INSERT for a bulk load); JSON values go as their text."""
    defaults = _defaults(table, rows[0])
    columns = list(rows[0]) + list(defaults)
    rows = [{**row, **defaults} for row in rows] if defaults else rows
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = session.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])


def _defaults(table, row: dict) -> dict:
    """The model's Python-side defaults for columns the generator leaves out (COPY applies none),
    so a column added later with a default does not break the bench."""
    found = {}
    for column in table.columns:
        if column.name in row or column.default is None or column.primary_key:
            continue
        default = column.default
        found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


LOADED = (Matter, MatterAccess, MatterUnit, MatterPetitioner)


@contextmanager
def _indexes_later(session, tables: list) -> Iterator[None]:
    """COPY into ``tables`` without their secondary indexes, unique and foreign-key constraints,
    then build them again: one sort per index instead of a b-tree insert (and a parent look-up)
    per row, which at 2,000,000 matters was most of an hour. The definitions are read back from
    the catalog as the migrations made them (``pg_get_indexdef``, ``pg_get_constraintdef``), so
    the loaded database is the migrated one; primary keys stay (ids arrive in order)."""
    names = [t.name for t in tables]
    constraints = session.execute(text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = ANY(CAST(:names AS regclass[])) AND contype IN ('f', 'u')"
        " ORDER BY contype = 'f', conname"), {"names": names}).all()  # unique first: a foreign key may need one
    indexes = session.execute(text(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i"
        " WHERE indrelid = ANY(CAST(:names AS regclass[])) AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        "  WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))"
        " ORDER BY 1"), {"names": names}).all()
    for table, name, _ in reversed(constraints):
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        session.execute(text(f"DROP INDEX {name}"))
    yield
    session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))  # each index sorted in memory
    for _, definition in indexes:
        session.execute(text(definition))
    for table, name, definition in constraints:
        session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def load(settings: Settings, total: int) -> tuple[dict[str, str], str]:
    """Migrate, load the demo and the matters; returns a bearer token per user and a summary."""
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, settings, plugins=build_plugin_manager())
    started = time.perf_counter()
    with factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "基准测试", "address": ""}
        if not demo_data.is_loaded(s):
            demo_data.load(s)
        counties = _extend_tree(s)
        tokens = sign_in(s, settings)

        generator = Generator(counties, total, clock.today())
        batches: dict[type, list[dict]] = {model: [] for model in LOADED}
        counts = dict.fromkeys(batches, 0)
        postgres = engine.dialect.name == "postgresql"

        def flush(model: type) -> None:
            rows = batches[model]
            if not rows:
                return
            if postgres:
                _copy(s, model.__table__, rows)
            else:
                s.execute(insert(model.__table__), rows, execution_options=SYSTEM)
            counts[model] += len(rows)
            rows.clear()

        with _indexes_later(s, [m.__table__ for m in LOADED]) if postgres else nullcontext():
            for matter, access, units, petitioners in generator.rows():
                batches[Matter].append(matter)
                batches[MatterAccess].extend(access)
                batches[MatterUnit].extend(units)
                batches[MatterPetitioner].extend(petitioners)
                if len(batches[Matter]) >= CHUNK:
                    for model in batches:  # matters first: the others refer to them
                        flush(model)
            for model in batches:
                flush(model)
            copied = time.perf_counter()
        s.execute(insert(MatterCounter.__table__),
                  [{"county_id": c, "year": y, "last": n} for (c, y), n in generator.counters.items()],
                  execution_options=SYSTEM)
        if postgres:  # ids were given explicitly: move the sequence on
            s.execute(text("SELECT setval(pg_get_serial_sequence('matters', 'id'), (SELECT max(id) FROM matters))"),
                      execution_options=SYSTEM)
        s.commit()
    loaded = time.perf_counter() - started
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    with factory(scope=Scope.system()) as s:
        overdue = s.scalar(select(func.count()).select_from(Matter).where(Matter.deadline_state == "overdue"))
    engine.dispose()
    summary = (f"loaded {counts[Matter]} matters, {counts[MatterAccess]} access rows, {counts[MatterUnit]} units, "
               f"{counts[MatterPetitioner]} petitioners ({overdue} overdue) in {loaded:.1f} s"
               + (f" (indexes and constraints built in {started + loaded - copied:.1f} s of it)" if postgres else "")
               + ", "
               f"analysed in {time.perf_counter() - started - loaded:.1f} s")
    return tokens, summary


def sign_in(session, settings: Settings) -> dict[str, str]:
    """A bearer token for each measured user (the settings' secret is new every run)."""
    tokens = {}
    for username in (TOWNSHIP_USER, COUNTY_USER):
        user = session.scalar(select(User).where(User.username == username))
        tokens[username] = f"bench-{username}-{settings.secret_key[:8]}"
        session.add(AuthSession(token_hash=token_hash(tokens[username], settings.secret_key), user_id=user.id,
                                expires_at=clock.now() + dt.timedelta(days=1)))
    session.commit()
    return tokens


def reuse(settings: Settings) -> tuple[dict[str, str], str]:
    """A database kept by an earlier ``--keep`` run, migrated to head and measured as it is."""
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, settings, plugins=build_plugin_manager())
    with factory(scope=Scope.system()) as s:
        tokens = sign_in(s, settings)
        matters = s.scalar(select(func.count()).select_from(Matter))
    engine.dispose()
    return tokens, f"reused {make_url(settings.database_url).database} ({matters} matters)"


def sorted_by(sort: str | None, ascending: bool) -> dict[str, tuple[str | None, str]]:
    """The measured requests with both lists sorted by ``sort`` (``--sort``, ``--ascending``)."""
    if sort is None and not ascending:
        return REQUESTS_MEASURED
    suffix = f"&sort={sort or 'received_on'}&descending={'false' if ascending else 'true'}"
    return {name: (user, url + suffix if url.startswith("/api/matters") else url)
            for name, (user, url) in REQUESTS_MEASURED.items()}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def measure(client: TestClient, tokens: dict[str, str], requests: int,
            measured: dict[str, tuple[str | None, str]] = REQUESTS_MEASURED,
            extra: dict[str, Callable[[], None]] | None = None) -> tuple[dict[str, list[float]], dict]:
    """Interleaved requests, and ``extra`` calls beside them (the order rotates each round);
    returns milliseconds per request or call."""
    extra = extra or {}
    names = [*measured, *extra]
    headers = {name: {"Authorization": f"Bearer {tokens[user]}"} if user else {}
               for name, (user, _) in measured.items()}
    timings: dict[str, list[float]] = {name: [] for name in names}
    totals = {}
    for i in range(WARM_UP + requests):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            if name in extra:
                start = time.perf_counter()
                extra[name]()
                elapsed = (time.perf_counter() - start) * 1000
                if i >= WARM_UP:
                    timings[name].append(elapsed)
                continue
            url = measured[name][1]
            start = time.perf_counter()
            resp = client.get(url, headers=headers[name])
            elapsed = (time.perf_counter() - start) * 1000
            assert resp.status_code == 200, (name, resp.status_code, resp.text[:300])
            if i >= WARM_UP:
                timings[name].append(elapsed)
            body = resp.json()
            if "total" in body:
                totals[name] = body["total"] if body.get("total_exact", True) else f"约{body['total']}"
            elif "totals" in body:  # the statistics' figures
                totals[name] = body["totals"]["count"]["value"]
    return timings, totals


def list_statements(client: TestClient, app, tokens: dict[str, str], name: str,
                    measured: dict[str, tuple[str | None, str]] = REQUESTS_MEASURED) -> list[tuple[str, object]]:
    """The statements one request of ``name`` sends that read matters (its page, its count and
    whatever its rendering loads), as the driver receives them."""
    user, url = measured[name]
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    # the read-only engine is this engine with options: the listener hears both
    event.listen(app.state.engine, "before_cursor_execute", grab)
    try:
        assert client.get(url, headers={"Authorization": f"Bearer {tokens[user]}"}).status_code == 200
    finally:
        event.remove(app.state.engine, "before_cursor_execute", grab)
    return [(sql, params) for sql, params in seen if "matter" in sql]


def raw_connection(url: str):
    """A plain DB-API connection to the bench database (no SQLAlchemy)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite3.connect(parsed.database)
    return psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def replay(connection, statements: list[tuple[str, object]]) -> Callable[[], None]:
    def run() -> None:
        cursor = connection.cursor()
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
        cursor.close()
    return run


def _option(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def main() -> None:
    postgres = "--sqlite" not in sys.argv
    total = _option("--matters", PG_MATTERS if postgres else SQLITE_MATTERS)
    requests = _option("--requests", REQUESTS)
    kept = sys.argv[sys.argv.index("--reuse") + 1] if "--reuse" in sys.argv else None
    measured = sorted_by(sys.argv[sys.argv.index("--sort") + 1] if "--sort" in sys.argv else None,
                         "--ascending" in sys.argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
    with kept_database(kept) if kept else database(postgres, "xinfang_bench_matters", "--keep" in sys.argv) as url:
        settings = replace(Settings(), database_url=url, run_background=False)
        tokens, summary = reuse(settings) if kept else load(settings, total)
        app = create_app(settings)
        started = time.process_time()
        with TestClient(app) as client, raw_connection(url) as raw:
            measure(client, tokens, 0, measured)  # the warm-up, so the captured statements are the steady ones
            statements = list_statements(client, app, tokens, "county list", measured)
            timings, totals = measure(client, tokens, requests, measured, extra={"raw SQL": replay(raw, statements)})
        cpu = time.process_time() - started
        app.state.engine.dispose()
    print(f"database: {app.state.engine.dialect.name}; {summary}")
    print(f"{requests} requests each after {WARM_UP} warm-up rounds, interleaved; the bench's CPU {cpu:.1f} s")
    for name, (user, url) in measured.items():
        shown = f" as {user}, total={totals[name]}" if user else ""
        print(f"{name:14} p50 {percentile(timings[name], 0.5):7.2f} ms  p99 {percentile(timings[name], 0.99):7.2f} ms"
              f"   GET {url}{shown}")
    p99 = {name: percentile(values, 0.99) for name, values in timings.items()}
    print(f"{'raw SQL':14} p50 {percentile(timings['raw SQL'], 0.5):7.2f} ms  p99 {p99['raw SQL']:7.2f} ms"
          f"   the county list's SQL ({len(statements)} statement{'s' * (len(statements) != 1)})"
          f" on a plain {raw_kind(postgres)} connection")
    print(f"overhead_ms={p99['county list'] - p99['raw SQL']:.2f}")
    print(f"ratio={p99['county list'] / p99['health']:.2f}")


@contextmanager
def kept_database(name: str) -> Iterator[str]:
    """``--reuse NAME``: the database an earlier ``--keep`` run left, in the same server."""
    server = make_url(os.environ.get("XINFANG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    yield server.set(database=name).render_as_string(hide_password=False)


def raw_kind(postgres: bool) -> str:
    return "psycopg" if postgres else "sqlite3"


if __name__ == "__main__":
    main()
