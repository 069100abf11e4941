"""A small hand-built mass hierarchy for the traceability tests.

SI realization (Kibble balance) -> national primary kilogram -> reference weight E1
-> working weight E2 -> balance in service, all in \\kilogram, calibrated by an NMI
(CIPM MRA CMC) and two accredited laboratories. MPEs are those of OIML R 111-1:2004,
table 1, for 1 kg (E1: 0.5 mg, E2: 1.6 mg); uncertainties stay below a third of them.

At 2024-06-01 every link is valid and the chain has 4 calibrations:

=========  ================  ==========  ===========  ==========  ===============
item       level             its cal.    performed    valid until standards
=========  ================  ==========  ===========  ==========  ===============
SI-kg      si_realization    E-SI        2020-01-01   2030-12-31  ()
K-1        national_primary  C-K         2023-01-10   2027-01-09  SI-kg
R-1        reference         C-R         2023-06-01   2025-05-31  K-1
W-1        working           C-W         2024-01-15   2025-01-14  R-1
B-1        instrument        C-B         2024-03-01   2025-02-28  W-1
=========  ================  ==========  ===========  ==========  ===============
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sitrace.traceability import Accreditation, Calibration, Item, Registry

D = dt.date
KG = r"\kilogram"

TOLERANCE = {"R-1": 5e-7, "W-1": 1.6e-6, "B-1": 1e-4}
USE = D(2024, 6, 1)


def item(item_id: str, level: str, name: str | None = None, **changes) -> Item:
    owner = {"instrument": "FACTORY", "working": "LAB-B", "reference": "LAB-A"}.get(level, "NMI")
    return Item(item_id, name or item_id, level, "mass", KG, owner, **changes)


def cal(
    cal_id: str,
    of: str,
    performed: dt.date,
    standards: tuple[str, ...] = (),
    *,
    valid_until: dt.date | None = None,
    u: float = 1e-6,
    rel: float | None = None,
    low: float = 1.0,
    high: float = 1.0,
    lab: str = "NMI",
    conforming: bool | None = True,
) -> Calibration:
    """A calibration valid one year by default, relative U = U (values near 1 kg)."""
    if valid_until is None:
        valid_until = performed.replace(year=performed.year + 1) - dt.timedelta(days=1)
    return Calibration(
        cal_id,
        of,
        lab,
        performed,
        valid_until,
        tuple(standards),
        u,
        u if rel is None else rel,
        low,
        high,
        conforming,
    )


class World:
    """A mutable bag of items, calibrations and scope lines that builds registries."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.calibrations: dict[str, Calibration] = {}
        self.accreditations: list[Accreditation] = []

    def add(self, *values: Item | Calibration | Accreditation) -> World:
        for value in values:
            if isinstance(value, Item):
                self.items[value.id] = value
            elif isinstance(value, Calibration):
                self.calibrations[value.id] = value
            else:
                self.accreditations.append(value)
        return self

    def change(self, value_id: str, **changes) -> World:
        """Replace the item or calibration ``value_id`` by a copy with ``changes``."""
        table = self.items if value_id in self.items else self.calibrations
        table[value_id] = dataclasses.replace(table[value_id], **changes)
        return self

    def scope(self, laboratory: str, **changes) -> World:
        """Replace every scope line of ``laboratory`` by a copy with ``changes``."""
        self.accreditations = [
            dataclasses.replace(a, **changes) if a.laboratory == laboratory else a
            for a in self.accreditations
        ]
        return self

    def registry(self) -> Registry:
        return Registry(self.items.values(), self.calibrations.values(), self.accreditations)


def mass_world() -> World:
    """The five-level mass hierarchy of the module docstring, valid on 2024-06-01."""
    world = World()
    world.add(
        item("SI-kg", "si_realization", "Kibble balance"),
        item("K-1", "national_primary", "National kilogram No. 1"),
        item("R-1", "reference", "Reference weight 1 kg E1", tolerance=TOLERANCE["R-1"]),
        item("W-1", "working", "Working weight 1 kg E2", tolerance=TOLERANCE["W-1"]),
        item("B-1", "instrument", "Balance 1 kg", tolerance=TOLERANCE["B-1"]),
        cal("E-SI", "SI-kg", D(2020, 1, 1), valid_until=D(2030, 12, 31), u=2e-8),
        cal("C-K", "K-1", D(2023, 1, 10), ("SI-kg",), valid_until=D(2027, 1, 9), u=5e-8),
        cal("C-R", "R-1", D(2023, 6, 1), ("K-1",), valid_until=D(2025, 5, 31), u=1e-7),
        cal("C-W", "W-1", D(2024, 1, 15), ("R-1",), u=3e-7, lab="LAB-A"),
        cal("C-B", "B-1", D(2024, 3, 1), ("W-1",), u=2e-5, rel=2e-4, low=0.1, lab="LAB-B"),
        # CIPM MRA CMC of the NMI and ISO/IEC 17025 scopes of the two laboratories
        Accreditation("NMI", "mass", KG, 0.001, 10.0, 5e-8, D(2015, 1, 1)),
        Accreditation("LAB-A", "mass", KG, 0.001, 20.0, 2e-7, D(2022, 1, 1), D(2026, 12, 31)),
        Accreditation("LAB-B", "mass", KG, 0.0, 5.0, 1e-5, D(2021, 1, 1)),
    )
    return world
