"""Instruments: who sees which (tenants, shares, legal control), writes, ETag/If-Match, chains."""

from __future__ import annotations

import pytest

from .conftest import API, VOLT, assert_problem, item_body

INSTRUMENTS = f"{API}/instruments"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["data"]}


# --- who reads what -------------------------------------------------------------------


def test_an_owner_lists_its_own_instruments(client, world):
    response = client.get(INSTRUMENTS, headers=world.auth("owner"))
    assert ids(response) == {world.items["dmm"], world.items["dmm2"]}
    assert response.json()["count"] == 2


def test_tenant_b_cannot_read_tenant_a_instrument(client, world):
    response = client.get(f"{INSTRUMENTS}/{world.items['dmm']}", headers=world.auth("owner_b"))
    assert_problem(response, 404, detail=f"no instrument with id {world.items['dmm']}")


def test_tenant_b_does_not_list_tenant_a_instruments(client, world):
    assert ids(client.get(INSTRUMENTS, headers=world.auth("owner_b"))) == {world.items["meter_b"]}


def test_a_missing_instrument_reads_like_a_hidden_one(client, world):
    hidden = client.get(f"{INSTRUMENTS}/{world.items['dmm']}", headers=world.auth("owner_b"))
    missing = client.get(f"{INSTRUMENTS}/99999", headers=world.auth("owner_b"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["title"] == missing.json()["title"]


def test_the_regulator_sees_only_instruments_under_legal_control(client, world):
    assert ids(client.get(INSTRUMENTS, headers=world.auth("regulator"))) == {world.items["dmm"]}
    hidden = client.get(f"{INSTRUMENTS}/{world.items['dmm2']}", headers=world.auth("regulator"))
    assert_problem(hidden, 404)


def test_the_auditor_and_the_admin_see_every_instrument(client, world):
    every = {world.items[k] for k in ("dmm", "dmm2", "meter_b")}
    assert ids(client.get(INSTRUMENTS, headers=world.auth("auditor"))) == every
    assert ids(client.get(INSTRUMENTS, headers=world.auth("admin"))) == every


def test_a_lab_sees_the_instruments_shared_with_it(client, world):
    assert ids(client.get(INSTRUMENTS, headers=world.auth("lab_a"))) == {world.items["dmm"]}
    assert ids(client.get(INSTRUMENTS, headers=world.auth("lab_b"))) == set()


def test_a_standard_is_not_an_instrument(client, world):
    response = client.get(f"{INSTRUMENTS}/{world.items['zener']}", headers=world.auth("auditor"))
    assert_problem(response, 404, detail="no instrument")


def test_an_instrument_has_its_version_as_etag(client, world):
    response = client.get(f"{INSTRUMENTS}/{world.items['dmm']}", headers=world.auth("owner"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert (body["serial"], body["legal_control"], body["version"]) == ("DMM-100", True, 1)


# --- filters and pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"legal_control": "true"}, {"dmm"}),
        ({"legal_control": "false"}, {"dmm2", "meter_b"}),
        ({"q": "bench"}, {"dmm2"}),
        ({"q": "dmm-1"}, {"dmm"}),
        ({"q": "%"}, set()),
        ({"quantity": "voltage"}, {"dmm", "dmm2", "meter_b"}),
        ({"quantity": "mass"}, set()),
        ({"status": "in_service"}, {"dmm", "dmm2", "meter_b"}),
        ({"status": "withdrawn"}, set()),
    ],
)
def test_instruments_filter(client, world, params, expected):
    response = client.get(INSTRUMENTS, params=params, headers=world.auth("auditor"))
    assert ids(response) == {world.items[k] for k in expected}


def test_instruments_filter_by_owner(client, world):
    params = {"owner": world.orgs["OWNB"]}
    response = client.get(INSTRUMENTS, params=params, headers=world.auth("auditor"))
    assert ids(response) == {world.items["meter_b"]}


def test_instruments_come_in_pages(client, world):
    first = client.get(INSTRUMENTS, params={"limit": 2}, headers=world.auth("auditor")).json()
    second = client.get(
        INSTRUMENTS, params={"limit": 2, "offset": 2}, headers=world.auth("auditor")
    ).json()
    assert (first["count"], first["offset"], first["limit"]) == (3, 0, 2)
    assert len(first["data"]) == 2 and len(second["data"]) == 1
    assert {r["id"] for r in first["data"] + second["data"]} == {
        world.items[k] for k in ("dmm", "dmm2", "meter_b")
    }


def test_the_default_page_is_50(client, world):
    body = client.get(INSTRUMENTS, headers=world.auth("auditor")).json()
    assert (body["offset"], body["limit"]) == (0, 50)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "many"}, {"offset": 2**70}],
)
def test_a_page_out_of_bounds_is_422(client, world, params):
    body = assert_problem(client.get(INSTRUMENTS, params=params, headers=world.auth("owner")), 422)
    assert body["errors"][0]["field"].startswith("query.")


