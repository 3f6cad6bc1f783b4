"""A year's State Council holiday notice (国务院办公厅关于部分节假日安排的通知), as entered.

National data, shared by every tenant: no ancestor columns. A stored year replaces the
``chinesecalendar`` package's data for that year, so new or corrected notices need no
package upgrade.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime

HOLIDAY, WORKDAY = "holiday", "workday"
KIND_LABELS = {HOLIDAY: "放假", WORKDAY: "调休上班"}


class CalendarYear(Base):
    """One notice: which year it covers, its title and 文号, who entered it and when."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    document_number: Mapped[str] = mapped_column(String(64))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_by: Mapped[str] = mapped_column(String(64))  # the name at the time, kept if the account goes
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)

    days: Mapped[list[CalendarDay]] = relationship(back_populates="calendar_year", cascade="all, delete-orphan",
                                                   order_by="CalendarDay.day", lazy="raise")


class CalendarDay(Base):
    """A day the notice lists: a rest day (放假, weekends inside the break included when the
    notice lists them) or a make-up workday (调休上班) on a Saturday or Sunday."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(32))  # 春节, 国庆节 …

    calendar_year: Mapped[CalendarYear] = relationship(back_populates="days", lazy="raise")
