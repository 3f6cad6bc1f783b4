"""The README's role tables are generated from permissions/roles.py: they must not drift,
and every job's roles exist and are held at a level that makes sense."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from xinfang.permissions import roles_table
from xinfang.permissions.roles import DEFAULT_POLICY, JOBS, ROLES
from xinfang.platform.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_role_table_is_the_generated_one():
    assert roles_table.current(README) == roles_table.section(), "run `xinfang roles-table` to regenerate README.md"


def test_the_check_fails_on_a_stale_table_and_the_command_repairs_it(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n\n{roles_table.START}\n| old |\n{roles_table.END}\n\nrest\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["roles-table", "--readme", str(stale), "--check"])
    assert checked.exit_code == 1 and "不一致" in checked.output
    assert runner.invoke(main, ["roles-table", "--readme", str(stale)]).exit_code == 0
    text = stale.read_text(encoding="utf-8")
    assert roles_table.section() in text and text.endswith("\n\nrest\n") and "| old |" not in text
    assert runner.invoke(main, ["roles-table", "--readme", str(stale), "--check"]).exit_code == 0
    bare = tmp_path / "bare.md"
    bare.write_text("no markers\n", encoding="utf-8")
    assert runner.invoke(main, ["roles-table", "--readme", str(bare)]).exit_code == 1


def test_every_job_names_known_roles_held_at_or_above_its_level():
    order = ["platform", "county", "department", "township", "village", "grid"]
    for job in JOBS:
        for role, level in job.roles:
            assert role in ROLES and role in DEFAULT_POLICY
            if level != "platform":
                # its own node, or an ancestor (a department has only its county above it)
                assert level == job.level or (order.index(level) < order.index(job.level) and level != "department"), job
    # the work the issue names: the township office head arranges the rota, writes ledgers, ticks duties;
    # a grid worker files the community's report; leaders approve extensions and reviews
    held = {job.key: set().union(*(DEFAULT_POLICY[r] for r, _ in job.roles)) for job in JOBS}
    assert {"reception:write", "ledgers:write", "campaigns:tick"} <= held["township_office_head"]
    assert "reporting:submit" in held["grid_worker"] and "reporting:submit" in held["community_head"]
    assert all("matters:approve" in held[k] for k in ("county_leader", "township_leader", "department_head"))
    assert all(p.split(":")[1] in ("read", "export", "verify") for p in held["county_supervisor"])
