"""Calibrations decided by an agreed rule, and next due dates by the category's interval policy.

Issue 8: the data centre's calibration records store the decision rule, the statement and
its risk, and propose the next due date with the instrument category's interval method.
"""

from __future__ import annotations

import datetime as dt

import pytest
from scipy.stats import norm
from sqlalchemy import func, select

from sitrace import intervals as core_intervals
from sitrace.errors import ConflictError, InputError, PermissionDeniedError
from sitrace.services import SYSTEM, Actor, intervals, registry
from sitrace.services import calibrations as cal_service
from sitrace.services import ledger as ledger_service
from sitrace.services.schemas import (
    CalibrationCreate,
    CalibrationUpdate,
    DecisionRequest,
    IntervalPolicyCreate,
    ItemCreate,
    OrganisationCreate,
)
from sitrace.store import models as m

CATEGORY = "caliper 0-150 mm"


@pytest.fixture
def world(datacentre):
    ids = {}
    for code, kind in (("OWN", "owner"), ("LAB", "calibration_lab"), ("OTHER", "owner")):
        data = OrganisationCreate(code=code, name=code, kind=kind)
        ids[code] = registry.create_organisation(datacentre, SYSTEM, data).record["id"]
    return {
        "owner": Actor(None, ids["OWN"], "owner", "owner"),
        "lab": Actor(None, ids["LAB"], "lab", "lab"),
        "other": Actor(None, ids["OTHER"], "owner", "other"),
        "regulator": Actor(None, None, "regulator", "bureau"),
        "ids": ids,
    }


def _item(dc, actor, serial, *, mpe=0.03, category=CATEGORY, lab=None):
    data = ItemCreate(
        kind="instrument", level="instrument", name="caliper", serial=serial, type=category,
        quantity="length", unit=r"\milli\metre", mpe=mpe,
    )  # fmt: skip
    item = registry.create_item(dc, actor, data).record["id"]
    registry.share_item(dc, actor, item, lab)  # the laboratory that calibrates it
    return item


def _calibrate(dc, lab, item, number, performed, errors, *, U=0.01, decision=None):
    points = [
        {"nominal": nominal, "value": nominal + e, "unit": r"\milli\metre",
         "uncertainty": U / 2, "coverage_factor": 2.0}
        for nominal, e in zip((10.0, 100.0), errors, strict=False)
    ]  # fmt: skip
    data = CalibrationCreate(
        item=item, certificate=f"C-{item}-{number}", performed=performed,
        valid_until=performed + dt.timedelta(days=3650), points=points,
        decision=decision if decision is not None else DecisionRequest(rule="guarded", r=1.0),
    )  # fmt: skip
    return cal_service.record_calibration(dc, lab, data).record


# --------------------------------------------------------------------- decisions


