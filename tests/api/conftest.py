"""A seeded data centre behind the API, on SQLite and on PostgreSQL (``datacentre`` fixture).

The world: a platform (admin, auditor), an NMI, two calibration laboratories,
two instrument owners and a regulator, one user per role; a voltage chain
SI realization (Josephson) -> national primary (Zener) -> lab A's reference
calibrator -> owner A's multimeter under legal control, each calibrated; an
uncalibrated multimeter of owner A and a meter of owner B.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sitrace.api import create_app
from sitrace.services import SYSTEM, Actor, DataCentre, registry
from sitrace.services import calibrations as cal_service
from sitrace.services.schemas import (
    AccreditationCreate,
    CalibrationCreate,
    ItemCreate,
    OrganisationCreate,
    UserCreate,
)

API = "/api/v1"
VOLT = r"\volt"


@dataclass
class World:
    """Ids and tokens of the seeded data centre."""

    orgs: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    calibrations: dict[str, int] = field(default_factory=dict)

    def auth(self, user: str) -> dict[str, str]:
        """The Authorization header of a seeded user."""
        return {"Authorization": f"Bearer {self.tokens[user]}"}


USERS = {
    # user name: (organisation code, role)
    "admin": ("PLAT", "admin"),
    "auditor": ("PLAT", "auditor"),
    "nmi": ("NMI", "lab"),
    "lab_a": ("LABA", "lab"),
    "lab_b": ("LABB", "lab"),
    "owner": ("OWNA", "owner"),
    "owner_b": ("OWNB", "owner"),
    "regulator": ("REG", "regulator"),
}


def _actor(dc: DataCentre, token: str) -> Actor:
    with dc.reading() as session:
        actor = registry.authenticate(session, token)
    assert actor is not None
    return actor


def item_body(**fields: Any) -> dict[str, Any]:
    """A voltage instrument's creation body, with ``fields`` changed."""
    body = {
        "name": "digital multimeter",
        "serial": "DMM-100",
        "quantity": "voltage",
        "unit": VOLT,
        "range_low": 0.0,
        "range_high": 1000.0,
        "mpe": 0.01,
    }
    body.update(fields)
    return body


def point(value: float = 10.0, u: float = 5e-4, unit: str = VOLT) -> dict[str, Any]:
    """A measured point at ``value`` (also its nominal), with standard uncertainty ``u``, k = 2."""
    return {"nominal": value, "value": value, "unit": unit, "uncertainty": u, "coverage_factor": 2}


def calibration_body(item: int, standards: list[int], **fields: Any) -> dict[str, Any]:
    """A calibration's creation body at 10 V, with ``fields`` changed."""
    body = {
        "item": item,
        "certificate": "CERT-NEW",
        "performed": "2024-07-01",
        "valid_until": "2025-07-01",
        "standards": standards,
        "points": [point()],
    }
    body.update(fields)
    return body


def seed(dc: DataCentre) -> World:
    """Write the world through the services, as its users would."""
    world = World()
    organisations = {
        "PLAT": ("sitrace platform", "platform"),
        "NMI": ("National Metrology Institute", "nmi"),
        "LABA": ("Calibration Laboratory A", "calibration_lab"),
        "LABB": ("Calibration Laboratory B", "calibration_lab"),
        "OWNA": ("Factory A", "owner"),
        "OWNB": ("Utility B", "owner"),
        "REG": ("Market Supervision Bureau", "regulator"),
    }
    for code, (name, kind) in organisations.items():
        written = registry.create_organisation(
            dc, SYSTEM, OrganisationCreate(code=code, name=name, kind=kind, country="NZ")
        )
        world.orgs[code] = written.record["id"]
    for code, cmc in (("NMI", 1e-8), ("LABA", 1e-6), ("LABB", 1e-5)):
        registry.add_accreditation(
            dc,
            SYSTEM,
            world.orgs[code],
            AccreditationCreate(
                quantity="voltage",
                unit=VOLT,
                low=0,
                high=1000,
                cmc=cmc,
                valid_from=dt.date(2020, 1, 1),
            ),
        )
    for name, (code, role) in USERS.items():
        written = registry.create_user(
            dc, SYSTEM, UserCreate(name=name, role=role, organisation=world.orgs[code])
        )
        world.tokens[name] = written.token
        world.users[name] = written.record["id"]
    nmi, lab_a, owner, owner_b = (
        _actor(dc, world.tokens[n]) for n in ("nmi", "lab_a", "owner", "owner_b")
    )

    def item(actor: Actor, key: str, **fields: Any) -> int:
        kind = "instrument" if fields.get("level", "instrument") == "instrument" else "standard"
        data = ItemCreate(kind=kind, **{"level": "instrument", **item_body(**fields)})
        world.items[key] = registry.create_item(dc, actor, data).record["id"]
        return world.items[key]

    item(nmi, "josephson", name="Josephson voltage standard", serial="JVS-1",
         level="si_realization", tier="public", range_high=10.0, mpe=None)  # fmt: skip
    item(nmi, "zener", name="Zener reference 10 V", serial="ZR-7", level="national_primary",
         tier="public", range_high=10.0, mpe=1e-5)  # fmt: skip
    item(lab_a, "calibrator", name="Multifunction calibrator", serial="MFC-42",
         level="reference", tier="enterprise", mpe=1e-4)  # fmt: skip
    item(owner, "dmm", legal_control=True, location="hall 3")
    item(owner, "dmm2", name="bench multimeter", serial="DMM-200")
    item(owner_b, "meter_b", name="energy meter", serial="EM-1", legal_control=False)
    # the calibrator is calibrated by the NMI, the multimeter by lab A: each owner shares
    registry.share_item(dc, lab_a, world.items["calibrator"], world.orgs["NMI"])
    registry.share_item(dc, owner, world.items["dmm"], world.orgs["LABA"])

    def calibrate(actor: Actor, key: str, target: str, standard: str, **fields: Any) -> None:
        data = CalibrationCreate(
            **calibration_body(world.items[target], [world.items[standard]], **fields)
        )
        world.calibrations[key] = cal_service.record_calibration(dc, actor, data).record["id"]

    calibrate(nmi, "zener", "zener", "josephson", certificate="NMI-2024-001",
              performed="2024-01-10", valid_until="2026-01-10", points=[point(u=5e-8)])  # fmt: skip
    calibrate(nmi, "calibrator", "calibrator", "zener", certificate="NMI-2024-017",
              performed="2024-03-01", valid_until="2026-03-01", points=[point(u=1e-6)])  # fmt: skip
    calibrate(lab_a, "dmm", "dmm", "calibrator", certificate="LABA-2024-100",
              performed="2024-06-01", valid_until="2025-06-01")  # fmt: skip
    return world


@pytest.fixture
def world(datacentre) -> World:
    return seed(datacentre)


@pytest.fixture
def client(datacentre, world) -> TestClient:
    """A client of the API over the seeded data centre (unhandled errors raise in the test)."""
    return TestClient(create_app(datacentre=datacentre))


@pytest.fixture
def empty_client(datacentre) -> TestClient:
    """A client of the API over an empty data centre."""
    return TestClient(create_app(datacentre=datacentre))


def assert_problem(response, status: int, *, detail: str | None = None) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with ``status`` (and ``detail`` in its detail)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    if detail is not None:
        assert detail in body["detail"], body["detail"]
    return body
