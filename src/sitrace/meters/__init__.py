"""In-service meter fleets: error estimation from the energy balance of transformer areas,
drift detection, lots and sampling plans (issue 6).

The core is pure (numpy, scipy, pandas): :mod:`~sitrace.meters.simulate` makes synthetic
fleets with their ground truth, :mod:`~sitrace.meters.prepare` turns a raw feed into
aligned area series, :mod:`~sitrace.meters.estimate` estimates each meter's error with its
uncertainty, :mod:`~sitrace.meters.decide` flags meters and areas, and
:mod:`~sitrace.meters.sampling` applies ISO 2859-1 sampling to lots.
"""

from sitrace.meters.decide import balance_anomaly, flag_meters, persistent_flags
from sitrace.meters.estimate import AreaEstimate, MeterEstimate, estimate_area, rls_init, rls_update
from sitrace.meters.feed import check_readings, read_table, write_table
from sitrace.meters.fleet import (
    FleetEstimate,
    estimate_areas,
    estimate_partitions,
    estimate_readings,
    write_partitions,
)
from sitrace.meters.model import AreaSeries
from sitrace.meters.prepare import Prepared, prepare
from sitrace.meters.sampling import code_letter, lot_conformity, lot_decision, single_plan
from sitrace.meters.simulate import FleetConfig, simulate_area, simulate_fleet

__all__ = [
    "AreaEstimate",
    "AreaSeries",
    "FleetConfig",
    "FleetEstimate",
    "MeterEstimate",
    "Prepared",
    "balance_anomaly",
    "check_readings",
    "code_letter",
    "estimate_area",
    "estimate_areas",
    "estimate_partitions",
    "estimate_readings",
    "flag_meters",
    "lot_conformity",
    "lot_decision",
    "persistent_flags",
    "prepare",
    "read_table",
    "rls_init",
    "rls_update",
    "simulate_area",
    "simulate_fleet",
    "single_plan",
    "write_partitions",
    "write_table",
]
