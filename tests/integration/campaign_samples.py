"""A petition-month campaign (the built-in plugin) enabled by 西峡县 for 白羽街道, for the
route walk in test_route_walk.py: the plugin's routes name it ``petition_month_id``."""

from __future__ import annotations

import datetime as dt


def petition_month_samples(app, demo) -> dict[str, object]:
    from xinfang.platform.accounts.service import authenticate
    from xinfang.platform.campaigns.registry import campaign_type
    from xinfang.platform.campaigns.service import enable
    from xinfang.tenants.scope import Scope

    ctype = campaign_type(app.state.plugins, "petition_month")
    with app.state.session_factory(scope=Scope.system()) as s:
        actor = authenticate(s, app.state.policy, demo.token("xx_admin"), app.state.settings.secret_key)
        campaign = enable(s, actor, ctype, "信访月专项活动", [demo.node("411323001").id], dt.date(2026, 11, 16),
                          None, {})
        s.commit()
        return {"petition_month_id": campaign.id, "document_key": "summary"}


SAMPLE_PARAMETERS = {"petition_month_id", "document_key"}
