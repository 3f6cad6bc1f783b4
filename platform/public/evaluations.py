"""The petitioner's rating of an opinion (条例第二十一条): once per step, after the opinion is
out, only through the lookup; the handling unit reads it on the matter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.matters.models import Matter, MatterOpinion
from xinfang.platform.public.models import RATINGS, STEPS, MatterEvaluation
from xinfang.platform.public.progress import evaluable

COMMENT_MAX = 500


def rate(session: Session, matter: Matter, step: str, rating: str, comment: str = "") -> MatterEvaluation:
    if step not in STEPS:
        raise BadRequest(f"评价的环节应为:{'、'.join(STEPS.values())}")
    if rating not in RATINGS:
        raise BadRequest(f"评价应为:{'、'.join(RATINGS.values())}")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise BadRequest(f"评价意见不能超过{COMMENT_MAX}字")
    if step not in evaluable(session, matter):
        issued = session.scalar(select(MatterOpinion.id).where(MatterOpinion.matter_id == matter.id,
                                                               MatterOpinion.stage == step).limit(1))
        raise Conflict(f"该事项的{STEPS[step]}已评价过,每个环节只能评价一次" if issued
                       else f"该事项尚未出具{STEPS[step]},出具后才能评价")
    opinion = session.scalar(select(MatterOpinion).where(MatterOpinion.matter_id == matter.id,
                                                         MatterOpinion.stage == step)
                             .order_by(MatterOpinion.id.desc()).limit(1))
    evaluation = MatterEvaluation(matter_id=matter.id, county_id=matter.county_id or matter.node_id,
                                  node_id=opinion.node_id if opinion else None, step=step, rating=rating,
                                  comment=comment)
    session.add(evaluation)
    session.flush()
    return evaluation


def listing(session: Session, matter_id: int) -> list[dict[str, Any]]:
    """The ratings of a matter, for the units that see it (the scoped session decides)."""
    return [{"step": e.step, "step_label": STEPS[e.step], "rating": e.rating, "rating_label": RATINGS[e.rating],
             "comment": e.comment, "at": e.created_at.isoformat()}
            for e in session.scalars(select(MatterEvaluation).where(MatterEvaluation.matter_id == matter_id)
                                     .order_by(MatterEvaluation.id))]