@pytest.mark.parametrize("params", [{"status": "broken"}, {"legal_control": "perhaps"}])
def test_an_unknown_filter_value_is_422(client, world, params):
    assert_problem(client.get(INSTRUMENTS, params=params, headers=world.auth("owner")), 422)


# --- writes ---------------------------------------------------------------------------


def test_an_owner_registers_an_instrument(client, world):
    response = client.post(INSTRUMENTS, json=item_body(serial="NEW-1"), headers=world.auth("owner"))
    assert response.status_code == 201, response.text
    body = response.json()
    data = body["data"]
    assert (data["kind"], data["level"], data["owner"]) == (
        "instrument",
        "instrument",
        world.orgs["OWNA"],
    )
    assert response.headers["location"] == f"{INSTRUMENTS}/{data['id']}"
    assert response.headers["etag"] == '"1"'
    assert set(body["receipt"]) >= {"entry", "leaf_index", "tree_size", "proof", "checkpoint"}


@pytest.mark.parametrize("user", ["regulator", "auditor"])
def test_regulators_and_auditors_register_no_instrument(client, world, user):
    response = client.post(INSTRUMENTS, json=item_body(serial="NEW-1"), headers=world.auth(user))
    assert_problem(response, 403, detail="may not register instruments")


def test_an_owner_registers_no_instrument_for_another_owner(client, world):
    body = item_body(serial="NEW-1", owner=world.orgs["OWNB"])
    response = client.post(INSTRUMENTS, json=body, headers=world.auth("owner"))
    assert_problem(response, 403, detail="own organisation")


def test_the_admin_registers_an_instrument_for_an_owner(client, world):
    body = item_body(serial="NEW-1", owner=world.orgs["OWNB"])
    response = client.post(INSTRUMENTS, json=body, headers=world.auth("admin"))
    assert response.status_code == 201, response.text
    assert response.json()["data"]["owner"] == world.orgs["OWNB"]


def test_a_duplicate_serial_is_409(client, world):
    response = client.post(INSTRUMENTS, json=item_body(), headers=world.auth("owner"))
    assert_problem(response, 409, detail="serial 'DMM-100' is already registered")


def test_the_same_serial_of_another_owner_is_fine(client, world):
    response = client.post(INSTRUMENTS, json=item_body(), headers=world.auth("owner_b"))
    assert response.status_code == 201, response.text


def test_an_unknown_dsi_unit_is_422_naming_field_and_unit(client, world):
    body = item_body(serial="NEW-1", unit=r"\volts")
    problem = assert_problem(client.post(INSTRUMENTS, json=body, headers=world.auth("owner")), 422)
    assert "field 'unit'" in problem["detail"]
    assert r"\volts" in problem["detail"]


@pytest.mark.parametrize("field", ["mpe", "best_uncertainty"])
def test_a_nan_uncertainty_is_422(client, world, field):
    text = (
        '{"name": "m", "serial": "NAN-1", "quantity": "voltage", "unit": "\\\\volt", '
        f'"{field}": NaN}}'
    )
    response = client.post(
        INSTRUMENTS,
        content=text,
        headers={**world.auth("owner"), "Content-Type": "application/json"},
    )
    problem = assert_problem(response, 422, detail=f"field '{field}'")
    assert "finite" in problem["detail"]


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "-0.5"])
def test_an_infinite_or_negative_uncertainty_is_422(client, world, value):
    text = (
        '{"name": "m", "serial": "X-1", "quantity": "voltage", "unit": "\\\\volt", '
        f'"best_uncertainty": {value}}}'
    )
    response = client.post(
        INSTRUMENTS,
        content=text,
        headers={**world.auth("owner"), "Content-Type": "application/json"},
    )
    assert_problem(response, 422, detail="field 'best_uncertainty'")


def test_an_unknown_field_is_422_naming_it(client, world):
    body = item_body(serial="NEW-1", colour="red")
    problem = assert_problem(client.post(INSTRUMENTS, json=body, headers=world.auth("owner")), 422)
    assert [e["field"] for e in problem["errors"]] == ["colour"]
    assert problem["errors"][0]["type"] == "extra_forbidden"


