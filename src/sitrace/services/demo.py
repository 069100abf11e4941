"""Demo data: a small national measurement system, seeded through the real services.

Two chains to the SI, mass and pressure: an NMI's SI realizations and national
primary standards, a regional laboratory's reference standards, an enterprise
laboratory's working standards and 200 instruments in service (scales and
pressure gauges) at two owners, with two calibrations each whose results are
evaluated by the GUM from their measurement models (budgets kept). It holds on
purpose:

- one broken chain: a pressure gauge calibrated with a working standard whose
  own calibration had expired;
- one standard found out of tolerance (a 20 kg F1 weight set) with the recall
  list of every scale it calibrated since its last good calibration;
- a national comparison of 1 kg weights piloted by the NMI and evaluated by
  procedure A, where the NMI's CMC is flagged (smaller than the uncertainty it
  demonstrated), and a pressure proficiency test scored against the NMI's
  reference value, where one laboratory's z score is questionable and its En
  unsatisfactory (its CMC is flagged too).

Values follow OIML R 111 (weights: E1/F1 maximum permissible errors, U <= MPE/3)
and OIML R 76 (non-automatic weighing instruments, class III); they are
realistic, not taken from a real laboratory. Everything is written through the
services, so every record is in the ledger. Dates count back from ``today``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .access import SYSTEM, Actor
from .calibrations import record_calibration
from .certificates import issue_certificate
from .chains import mark_out_of_tolerance
from .comparisons import create_comparison, evaluate_comparison, submit_result
from .datacentre import DataCentre
from .intervals import set_policy
from .registry import (
    add_accreditation,
    create_item,
    create_organisation,
    create_user,
    share_item,
)
from .schemas import (
    AccreditationCreate,
    CalibrationCreate,
    ComparisonCreate,
    ComparisonEvaluate,
    ComparisonResultCreate,
    DecisionRequest,
    IntervalPolicyCreate,
    ItemCreate,
    OrganisationCreate,
    PointCreate,
    UserCreate,
)

__all__ = ["DemoSummary", "seed_demo"]

DAY = dt.timedelta(days=1)


@dataclass
class DemoSummary:
    """What the demo seeded: ids to look at and one token per role (printed once)."""

    organisations: dict[str, int] = field(default_factory=dict)
    standards: dict[str, int] = field(default_factory=dict)
    instruments: list[int] = field(default_factory=list)
    calibrations: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    broken_chain_instrument: int | None = None
    out_of_tolerance_standard: int | None = None
    recalled_items: tuple[str, ...] = ()
    certificates: list[int] = field(default_factory=list)
    """Ids of the signed DCCs issued (the latest calibrations of the first instruments)."""
    comparisons: list[int] = field(default_factory=list)
    """Ids of the evaluated comparisons (a national comparison, a PT round)."""


def _model(
    unit: str,
    reference: float,
    u_reference: float,
    difference: float,
    s: float,
    n: int,
    resolution: float,
    error: bool,
) -> dict:
    """A comparison model: reference value, observed difference (type A) and resolution.

    For a standard the measurand is its value ``x_ref + dx + d_res``; for an
    instrument it is its error of indication ``I - x_ref + d_res + d_rep``.
    """
    inputs = {
        "x_ref": {"dist": "normal", "estimate": reference, "u": u_reference, "unit": unit},
        "d_res": {
            "dist": "rectangular",
            "low": -resolution / 2,
            "high": resolution / 2,
            "unit": unit,
        },
    }
    type_a = {"dist": "normal", "u": s / math.sqrt(n), "dof": n - 1, "unit": unit}
    if error:
        inputs["I"] = {"dist": "normal", "estimate": reference + difference, "u": 0.0, "unit": unit}
        inputs["d_rep"] = {**type_a, "estimate": 0.0}
        expression = "I - x_ref + d_res + d_rep"
    else:
        inputs["dx"] = {**type_a, "estimate": difference}
        expression = "x_ref + dx + d_res"
    return {"model": expression, "inputs": inputs, "units": {"y": unit}}


def _point(quantity: str, unit: str, nominal: float, model: dict) -> PointCreate:
    return PointCreate(quantity=quantity, nominal=nominal, unit=unit, model=model)


class _Seeder:
    def __init__(
        self,
        dc: DataCentre,
        today: dt.date,
        rng: np.random.Generator,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.dc, self.today, self.rng = dc, today, rng
        self.summary = DemoSummary()
        self.progress = progress or (lambda _message: None)
        self.labs: dict[str, Actor] = {}
        self.certificates = 0

    def organisation(self, code: str, name: str, kind: str, **extra) -> int:
        extra.setdefault("country", "CN")
        written = create_organisation(
            self.dc, SYSTEM, OrganisationCreate(code=code, name=name, kind=kind, **extra)
        )
        self.summary.organisations[code] = written.record["id"]
        return written.record["id"]

    def user(self, name: str, role: str, code: str) -> Actor:
        organisation = self.summary.organisations[code]
        written = create_user(
            self.dc, SYSTEM, UserCreate(name=name, role=role, organisation=organisation)
        )
        self.summary.tokens[name] = written.token
        return Actor(written.record["id"], organisation, role, name)

    def scope(self, code: str, quantity: str, unit: str, low: float, high: float, cmc: float):
        add_accreditation(
            self.dc,
            SYSTEM,
            self.summary.organisations[code],
            AccreditationCreate(
                quantity=quantity,
                unit=unit,
                low=low,
                high=high,
                cmc=cmc,
                valid_from=self.today - 3000 * DAY,
            ),
        )

    def item(self, actor: Actor, **fields) -> int:
        return create_item(self.dc, actor, ItemCreate(**fields)).record["id"]

    def calibrate(
        self,
        lab: str,
        item: int,
        performed: dt.date,
        months: int,
        standards: list[int],
        points: list[PointCreate],
        **extra,
    ) -> dict:
        self.certificates += 1
        written = record_calibration(
            self.dc,
            self.labs[lab],
            CalibrationCreate(
                item=item,
                certificate=f"{lab}-{performed.year}-{self.certificates:05d}",
                performed=performed,
                valid_until=performed + dt.timedelta(days=round(months * 30.44)),
                standards=standards,
                operator=extra.pop("operator", f"{lab.lower()}-operator"),
                environment={
                    "temperature": {
                        "value": round(20 + self.rng.normal(0, 0.3), 2),
                        "unit": "\\degreecelsius",
                    },
                    "relative_humidity": {
                        "value": round(45 + self.rng.normal(0, 3)),
                        "unit": "\\percent",
                    },
                },
                points=points,
                **extra,
            ),
        )
        self.summary.calibrations += 1
        return written.record


def seed_demo(
    dc: DataCentre,
    today: dt.date,
    *,
    instruments: int = 200,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Seed an empty data centre with the demo measurement system (see module docstring)."""
    s = _Seeder(dc, today, np.random.default_rng(seed), progress)
    s.progress("organisations and users")
    s.organisation("PLATFORM", "sitrace data centre", "platform")
    s.organisation(
        "NIM",
        "National Institute of Metrology",
        "nmi",
        accreditation_body="CIPM MRA (KCDB)",
        accreditation_number="CMC-NIM",
    )
    s.organisation(
        "RLAB",
        "Regional Metrology and Testing Centre",
        "calibration_lab",
        accreditation_body="National Accreditation Body",
        accreditation_number="CAL-0117",
    )
    s.organisation(
        "ELAB",
        "Acme Works calibration laboratory",
        "calibration_lab",
        accreditation_body="National Accreditation Body",
        accreditation_number="CAL-2290",
    )
    s.organisation("ACME", "Acme Works (factory)", "owner")
    s.organisation("CITY", "City Water and Power (utility)", "owner")
    s.organisation("MSB", "Market Supervision Bureau", "regulator")
    s.user("admin", "admin", "PLATFORM")
    s.user("auditor", "auditor", "PLATFORM")
    s.labs["NIM"] = s.user("nim-lab", "lab", "NIM")
    s.labs["RLAB"] = s.user("rlab-lab", "lab", "RLAB")
    s.labs["ELAB"] = s.user("elab-lab", "lab", "ELAB")
    owners = {
        "ACME": s.user("acme-owner", "owner", "ACME"),
        "CITY": s.user("city-owner", "owner", "CITY"),
    }
    regulator = s.user("regulator", "regulator", "MSB")

    s.scope("NIM", "mass", "\\kilogram", 0.001, 50, 1.5e-8)
    s.scope("NIM", "pressure", "\\pascal", 1e4, 1e8, 10)
    s.scope("RLAB", "mass", "\\kilogram", 0.001, 50, 1e-5)
    s.scope("RLAB", "pressure", "\\kilo\\pascal", 10, 10000, 0.2)
    s.scope("ELAB", "mass", "\\kilogram", 0.001, 100, 2e-3)
    s.scope("ELAB", "pressure", "\\mega\\pascal", 0.01, 10, 1e-3)

    s.progress("standards")
    nim, rlab, elab = s.labs["NIM"], s.labs["RLAB"], s.labs["ELAB"]
    kibble = s.item(
        nim,
        kind="standard",
        level="si_realization",
        name="Kibble balance (realization of the kilogram)",
        serial="KB-1",
        quantity="mass",
        unit="\\kilogram",
        range_low=0.001,
        range_high=1,
        tier="public",
    )
    npk = s.item(
        nim,
        kind="standard",
        level="national_primary",
        name="National 1 kg mass standard (Pt-Ir)",
        serial="NPK-1",
        quantity="mass",
        unit="\\kilogram",
        range_low=1,
        range_high=1,
        best_uncertainty=2e-8,
        tier="public",
    )
    e1 = s.item(
        rlab,
        kind="standard",
        level="reference",
        tier="public",
        name="Reference weight 1 kg, class E1",
        serial="E1-1K-07",
        quantity="mass",
        unit="\\kilogram",
        range_low=1,
        range_high=1,
        mpe=5e-7,
        accuracy_class="E1",
    )
    f1a = s.item(
        elab,
        kind="standard",
        level="working",
        tier="enterprise",
        name="Working weight set 1 kg to 20 kg, class F1 (A)",
        serial="F1-SET-A",
        quantity="mass",
        unit="\\kilogram",
        range_low=1,
        range_high=20,
        mpe=1e-4,
        accuracy_class="F1",
    )
    f1b = s.item(
        elab,
        kind="standard",
        level="working",
        tier="enterprise",
        name="Working weight set 1 kg to 20 kg, class F1 (B)",
        serial="F1-SET-B",
        quantity="mass",
        unit="\\kilogram",
        range_low=1,
        range_high=20,
        mpe=1e-4,
        accuracy_class="F1",
    )
    pascal = s.item(
        nim,
        kind="standard",
        level="si_realization",
        tier="public",
        name="Primary pressure balance (realization of the pascal)",
        serial="PB-0",
        quantity="pressure",
        unit="\\pascal",
        range_low=1e5,
        range_high=1e7,
    )
    npb = s.item(
        nim,
        kind="standard",
        level="national_primary",
        tier="public",
        name="National pressure balance 10 MPa",
        serial="PB-N1",
        quantity="pressure",
        unit="\\pascal",
        range_low=1e5,
        range_high=1e7,
        best_uncertainty=30,
    )
    rpb = s.item(
        rlab,
        kind="standard",
        level="reference",
        tier="public",
        name="Reference pressure balance 7 MPa",
        serial="PB-R3",
        quantity="pressure",
        unit="\\kilo\\pascal",
        range_low=100,
        range_high=7000,
        mpe=1.4,
    )
    dpc1 = s.item(
        elab,
        kind="standard",
        level="working",
        tier="enterprise",
        name="Digital pressure calibrator 2.5 MPa (1)",
        serial="DPC-1",
        quantity="pressure",
        unit="\\mega\\pascal",
        range_low=0,
        range_high=2.5,
        mpe=1.25e-3,
    )
    dpc2 = s.item(
        elab,
        kind="standard",
        level="working",
        tier="enterprise",
        name="Digital pressure calibrator 2.5 MPa (2)",
        serial="DPC-2",
        quantity="pressure",
        unit="\\mega\\pascal",
        range_low=0,
        range_high=2.5,
        mpe=1.25e-3,
    )
    s.summary.standards.update(
        {
            "kibble": kibble,
            "npk": npk,
            "e1": e1,
            "f1a": f1a,
            "f1b": f1b,
            "pascal": pascal,
            "npb": npb,
            "rpb": rpb,
            "dpc1": dpc1,
            "dpc2": dpc2,
        }
    )

    for owner_lab, calibrating_lab, shared in (
        (rlab, "NIM", (e1, rpb)),
        (elab, "RLAB", (f1a, f1b, dpc1, dpc2)),
    ):
        for standard in shared:
            share_item(dc, owner_lab, standard, s.summary.organisations[calibrating_lab])

    s.progress("calibrations of standards")
    r = s.rng

    def weight(nominal: float, u_ref: float, s_obs: float, resolution: float) -> PointCreate:
        offset = float(r.normal(0, u_ref))
        return _point(
            "mass",
            "\\kilogram",
            nominal,
            _model("\\kilogram", nominal, u_ref, offset, s_obs, 6, resolution, False),
        )

    def pressure(nominal: float, unit: str, u_ref: float, s_obs: float, res: float, error: bool):
        offset = float(r.normal(0, 3 * s_obs)) if error else float(r.normal(0, u_ref))
        return _point(
            "pressure", unit, nominal, _model(unit, nominal, u_ref, offset, s_obs, 6, res, error)
        )

    for years_ago in (2, 1, 0):
        start = today - dt.timedelta(days=365 * years_ago + 200)
        s.calibrate(
            "NIM",
            npk,
            start,
            24 if years_ago else 36,
            [kibble],
            [weight(1.0, 8e-9, 6e-9, 1e-9)],
            conformity="pass",
        )
        s.calibrate(
            "NIM",
            e1,
            start + 20 * DAY,
            24,
            [npk],
            [weight(1.0, 1.2e-8, 3e-8, 1e-8)],
            conformity="pass",
        )
        s.calibrate(
            "NIM",
            npb,
            start + 10 * DAY,
            24,
            [pascal],
            [pressure(p, "\\pascal", 1.0e-5 * p, 4e-6 * p, 1.0, False) for p in (1e6, 5e6, 1e7)],
            conformity="pass",
        )
        s.calibrate(
            "NIM",
            rpb,
            start + 30 * DAY,
            24,
            [npb],
            [
                pressure(p, "\\kilo\\pascal", 2.2e-5 * p, 1.5e-5 * p, 0.01, False)
                for p in (500.0, 3500.0, 7000.0)
            ],
            conformity="pass",
        )
    for years_ago in (2, 1, 0):
        start = today - dt.timedelta(days=365 * years_ago + 120)
        for f1 in (f1a, f1b):
            s.calibrate(
                "RLAB",
                f1,
                start,
                12,
                [e1],
                [weight(m, 3e-7 * m, 4e-7 * m, 1e-6) for m in (1.0, 5.0, 10.0, 20.0)],
                conformity="pass",
            )
        s.calibrate(
            "RLAB",
            dpc1,
            start + 5 * DAY,
            12,
            [rpb],
            [
                pressure(p, "\\mega\\pascal", 5e-5 * p, 8e-5 * p, 1e-5, False)
                for p in (0.5, 1.5, 2.5)
            ],
            conformity="pass",
        )
    # DPC-2 was calibrated once, long ago: its calibration has expired (the broken chain).
    dpc2_date = today - 560 * DAY
    s.calibrate(
        "RLAB",
        dpc2,
        dpc2_date,
        12,
        [rpb],
        [pressure(p, "\\mega\\pascal", 5e-5 * p, 8e-5 * p, 1e-5, False) for p in (0.5, 1.5, 2.5)],
        conformity="pass",
    )

    s.progress("instruments and their calibrations")
    to_certify: list[int] = []
    # the regulator's interval policies for the two categories of instruments (issue 8)
    s.progress("interval policies")
    for category, method, parameters in (
        (
            "non-automatic weighing instrument",
            "staircase",
            {"extend_below": 0.5, "extend_factor": 1.25, "shorten_factor": 0.5,
             "min_interval": 90, "max_interval": 730},
        ),
        ("Bourdon tube pressure gauge", "a3", {"target": 0.9, "max_interval": 730}),
    ):  # fmt: skip
        set_policy(
            dc,
            regulator,
            IntervalPolicyCreate(
                category=category, method=method, initial_days=365, parameters=parameters
            ),
        )
    n_scales = instruments * 3 // 5
    for k in range(instruments):
        owner_code = "ACME" if k % 2 == 0 else "CITY"
        owner = owners[owner_code]
        if k < n_scales:
            fields = dict(
                kind="instrument",
                level="instrument",
                quantity="mass",
                unit="\\kilogram",
                name=f"Platform scale 60 kg #{k + 1}",
                type="non-automatic weighing instrument",
                manufacturer="Libra",
                model="PS-60",
                serial=f"PS60-{10000 + k}",
                range_low=0,
                range_high=60,
                mpe=0.03,
                accuracy_class="III (OIML R 76)",
                legal_control=k % 3 != 0,
                location=f"{owner_code} site {1 + k % 4}",
            )
        else:
            fields = dict(
                kind="instrument",
                level="instrument",
                quantity="pressure",
                unit="\\mega\\pascal",
                name=f"Pressure gauge 1.6 MPa #{k + 1}",
                type="Bourdon tube pressure gauge",
                manufacturer="Manotec",
                model="BG-100",
                serial=f"BG16-{20000 + k}",
                range_low=0,
                range_high=1.6,
                mpe=0.016,
                accuracy_class="1.0 (EN 837-1)",
                legal_control=k % 2 == 0,
                location=f"{owner_code} plant {1 + k % 3}",
            )
        item = create_item(dc, owner, ItemCreate(**fields)).record["id"]
        share_item(dc, owner, item, s.summary.organisations["ELAB"])
        s.summary.instruments.append(item)
        for years_ago in (1, 0):
            performed = today - dt.timedelta(days=365 * years_ago + int(r.integers(5, 300)))
            broken = k == instruments - 1 and k >= n_scales and years_ago == 0
            if broken:
                performed = today - 40 * DAY  # with DPC-2, expired since today - 195 days
            drift = 2.5 if (k % 37 == 5 and years_ago == 0) else 1.0
            if k < n_scales:
                standard = f1b if k % 4 == 0 else f1a
                loads, unit, u_ref, s_obs, res = (
                    (10.0, 30.0, 60.0),
                    "\\kilogram",
                    8.5e-7,
                    0.004,
                    0.01,
                )
                errors = [float(r.normal(0, 0.006)) * drift + 0.012 * (drift - 1) for _ in loads]
            else:
                standard = dpc2 if broken else dpc1
                loads, unit, u_ref, s_obs, res = (
                    (0.4, 0.8, 1.2, 1.6),
                    "\\mega\\pascal",
                    3e-4,
                    0.0015,
                    0.005,
                )
                errors = [float(r.normal(0, 0.004)) * drift + 0.01 * (drift - 1) for _ in loads]
            quantity = fields["quantity"]
            points = [
                _point(
                    quantity,
                    unit,
                    load,
                    _model(
                        unit, load, u_ref * (load if k < n_scales else 1), e, s_obs, 5, res, True
                    ),
                )
                for load, e in zip(loads, errors, strict=True)
            ]
            # scales: guarded acceptance w = U; gauges: ILAC-G8's non-binary statements
            rule = "guarded" if k < n_scales else "nonbinary"
            record = s.calibrate(
                "ELAB",
                item,
                performed,
                12,
                [standard],
                points,
                decision=DecisionRequest(rule=rule, measurand="error"),
            )
            if years_ago == 0 and k in (0, 1, n_scales, n_scales + 1):
                to_certify.append(record["id"])
        if k == instruments - 1:
            s.summary.broken_chain_instrument = item

    s.progress("an out-of-tolerance finding")
    _written, recalled = mark_out_of_tolerance(
        dc,
        elab,
        f1b,
        today - 20 * DAY,
        reason="20 kg weight found 0.4 g light at intermediate check (MPE 0.1 g)",
    )
    s.summary.out_of_tolerance_standard = f1b
    s.summary.recalled_items = tuple(recalled.items)
    s.progress("comparisons")
    _comparisons(s, today)
    if dc.dcc_identity is not None:
        s.progress("digital calibration certificates")
        for calibration in to_certify:
            written = issue_certificate(dc, elab, calibration)
            s.summary.certificates.append(written.record["id"])
    return s.summary


