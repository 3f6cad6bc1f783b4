"""`make upgrade-check`: a populated database of the first release (commit 5fc2528) upgraded to
this one, on PostgreSQL, timed and verified.

1. The first release's tree (``git archive 5fc2528``) is installed into a venv of its own under
   var/upgrade-check/ (kept for the next run).
2. With that release's code: a database of its own is migrated to its head and given its demo
   data (``xinfang demo``), then ``--seed`` matters (default 100) are registered through its
   own API (deploy/upgrade_seed_5fc2528.py) and carried along their lifecycle, so every row has
   the old schema's exact shape and the old audit chains are real.
3. Those matters are copied in SQL until there are ``--matters`` (default 200,000): each copy
   of a matter gets new ids and a number of its own, with its access rows, petitioners, units,
   clocks, events and follow-ups (no audit records: a bulk load, like bench/matters.py).
4. This release's ``xinfang db upgrade`` runs against it: the time it takes is the figure.
5. Checks: every table the old release had keeps its row count (the role templates, the
   policy version and the audit log excepted: the upgrade rewrites the first two and seals the
   old chains); every old audit record is unchanged and ``xinfang audit verify`` passes; the
   new app lists every matter to the two county offices, opens a copied matter, and registers
   a new one on the migrated schema.

Prints the times and exits non-zero when a check fails; drops its database whatever happens
(``--keep`` leaves it and prints its name). Options: ``--matters N``, ``--seed N``;
``--overlap`` then runs the first release's code against the migrated database and prints
what breaks (why deploy/README.md says to stop every old process before upgrading).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OLD_COMMIT = "5fc2528"
OLD_DIR = ROOT / "var" / "upgrade-check" / OLD_COMMIT
PG_SERVER = os.environ.get("XINFANG_CHECK_PG", "postgresql://postgres@127.0.0.1:5432/test")
# the tables a copied matter brings along, by their column that points at the matter
CHILDREN = {"matter_access": "subject_id", "matter_petitioners": "matter_id", "matter_units": "matter_id",
            "matter_clocks": "matter_id", "matter_events": "matter_id", "matter_follow_ups": "matter_id"}
# tables the upgrade itself writes: role templates and policy version (sync_policy), the audit
# log (sealing records and the policy change), the migration marker
REWRITTEN = {"casbin_rules", "policy_version", "audit_records", "audit_chains", "alembic_version"}


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def _run(command: list[str], env: dict[str, str], what: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return time.perf_counter() - started


def old_release() -> Path:
    """The first release installed into its own venv (built once, reused)."""
    python = OLD_DIR / ".venv" / "bin" / "python"
    if python.exists():
        return python
    shutil.rmtree(OLD_DIR, ignore_errors=True)
    OLD_DIR.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_COMMIT], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(OLD_DIR)], input=archive.stdout, check=True)
    subprocess.run(["python3", "-m", "venv", str(OLD_DIR / ".venv")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(OLD_DIR)], check=True)
    return python


def _columns(db: psycopg.Connection, table: str) -> list[str]:
    return [f'"{r[0]}"' for r in db.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position", (table,))]


def copy_matters(db: psycopg.Connection, target: int) -> int:
    """Copies of the seeded matters until there are ``target``: copy k shifts every id by k times
    the table's largest id, so the copies' rows point at each other as the originals do."""
    seeded, top = db.execute("SELECT count(*), max(id) FROM matters").fetchone()
    copies = max(0, -(-(target - seeded) // seeded))
    if not copies:
        return seeded
    shift = {"matters": top}
    for table in CHILDREN:
        shift[table] = db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]  # noqa: S608
    expressions = {'"id"': f"id + k * {top}", '"number"': "number || '-' || k",
                   '"repeat_of_id"': f"repeat_of_id + k * {top}", '"lower_level_id"': f"lower_level_id + k * {top}"}
    columns = _columns(db, "matters")
    db.execute(f"INSERT INTO matters ({', '.join(columns)}) "  # noqa: S608
               f"SELECT {', '.join(expressions.get(c, c) for c in columns)} "
               f"FROM matters, generate_series(1, {copies}) AS k "
               f"WHERE id + k * {top} <= (SELECT max(id) FROM matters) + {target - seeded} ")
    for table, pointer in CHILDREN.items():
        columns = _columns(db, table)
        values = {'"id"': f"t.id + k * {shift[table]}", f'"{pointer}"': f"t.{pointer} + k * {top}"}
        db.execute(f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                   f"SELECT {', '.join(values.get(c, f't.{c}') for c in columns)} "
                   f"FROM {table} t, generate_series(1, {copies}) AS k "
                   f"WHERE t.id <= {shift[table]} AND EXISTS (SELECT 1 FROM matters m WHERE m.id = t.{pointer} + k * {top})")
    for table in ("matters", *CHILDREN):
        db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    db.commit()
    db.execute("ANALYZE")
    return db.execute("SELECT count(*) FROM matters").fetchone()[0]


def _counts(db: psycopg.Connection) -> dict[str, int]:
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")]
    return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}  # noqa: S608


def _audit_digest(db: psycopg.Connection, upto: dict[int, int]) -> str:
    """One digest over the audit records that existed before the upgrade, every column the
    first release had."""
    rows = db.execute("SELECT chain, seq, hash, prev_hash, action, object_type, object_id FROM audit_records "
                      "ORDER BY chain, seq").fetchall()
    kept = [repr(r) for r in rows if r[1] <= upto.get(r[0], -1)]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


def _sizes(db: psycopg.Connection, counts: dict[str, int]) -> str:
    """The largest tables with their indexes, and bytes a row: the figures docs/scaling.md uses."""
    rows = db.execute("SELECT relname, pg_total_relation_size(relid), pg_indexes_size(relid) "
                      "FROM pg_stat_user_tables ORDER BY 2 DESC LIMIT 6").fetchall()
    return "; ".join(f"{name} {counts.get(name, 0):,} rows {total / 2**20:.0f} MiB "
                     f"(indexes {indexes / 2**20:.0f}), {total // max(counts.get(name, 0), 1):,} B/row"
                     for name, total, indexes in rows)


def serve_checks(env: dict[str, str], total: int, copied_id: int, copied_number: str) -> list[str]:
    """The new release's app on the migrated database: the county offices see every matter, a
    copied matter opens, a new one registers."""
    from litestar.testing import TestClient

    from xinfang.platform.app import create_app
    from xinfang.platform.settings import Settings

    app = create_app(Settings.from_env(env))
    lines = []
    with TestClient(app=app) as client:
        def office(username: str) -> dict[str, str]:
            login = client.post("/api/auth/login", json={"username": username, "password": "Xinfang-2026"})
            assert login.status_code in (200, 201), login.text
            return {"Authorization": f"Bearer {login.json()['token']}"}

        xx, jj = office("xx_officer"), office("jj_officer")
        seen = [client.get("/api/matters?per_page=20", headers=h).json()["total"] for h in (xx, jj)]
        assert sum(seen) == total, (seen, total)
        opened = next(r for h in (xx, jj) if (r := client.get(f"/api/matters/{copied_id}", headers=h)).status_code == 200)
        assert opened.json()["number"] == copied_number, opened.json().get("number")
        registered = client.post("/api/matters", headers=office("xx_by_officer"), json={
            "node_id": _node_id(env, "411323001"),
            "channel": "visit", "form": "individual", "kind": "claim", "category": "欠薪",
            "summary": "升级后登记", "petitioners": [{"name": "王五", "id_number": "11010519491231002X"}]})
        assert registered.status_code == 201, registered.text
        lines.append(f"served: 西峡县 {seen[0]:,} + 晋江市 {seen[1]:,} matters listed, copy {copied_number} opened, "
                     f"new matter {registered.json()['number']} registered")
    app.state.engine.dispose()
    return lines


def _node_id(env: dict[str, str], code: str) -> int:
    with psycopg.connect(env["XINFANG_DATABASE_URL"].replace("+psycopg", "", 1)) as db:
        return db.execute("SELECT id FROM nodes WHERE code = %s", (code,)).fetchone()[0]


def overlap(old_python: Path, old_env: dict[str, str], env: dict[str, str]) -> list[str]:
    """What an old web process still running after the upgrade does to the migrated database
    (deploy/README.md: stop them first). Run last: it damages the audit chains on purpose."""
    old = subprocess.run([str(old_python), str(ROOT / "deploy" / "upgrade_seed_5fc2528.py"), "1"],
                         env=old_env, cwd=ROOT, capture_output=True, text=True)
    refused = old.stderr.strip().splitlines()[-1:] if old.returncode else ["registered"]
    verify = subprocess.run([str(BIN / "xinfang"), "audit", "verify"], env=env, capture_output=True, text=True)
    problems = [line for line in verify.stdout.splitlines() if "完整" not in line]
    return [f"overlap: the first release's registration on the new schema: {refused[0][:200]}",
            f"overlap: audit verify afterwards exits {verify.returncode}: {problems[:2]}"]


def main() -> int:
    target, seed = _option("--matters", 200_000), _option("--seed", 100)
    started = time.perf_counter()
    old_python = old_release()
    name = f"xinfang_upgrade_{os.getpid()}"
    url = psycopg.conninfo.make_conninfo(PG_SERVER, dbname=name)
    sqlalchemy_url = PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1).rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="xinfang-upgrade-"))
    env = {**os.environ, "XINFANG_DATABASE_URL": sqlalchemy_url, "XINFANG_SECRET_KEY": secrets.token_hex(32),
           "XINFANG_STORAGE_DIR": str(workdir / "files"),
           "XINFANG_AUDIT_SIGNING_KEY_FILE": str(workdir / "checkpoint.key")}
    env.pop("XINFANG_REDIS_URL", None)
    lines = []
    try:
        old_env = {**env, "VIRTUAL_ENV": str(old_python.parent.parent)}
        demo = _run([str(old_python.parent / "xinfang"), "demo"], old_env, "the first release's demo")
        seeding = _run([str(old_python), str(ROOT / "deploy" / "upgrade_seed_5fc2528.py"), str(seed)], old_env,
                       "registering with the first release")
        lines.append(f"first release ({OLD_COMMIT}): demo {demo:.1f} s, {seed} matters through its API {seeding:.1f} s")
        with psycopg.connect(url) as db:
            copied_started = time.perf_counter()
            total = copy_matters(db, target)
            lines.append(f"copied to {total:,} matters in {time.perf_counter() - copied_started:.1f} s")
            before = _counts(db)
            heads = dict(db.execute("SELECT chain, max(seq) FROM audit_records GROUP BY chain").fetchall())
            digest = _audit_digest(db, heads)
            copied_id, copied_number = db.execute("SELECT id, number FROM matters ORDER BY id DESC LIMIT 1").fetchone()
        upgraded = _run([str(BIN / "xinfang"), "db", "upgrade"], env, "this release's db upgrade")
        lines.append(f"UPGRADE {OLD_COMMIT} -> this release: {upgraded:.1f} s for {total:,} matters "
                     f"({sum(before.values()):,} rows)")
        with psycopg.connect(url) as db:
            after = _counts(db)
            changed = {t: (n, after.get(t)) for t, n in before.items() if t not in REWRITTEN and after.get(t) != n}
            assert not changed, f"row counts changed by the upgrade: {changed}"
            assert _audit_digest(db, heads) == digest, "an audit record of the first release changed"
            codes = db.execute("SELECT count(DISTINCT query_code) FROM matters").fetchone()[0]
            assert codes == total, f"{total - codes} matters without a 查询码 of their own (migration 0023)"
            lines.append(f"counts: {len(before) - len(REWRITTEN & before.keys())} tables unchanged "
                         f"(matters {after['matters']:,}, matter_events {after['matter_events']:,}); "
                         f"{len(after) - len(before)} new tables; old audit records unchanged "
                         f"({before['audit_records']:,} → {after['audit_records']:,} with the seals)")
            lines.append("sizes: " + _sizes(db, after))
        lines += serve_checks(env, total, copied_id, copied_number)
        verify = subprocess.run([str(BIN / "xinfang"), "audit", "verify"], env=env, capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        lines.append("audit: " + (verify.stdout.strip().splitlines() or ["verified"])[-1])
        lines.append(f"upgrade-check passed in {time.perf_counter() - started:.0f} s")
        if "--overlap" in sys.argv:
            lines += overlap(old_python, old_env, env)
        return 0
    except AssertionError as failed:
        lines.append(f"FAILED: {failed}")
        return 1
    finally:
        print("\n".join(lines))
        shutil.rmtree(workdir, ignore_errors=True)
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            if "--keep" in sys.argv:
                print(f"kept database {name}")
            else:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
