"""The meter services on the core's own output: estimates of a simulated area become alerts,
and the laboratory's verifications measure how the estimator did against the truth."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from sitrace.errors import InputError, PermissionDeniedError
from sitrace.meters.fleet import estimate_areas
from sitrace.meters.simulate import FleetConfig, simulate_area
from sitrace.services import SYSTEM, Actor, meters, registry
from sitrace.services import calibrations as cal_service
from sitrace.services import ledger as ledger_service
from sitrace.services.schemas import CalibrationCreate, ItemCreate, OrganisationCreate
from sitrace.store import models as m

WINDOW = dt.date(2024, 1, 31)
U_LAB = 0.05  # the laboratory's standard uncertainty of a meter's error, percent


@pytest.fixture(scope="module")
def area():
    """12 meters, 30 days of 15-min data; a third with step faults of +4..6 % (seeded)."""
    config = FleetConfig(
        step_fraction=0.3, step_percent=(4.0, 6.0), drift_fraction=0.0, theft_fraction=0.0,
        wrong_area_fraction=0.0, pv_fraction=0.0, vacant_fraction=0.0,
    )  # fmt: skip
    simulated = simulate_area(12, 30, rng=5, config=config)
    return simulated, estimate_areas([simulated.series])


@pytest.fixture
def world(datacentre):
    ids = {}
    for code, kind in (("UTIL", "owner"), ("LAB", "calibration_lab"), ("OTHER", "owner")):
        data = OrganisationCreate(code=code, name=code, kind=kind)
        ids[code] = registry.create_organisation(datacentre, SYSTEM, data).record["id"]
    return {
        "owner": Actor(None, ids["UTIL"], "owner", "utility"),
        "lab": Actor(None, ids["LAB"], "lab", "lab"),
        "other": Actor(None, ids["OTHER"], "owner", "other"),
        "regulator": Actor(None, None, "regulator", "bureau"),
        "ids": ids,
    }


def _register(dc, actor, serial):
    data = ItemCreate(
        kind="instrument", level="instrument", name="meter", serial=serial,
        quantity="error of indication", unit=r"\percent",
    )  # fmt: skip
    return registry.create_item(dc, actor, data).record["id"]


def test_the_core_estimates_become_alerts_and_the_lab_results_validate_them(
    datacentre, world, area
):
    simulated, estimated = area
    table = estimated.estimates
    flagged = table.loc[table["status"] == "flagged", "meter"].tolist()
    assert len(flagged) == 2  # the seeded area has two flags, and one balance anomaly
    items = {meter: _register(datacentre, world["owner"], meter) for meter in flagged}

    recorded = meters.record_estimates(
        datacentre, world["owner"], None, table, estimated.areas, window_end=WINDOW
    )
    by_meter = {a["meter"]: a for a in recorded.created if a["kind"] == "meter"}
    assert sorted(by_meter) == sorted(flagged)
    assert [a["area"] for a in recorded.created if a["kind"] == "area"] == ["A00001"]
    for meter, alert in by_meter.items():
        row = table.loc[table["meter"] == meter].iloc[0]
        assert alert["error_percent"] == row["error_percent"]
        assert alert["u_percent"] == row["u_percent"] and alert["reason"] == row["reason"]
        assert alert["item"] == items[meter] and alert["mpe_percent"] == 1.0

    # each flagged meter is removed and verified: the laboratory finds its true error
    truth = dict(zip(simulated.series.meters, 100 * simulated.error, strict=True))
    expected = []
    for number, (meter, alert) in enumerate(sorted(by_meter.items())):
        order = meters.open_work_order(datacentre, world["owner"], alert["id"], world["ids"]["LAB"])
        data = CalibrationCreate(
            item=items[meter], certificate=f"LAB-{number}", kind="verification",
            performed=dt.date(2024, 2, 15), valid_until=dt.date(2030, 2, 15),
            points=[{"value": truth[meter], "unit": r"\percent", "uncertainty": U_LAB}],
        )  # fmt: skip
        calibration = cal_service.record_calibration(datacentre, world["lab"], data).record["id"]
        done = meters.record_verification(datacentre, world["lab"], order.record["id"], calibration)
        check = done.record["validation"]
        difference = alert["error_percent"] - truth[meter]
        normalized = difference / math.sqrt(alert["u_percent"] ** 2 + U_LAB**2)
        assert check["difference"] == pytest.approx(difference, rel=1e-12)
        assert check["normalized"] == pytest.approx(normalized, rel=1e-12)
        expected.append((difference, abs(normalized) <= 2))

    with datacentre.reading() as session:
        summary = meters.validation_summary(session, world["regulator"])
        assert ledger_service.verify(session, datacentre.verifier).ok
    agreeing = sum(agrees for _, agrees in expected)
    n = len(expected)
    assert summary["count"] == n and summary["agreeing"] == agreeing
    assert summary["share_agreeing"] == pytest.approx(agreeing / n)
    assert summary["mean_difference_percent"] == pytest.approx(
        sum(d for d, _ in expected) / n, rel=1e-12
    )


def test_a_nan_in_a_flagged_row_is_refused_by_name_and_nothing_is_stored(datacentre, world):
    table = pd.DataFrame(
        {
            "area": ["A1", "A1", "A1"],
            "meter": ["M1", "M2", "M3"],
            "error_percent": [0.1, np.nan, np.nan],
            "u_percent": [0.2, np.nan, 0.3],
            "relative_error_percent": [0.0, np.nan, np.nan],
            "status": ["ok", "not_estimable", "flagged"],
            "intervals_used": np.array([100, 3, 100], dtype="int64"),
        }
    )
    with pytest.raises(InputError, match=r"estimates row 2 \(meter 'M3'\): field 'error_percent'"):
        meters.record_estimates(datacentre, world["owner"], None, table, window_end=WINDOW)
    with datacentre.reading() as session:
        assert session.scalar(select(func.count()).select_from(m.MeterAlert)) == 0
    # the not_estimable row may leave its numbers out: with M3 fixed, M3 alone is an alert
    table.loc[2, "error_percent"] = 2.5
    recorded = meters.record_estimates(
        datacentre, world["owner"], None, table, window_end=WINDOW, mpe_percent=2.0
    )
    assert [(a["meter"], a["mpe_percent"]) for a in recorded.created] == [("M3", 2.0)]


@pytest.mark.parametrize(
    ("areas", "words"),
    [
        ([{"area": "A1", "balance_anomaly": "yes"}], "field 'balance_anomaly' must be true or"),
        ([{"area": "A1", "balance_anomaly": True}] * 2, "area 'A1' appears twice"),
    ],
)
def test_a_bad_area_row_is_refused_by_name(datacentre, world, areas, words):
    with pytest.raises(InputError, match=words):
        meters.record_estimates(datacentre, world["owner"], None, [], areas, window_end=WINDOW)


@pytest.mark.parametrize("mpe", [0.0, -1.0, math.inf, {"M1": math.nan}])
def test_an_mpe_must_be_a_finite_positive_number(datacentre, world, mpe):
    with pytest.raises(InputError, match="must be a finite number > 0"):
        meters.record_estimates(
            datacentre, world["owner"], None, [], window_end=WINDOW, mpe_percent=mpe
        )


def test_regulators_and_labs_record_no_estimates_and_decide_no_lots(datacentre, world):
    for who in ("regulator", "lab"):
        with pytest.raises(PermissionDeniedError, match="may not record meter estimates"):
            meters.record_estimates(datacentre, world[who], None, [], window_end=WINDOW)
        with pytest.raises(PermissionDeniedError, match="may not decide meter lots"):
            meters.decide_lot(
                datacentre, world[who], None, manufacturer="A", model="B", year=2020,
                size=2000, sample_results={},
            )  # fmt: skip


def test_an_owner_sees_only_its_own_alerts(datacentre, world):
    rows = [{"area": "A1", "meter": "M1", "error_percent": 3.0, "u_percent": 0.5,
             "status": "flagged"}]  # fmt: skip
    meters.record_estimates(datacentre, world["owner"], None, rows, window_end=WINDOW)
    with datacentre.reading() as session:

        def seen(who):
            return [a.meter for a in session.execute(meters.alerts_query(world[who])).scalars()]

        assert seen("owner") == ["M1"] and seen("other") == [] and seen("regulator") == ["M1"]
