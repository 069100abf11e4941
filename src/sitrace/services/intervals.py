"""Interval policies and the next due date of an instrument (issue 8).

An :class:`~sitrace.store.models.IntervalPolicy` says how the next calibration of a
category of instruments (an item's ``type``) is scheduled: a fixed interval, or one of
the methods of :mod:`sitrace.intervals` run on the stored history:

* ``staircase`` (ILAC-G24 / OIML D 10 Method 1): the as-found error of each
  calibration relative to its MPE. A calibration decided by a rule gives, for its
  worst point, the distance from the tolerance's centre over its half-width; one
  without a decision gives its points' error about the nominal value (zero when none)
  over the item's MPE.
* ``a3`` (NCSLI RP-1 Method A3): the item's in-tolerance results at its current
  interval; after a change the count starts again at the new interval.
* ``s2`` (NCSLI RP-1 Method S2): the category's grouped results (every pair of
  consecutive calibrations of the category's items: the days between them, grouped
  in bins of ``bin_days``, and whether the later one found the item in tolerance);
  maximum likelihood over the reliability models, the best by likelihood.

A calibration recorded for an item with a policy keeps the proposal (``interval``)
and its ``next_due``; :func:`next_due` recomputes it on demand.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from .. import intervals
from ..errors import ConflictError, InputError, NotFoundError
from ..store import models as m
from .access import Actor, can_read_all, require
from .conformity import IN_TOLERANCE
from .datacentre import DataCentre
from .ledger import receipt
from .records import interval_policy as policy_record
from .registry import Written, get_item
from .schemas import IntervalPolicyCreate

__all__ = [
    "next_due",
    "policies_query",
    "policy_for",
    "propose",
    "set_policy",
]

_OPTIONS = {
    "fixed": frozenset(),
    "staircase": frozenset(
        {
            "extend_below",
            "extend_factor",
            "shorten_factor",
            "shorten_above",
            "min_interval",
            "max_interval",
        }
    ),
    "a3": frozenset({"target", "confidence", "max_change", "min_interval", "max_interval"}),
    "s2": frozenset({"target", "bin_days"}),
}
_REQUIRED = {
    "fixed": frozenset(),
    "staircase": frozenset({"extend_below", "extend_factor", "shorten_factor"}),
    "a3": frozenset({"target"}),
    "s2": frozenset({"target"}),
}


def _check_parameters(method: str, parameters: dict[str, Any]) -> dict[str, float]:
    unknown = sorted(set(parameters) - _OPTIONS[method])
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[method])) or "none"
        raise InputError(
            f"unknown parameter(s) {', '.join(unknown)} for method '{method}' (allowed: {allowed})",
            where="parameters",
        )
    missing = sorted(_REQUIRED[method] - set(parameters))
    if missing:
        raise InputError(f"method '{method}' needs {', '.join(missing)}", where="parameters")
    out = {}
    for name, value in parameters.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise InputError(
                f"must be a finite number > 0, got {value!r}", where=f"parameters.{name}"
            )
        out[name] = float(value)
    if "target" in out and not out["target"] < 1:
        raise InputError(
            f"reliability target must be in (0, 1), got {out['target']!r}",
            where="parameters.target",
        )
    return out


def set_policy(dc: DataCentre, actor: Actor, data: IntervalPolicyCreate) -> Written:
    """Create or replace the interval policy of a category (an owner's, or everyone's).

    An owner sets its own categories; a regulator or an admin sets the default for
    every owner (``owner`` left out) or any owner's. Logged in the ledger.
    """
    require(actor, {"admin", "regulator", "owner"}, "set interval policies")
    owner = data.owner
    if actor.role == "owner":
        if owner is not None and owner != actor.organisation_id:
            raise InputError("an owner sets only its own interval policies", where="owner")
        owner = actor.organisation_id
    parameters = _check_parameters(data.method, data.parameters)
    with dc.transaction() as session:
        if owner is not None and session.get(m.Organisation, owner) is None:
            raise NotFoundError(f"no organisation with id {owner}", where="owner")
        owner_match = (
            m.IntervalPolicy.owner_id.is_(None)
            if owner is None
            else (m.IntervalPolicy.owner_id == owner)
        )
        row = session.execute(
            select(m.IntervalPolicy).where(m.IntervalPolicy.category == data.category, owner_match)
        ).scalar_one_or_none()
        action = "create" if row is None else "update"
        if row is None:
            row = m.IntervalPolicy(owner_id=owner, category=data.category)
            session.add(row)
        else:
            row.version += 1
        row.method = data.method
        row.initial_days = data.initial_days
        row.parameters = parameters
        session.flush()
        logged = dc.log(session, [(action, row)], actor=actor)
        return Written(policy_record(row), receipt(session, logged[0].index))


def policies_query(actor: Actor, *, category: str | None = None):
    """The policies the actor may read: everyone's defaults and its own organisation's."""
    condition: ColumnElement[bool] = true()
    if not can_read_all(actor) and actor.role != "regulator":
        condition = or_(
            m.IntervalPolicy.owner_id.is_(None),
            m.IntervalPolicy.owner_id == actor.organisation_id,
        )
    query = select(m.IntervalPolicy).where(condition)
    if category is not None:
        query = query.where(m.IntervalPolicy.category == category)
    return query.order_by(m.IntervalPolicy.category, m.IntervalPolicy.id)


def policy_for(session: Session, item: m.Item) -> m.IntervalPolicy | None:
    """The policy of the item's category: its owner's own first, else everyone's."""
    if item.type is None:
        return None
    rows = session.execute(
        select(m.IntervalPolicy).where(
            m.IntervalPolicy.category == item.type,
            or_(m.IntervalPolicy.owner_id == item.owner_id, m.IntervalPolicy.owner_id.is_(None)),
        )
    ).scalars()
    by_owner = {row.owner_id: row for row in rows}
    return by_owner.get(item.owner_id) or by_owner.get(None)


