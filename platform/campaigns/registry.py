"""The campaign types the installed plugins declare."""

from __future__ import annotations

import pluggy

from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import CampaignType


def campaign_types(plugins: pluggy.PluginManager) -> dict[str, CampaignType]:
    types: dict[str, CampaignType] = {}
    for declared in plugins.hook.xinfang_campaign_types():
        for ctype in declared:
            if ctype.key in types:
                raise RuntimeError(f"two plugins declare the campaign type {ctype.key!r}")
            types[ctype.key] = ctype
    return types


def campaign_type(plugins: pluggy.PluginManager, key: str) -> CampaignType:
    types = campaign_types(plugins)
    if key not in types:
        raise BadRequest(f"未安装“{key}”类型的专项活动插件,可用的有:{'、'.join(t.name for t in types.values()) or '无'}")
    return types[key]


def describe(ctype: CampaignType) -> dict:
    return {
        "key": ctype.key, "name": ctype.name, "description": ctype.description, "source": ctype.source,
        "days": ctype.days,
        "phases": [{"key": p.key, "name": p.name, "first_day": p.first_day, "last_day": p.last_day}
                   for p in ctype.phases],
        "checklists": [{"key": c.key, "title": c.title, "level": c.level, "phase": c.phase,
                        "items": [{"key": i.key, "text": i.text, "recurrence": i.recurrence, "times": i.times,
                                   "evidence": i.evidence} for i in c.items]} for c in ctype.checklists],
        "matter_checklist": [{"key": i.key, "text": i.text} for i in ctype.matter_checklist],
        "metrics": [{"key": m.key, "name": m.name, "target": m.target, "unit": m.unit} for m in ctype.metrics],
        "documents": [{"key": d.key, "title": d.title} for d in ctype.documents],
        "ledgers": list(ctype.ledgers),
    }
