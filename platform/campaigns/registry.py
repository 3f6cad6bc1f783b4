"""The campaign types the installed plugins declare."""

from __future__ import annotations

import pluggy

from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import MATTER_SOURCES, CampaignType


def campaign_types(plugins: pluggy.PluginManager) -> dict[str, CampaignType]:
    """The installed types by key, in the order every list shows them: by name, then key. The
    plugins' own order (the hooks' registration order) differs from one install to the next."""
    types: dict[str, CampaignType] = {}
    for declared in plugins.hook.xinfang_campaign_types():
        for ctype in declared:
            if ctype.key in types:
                raise RuntimeError(f"two plugins declare the campaign type {ctype.key!r}")
            _check_matter_checklist(ctype)
            types[ctype.key] = ctype
    return dict(sorted(types.items(), key=lambda item: (item[1].name, item[0])))


def _check_matter_checklist(ctype: CampaignType) -> None:
    """A per-matter duty is done once per matter, for matters the core knows how to pick."""
    spec = ctype.matter_checklist
    if spec is None:
        return
    if spec.matters not in MATTER_SOURCES:
        raise RuntimeError(f"campaign type {ctype.key!r}: matter checklist over unknown matters {spec.matters!r}")
    repeated = [i.key for i in spec.items if i.recurrence != "once" or i.times != 1]
    if repeated or not spec.items:
        raise RuntimeError(f"campaign type {ctype.key!r}: per-matter items are done once each ({repeated or 'none'})")


def campaign_type(plugins: pluggy.PluginManager, key: str) -> CampaignType:
    types = campaign_types(plugins)
    if key not in types:
        raise BadRequest(f"未安装“{key}”类型的专项活动插件,可用的有:{'、'.join(t.name for t in types.values()) or '无'}")
    return types[key]


def describe(ctype: CampaignType) -> dict:
    return {
        "key": ctype.key, "name": ctype.name, "description": ctype.description, "source": ctype.source,
        "days": ctype.days, "anchored": ctype.anchored,  # anchored: phase dates follow the start's year
        "phases": [{"key": p.key, "name": p.name, "first_day": p.first_day, "last_day": p.last_day,
                    "first_on": p.first_on, "last_on": p.last_on}
                   for p in ctype.phases],
        "checklists": [{"key": c.key, "title": c.title, "level": c.level, "phase": c.phase,
                        "items": [{"key": i.key, "text": i.text, "recurrence": i.recurrence, "times": i.times,
                                   "evidence": i.evidence} for i in c.items]} for c in ctype.checklists],
        "matter_checklist": None if ctype.matter_checklist is None else {
            "key": ctype.matter_checklist.key, "title": ctype.matter_checklist.title,
            "matters": ctype.matter_checklist.matters,
            "items": [{"key": i.key, "text": i.text, "evidence": i.evidence} for i in ctype.matter_checklist.items]},
        "metrics": [{"key": m.key, "name": m.name, "target": m.target, "unit": m.unit} for m in ctype.metrics],
        "documents": [{"key": d.key, "title": d.title} for d in ctype.documents],
        "ledgers": list(ctype.ledgers),
    }
