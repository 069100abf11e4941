"""Standards: registered by labs; an out-of-tolerance finding returns what must be recalled."""

from __future__ import annotations

import pytest

from .conftest import API, assert_problem, item_body

STANDARDS = f"{API}/standards"


def standard_body(**fields):
    return item_body(name="voltage reference", serial="VR-9", level="working", **fields)


def test_a_lab_registers_a_standard_without_naming_its_kind(client, world):
    response = client.post(STANDARDS, json=standard_body(), headers=world.auth("lab_b"))
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["kind"], data["level"], data["owner"]) == (
        "standard",
        "working",
        world.orgs["LABB"],
    )
    assert response.headers["location"] == f"{STANDARDS}/{data['id']}"


@pytest.mark.parametrize("user", ["owner", "regulator", "auditor"])
def test_only_labs_and_the_admin_register_standards(client, world, user):
    response = client.post(STANDARDS, json=standard_body(), headers=world.auth(user))
    assert_problem(response, 403, detail="may not register standards")


def test_a_standard_needs_a_standard_level(client, world):
    body = standard_body()
    body["level"] = "instrument"
    problem = assert_problem(client.post(STANDARDS, json=body, headers=world.auth("lab_b")), 422)
    assert problem["errors"][0]["field"] == "level"


def test_standards_are_listed_by_visibility(client, world):
    def listed(user):
        response = client.get(STANDARDS, headers=world.auth(user))
        assert response.status_code == 200
        return {row["serial"] for row in response.json()["data"]}

    assert listed("nmi") == {"JVS-1", "ZR-7", "MFC-42"}  # its own, and one shared with it
    assert listed("lab_a") == {"MFC-42"}
    assert listed("owner") == set()
    assert listed("regulator") == set()
    assert listed("auditor") == {"JVS-1", "ZR-7", "MFC-42"}


def test_an_instrument_is_not_a_standard(client, world):
    url = f"{STANDARDS}/{world.items['dmm']}"
    assert_problem(client.get(url, headers=world.auth("owner")), 404, detail="no standard")


def test_a_standard_is_not_corrected_through_instruments(client, world):
    response = client.patch(
        f"{API}/instruments/{world.items['calibrator']}",
        json={"location": "x"},
        headers={**world.auth("lab_a"), "If-Match": '"1"'},
    )
    assert_problem(response, 404, detail="no instrument")


def test_a_lab_corrects_its_standard(client, world):
    response = client.patch(
        f"{STANDARDS}/{world.items['calibrator']}",
        json={"location": "lab 2"},
        headers={**world.auth("lab_a"), "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'


def test_the_chain_of_a_reference_standard(client, world):
    response = client.get(
        f"{STANDARDS}/{world.items['calibrator']}/chain",
        params={"at": "2024-05-01"},
        headers=world.auth("lab_a"),
    )
    chain = response.json()
    assert chain["ok"] is True
    assert [link["level"] for link in chain["links"]][-1] == "si_realization"


def test_an_si_realization_is_its_own_chain(client, world):
    response = client.get(
        f"{STANDARDS}/{world.items['josephson']}/chain",
        params={"at": "2024-05-01"},
        headers=world.auth("nmi"),
    )
    assert response.json()["ok"] is True


def test_the_nmi_reports_its_standard_out_of_tolerance_and_gets_the_recall(client, world):
    response = client.post(
        f"{STANDARDS}/{world.items['zener']}/out-of-tolerance",
        json={"found": "2024-12-01", "reason": "drift of 3 uV found at the annual check"},
        headers=world.auth("nmi"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["data"]["status"], body["data"]["out_of_tolerance_since"]) == (
        "out_of_tolerance",
        "2024-12-01",
    )
    assert body["receipt"]["tree_size"] > body["receipt"]["leaf_index"]
    recall = body["recall"]
    assert recall["standard"] == str(world.items["zener"])
    assert set(recall["calibrations"]) == {
        str(world.calibrations["calibrator"]),
        str(world.calibrations["dmm"]),
    }
    assert {row["item"] for row in recall["items"]} == {
        str(world.items["calibrator"]),
        str(world.items["dmm"]),
    }
    chain = client.get(
        f"{API}/instruments/{world.items['dmm']}/chain",
        params={"at": "2024-09-01"},
        headers=world.auth("owner"),
    ).json()
    assert chain["ok"] is False


@pytest.mark.parametrize("user", ["auditor"])
def test_the_auditor_reports_nothing_out_of_tolerance(client, world, user):
    response = client.post(
        f"{STANDARDS}/{world.items['zener']}/out-of-tolerance",
        json={"found": "2024-12-01", "reason": "x"},
        headers=world.auth(user),
    )
    assert_problem(response, 403, detail="may not report a standard out of tolerance")


def test_a_lab_reports_no_other_labs_standard_out_of_tolerance(client, world):
    response = client.post(
        f"{STANDARDS}/{world.items['zener']}/out-of-tolerance",
        json={"found": "2024-12-01", "reason": "x"},
        headers=world.auth("lab_a"),
    )
    assert_problem(response, 404)


def test_an_out_of_tolerance_finding_needs_a_reason(client, world):
    response = client.post(
        f"{STANDARDS}/{world.items['zener']}/out-of-tolerance",
        json={"found": "2024-12-01", "reason": ""},
        headers=world.auth("nmi"),
    )
    assert_problem(response, 422, detail="field 'reason'")


def test_the_recall_list_of_a_standard(client, world):
    response = client.get(
        f"{STANDARDS}/{world.items['calibrator']}/recall",
        params={"found": "2024-12-01"},
        headers=world.auth("lab_a"),
    )
    assert response.status_code == 200, response.text
    recall = response.json()
    assert recall["found"] == "2024-12-01"
    assert recall["calibrations"] == [str(world.calibrations["dmm"])]
    assert [row["item"] for row in recall["items"]] == [str(world.items["dmm"])]


def test_the_recall_of_a_hidden_standard_is_404(client, world):
    url = f"{STANDARDS}/{world.items['zener']}/recall"
    assert_problem(
        client.get(url, params={"found": "2024-12-01"}, headers=world.auth("owner")), 404
    )