def _history(session: Session, item_id: int) -> list[m.Calibration]:
    return list(
        session.execute(
            select(m.Calibration)
            .where(m.Calibration.item_id == item_id, m.Calibration.status != "withdrawn")
            .order_by(m.Calibration.performed, m.Calibration.id)
        ).scalars()
    )


def _in_tolerance(row: m.Calibration) -> bool | None:
    if row.decision is not None:
        return row.decision["statement"] in IN_TOLERANCE
    if row.conformity is None:
        return None
    return row.conformity in IN_TOLERANCE


def _error_ratio(item: m.Item, row: m.Calibration) -> tuple[float, float] | None:
    """(as-found error, MPE) of the calibration's worst point, or None."""
    pairs = []
    if row.decision is not None:
        for p, point in zip(row.decision["points"], row.points, strict=True):
            if p["lower"] is None or p["upper"] is None:
                continue
            half = 0.5 * (p["upper"] - p["lower"])
            pairs.append((point.value - 0.5 * (p["upper"] + p["lower"]), half))
    elif item.mpe is not None and item.mpe > 0:
        for point in row.points:
            centre = point.nominal if point.nominal is not None else 0.0
            pairs.append((point.value - centre, item.mpe))
    if not pairs:
        return None
    return max(pairs, key=lambda pair: abs(pair[0]) / pair[1])


def _round_days(value: float) -> int:
    return max(1, math.floor(value + 0.5))


def _category_groups(
    session: Session, policy: m.IntervalPolicy, bin_days: float
) -> tuple[list[float], list[int], list[int]]:
    items = select(m.Item.id).where(m.Item.type == policy.category)
    if policy.owner_id is not None:
        items = items.where(m.Item.owner_id == policy.owner_id)
    rows = session.execute(
        select(m.Calibration)
        .where(m.Calibration.item_id.in_(items), m.Calibration.status != "withdrawn")
        .order_by(m.Calibration.item_id, m.Calibration.performed, m.Calibration.id)
    ).scalars()
    groups: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    previous: m.Calibration | None = None
    for row in rows:
        if previous is not None and previous.item_id == row.item_id:
            found = _in_tolerance(row)
            days = (row.performed - previous.performed).days
            if found is not None and days > 0:
                key = max(1.0, round(days / bin_days)) * bin_days
                groups[key][0] += 1
                groups[key][1] += int(found)
        previous = row
    keys = sorted(groups)
    return keys, [groups[k][0] for k in keys], [groups[k][1] for k in keys]