def test_a_missing_field_is_422_naming_it(client, world):
    body = item_body(serial="NEW-1")
    del body["quantity"]
    problem = assert_problem(client.post(INSTRUMENTS, json=body, headers=world.auth("owner")), 422)
    assert [e["field"] for e in problem["errors"]] == ["quantity"]


def test_an_instrument_with_a_standard_level_is_422(client, world):
    body = item_body(serial="NEW-1", level="reference")
    assert_problem(client.post(INSTRUMENTS, json=body, headers=world.auth("owner")), 422)


def test_an_inverted_range_is_422(client, world):
    body = item_body(serial="NEW-1", range_low=10, range_high=1)
    assert_problem(
        client.post(INSTRUMENTS, json=body, headers=world.auth("owner")), 422, detail="range_low"
    )


# --- corrections with If-Match ----------------------------------------------------------


def patch(client, world, user, item, body, if_match):
    headers = world.auth(user)
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.patch(f"{INSTRUMENTS}/{world.items[item]}", json=body, headers=headers)


def test_a_correction_with_the_current_etag_succeeds(client, world):
    response = patch(client, world, "owner", "dmm", {"location": "hall 4"}, '"1"')
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert (body["data"]["location"], body["data"]["version"]) == ("hall 4", 2)
    assert json_entry(body["receipt"])["action"] == "item.correct"


def json_entry(receipt: dict) -> dict:
    import json

    return json.loads(receipt["entry"])


def test_a_correction_with_a_stale_etag_is_412(client, world):
    assert patch(client, world, "owner", "dmm", {"location": "hall 4"}, '"1"').status_code == 200
    response = patch(client, world, "owner", "dmm", {"location": "hall 5"}, '"1"')
    assert_problem(response, 412, detail="version 2")
    current = client.get(f"{INSTRUMENTS}/{world.items['dmm']}", headers=world.auth("owner"))
    assert current.json()["location"] == "hall 4"


def test_a_correction_without_if_match_is_428(client, world):
    response = patch(client, world, "owner", "dmm", {"location": "hall 4"}, None)
    assert_problem(response, 428, detail="If-Match")


@pytest.mark.parametrize("tag", ['W/"1"', "1x", '"one"', '"1", "2"'])
def test_a_correction_with_an_unusable_if_match_is_412(client, world, tag):
    assert_problem(patch(client, world, "owner", "dmm", {"location": "x"}, tag), 412)


def test_if_match_star_matches_any_version(client, world):
    assert patch(client, world, "owner", "dmm", {"location": "x"}, "*").status_code == 200


def test_the_auditor_corrects_nothing(client, world):
    response = patch(client, world, "auditor", "dmm", {"location": "x"}, '"1"')
    assert_problem(response, 403, detail="role 'auditor' may not change items")


def test_the_regulator_corrects_no_instrument_it_supervises(client, world):
    response = patch(client, world, "regulator", "dmm", {"legal_control": False}, '"1"')
    assert_problem(response, 403, detail="role 'regulator'")


def test_the_calibrating_lab_corrects_no_instrument_of_its_customer(client, world):
    response = patch(client, world, "lab_a", "dmm", {"location": "x"}, '"1"')
    assert_problem(response, 403, detail="another organisation")


def test_tenant_b_cannot_correct_tenant_a_instrument(client, world):
    assert_problem(patch(client, world, "owner_b", "dmm", {"location": "x"}, '"1"'), 404)


def test_a_correction_cannot_change_the_serial(client, world):
    response = patch(client, world, "owner", "dmm", {"serial": "OTHER"}, '"1"')
    assert_problem(response, 422, detail="field 'serial'")


# --- withdrawal and shares --------------------------------------------------------------


def test_an_owner_withdraws_an_instrument(client, world):
    response = client.post(
        f"{INSTRUMENTS}/{world.items['dmm2']}/withdraw",
        json={"on": "2025-01-31"},
        headers=world.auth("owner"),
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["status"], data["withdrawn_since"]) == ("withdrawn", "2025-01-31")
    listed = client.get(INSTRUMENTS, params={"status": "withdrawn"}, headers=world.auth("owner"))
    assert ids(listed) == {world.items["dmm2"]}


