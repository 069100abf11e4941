"""Method 3 of ILAC-G24:2022 / OIML D 10:2022 (6.4): "in-use" time.

The instrument is due for recalibration when its accumulated use since the last
calibration (hours of operation, cycles, operations) reaches ``usage_limit``, or
when ``calendar_limit_days`` have passed, whichever comes first. Optionally the day
the usage limit will be reached is projected from the mean use per day so far,
so that a due date can be proposed before the limit is reached.

References
----------
ILAC-G24:2022 / OIML D 10:2022, 6.4 (Method 3: "in-use" time).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sitrace.errors import InputError
from sitrace.intervals._checks import count, non_negative, positive
from sitrace.intervals.history import UsageRecord

__all__ = ["CALENDAR", "PROJECTED", "USAGE", "InUseDue", "in_use_due"]

USAGE = "usage limit reached"
PROJECTED = "usage limit projected"
CALENDAR = "calendar limit"


@dataclass(frozen=True, slots=True)
class InUseDue:
    """The next due date under Method 3 and why."""

    due_date: dt.date
    reason: str
    calendar_due: dt.date
    usage_reached_on: dt.date | None
    projected_usage_date: dt.date | None
    used: float
    remaining: float
    usage_limit: float
    calendar_limit_days: int

    def to_dict(self) -> dict:
        def iso(d: dt.date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "due_date": iso(self.due_date),
            "reason": self.reason,
            "calendar_due": iso(self.calendar_due),
            "usage_reached_on": iso(self.usage_reached_on),
            "projected_usage_date": iso(self.projected_usage_date),
            "used": self.used,
            "remaining": self.remaining,
        }


def in_use_due(
    calibrated_on: dt.date,
    usage: Sequence[UsageRecord | tuple[dt.date, float]],
    *,
    usage_limit: float,
    calendar_limit_days: int,
    project: bool = False,
) -> InUseDue:
    """Due date by in-use time or calendar time, whichever comes first (ILAC-G24 Method 3).

    Parameters
    ----------
    calibrated_on : datetime.date
        Date of the last calibration; usage is counted from that day on.
    usage : sequence of UsageRecord or (date, amount)
        Use accumulated per day since ``calibrated_on``, oldest first, amounts >= 0.
    usage_limit : float
        Accumulated use at which the instrument is due (> 0).
    calendar_limit_days : int
        Days after ``calibrated_on`` at which it is due in any case (>= 1).
    project : bool
        If the usage limit has not been reached, project the day it will be, at the
        mean use per day between ``calibrated_on`` and the last record, and propose
        that day when it comes before the calendar limit.

    Examples
    --------
    >>> import datetime as dt
    >>> d = dt.date(2024, 1, 1)
    >>> r = in_use_due(d, [(dt.date(2024, 2, 1), 300.0), (dt.date(2024, 3, 1), 250.0)],
    ...                usage_limit=500, calendar_limit_days=365)
    >>> r.due_date, r.reason
    (datetime.date(2024, 3, 1), 'usage limit reached')
    """
    if not isinstance(calibrated_on, dt.date):
        raise InputError(f"calibrated_on must be a date, got {type(calibrated_on).__name__}")
    limit = positive(usage_limit, "usage_limit")
    days = count(calendar_limit_days, "calendar_limit_days", minimum=1)
    calendar_due = calibrated_on + dt.timedelta(days=days)

    used = 0.0
    reached_on = None
    previous = calibrated_on
    last = calibrated_on
    for i, item in enumerate(usage):
        where = f"usage[{i}]"
        date, amount = (item.date, item.usage) if isinstance(item, UsageRecord) else item
        if not isinstance(date, dt.date):
            raise InputError(f"date must be a date, got {type(date).__name__}", where=where)
        if date < previous:
            what = "the calibration date" if previous == calibrated_on else "the record before"
            raise InputError(
                f"date {date} is before {what} ({previous}); records must be oldest first "
                "and not before the calibration",
                where=where,
            )
        used += non_negative(amount, "usage", where=where)
        if reached_on is None and used >= limit:
            reached_on = date
        previous = last = date

    projected = None
    if reached_on is None and project and used > 0.0 and last > calibrated_on:
        rate = used / (last - calibrated_on).days
        projected = last + dt.timedelta(days=math.ceil((limit - used) / rate))

    if reached_on is not None and reached_on <= calendar_due:
        due, reason = reached_on, USAGE
    elif projected is not None and projected < calendar_due:
        due, reason = projected, PROJECTED
    else:
        due, reason = calendar_due, CALENDAR
    return InUseDue(
        due_date=due,
        reason=reason,
        calendar_due=calendar_due,
        usage_reached_on=reached_on,
        projected_usage_date=projected,
        used=used,
        remaining=max(limit - used, 0.0),
        usage_limit=limit,
        calendar_limit_days=days,
    )
