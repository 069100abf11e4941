"""Recording calibrations: the metrology is checked and evaluated before anything is written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from sitrace.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UnitError,
)
from sitrace.services import SYSTEM, Actor
from sitrace.services.calibrations import record_calibration
from sitrace.services.chains import chain, mark_out_of_tolerance, recall
from sitrace.services.registry import (
    add_accreditation,
    create_item,
    create_organisation,
    create_user,
    share_item,
)
from sitrace.services.schemas import (
    AccreditationCreate,
    CalibrationCreate,
    ItemCreate,
    OrganisationCreate,
    PointCreate,
    UserCreate,
    input_error,
)
from sitrace.store import models as m
from sitrace.uncertainty import gum
from sitrace.uncertainty.modelfile import model_from_dict

D = dt.date
KG = "\\kilogram"
MODEL = {
    "model": "I - x_ref + d_res + d_rep",
    "inputs": {
        "I": {"dist": "normal", "estimate": 10.004, "u": 0.0, "unit": KG},
        "x_ref": {"dist": "normal", "estimate": 10.0, "u": 8.5e-6, "unit": KG},
        "d_res": {"dist": "rectangular", "low": -0.005, "high": 0.005, "unit": KG},
        "d_rep": {"dist": "normal", "estimate": 0.0, "u": 0.0018, "dof": 4, "unit": KG},
    },
}


@pytest.fixture
def lab(datacentre):
    """A laboratory with a working standard (calibrated from an SI realization) and a scale."""
    dc = datacentre
    lab_id = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="LAB", name="Lab", kind="calibration_lab")
    ).record["id"]
    add_accreditation(
        dc, SYSTEM, lab_id,
        AccreditationCreate(quantity="mass", unit=KG, low=0, high=100, cmc=1e-6,
                            valid_from=D(2020, 1, 1)),
    )  # fmt: skip
    user = create_user(dc, SYSTEM, UserCreate(name="tech", role="lab", organisation=lab_id))
    actor = Actor(user.record["id"], lab_id, "lab", "tech")

    def item(level: str, serial: str, **extra) -> int:
        kind = "instrument" if level == "instrument" else "standard"
        return create_item(
            dc, actor,
            ItemCreate(kind=kind, level=level, name=serial, serial=serial, quantity="mass",
                       unit=KG, **extra),
        ).record["id"]  # fmt: skip

    si = item("si_realization", "SI")
    working = item("working", "W", mpe=1e-4)
    scale = item("instrument", "SCALE", mpe=0.03)
    record_calibration(
        dc, actor,
        CalibrationCreate(item=working, certificate="C-W", performed=D(2026, 1, 5),
                          valid_until=D(2027, 1, 4), standards=[si],
                          points=[PointCreate(nominal=20, value=20.00001, uncertainty=8e-6,
                                              unit=KG)]),
    )  # fmt: skip
    return dc, actor, working, scale


def _calibration(scale: int, working: int, certificate: str = "C-1", **changes):
    data = dict(item=scale, certificate=certificate, performed=D(2026, 3, 2),
                valid_until=D(2027, 3, 1), standards=[working],
                points=[PointCreate(nominal=10, unit=KG, model=MODEL)])  # fmt: skip
    data.update(changes)
    return CalibrationCreate(**data)


def test_a_points_model_is_evaluated_by_the_gum_and_its_budget_kept(lab):
    dc, actor, working, scale = lab
    written = record_calibration(dc, actor, _calibration(scale, working))
    expected = next(iter(gum(model_from_dict(MODEL).model).outputs.values()))
    point = written.record["points"][0]
    assert point["value"] == pytest.approx(0.004, abs=1e-12)
    assert point["uncertainty"] == pytest.approx(expected.standard_uncertainty, rel=1e-12)
    assert point["coverage_factor"] == pytest.approx(expected.coverage_factor, rel=1e-12)
    assert point["expanded_uncertainty"] == pytest.approx(expected.expanded_uncertainty)
    assert {row["name"] for row in point["budget"]["rows"]} >= {"x_ref", "d_res", "d_rep"}
    assert written.record["relative_uncertainty"] == pytest.approx(
        expected.expanded_uncertainty / 10
    )
    assert (written.record["low"], written.record["high"]) == (10, 10)


def _count(dc) -> tuple[int, int]:
    with dc.reading() as session:
        return (
            session.execute(select(func.count()).select_from(m.Calibration)).scalar_one(),
            session.execute(select(func.count()).select_from(m.LedgerEntry)).scalar_one(),
        )


@pytest.mark.parametrize(
    ("points", "error", "message"),
    [
        ([PointCreate(value=1, uncertainty=0.1, unit="\\kilogramm")], UnitError,
         r"points\[0\]\.unit"),
        ([PointCreate(value=1, uncertainty=0.1, unit="\\metre")], InputError,
         r"points\[0\]\.unit: unit \\metre is not of the item's quantity \(mass"),
        ([PointCreate(nominal=10, unit=KG, model={**MODEL, "model": "I - x_ref + nope"})],
         InputError, r"points\[0\]"),
    ],
)  # fmt: skip
def test_a_bad_point_is_refused_by_name_and_nothing_is_written(lab, points, error, message):
    dc, actor, working, scale = lab
    before = _count(dc)
    with pytest.raises(error, match=message):
        record_calibration(dc, actor, _calibration(scale, working, points=points))
    assert _count(dc) == before


@pytest.mark.parametrize("u", [-0.3, float("nan"), float("inf")])
def test_a_negative_or_nan_uncertainty_is_refused_before_the_service(u):
    with pytest.raises(ValidationError) as caught:
        PointCreate(value=1.0, uncertainty=u, unit=KG)
    assert "field 'uncertainty': must be a finite number >= 0" in str(input_error(caught.value))


def test_a_certificate_cannot_be_recorded_twice(lab):
    dc, actor, working, scale = lab
    record_calibration(dc, actor, _calibration(scale, working))
    with pytest.raises(ConflictError, match="certificate 'C-1' is already recorded"):
        record_calibration(dc, actor, _calibration(scale, working, performed=D(2026, 4, 1)))


def test_an_owner_cannot_record_calibrations(lab):
    dc, _actor, working, scale = lab
    owner = Actor(None, None, "owner", "someone")
    with pytest.raises(PermissionDeniedError, match="role 'owner' may not record calibrations"):
        record_calibration(dc, owner, _calibration(scale, working))


def test_calibrating_an_out_of_tolerance_item_is_allowed_restores_it_and_is_audited(lab):
    dc, actor, working, scale = lab
    record_calibration(dc, actor, _calibration(scale, working))
    written, _recall = mark_out_of_tolerance(
        dc, actor, working, D(2026, 6, 1), reason="found 0.3 g light"
    )
    assert written.record["status"] == "out_of_tolerance"
    restored = record_calibration(
        dc, actor,
        CalibrationCreate(item=working, certificate="C-W2", performed=D(2026, 6, 3),
                          valid_until=D(2027, 6, 2), standards=[],
                          points=[PointCreate(nominal=20, value=20.0, uncertainty=8e-6,
                                              unit=KG)], conformity="pass"),
    )  # fmt: skip
    entry = json.loads(restored.receipt.entry)
    assert entry["note"].startswith("restores validity: item was found out of tolerance")
    with dc.reading() as session:
        assert session.get(m.Item, working).status == "in_service"


def test_the_chain_and_the_recall_come_from_the_store(lab):
    dc, actor, working, scale = lab
    record_calibration(dc, actor, _calibration(scale, working))
    with dc.reading() as session:
        good = chain(session, actor, scale, D(2026, 5, 1))
        late = chain(session, actor, scale, D(2027, 5, 1))
    assert good.ok and good.steps == 2
    assert [p.code for p in late.errors] == ["expired"]
    assert "expired on 2027-03-01" in late.errors[0].message
    with dc.reading() as session:
        listed = recall(session, actor, working, D(2026, 6, 1))
    assert listed.items == (str(scale),)


def test_another_tenant_cannot_see_or_calibrate_an_unshared_instrument(lab, datacentre):
    dc, _actor, working, scale = lab
    other = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="OTHER", name="Other lab", kind="calibration_lab")
    ).record["id"]
    stranger = Actor(None, other, "lab", "stranger")
    with pytest.raises(NotFoundError, match="no item with id"):
        record_calibration(dc, stranger, _calibration(scale, working, certificate="X-1"))
    share_item(dc, SYSTEM, scale, other)
    written = record_calibration(dc, stranger, _calibration(scale, working, certificate="X-1"))
    assert written.record["laboratory"] == other