def _comparisons(s: _Seeder, today: dt.date) -> None:
    """A national comparison of 1 kg weights and a pressure PT round, both evaluated."""
    nim, rlab, elab = s.labs["NIM"], s.labs["RLAB"], s.labs["ELAB"]
    key = create_comparison(
        s.dc,
        nim,
        ComparisonCreate(
            code="NIM-M.M-S1",
            title="National comparison of 1 kg stainless-steel weights",
            kind="supplementary",
            quantity="mass",
            unit="\\kilogram",
            nominal=1.0,
            method="procedure-a",
        ),
    ).record["id"]
    for lab, value, u in (
        (nim, 1.000000021, 1.0e-8),
        (rlab, 1.0000000265, 4.0e-8),
        (elab, 1.00000031, 4.5e-7),
    ):
        submit_result(
            s.dc, lab, key, ComparisonResultCreate(value=value, uncertainty=u, unit="\\kilogram")
        )
    evaluate_comparison(s.dc, nim, key, ComparisonEvaluate(evaluated_on=today - 60 * DAY))
    pt = create_comparison(
        s.dc,
        SYSTEM,
        ComparisonCreate(
            code="PT-2026-P1",
            title="Proficiency test: gauge pressure 1 MPa",
            kind="proficiency",
            quantity="pressure",
            unit="\\mega\\pascal",
            nominal=1.0,
            method="reference",
            assigned_value=1.000012,
            assigned_uncertainty=2.0e-6,
            sigma_pt=5.0e-4,
            pilot=s.summary.organisations["PLATFORM"],
        ),
    ).record["id"]
    for lab, value, u, unit in (
        (rlab, 1000.05, 0.04, "\\kilo\\pascal"),
        (elab, 1.00125, 2.5e-4, "\\mega\\pascal"),
    ):
        submit_result(s.dc, lab, pt, ComparisonResultCreate(value=value, uncertainty=u, unit=unit))
    evaluate_comparison(s.dc, SYSTEM, pt, ComparisonEvaluate(evaluated_on=today - 30 * DAY))
    s.summary.comparisons.extend((key, pt))
