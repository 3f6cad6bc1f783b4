"""Slowing guessers of 查询码 and verification codes, never locking a petitioner out.

Failures are counted per address over all public look-ups, and per matter and address (the
login throttle's rule, ``accounts/throttle``): past the tolerated number, the next attempt from
there waits 1 s, 2 s, 4 s … (at most ``throttle_minutes``) after the latest failure, and is
refused with 429 without its code being checked. Nothing is counted per matter alone, so
nobody's wrong guesses can hold the petitioner up: from any other address the right code
always opens the matter, and from their own the wait ends within ``throttle_minutes``.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.accounts.throttle import growing_delay
from xinfang.platform.errors import TooManyRequests
from xinfang.platform.public.models import PublicFailure

PER_KEY_AND_ADDRESS = 5
PER_ADDRESS = 10
WINDOW_MINUTES = 15


def seconds_to_wait(session: Session, key: str, address: str, now: datetime) -> int:
    window = timedelta(minutes=WINDOW_MINUTES)
    wait = 0.0
    for where, tolerated in (((PublicFailure.key == key, PublicFailure.address == address), PER_KEY_AND_ADDRESS),
                             ((PublicFailure.address == address,), PER_ADDRESS)):
        count, latest = session.execute(select(func.count(), func.max(PublicFailure.at))
                                        .where(*where, PublicFailure.at > now - window)).one()
        if count:
            delay = growing_delay(count, tolerated, window.total_seconds())
            wait = max(wait, (latest + timedelta(seconds=delay) - now).total_seconds())
    return max(0, math.ceil(wait))


def check(session: Session, key: str, address: str, now: datetime) -> None:
    """Refuse (429, with how long to wait) while this address must wait for ``key``."""
    seconds = seconds_to_wait(session, key, address, now)
    if seconds:
        wait = f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分钟"
        raise TooManyRequests(f"查询失败次数过多,请{wait}后再试", retry_after=seconds)


def fail(session: Session, key: str, address: str, now: datetime) -> None:
    session.add(PublicFailure(key=key[:64], address=address[:64], at=now))