def test_a_calibration_stores_the_rule_the_statement_and_its_risk(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-1", lab=world["ids"]["LAB"])
    # errors 0.01 and 0.025 mm against ±0.03 mm, U = 0.01 mm, guard band w = U
    record = _calibrate(datacentre, world["lab"], item, 1, dt.date(2025, 1, 10), (0.01, 0.025))
    decision = record["decision"]
    assert record["conformity"] == "fail"  # 0.025 is beyond A_U = 0.03 - 0.01 (guarded)
    assert decision["rule"] == "guarded" and decision["standard"].startswith("ILAC-G8")
    first, second = decision["points"]
    assert first["statement"] == "pass" and second["statement"] == "fail"
    assert first["acceptance_limits"] == pytest.approx([9.98, 10.02])
    assert second["lower"] == pytest.approx(99.97) and second["upper"] == pytest.approx(100.03)
    # p_c of the second point: N(100.025, 0.005²) within [99.97, 100.03]
    p_c = norm.cdf(0.005 / 0.005) - norm.cdf(-0.055 / 0.005)
    assert second["p_c"] == pytest.approx(p_c, rel=1e-9)
    assert decision["risk"] == pytest.approx(p_c, rel=1e-9)  # "fail" is wrong with p_c
    assert "guarded" in record["conformity_statement"]
    with datacentre.reading() as session:
        assert ledger_service.verify(session, datacentre.verifier).ok


def test_nonbinary_statements_come_from_ilac_g8(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-2", lab=world["ids"]["LAB"])
    record = _calibrate(
        datacentre, world["lab"], item, 1, dt.date(2025, 1, 10), (0.0, 0.025),
        decision=DecisionRequest(rule="nonbinary"),
    )  # fmt: skip
    assert record["conformity"] == "conditional pass"
    assert [p["statement"] for p in record["decision"]["points"]] == ["pass", "conditional pass"]


def test_explicit_limits_override_the_items_mpe(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-3", mpe=None, lab=world["ids"]["LAB"])
    record = _calibrate(
        datacentre, world["lab"], item, 1, dt.date(2025, 1, 10), (0.5,),
        decision=DecisionRequest(rule="simple", lower=9.0, upper=11.0),
    )  # fmt: skip
    assert record["conformity"] == "pass"
    assert record["decision"]["points"][0]["acceptance_limits"] == [9.0, 11.0]


def test_an_error_of_indication_is_judged_against_the_mpe_about_zero(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-E", lab=world["ids"]["LAB"])
    points = [
        {"nominal": 100.0, "value": 0.02, "unit": r"\milli\metre", "uncertainty": 0.004,
         "coverage_factor": 2.0}
    ]  # fmt: skip
    data = CalibrationCreate(
        item=item, certificate="E-1", performed=dt.date(2025, 1, 1),
        valid_until=dt.date(2026, 1, 1), points=points,
        decision=DecisionRequest(rule="simple", measurand="error"),
    )  # fmt: skip
    record = cal_service.record_calibration(datacentre, world["lab"], data).record
    assert record["conformity"] == "pass"
    point = record["decision"]["points"][0]
    assert (point["lower"], point["upper"]) == pytest.approx((-0.03, 0.03))


def test_no_tolerance_is_refused_and_nothing_is_stored(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-4", mpe=None, lab=world["ids"]["LAB"])
    with pytest.raises(InputError, match="no tolerance for point 0"):
        _calibrate(datacentre, world["lab"], item, 1, dt.date(2025, 1, 10), (0.0,))
    with datacentre.reading() as session:
        assert ledger_service.verify(session, datacentre.verifier).ok
        assert session.scalar(select(func.count()).select_from(m.Calibration)) == 0
    with pytest.raises(ValueError, match="not both"):
        CalibrationCreate(
            item=item, certificate="X", performed=dt.date(2025, 1, 1),
            valid_until=dt.date(2026, 1, 1), conformity="pass",
            decision=DecisionRequest(rule="simple"),
            points=[{"value": 1.0, "uncertainty": 0.1, "unit": r"\metre"}],
        )  # fmt: skip
    with pytest.raises(ValueError, match="needs p"):
        DecisionRequest(rule="pc")


def test_a_corrected_calibration_is_decided_again_by_its_rule(datacentre, world):
    item = _item(datacentre, world["owner"], "CAL-5", lab=world["ids"]["LAB"])
    record = _calibrate(datacentre, world["lab"], item, 1, dt.date(2025, 1, 10), (0.0, 0.025))
    assert record["conformity"] == "fail"
    points = [
        {"nominal": n, "value": n, "unit": r"\milli\metre", "uncertainty": 0.005,
         "coverage_factor": 2.0}
        for n in (10.0, 100.0)
    ]  # fmt: skip
    fixed = cal_service.correct_calibration(
        datacentre, world["lab"], record["id"],
        CalibrationUpdate(reason="transcription error at 100 mm", points=points),
    ).record  # fmt: skip
    assert fixed["conformity"] == "pass"
    assert fixed["decision"]["rule"] == "guarded"


# --------------------------------------------------------------------- interval policies


def test_staircase_policy_sets_the_next_due_date_after_each_calibration(datacentre, world):
    params = {"extend_below": 0.5, "extend_factor": 1.25, "shorten_factor": 0.5}
    intervals.set_policy(
        datacentre, world["regulator"],
        IntervalPolicyCreate(category=CATEGORY, method="staircase", initial_days=180,
                             parameters=params),
    )  # fmt: skip
    item = _item(datacentre, world["owner"], "CAL-6", lab=world["ids"]["LAB"])
    found = [(0.003, 0.006), (0.006, 0.012), (0.02, 0.025), (0.02, 0.035)]  # worst |e|/MPE
    performed = dt.date(2025, 1, 10)
    records = []
    for number, errors in enumerate(found):
        records.append(_calibrate(datacentre, world["lab"], item, number, performed, errors))
        performed = dt.date.fromisoformat(records[-1]["next_due"])
    expected = core_intervals.staircase(
        [(e[1], 0.03) for e in found], 180, **params
    ).steps  # the same method on the same as-found errors
    assert [r["interval"]["days"] for r in records] == [round(s.interval) for s in expected]
    # |e|/MPE 0.2 and 0.4: extend ×1.25; 0.83: keep; 1.17: shorten ×0.5 (half up)
    assert [r["interval"]["days"] for r in records] == [225, 281, 281, 141]
    for record in records:
        due = dt.date.fromisoformat(record["performed"]) + dt.timedelta(
            days=record["interval"]["days"]
        )
        assert record["next_due"] == due.isoformat()
        assert record["interval"]["method"] == "staircase"
    with datacentre.reading() as session:
        proposal = intervals.next_due(session, world["owner"], item)
    assert proposal["next_due"] == records[-1]["next_due"] and proposal["days"] == 141


def test_an_owners_policy_comes_before_the_default(datacentre, world):
    intervals.set_policy(
        datacentre, world["regulator"],
        IntervalPolicyCreate(category=CATEGORY, method="fixed", initial_days=365),
    )  # fmt: skip
    intervals.set_policy(
        datacentre, world["owner"],
        IntervalPolicyCreate(category=CATEGORY, method="fixed", initial_days=200),
    )  # fmt: skip
    mine = _item(datacentre, world["owner"], "CAL-7", lab=world["ids"]["LAB"])
    theirs = _item(datacentre, world["other"], "CAL-8", lab=world["ids"]["LAB"])
    assert (
        _calibrate(datacentre, world["lab"], mine, 1, dt.date(2025, 1, 1), (0.0,))["next_due"]
        == "2025-07-20"
    )
    assert (
        _calibrate(datacentre, world["lab"], theirs, 1, dt.date(2025, 1, 1), (0.0,))["next_due"]
        == "2026-01-01"
    )
    with pytest.raises(InputError, match="only its own"):
        intervals.set_policy(
            datacentre, world["owner"],
            IntervalPolicyCreate(category=CATEGORY, method="fixed", initial_days=9,
                                 owner=world["ids"]["OTHER"]),
        )  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        intervals.set_policy(
            datacentre, world["lab"],
            IntervalPolicyCreate(category=CATEGORY, method="fixed", initial_days=9),
        )  # fmt: skip


def test_a3_policy_lengthens_the_interval_of_an_item_always_in_tolerance(datacentre, world):
    intervals.set_policy(
        datacentre, world["owner"],
        IntervalPolicyCreate(category=CATEGORY, method="a3", initial_days=180,
                             parameters={"target": 0.8}),
    )  # fmt: skip
    item = _item(datacentre, world["owner"], "CAL-9", lab=world["ids"]["LAB"])
    performed, days = dt.date(2020, 1, 1), []
    for number in range(12):
        record = _calibrate(datacentre, world["lab"], item, number, performed, (0.0, 0.001))
        days.append(record["interval"]["days"])
        performed = dt.date.fromisoformat(record["next_due"])
    results, current, expected = [], 180.0, []
    for _ in range(12):
        results.append(True)
        r = core_intervals.interval_test_results(results, current, target=0.8)
        if r.changed:
            current, results = float(r.interval), []
        expected.append(round(current))
    assert days == expected
    # 7 of 7 in tolerance against the 0.8 target: rejection confidence 0.58 > 0.5, doubled
    assert days[:6] == [180] * 6 and days[6:] == [360] * 6


def test_s2_policy_fits_the_categorys_grouped_results(datacentre, world):
    intervals.set_policy(
        datacentre, world["owner"],
        IntervalPolicyCreate(category=CATEGORY, method="s2", initial_days=90,
                             parameters={"target": 0.9, "bin_days": 30}),
    )  # fmt: skip
    # items calibrated every 30, 60, 90 or 120 days; the longer the interval, the more
    # are found out of tolerance (0.05 mm against ±0.03 mm)
    plan = {30: 0, 60: 1, 90: 2, 120: 4}
    number = 0
    for gap, failures in plan.items():
        for k in range(8):
            item = _item(datacentre, world["owner"], f"S2-{gap}-{k}", lab=world["ids"]["LAB"])
            start = dt.date(2024, 1, 1)
            for day, error in ((0, 0.0), (gap, 0.05 if k < failures else 0.0)):
                _calibrate(
                    datacentre, world["lab"], item, number, start + dt.timedelta(days=day),
                    (error,), decision=DecisionRequest(rule="simple"),
                )  # fmt: skip
                number += 1
    with datacentre.reading() as session:
        proposal = intervals.next_due(session, world["owner"], item)
    expected = core_intervals.binomial_s2([30, 60, 90, 120], [8] * 4, [8, 7, 6, 4], target=0.9)
    assert proposal["method"] == "s2"
    assert proposal["basis"]["n"] == [8, 8, 8, 8]
    assert proposal["basis"]["in_tolerance"] == [8, 7, 6, 4]
    assert proposal["basis"]["model"] == expected.best.name
    assert proposal["days"] == round(expected.best.interval)


def test_next_due_without_a_policy_says_so(datacentre, world):
    item = _item(
        datacentre, world["owner"], "CAL-10", category="no policy here", lab=world["ids"]["LAB"]
    )
    with datacentre.reading() as session, pytest.raises(ConflictError, match="no interval"):
        intervals.next_due(session, world["owner"], item)


def test_bad_policy_parameters_are_refused_by_name(datacentre, world):
    cases = [
        ("staircase", {"extend_below": 0.5}, "needs extend_factor, shorten_factor"),
        ("a3", {"target": 1.5}, "reliability target must be in"),
        ("fixed", {"target": 0.9}, "unknown parameter"),
        ("s2", {"target": "high"}, "parameters.target"),
    ]
    for method, parameters, message in cases:
        with pytest.raises(InputError, match=message):
            intervals.set_policy(
                datacentre, world["owner"],
                IntervalPolicyCreate(category=CATEGORY, method=method, initial_days=30,
                                     parameters=parameters),
            )  # fmt: skip
