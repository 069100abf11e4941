"""Decision rules on calibrations and interval policies through the API (issue 8).

The world (tests/api/conftest.py): owner A's multimeter (``dmm``, MPE 0.01 V at 10 V) is
calibrated by lab A; here its category is set to ``DMM 6.5 digit`` and given a policy.
"""

from __future__ import annotations

import json

import pytest

from .conftest import API, assert_problem, calibration_body, point

POLICIES = f"{API}/interval-policies"
CATEGORY = "DMM 6.5 digit"


def _categorise(client, world):
    url = f"{API}/instruments/{world.items['dmm']}"
    version = client.get(url, headers=world.auth("owner")).headers["etag"]
    response = client.patch(
        url, json={"type": CATEGORY}, headers={**world.auth("owner"), "If-Match": version}
    )
    assert response.status_code == 200, response.text


def _calibrate(client, world, certificate, performed, value, **fields):
    body = calibration_body(
        world.items["dmm"], [world.items["calibrator"]], certificate=certificate,
        performed=performed, valid_until="2030-01-01", points=[{**point(), "value": value}],
        **fields,
    )  # fmt: skip
    return client.post(f"{API}/calibrations", json=body, headers=world.auth("lab_a"))


def test_a_regulator_sets_the_default_policy_and_calibrations_carry_the_next_due(client, world):
    _categorise(client, world)
    body = {
        "category": CATEGORY,
        "method": "staircase",
        "initial_days": 365,
        "parameters": {"extend_below": 0.5, "extend_factor": 1.25, "shorten_factor": 0.5},
    }
    response = client.put(POLICIES, json=body, headers=world.auth("regulator"))
    assert response.status_code == 200, response.text
    policy = response.json()["data"]
    assert policy["owner"] is None and policy["method"] == "staircase"
    assert json.loads(response.json()["receipt"]["entry"])["action"] == "interval_policy.create"

    # the seeded calibration found 0 V of error (extended: 365 × 1.25 = 456.25 days); this
    # one finds 10.004 V against 10 V ± 0.01 V, |e|/MPE 0.4: extended again, 570.3 days
    response = _calibrate(
        client, world, "DMM-2025", "2025-03-01", 10.004, decision={"rule": "guarded"}
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["conformity"] == "pass"
    assert data["decision"]["rule"] == "guarded"
    assert data["decision"]["points"][0]["acceptance_limits"] == pytest.approx([9.991, 10.009])
    assert data["interval"]["days"] == 570 and data["next_due"] == "2026-09-22"

    due = client.get(
        f"{API}/instruments/{world.items['dmm']}/next-due", headers=world.auth("owner")
    )
    assert due.status_code == 200, due.text
    assert due.json()["next_due"] == "2026-09-22" and due.json()["method"] == "staircase"

    listed = client.get(POLICIES, headers=world.auth("owner")).json()
    assert [p["category"] for p in listed["data"]] == [CATEGORY]


def test_next_due_without_a_policy_is_409(client, world):
    response = client.get(
        f"{API}/instruments/{world.items['dmm']}/next-due", headers=world.auth("owner")
    )
    assert_problem(response, 409, detail="no interval policy")


def test_a_lab_may_not_set_policies_and_bad_parameters_are_422(client, world):
    body = {"category": CATEGORY, "method": "fixed", "initial_days": 365}
    assert_problem(client.put(POLICIES, json=body, headers=world.auth("lab_a")), 403)
    body = {"category": CATEGORY, "method": "a3", "initial_days": 365, "parameters": {}}
    response = client.put(POLICIES, json=body, headers=world.auth("owner"))
    assert_problem(response, 422, detail="needs target")


def test_a_decision_without_a_tolerance_is_422_and_nothing_is_stored(client, world):
    response = _calibrate(
        client, world, "DMM-X", "2025-03-01", 10.0,
        decision={"rule": "pc"},  # p missing
    )  # fmt: skip
    assert_problem(response, 422, detail="needs p")
    listed = client.get(
        f"{API}/instruments/{world.items['dmm']}/calibrations", headers=world.auth("owner")
    ).json()
    assert "DMM-X" not in [c["certificate"] for c in listed["data"]]
