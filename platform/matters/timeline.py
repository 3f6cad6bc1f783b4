"""Writing one entry on a matter's timeline, for the modules the lifecycle calls into.

``service`` imports repeat detection and joint handling, so those cannot import
``service._event`` back; they write their entries through here instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.matters.models import Matter, MatterEvent


def add(session: Session, actor: Actor, matter: Matter, action: str, label: str, on: dt.date,
        node_id: int | None, note: str = "", data: dict[str, Any] | None = None) -> MatterEvent:
    """A fact recorded on the timeline; the matter's state does not change."""
    event = MatterEvent(matter_id=matter.id, on=on, actor_id=actor.user_id, actor_name=actor.display_name,
                        node_id=node_id, action=action, label=label, from_state=None, to_state=None,
                        note=note, data=data or {})
    session.add(event)
    return event
