"""Calibrations: labs record them (checked units and uncertainties), correct and withdraw them."""

from __future__ import annotations

import json

import pytest

from .conftest import API, assert_problem, calibration_body, point

CALIBRATIONS = f"{API}/calibrations"


def new_calibration(world, **fields):
    body = calibration_body(world.items["dmm"], [world.items["calibrator"]])
    return {**body, **fields}


def post(client, world, user, body):
    return client.post(CALIBRATIONS, json=body, headers=world.auth(user))


def raw_post(client, world, user, text):
    headers = {**world.auth(user), "Content-Type": "application/json"}
    return client.post(CALIBRATIONS, content=text, headers=headers)


# --- recording ------------------------------------------------------------------------


def test_a_lab_records_a_calibration(client, world):
    response = post(client, world, "lab_a", new_calibration(world))
    assert response.status_code == 201, response.text
    body = response.json()
    data = body["data"]
    assert response.headers["location"] == f"{CALIBRATIONS}/{data['id']}"
    assert response.headers["etag"] == '"1"'
    assert (data["laboratory"], data["status"], data["standards"]) == (
        world.orgs["LABA"],
        "valid",
        [world.items["calibrator"]],
    )
    assert data["points"][0]["expanded_uncertainty"] == pytest.approx(1e-3)
    entry = json.loads(body["receipt"]["entry"])
    assert entry["action"] == "calibration.create"
    assert entry["record"]["id"] == data["id"]


def test_a_point_with_a_model_is_evaluated_by_the_gum(client, world):
    model = {
        "model": "v + dv",
        "inputs": {
            "v": {"dist": "normal", "estimate": 10.0, "u": 3e-4, "unit": r"\volt"},
            "dv": {"dist": "rectangular", "low": -4e-4, "high": 4e-4, "unit": r"\volt"},
        },
    }
    body = new_calibration(world, points=[{"unit": r"\volt", "model": model}])
    response = post(client, world, "lab_a", body)
    assert response.status_code == 201, response.text
    result = response.json()["data"]["points"][0]
    assert result["value"] == pytest.approx(10.0)
    assert result["uncertainty"] == pytest.approx((3e-4**2 + (8e-4) ** 2 / 12) ** 0.5)
    assert result["budget"] is not None


@pytest.mark.parametrize("user", ["owner", "owner_b", "regulator", "auditor"])
def test_only_labs_and_the_admin_record_calibrations(client, world, user):
    response = post(client, world, user, new_calibration(world))
    assert_problem(response, 403, detail="may not record calibrations")


def test_a_lab_cannot_calibrate_an_instrument_it_cannot_see(client, world):
    response = post(client, world, "lab_b", new_calibration(world))
    assert_problem(response, 404, detail="no item")


def test_a_duplicate_certificate_is_409(client, world):
    response = post(client, world, "lab_a", new_calibration(world, certificate="LABA-2024-100"))
    assert_problem(response, 409, detail="certificate 'LABA-2024-100' is already recorded")


def test_an_unknown_unit_in_a_point_is_422_naming_the_point_and_unit(client, world):
    body = new_calibration(world, points=[point(unit=r"\voltage")])
    problem = assert_problem(post(client, world, "lab_a", body), 422)
    assert "points[0].unit" in problem["detail"]
    assert r"\voltage" in problem["detail"]


def test_a_point_in_a_unit_of_another_quantity_is_422(client, world):
    body = new_calibration(world, points=[point(unit=r"\metre")])
    assert_problem(post(client, world, "lab_a", body), 422, detail="not of the item's quantity")


def test_a_point_in_millivolts_is_accepted(client, world):
    body = new_calibration(world, points=[point(value=10000.0, u=0.5, unit=r"\milli\volt")])
    response = post(client, world, "lab_a", body)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["high"] == pytest.approx(10.0)


