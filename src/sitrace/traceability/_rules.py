"""Date rules shared by chains, recalls and restoration (private).

An out-of-tolerance finding on ``found`` casts doubt backwards to the item's last
good calibration before it, and forwards until a calibration after it that does
not fail (ISO/IEC 17025:2017, 6.4.9 and 7.10).
"""

from __future__ import annotations

import datetime as dt

from .model import Calibration, Registry

__all__ = ["doubt_start", "restoring_calibration", "suspect_since"]


def doubt_start(
    registry: Registry, item_id: str, found: dt.date
) -> tuple[dt.date, Calibration | None, bool]:
    """Where doubt starts for a finding on ``found``: ``(since, calibration, good)``.

    ``calibration`` is the item's latest calibration performed before ``found``
    whose conformity is not a fail (``conforming`` True or None), and ``good`` is
    True: that calibration showed the item good, and doubt starts on its date. If
    every calibration before ``found`` failed, it is the item's first calibration
    on or before ``found`` and ``good`` is False. If there is none,
    ``(datetime.date.min, None, False)``: every use is in doubt.
    """
    before = registry.calibrations_between(item_id, dt.date.min, found)
    for cal in reversed(before):
        if cal.performed < found and cal.conforming is not False:
            return cal.performed, cal, True
    if before:
        return before[0].performed, before[0], False
    return dt.date.min, None, False


def suspect_since(registry: Registry, item_id: str, found: dt.date) -> dt.date:
    """First day of use made doubtful by a finding on ``found`` (see :func:`doubt_start`)."""
    return doubt_start(registry, item_id, found)[0]


def restoring_calibration(
    registry: Registry, item_id: str, found: dt.date, day: dt.date
) -> Calibration | None:
    """The first calibration performed after ``found`` and on or before ``day`` that
    does not fail (``conforming`` True or None), or None: the one that restored the
    item after it was found out of tolerance."""
    if day <= found:
        return None
    for cal in registry.calibrations_between(item_id, found, day):
        if cal.performed > found and cal.conforming is not False:
            return cal
    return None
