"""Plugins add roles (the example adds a read-only assessor); a write permission for a
read-only role — the core's supervisor or a plugin's — is refused at start-up."""

from __future__ import annotations

import pytest

from tests.conftest import test_plugins
from xinfang.permissions.store import sync_policy
from xinfang.platform.extensions.hookspecs import PermissionSpec, RoleSpec, hookimpl


class WritingReviewer:
    @hookimpl
    def xinfang_roles(self):
        return [RoleSpec("lax_reviewer", "审查员", permissions=("matters:read", "matters:handle"), read_only=True)]


class SupervisorWriter:
    @hookimpl
    def xinfang_permissions(self):
        return [PermissionSpec("orders:approve", "审批", ("supervisor",))]


@pytest.mark.parametrize("plugin", [WritingReviewer(), SupervisorWriter()], ids=["own role", "supervisor"])
def test_a_write_permission_for_a_read_only_role_is_refused(system_session, plugin):
    with pytest.raises(ValueError, match="read-only"):
        sync_policy(system_session, test_plugins(plugin))
    system_session.rollback()


def test_a_plugin_role_is_listed_granted_and_holds_its_permissions(client, demo):
    roles = {r["key"]: r for r in client.get("/api/roles", headers=demo.headers("xx_admin")).json()["roles"]}
    assessor = roles["village_assessor"]
    assert assessor["label"] == "无访村评审员" and "no_petition_village:read" in assessor["permissions"]
    assert "village_assessor" in roles["county_admin"]["may_grant"]
    users = client.get("/api/users", headers=demo.headers("xx_admin")).json()["items"]
    officer = next(u for u in users if u["username"] == "xx_officer")
    county = demo.node("411323").id
    granted = client.post(f"/api/users/{officer['id']}/roles", headers=demo.headers("xx_admin"),
                          json={"role": "village_assessor", "node_id": county})
    assert granted.status_code == 201, granted.text
    assert granted.json()["role_label"] == "无访村评审员"
