"""Login throttling: growing delays that slow a password guesser and never lock the user out.

Wrong passwords are counted per account and address and per address, over the last
``throttle_minutes``. Past the tolerated number, the next attempt from there must wait
1 s, 2 s, 4 s … (at most ``throttle_minutes``) after the latest failure. An account as
such is never locked: its owner logging in from another address does not wait for an
attacker's failures. Times come from the caller (the request's clock), so tests move the
clock instead of sleeping.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.accounts.models import LoginFailure
from xinfang.platform.settings import Settings


def growing_delay(failures: int, tolerated: int, cap: float) -> float:
    return 0.0 if failures < tolerated else min(2.0 ** (failures - tolerated), cap)


def seconds_to_wait(session: Session, settings: Settings, username: str, address: str, now: datetime) -> int:
    """How long this attempt must still wait (0: go ahead)."""
    window = timedelta(minutes=settings.throttle_minutes)
    cap = window.total_seconds()
    wait = 0.0
    for where, tolerated in (((LoginFailure.username == username, LoginFailure.address == address),
                              settings.throttle_per_account),
                             ((LoginFailure.address == address,), settings.throttle_per_address)):
        # failures stamped after ``now`` (a clock set back) are not counted, and no wait is ever
        # longer than the window: a wrong clock must not shut a user out for days
        count, latest = session.execute(select(func.count(), func.max(LoginFailure.at))
                                        .where(*where, LoginFailure.at > now - window, LoginFailure.at <= now)).one()
        delay = growing_delay(count, tolerated, cap) if count else 0.0
        if delay:
            wait = max(wait, (latest + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(min(wait, cap)))


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return f"登录失败次数过多,请{seconds}秒后再试"
    return f"登录失败次数过多,请{math.ceil(seconds / 60)}分钟后再试"
