"""Interval methods against published worked examples (tests/reference/intervals/README.md).

A computed value agrees when it lies within half a unit in the last printed digit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sitrace.intervals import (
    binomial_s2,
    fit_drift,
    interval_test_results,
    read_grouped_results,
    reliability_target_interval,
    uncertainty_target_interval,
)

REFERENCE = Path(__file__).parents[1] / "reference" / "intervals"
A3 = json.loads((REFERENCE / "a3_ncsli_2019_tutorial.json").read_text(encoding="utf-8"))
NASA = json.loads((REFERENCE / "nasa_hdbk_8739_19_5_variables.json").read_text(encoding="utf-8"))


def agrees(value: float, ref: dict) -> bool:
    return abs(value - ref["value"]) <= ref["tolerance"] * (1 + 1e-9) + 1e-15


@pytest.mark.parametrize("asset", A3["assets"], ids=lambda a: a["name"])
def test_a3_reproduces_the_2019_ncsli_tutorial(asset):
    r = interval_test_results(
        asset["results"],
        asset["current_interval"],
        target=asset["target"],
        confidence=A3["confidence"],
    )
    assert r.interval == asset["interval"]["value"]
    assert agrees(r.rejection_confidence, asset["rejection_confidence"]), r.rejection_confidence
    assert agrees(r.reliability_low, asset["reliability_low"]), r.reliability_low
    assert agrees(r.reliability_high, asset["reliability_high"]), r.reliability_high
    assert agrees(r.observed_reliability, asset["observed_reliability"])
    assert r.changed


@pytest.fixture(scope="module")
def nasa_fit():
    data = NASA["table_7_2"]
    return fit_drift(data["days"], data["deviation"], degree=NASA["degree"])


def test_variables_fit_reproduces_nasa_table_7_3(nasa_fit):
    t = NASA["table_7_3"]
    assert agrees(nasa_fit.b[0], t["b1"]), nasa_fit.b[0]
    assert agrees(nasa_fit.b[1], t["b2"]), nasa_fit.b[1]
    assert agrees(nasa_fit.covariance[0, 0], t["cov_11"])
    assert agrees(nasa_fit.covariance[1, 1], t["cov_22"])
    assert agrees(nasa_fit.covariance[0, 1], t["cov_12"])
    assert nasa_fit.covariance[0, 1] == nasa_fit.covariance[1, 0]
    assert agrees(nasa_fit.s, t["s"]), nasa_fit.s


def test_reliability_target_reproduces_nasa_table_7_4_two_sided(nasa_fit):
    case = NASA["table_7_4"]
    r = reliability_target_interval(
        nasa_fit,
        u0=NASA["u0"],
        value=case["value"],
        lower=case["lower"],
        upper=case["upper"],
        target_reliability=case["target_reliability"],
    )
    assert agrees(r.interval, case["interval"]), r.interval
    assert agrees(float(r.predicted_value(r.interval)), case["predicted_value"])


def test_reliability_target_reproduces_nasa_table_7_5_one_sided(nasa_fit):
    case = NASA["table_7_5"]
    r = reliability_target_interval(
        nasa_fit,
        u0=NASA["u0"],
        value=case["value"],
        upper=case["upper"],
        target_reliability=case["target_reliability"],
    )
    assert agrees(r.interval, case["interval"]), r.interval


def test_nasa_table_7_6_is_no_interval_because_the_target_is_missed_at_t0(nasa_fit):
    case = NASA["table_7_6"]
    r = reliability_target_interval(
        nasa_fit,
        u0=NASA["u0"],
        value=case["value"],
        lower=case["lower"],
        target_reliability=case["target_reliability"],
    )
    assert r.interval == case["interval"]["value"] == 0.0
    assert "not met" in r.note
    # The printed 153.04 is where the lower band comes back above the limit.
    band = lambda t: r.predicted_value(t) - r.k * r.uncertainty(t) - case["lower"]  # noqa: E731
    crossing = case["band_crossing"]["value"]
    tol = case["band_crossing"]["tolerance"]
    assert band(crossing - tol) < 0 < band(crossing + tol)


def test_uncertainty_target_reproduces_nasa_table_7_7(nasa_fit):
    case = NASA["table_7_7"]
    r = uncertainty_target_interval(nasa_fit, u0=NASA["u0"], target_u=case["target_u"])
    assert agrees(r.interval, case["interval"]), r.interval
    assert agrees(10.03 + float(nasa_fit.predict(r.interval)), case["predicted_value"])
    assert float(r.uncertainty(r.interval)) == pytest.approx(case["target_u"], rel=1e-10)


def test_s2_on_rp1_table_d1_fits_every_model_at_its_likelihood_maximum():
    data = read_grouped_results(REFERENCE / "rp1_table_d1.csv")
    r = binomial_s2(data, target=0.75)
    assert {m.name for m in r.models} >= {"exponential", "weibull", "random_walk"}
    assert r.best.log_likelihood == max(m.log_likelihood for m in r.models)
    t = np.array(data.interval_days)
    n = np.array(data.n)
    g = np.array(data.in_tolerance)
    lam = r.models[0].parameters["lambda"]
    # Exponential: the grouped-data MLE solves sum t (n - g) e/(1 - e) = sum t g, e = exp(-lam t).
    e = np.exp(-lam * t)
    assert np.sum(t * (n - g) * e / (1 - e)) == pytest.approx(np.sum(t * g), rel=1e-6)
    for m in r.models:
        assert m.interval is not None and 0 < m.interval < t.max()