def propose(session: Session, item: m.Item, policy: m.IntervalPolicy) -> dict[str, Any]:
    """The interval proposed after the item's latest calibration, by the policy's method.

    Returns ``{"policy", "method", "days", "basis", "note"}``; ``days`` is the
    interval in whole days (half up).
    """
    params = dict(policy.parameters)
    history = _history(session, item.id)
    out: dict[str, Any] = {"policy": policy.id, "method": policy.method, "note": ""}
    if policy.method == "fixed" or not history:
        out.update(days=policy.initial_days, basis={"calibrations": len(history)})
        if policy.method != "fixed":
            out["note"] = "no calibration yet: the initial interval"
        return out
    if policy.method == "staircase":
        pairs = [p for p in (_error_ratio(item, row) for row in history) if p is not None]
        if not pairs:
            out.update(days=policy.initial_days, basis={"calibrations": 0})
            out["note"] = "no as-found error against a tolerance: the initial interval"
            return out
        result = intervals.staircase(
            pairs,
            policy.initial_days,
            extend_below=params["extend_below"],
            extend_factor=params["extend_factor"],
            shorten_factor=params["shorten_factor"],
            shorten_above=params.get("shorten_above", 1.0),
            min_interval=params.get("min_interval", 1.0),
            max_interval=params.get("max_interval"),
        )
        step = result.steps[-1]
        out.update(
            days=_round_days(step.interval),
            basis={
                "calibrations": len(pairs),
                "ratios": [s.ratio for s in result.steps],
                "actions": [s.action for s in result.steps],
            },
        )
        return out
    if policy.method == "a3":
        options = {k: params[k] for k in ("confidence", "max_change") if k in params}
        for name in ("min_interval", "max_interval"):
            if name in params:
                options[name] = params[name]
        current, results, last = float(policy.initial_days), [], None
        for row in history:
            found = _in_tolerance(row)
            if found is None:
                continue
            results.append(found)
            last = intervals.interval_test_results(
                results, current, target=params["target"], **options
            )
            if last.changed:
                current, results = float(last.interval), []
        out.update(
            days=_round_days(current),
            basis={
                "results_at_current_interval": len(results),
                "rejection_confidence": None if last is None else last.rejection_confidence,
                "observed_reliability": None if last is None else last.observed_reliability,
            },
        )
        if last is None:
            out["note"] = "no in-tolerance result yet: the initial interval"
        return out
    bin_days = params.get("bin_days", 30.0)
    days, n, good = _category_groups(session, policy, bin_days)
    if len(days) < 2:
        out.update(days=policy.initial_days, basis={"groups": len(days)})
        out["note"] = (
            f"the category has results at {len(days)} interval(s); S2 needs two or more: "
            "the initial interval"
        )
        return out
    try:
        s2 = intervals.binomial_s2(days, n, good, target=params["target"])
    except InputError as error:  # e.g. every result in tolerance: nothing to fit yet
        out.update(days=policy.initial_days, basis={"groups": len(days), "n": n})
        out["note"] = f"{error.message}: the initial interval"
        return out
    best = s2.best
    out.update(
        days=_round_days(best.interval),
        basis={
            "groups": len(days),
            "intervals": days,
            "n": n,
            "in_tolerance": good,
            "model": best.name,
            "parameters": dict(best.parameters),
            "log_likelihood": best.log_likelihood,
        },
    )
    out["note"] = best.note
    return out


def next_due(session: Session, actor: Actor, item_id: int) -> dict[str, Any]:
    """The item's next due date by its category's policy, from its latest calibration."""
    item = get_item(session, actor, item_id)
    policy = policy_for(session, item)
    if policy is None:
        raise ConflictError(
            f"no interval policy for the category '{item.type}' of item {item.id}",
            where="item",
        )
    proposal = propose(session, item, policy)
    history = _history(session, item.id)
    last = history[-1].performed if history else None
    due = None if last is None else last + dt.timedelta(days=proposal["days"])
    return {
        "item": item.id,
        "category": item.type,
        "last_calibration": None if last is None else last.isoformat(),
        "next_due": None if due is None else due.isoformat(),
        **proposal,
    }