def test_a_nan_uncertainty_is_422(client, world):
    body = json.dumps(new_calibration(world)).replace('"uncertainty": 0.0005', '"uncertainty": NaN')
    assert "NaN" in body
    problem = assert_problem(raw_post(client, world, "lab_a", body), 422)
    assert problem["errors"][0]["field"] == "points.0.uncertainty"
    assert "finite" in problem["errors"][0]["message"]


def test_a_negative_uncertainty_is_422(client, world):
    body = new_calibration(world, points=[point(u=-1e-4)])
    problem = assert_problem(post(client, world, "lab_a", body), 422)
    assert problem["errors"][0]["field"] == "points.0.uncertainty"


def test_a_calibration_valid_before_it_was_performed_is_422(client, world):
    body = new_calibration(world, performed="2024-07-01", valid_until="2024-06-01")
    assert_problem(post(client, world, "lab_a", body), 422, detail="before performed")


def test_a_calibration_without_points_is_422(client, world):
    assert_problem(post(client, world, "lab_a", new_calibration(world, points=[])), 422)


def test_an_unknown_standard_is_404(client, world):
    body = new_calibration(world, standards=[99999])
    assert_problem(post(client, world, "lab_a", body), 404, detail="standards[0]")


def test_an_instrument_cannot_be_a_standard(client, world):
    body = new_calibration(world, standards=[world.items["dmm2"]])
    assert_problem(post(client, world, "lab_a", body), 404, detail="no standard")


def test_a_lab_records_no_calibration_in_another_labs_name(client, world):
    body = new_calibration(world, laboratory=world.orgs["NMI"])
    assert_problem(post(client, world, "lab_a", body), 422, detail="laboratory")


# --- reading --------------------------------------------------------------------------


def certificates(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {row["certificate"] for row in response.json()["data"]}


def test_each_user_lists_the_calibrations_it_may_see(client, world):
    def listed(user):
        return certificates(client.get(CALIBRATIONS, headers=world.auth(user)))

    everything = {"NMI-2024-001", "NMI-2024-017", "LABA-2024-100"}
    assert listed("auditor") == listed("admin") == everything
    assert listed("nmi") == {"NMI-2024-001", "NMI-2024-017"}
    assert listed("lab_a") == {"NMI-2024-017", "LABA-2024-100"}
    assert listed("owner") == {"LABA-2024-100"}
    assert listed("regulator") == {"LABA-2024-100"}
    assert listed("owner_b") == listed("lab_b") == set()


def test_the_regulator_reads_no_calibration_of_an_item_outside_legal_control(client, world):
    url = f"{CALIBRATIONS}/{world.calibrations['zener']}"
    assert_problem(client.get(url, headers=world.auth("regulator")), 404)


def test_tenant_b_cannot_read_tenant_a_calibration(client, world):
    url = f"{CALIBRATIONS}/{world.calibrations['dmm']}"
    assert_problem(client.get(url, headers=world.auth("owner_b")), 404)


def test_a_calibration_has_its_version_as_etag(client, world):
    response = client.get(
        f"{CALIBRATIONS}/{world.calibrations['dmm']}", headers=world.auth("owner")
    )
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["certificate"] == "LABA-2024-100"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"performed_from": "2024-02-01"}, {"NMI-2024-017", "LABA-2024-100"}),
        ({"performed_to": "2024-02-01"}, {"NMI-2024-001"}),
        ({"performed_from": "2024-02-01", "performed_to": "2024-04-01"}, {"NMI-2024-017"}),
        ({"status": "withdrawn"}, set()),
        ({"status": "valid"}, {"NMI-2024-001", "NMI-2024-017", "LABA-2024-100"}),
    ],
)
def test_calibrations_filter(client, world, params, expected):
    response = client.get(CALIBRATIONS, params=params, headers=world.auth("auditor"))
    assert certificates(response) == expected


def test_calibrations_filter_by_item_and_laboratory(client, world):
    by_item = {"item": world.items["calibrator"]}
    by_lab = {"laboratory": world.orgs["NMI"]}
    auditor = world.auth("auditor")
    assert certificates(client.get(CALIBRATIONS, params=by_item, headers=auditor)) == {
        "NMI-2024-017"
    }
    assert certificates(client.get(CALIBRATIONS, params=by_lab, headers=auditor)) == {
        "NMI-2024-001",
        "NMI-2024-017",
    }


