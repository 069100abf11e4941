"""Calibration intervals: when is an instrument due for its next calibration?

Methods of ILAC-G24:2022 / OIML D 10:2022 and of NCSLI RP-1, and the variables
method of NASA-HDBK-8739.19-5:

staircase (:mod:`sitrace.intervals.staircase`)
    Method 1, automatic adjustment from |as-found error| / MPE; every threshold,
    factor, rounding and limit a parameter -> :class:`StaircaseResult`.
in_use_due (:mod:`sitrace.intervals.in_use`)
    Method 3, due when accumulated use reaches a limit or the calendar limit first
    -> :class:`InUseDue`.
interval_test (:mod:`sitrace.intervals.a3`)
    RP-1 Method A3: rejection confidence, reliability confidence range, new
    interval -> :class:`A3Result`.
binomial_s2 (:mod:`sitrace.intervals.s2`)
    RP-1 Method S2: exponential, Weibull, random-walk and mixed-exponential
    reliability models by maximum likelihood on grouped pass/fail data, the best
    by likelihood, the interval for a reliability target -> :class:`S2Result`.
fit_drift, uncertainty_target_interval, reliability_target_interval
    (:mod:`sitrace.intervals.variables`) NASA-HDBK-8739.19-5 variables method
    -> :class:`DriftFit`, :class:`VariablesInterval`.
read_* / parse_* (:mod:`sitrace.intervals.history`)
    CSV histories, errors naming file, line and field.

Plots live in :mod:`sitrace.intervals.plot`; calculation never imports it.
"""

from sitrace.intervals.a3 import A3Result, interval_test, interval_test_results, reliability_range
from sitrace.intervals.history import (
    DriftData,
    GroupedResults,
    PassFail,
    StaircaseCalibration,
    UsageRecord,
    parse_drift,
    parse_grouped_results,
    parse_pass_fail,
    parse_staircase,
    parse_usage,
    read_drift,
    read_grouped_results,
    read_pass_fail,
    read_staircase,
    read_usage,
)
from sitrace.intervals.in_use import InUseDue, in_use_due
from sitrace.intervals.s2 import (
    MODELS,
    ModelFit,
    S2Result,
    binomial_s2,
    grouped_results,
    reliability,
)
from sitrace.intervals.staircase import StaircaseResult, StaircaseStep, staircase
from sitrace.intervals.variables import (
    DriftFit,
    VariablesInterval,
    fit_drift,
    reliability_target_interval,
    uncertainty_target_interval,
)

__all__ = [
    "MODELS",
    "A3Result",
    "DriftData",
    "DriftFit",
    "GroupedResults",
    "InUseDue",
    "ModelFit",
    "PassFail",
    "S2Result",
    "StaircaseCalibration",
    "StaircaseResult",
    "StaircaseStep",
    "UsageRecord",
    "VariablesInterval",
    "binomial_s2",
    "fit_drift",
    "grouped_results",
    "in_use_due",
    "interval_test",
    "interval_test_results",
    "parse_drift",
    "parse_grouped_results",
    "parse_pass_fail",
    "parse_staircase",
    "parse_usage",
    "read_drift",
    "read_grouped_results",
    "read_pass_fail",
    "read_staircase",
    "read_usage",
    "reliability",
    "reliability_range",
    "reliability_target_interval",
    "staircase",
    "uncertainty_target_interval",
]
