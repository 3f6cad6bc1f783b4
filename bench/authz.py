"""Authorization overhead: a scoped GET list with authorization on vs. switched off.

Both apps run in this process over the same database: SQLite in a temp dir, or with
``--postgres`` a database of its own created (and dropped) in the server at
XINFANG_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test). Rounds
alternate between the two so machine noise hits both alike. Prints requests per second
for each and, last, ``ratio=<on/off>`` (goal ≥ 0.9).
"""

from __future__ import annotations

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
from sqlalchemy import select  # noqa: E402

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
ROUNDS = 7
REQUESTS = 150
URL = "/api/people?per_page=20"


def _id_number(n: int) -> str:
    first = f"411323{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first + check_digit(first)


def setup(settings: Settings) -> str:
    upgrade_database(settings)
    app = create_app(settings)
    with app.state.session_factory(scope=Scope.system()) as s:
        if not demo_data.is_loaded(s):
            demo_data.load(s)
        villages = list(s.scalars(select(Node).where(Node.level == "village")))
        rng = random.Random(7)
        for n in range(PEOPLE):
            s.add(Person(node_id=rng.choice(villages).id, name=f"群众{n}", id_number=_id_number(n)))
        user = s.scalar(select(User).where(User.username == "xx_by_officer"))
        s.add(AuthSession(token_hash=token_hash("bench-token", settings.secret_key), user_id=user.id,
                          expires_at=clock.now().replace(year=clock.now().year + 1)))
        s.commit()
    app.state.engine.dispose()
    return "bench-token"


def rate(client: TestClient, headers: dict) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        resp = client.get(URL, headers=headers)
        assert resp.status_code == 200, resp.text
    return REQUESTS / (time.perf_counter() - start)


def main() -> None:
    with database("--postgres" in sys.argv, "xinfang_bench_authz") as url:
        settings = replace(Settings(), database_url=url)
        headers = {"Authorization": f"Bearer {setup(settings)}"}
        on, off = create_app(settings), create_app(settings, authz_enabled=False)
        with TestClient(on) as c_on, TestClient(off) as c_off:
            rate(c_on, headers), rate(c_off, headers)  # warm up caches and connections
            ratios, on_rates, off_rates = [], [], []
            for _ in range(ROUNDS):
                r_on, r_off = rate(c_on, headers), rate(c_off, headers)
                on_rates.append(r_on)
                off_rates.append(r_off)
                ratios.append(r_on / r_off)
        print(f"database: {on.state.engine.dialect.name}, {PEOPLE} people, {ROUNDS}×{REQUESTS} requests each")
        print(f"authorization on:  {statistics.median(on_rates):8.1f} req/s (median)")
        print(f"authorization off: {statistics.median(off_rates):8.1f} req/s (median)")
        on.state.engine.dispose()
        off.state.engine.dispose()
        print(f"ratio={statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
