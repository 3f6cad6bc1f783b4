"""Run by deploy/upgrade_check.py with the FIRST release's code (commit 5fc2528, its own venv):
registers matters through that release's own API, so that every row (matters, access rows,
units, clocks, events, follow-ups, audit records) has the old schema's exact shape.

Usage: python upgrade_seed_5fc2528.py N — N matters spread over both demo counties, each
taken a different distance along the lifecycle (registered → assigned → accepted → replied →
closed with a follow-up). Reads XINFANG_* like the old `xinfang` command. Written against the
old API on purpose: it must keep working only with that one frozen release.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from litestar.testing import TestClient
from sqlalchemy import select

from xinfang.platform.app import create_app
from xinfang.platform.privacy.identity import check_digit
from xinfang.platform.settings import Settings
from xinfang.tenants.models import Node

# (officer of the township, township code, village code) in each demo county
OFFICES = [("xx_by_officer", "411323001", "411323001001"), ("xx_by_officer", "411323001", "411323001002"),
           ("jj_qy_officer", "350582001", "350582001001"), ("jj_qy_officer", "350582001", "350582001002")]
CATEGORIES = ["欠薪", "征地", "房地产", "社会保障", "环境保护", "邻里纠纷"]
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴", ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "勇", "艳"]


def _id_number(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
    first17 = f"411323{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def main(count: int) -> None:
    settings = Settings.from_env()
    app = create_app(settings)
    rng = random.Random(5_0_2_5_2_8)
    today = dt.date.today()
    with TestClient(app=app) as client:
        with app.state.session_factory() as session:
            nodes = {n.code: n.id for n in session.scalars(select(Node), execution_options={"skip_scope": True})}
        tokens: dict[str, str] = {}
        for username in {office[0] for office in OFFICES}:
            login = client.post("/api/auth/login", json={"username": username, "password": "Xinfang-2026"})
            assert login.status_code in (200, 201), login.text
            tokens[username] = login.json()["token"]

        def call(username: str, path: str, body: dict) -> dict:
            resp = client.post(path, json=body, headers={"Authorization": f"Bearer {tokens[username]}"})
            assert resp.status_code in (200, 201), (path, resp.status_code, resp.text[:300])
            return resp.json()

        for i in range(count):
            username, township, village = OFFICES[i % len(OFFICES)]
            received = today - dt.timedelta(days=rng.randrange(20, 120))
            petitioner = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                          "id_number": _id_number(rng), "phone": f"139{rng.randrange(10**8):08d}"}
            matter = call(username, "/api/matters", {
                "node_id": nodes[township], "channel": rng.choice(["visit", "letter", "online", "phone"]),
                "form": "individual", "kind": "claim", "category": rng.choice(CATEGORIES),
                "summary": f"升级检查登记第{i + 1}件:反映{rng.choice(CATEGORIES)}问题", "petitioners": [petitioner],
                "received_on": received.isoformat()})
            act = f"/api/matters/{matter['id']}/actions/"
            stage = i % 5
            if stage >= 1:
                call(username, act + "assign", {"on": (received + dt.timedelta(days=2)).isoformat(),
                                                "lead_unit_id": nodes[village]})
            if stage >= 2:  # the 街道 office acts for its 社区 (as in the demo)
                call(username, act + "accept", {"on": (received + dt.timedelta(days=5)).isoformat()})
            if stage >= 3:
                call(username, act + "reply", {"on": (received + dt.timedelta(days=15)).isoformat(),
                                               "opinion": "经调查核实,已协调解决。", "result": "support"})
            if stage >= 4:
                call(username, f"/api/matters/{matter['id']}/follow-ups",
                     {"satisfaction": "satisfied", "stopped_petitioning": True,
                      "on": (received + dt.timedelta(days=17)).isoformat()})
                call(username, act + "close", {"on": (received + dt.timedelta(days=18)).isoformat()})
    app.state.engine.dispose()
    print(f"seeded {count} matters with the first release's API")


if __name__ == "__main__":
    main(int(sys.argv[1]))
