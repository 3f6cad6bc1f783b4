"""Authorization overhead: a scoped GET list with authorization on vs. switched off.

Both apps run in this process over the same database: SQLite in a temp dir, or with
``--postgres`` a database of its own created (and dropped) in the server at
XINFANG_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test). Rounds
alternate between the two, each first in half of them (ABBA), with garbage collected before
each round, so machine noise hits both alike. ``--nodes N`` first grows the
demo tree to N nodes (townships of 20 villages under the demo county; the people stay on
the demo's villages, so only the tree's size changes). The tables are analysed before the
rounds, as a server's autovacuum keeps them. Prints requests per second for each, the
authorization cost per request (ms with − ms without) and, last, ``ratio=<on/off>`` (goal
≥ 0.9; the cost should not grow with N).
"""

from __future__ import annotations

import gc
import logging
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database  # noqa: E402
from litestar.testing import TestClient  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from xinfang.platform import clock  # noqa: E402
from xinfang.platform import demo as demo_data  # noqa: E402
from xinfang.platform.accounts.models import AuthSession, User  # noqa: E402
from xinfang.platform.accounts.service import token_hash  # noqa: E402
from xinfang.platform.app import create_app  # noqa: E402
from xinfang.platform.cli import upgrade_database  # noqa: E402
from xinfang.platform.people.models import Person  # noqa: E402
from xinfang.platform.privacy.identity import check_digit  # noqa: E402
from xinfang.platform.settings import Settings  # noqa: E402
from xinfang.tenants.models import Node  # noqa: E402
from xinfang.tenants.scope import Scope  # noqa: E402

PEOPLE = 5000
VILLAGES_PER_TOWNSHIP = 20
ROUNDS = 16
REQUESTS = 100
URL = "/api/people?per_page=20"


def _id_number(n: int) -> str:
    first = f"411323{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first + check_digit(first)


def grow_tree(session, nodes: int) -> None:
    """Townships of ``VILLAGES_PER_TOWNSHIP`` villages under the demo county until the tree
    holds ``nodes`` nodes."""
    county = session.scalar(select(Node).where(Node.code == "411323"))
    have = session.scalar(select(func.count()).select_from(Node))
    for t in range(200, 1000):
        if have >= nodes:
            return
        township = Node(level="township", code=f"{county.code}{t:03d}", name=f"第{t}镇", parent_id=county.id)
        session.add(township)
        session.flush()
        villages = min(VILLAGES_PER_TOWNSHIP, nodes - have - 1)
        session.add_all([Node(level="village", code=f"{township.code}{v:03d}", name=f"第{t}镇{v}村",
                              parent_id=township.id) for v in range(1, villages + 1)])
        session.flush()
        have += 1 + villages
    raise ValueError(f"--nodes {nodes}: more than one county's codes can hold")


def setup(settings: Settings, nodes: int | None) -> str:
    upgrade_database(settings)
    app = create_app(settings)
    with app.state.session_factory(scope=Scope.system()) as s:
        if not demo_data.is_loaded(s):
            demo_data.load(s)
        villages = list(s.scalars(select(Node).where(Node.level == "village")))
        if nodes:
            grow_tree(s, nodes)
        rng = random.Random(7)
        for n in range(PEOPLE):
            s.add(Person(node_id=rng.choice(villages).id, name=f"群众{n}", id_number=_id_number(n)))
        user = s.scalar(select(User).where(User.username == "xx_by_officer"))
        s.add(AuthSession(token_hash=token_hash("bench-token", settings.secret_key), user_id=user.id,
                          expires_at=clock.now().replace(year=clock.now().year + 1)))
        s.commit()
    with app.state.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # the statistics a server's autovacuum keeps (the test server runs without it): unanalysed,
        # PostgreSQL guesses 25 of 5,000 people for ``township_id = X`` and plans a scan of the
        # whole township and a sort for a page of 20
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    app.state.engine.dispose()
    return "bench-token"


def rate(client: TestClient, headers: dict) -> float:
    gc.collect()  # the previous round's garbage is collected here, untimed, not inside the next round
    start = time.perf_counter()
    for _ in range(REQUESTS):
        resp = client.get(URL, headers=headers)
        assert resp.status_code == 200, resp.text
    return REQUESTS / (time.perf_counter() - start)


def main() -> None:
    nodes = int(sys.argv[sys.argv.index("--nodes") + 1]) if "--nodes" in sys.argv else None
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
    with database("--postgres" in sys.argv, "xinfang_bench_authz") as url:
        # no background jobs: the deadline scan would run inside one app's rounds and not the other's
        settings = replace(Settings(), database_url=url, run_background=False)
        headers = {"Authorization": f"Bearer {setup(settings, nodes)}"}
        on, off = create_app(settings), create_app(settings, authz_enabled=False)
        with TestClient(on) as c_on, TestClient(off) as c_off:
            rate(c_on, headers), rate(c_off, headers)  # warm up caches and connections
            ratios, costs, on_rates, off_rates = [], [], [], []
            for n in range(ROUNDS):
                # ABBA: each app goes first in half the rounds, so a drift over the run or a
                # cost one round leaves to the next falls on both alike
                if n % 2:
                    r_off = rate(c_off, headers)
                    r_on = rate(c_on, headers)
                else:
                    r_on, r_off = rate(c_on, headers), rate(c_off, headers)
                on_rates.append(r_on)
                off_rates.append(r_off)
                ratios.append(r_on / r_off)
                costs.append(1000 / r_on - 1000 / r_off)
            with on.state.session_factory(scope=Scope.system()) as s:
                tree = s.scalar(select(func.count()).select_from(Node))
        print(f"database: {on.state.engine.dialect.name}, {tree} tree nodes, {PEOPLE} people, "
              f"{ROUNDS}×{REQUESTS} requests each")
        print(f"authorization on:  {statistics.median(on_rates):8.1f} req/s (median)")
        print(f"authorization off: {statistics.median(off_rates):8.1f} req/s (median)")
        print(f"authorization cost: {statistics.median(costs):.3f} ms per request (median; nodes={tree})")
        on.state.engine.dispose()
        off.state.engine.dispose()
        quartiles = statistics.quantiles(ratios, n=4)
        print(f"round ratios: min {min(ratios):.3f}, quartiles {quartiles[0]:.3f} / {quartiles[2]:.3f}, "
              f"max {max(ratios):.3f}")
        print(f"ratio={statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
