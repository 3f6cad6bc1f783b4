"""A petition-month campaign (the built-in plugin) enabled by 西峡县 for 白羽街道, for the
route walk in test_route_walk.py: the plugin's routes name it ``petition_month_id``."""

from __future__ import annotations

import datetime as dt


def petition_month_samples(app, demo) -> dict[str, object]:
    from xinfang.platform.campaigns.registry import campaign_type
    from xinfang.platform.campaigns.service import enable
    from xinfang.tenants.scope import Scope

    ctype = campaign_type(app.state.plugins, "petition_month")
    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_admin")
        campaign = enable(s, actor, ctype, "信访月专项活动", [demo.node("411323001").id], dt.date(2026, 11, 16),
                          None, {})
        s.commit()
        return {"petition_month_id": campaign.id, "document_key": "summary"}


def backlog_year_samples(app, demo, matter_id: int) -> dict[str, object]:
    """A 积案化解年 of 白羽街道 with one 积案 (the walk's matter) and one inspection visit."""
    from xinfang.platform.campaigns.registry import campaign_type
    from xinfang.platform.campaigns.service import enable
    from xinfang.plugins.backlog_year.models import BacklogCase, Inspection
    from xinfang.tenants.scope import Scope

    ctype = campaign_type(app.state.plugins, "backlog_year")
    with app.state.session_factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试准备", "address": "test"}
        actor = demo.actor(s, "xx_admin")
        township = demo.node("411323001").id
        campaign = enable(s, actor, ctype, "信访积案化解年", [township], dt.date(2026, 5, 17), None, {})
        case = BacklogCase(campaign_id=campaign.id, matter_id=matter_id, node_id=township, source="screening",
                           confirmed_on=dt.date(2026, 5, 17), confirmed_by="测试", findings={})
        visit = Inspection(campaign_id=campaign.id, node_id=township, visited_on=dt.date(2026, 10, 9),
                           inspectors="县信访局", findings="进度滞后", recorded_by="测试")
        s.add_all([case, visit])
        s.commit()
        return {"backlog_year_id": campaign.id, "case_id": case.id, "inspection_id": visit.id, "part": "reply"}


SAMPLE_PARAMETERS = {"petition_month_id", "document_key", "backlog_year_id", "case_id", "inspection_id", "part"}