def test_a_withdrawal_without_a_body_is_dated_today(client, world):
    response = client.post(
        f"{INSTRUMENTS}/{world.items['dmm2']}/withdraw", headers=world.auth("owner")
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["withdrawn_since"] is not None


def test_a_withdrawal_with_a_stale_if_match_is_412(client, world):
    response = client.post(
        f"{INSTRUMENTS}/{world.items['dmm2']}/withdraw",
        headers={**world.auth("owner"), "If-Match": '"7"'},
    )
    assert_problem(response, 412)


@pytest.mark.parametrize("user", ["auditor", "regulator"])
def test_auditors_and_regulators_withdraw_nothing(client, world, user):
    response = client.post(f"{INSTRUMENTS}/{world.items['dmm']}/withdraw", headers=world.auth(user))
    assert_problem(response, 403)


def test_an_owner_shares_an_instrument_with_a_lab(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm2']}"
    assert_problem(client.get(url, headers=world.auth("lab_b")), 404)
    response = client.post(
        f"{url}/shares", json={"organisation": world.orgs["LABB"]}, headers=world.auth("owner")
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["organisation"] == world.orgs["LABB"]
    assert client.get(url, headers=world.auth("lab_b")).status_code == 200


def test_sharing_twice_is_409(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/shares"
    response = client.post(
        url, json={"organisation": world.orgs["LABA"]}, headers=world.auth("owner")
    )
    assert_problem(response, 409, detail="already shared")


@pytest.mark.parametrize("user", ["auditor", "regulator"])
def test_auditors_and_regulators_share_nothing(client, world, user):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/shares"
    response = client.post(url, json={"organisation": world.orgs["LABB"]}, headers=world.auth(user))
    assert_problem(response, 403, detail="may not share items")


def test_a_lab_cannot_reshare_its_customers_instrument(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/shares"
    response = client.post(
        url, json={"organisation": world.orgs["LABB"]}, headers=world.auth("lab_a")
    )
    assert_problem(response, 403, detail="another organisation")


def test_sharing_with_an_unknown_organisation_is_404(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/shares"
    response = client.post(url, json={"organisation": 9999}, headers=world.auth("owner"))
    assert_problem(response, 404, detail="no organisation")


# --- chains and calibrations ----------------------------------------------------------


def test_the_chain_of_a_calibrated_instrument_reaches_the_si(client, world):
    response = client.get(
        f"{INSTRUMENTS}/{world.items['dmm']}/chain",
        params={"at": "2024-09-01"},
        headers=world.auth("owner"),
    )
    assert response.status_code == 200, response.text
    chain = response.json()
    assert chain["ok"] is True
    assert chain["problems"] == []
    assert chain["steps"] == 3
    levels = [link["level"] for link in chain["links"]]
    assert levels == ["instrument", "reference", "national_primary", "si_realization"]


def test_the_chain_breaks_when_the_calibration_has_expired(client, world):
    response = client.get(
        f"{INSTRUMENTS}/{world.items['dmm']}/chain",
        params={"at": "2025-09-01"},
        headers=world.auth("regulator"),
    )
    chain = response.json()
    assert chain["ok"] is False
    assert "expired" in {p["code"] for p in chain["problems"]}


def test_the_chain_of_an_uncalibrated_instrument_is_broken(client, world):
    response = client.get(
        f"{INSTRUMENTS}/{world.items['dmm2']}/chain",
        params={"at": "2024-09-01"},
        headers=world.auth("owner"),
    )
    chain = response.json()
    assert chain["ok"] is False
    assert [p["code"] for p in chain["problems"]] == ["no_calibration"]


def test_the_chain_defaults_to_today(client, world):
    response = client.get(f"{INSTRUMENTS}/{world.items['dmm']}/chain", headers=world.auth("owner"))
    assert response.status_code == 200
    assert response.json()["at"] >= "2025-01-01"


def test_the_chain_of_a_hidden_instrument_is_404(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/chain"
    assert_problem(client.get(url, headers=world.auth("owner_b")), 404)


@pytest.mark.parametrize("at", ["yesterday", "2024-13-01", "2024-02-30"])
def test_a_chain_at_a_bad_date_is_422(client, world, at):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/chain"
    response = client.get(url, params={"at": at}, headers=world.auth("owner"))
    assert_problem(response, 422, detail="query.at")


def test_an_instrument_lists_its_calibrations(client, world):
    url = f"{INSTRUMENTS}/{world.items['dmm']}/calibrations"
    body = client.get(url, headers=world.auth("owner")).json()
    assert body["count"] == 1
    assert body["data"][0]["certificate"] == "LABA-2024-100"
    assert body["data"][0]["points"][0]["unit"] == VOLT