def test_calibrations_come_newest_first_in_pages(client, world):
    body = client.get(CALIBRATIONS, params={"limit": 2}, headers=world.auth("auditor")).json()
    assert body["count"] == 3
    assert [row["performed"] for row in body["data"]] == ["2024-06-01", "2024-03-01"]


# --- corrections and withdrawals ----------------------------------------------------------


def correct(client, world, user, body, if_match='"1"', key="dmm"):
    headers = world.auth(user)
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.patch(f"{CALIBRATIONS}/{world.calibrations[key]}", json=body, headers=headers)


def test_a_lab_corrects_its_calibration_with_a_reason(client, world):
    response = correct(client, world, "lab_a", {"reason": "typo", "operator": "J. Smith"})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    entry = json.loads(response.json()["receipt"]["entry"])
    assert (entry["action"], entry["note"]) == ("calibration.correct", "typo")
    assert entry["previous"] is not None


def test_a_correction_of_the_points_recomputes_the_summary(client, world):
    body = {"reason": "wrong U", "points": [point(u=1e-3)]}
    response = correct(client, world, "lab_a", body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["expanded_uncertainty"] == pytest.approx(2e-3)


def test_a_calibration_correction_with_a_stale_etag_is_412(client, world):
    assert correct(client, world, "lab_a", {"reason": "a"}).status_code == 200
    assert_problem(correct(client, world, "lab_a", {"reason": "b"}), 412, detail="version 2")


def test_a_calibration_correction_without_if_match_is_428(client, world):
    assert_problem(correct(client, world, "lab_a", {"reason": "a"}, if_match=None), 428)


def test_a_correction_needs_a_reason(client, world):
    problem = assert_problem(correct(client, world, "lab_a", {"operator": "x"}), 422)
    assert [e["field"] for e in problem["errors"]] == ["reason"]


@pytest.mark.parametrize("user", ["owner", "regulator", "auditor"])
def test_owners_regulators_and_auditors_correct_no_calibration(client, world, user):
    assert_problem(correct(client, world, user, {"reason": "x"}), 403)


def test_a_lab_corrects_no_other_labs_calibration(client, world):
    response = correct(client, world, "lab_a", {"reason": "x"}, key="calibrator")
    assert_problem(response, 403, detail="another organisation")


def test_a_lab_withdraws_its_calibration_with_a_reason(client, world):
    url = f"{CALIBRATIONS}/{world.calibrations['dmm']}/withdraw"
    response = client.post(url, json={"reason": "wrong standard"}, headers=world.auth("lab_a"))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "withdrawn"
    withdrawn = client.get(
        CALIBRATIONS, params={"status": "withdrawn"}, headers=world.auth("owner")
    )
    assert certificates(withdrawn) == {"LABA-2024-100"}
    assert_problem(
        correct(client, world, "lab_a", {"reason": "late"}, if_match='"2"'),
        409,
        detail="withdrawn",
    )


def test_a_withdrawal_needs_a_reason(client, world):
    url = f"{CALIBRATIONS}/{world.calibrations['dmm']}/withdraw"
    assert_problem(client.post(url, json={"reason": ""}, headers=world.auth("lab_a")), 422)
    assert_problem(client.post(url, json={"reason": "   "}, headers=world.auth("lab_a")), 422)
    assert_problem(client.post(url, headers=world.auth("lab_a")), 422)


@pytest.mark.parametrize("user", ["owner", "regulator", "auditor"])
def test_owners_regulators_and_auditors_withdraw_no_calibration(client, world, user):
    url = f"{CALIBRATIONS}/{world.calibrations['dmm']}/withdraw"
    assert_problem(client.post(url, json={"reason": "x"}, headers=world.auth(user)), 403)
