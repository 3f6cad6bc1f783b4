"""The catalogue of campaign types is in one order on every install: by name, then key,
whatever order the plugins were registered in (it differed between installs)."""

from __future__ import annotations

from xinfang.platform.campaigns.registry import campaign_types
from xinfang.platform.extensions.hookspecs import CampaignType, PhaseSpec, hookimpl
from xinfang.platform.extensions.manager import build_plugin_manager


def _plugin(*names: tuple[str, str]):
    class Declares:
        @hookimpl
        def xinfang_campaign_types(self):
            return [CampaignType(key, name, "", "", (PhaseSpec("p", "阶段", 0, 1),)) for key, name in names]

    return Declares()


def test_the_catalogue_order_does_not_follow_the_plugins_order():
    first, second = _plugin(("month", "信访月"), ("year", "积案化解年")), _plugin(("order", "信访秩序"),
                                                                              ("alike", "信访月"))
    one = list(campaign_types(build_plugin_manager([first, second], load_entry_points=False)))
    other = list(campaign_types(build_plugin_manager([second, first], load_entry_points=False)))
    assert one == other == ["alike", "month", "order", "year"]  # 信访月 (alike, month), 信访秩序, 积案化解年
