"""Entering phases: once a phase's first day has come, its "phase entered" event fires,
exactly once (``CampaignPhase.entered``), for every plugin to act on."""

from __future__ import annotations

import datetime as dt

import pluggy
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from xinfang.platform.campaigns.models import Campaign, CampaignPhase
from xinfang.platform.clock import CHINA
from xinfang.platform.extensions.manager import plugins_of
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.tenants.scope import Scope


def enter_phases(session_factory: sessionmaker, today: dt.date, plugins: pluggy.PluginManager) -> int:
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "系统(活动阶段)", "address": ""}
        due = session.execute(
            select(CampaignPhase, Campaign).join(Campaign, Campaign.id == CampaignPhase.campaign_id)
            .where(Campaign.status == "active", CampaignPhase.entered.is_(False), CampaignPhase.starts_on <= today)
            .order_by(CampaignPhase.starts_on, CampaignPhase.id).with_for_update()).all()
        for phase, campaign in due:
            phase.entered = True
            plugins.hook.xinfang_on_phase_entered(campaign=campaign, phase=phase, session=session)
        session.commit()
    return len(due)


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    entered = enter_phases(session_factory, now.astimezone(CHINA).date(), plugins_of(session_factory))
    return f"{entered} 个阶段已开始"


TASK = PeriodicTask("campaign_phases", dt.timedelta(minutes=30), run)
