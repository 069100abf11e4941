"""Meters in service in the data centre: the replace-when-inaccurate loop, access, lots.

The world (tests/api/conftest.py): owner B (a utility, user ``owner_b``) records remote
error estimates of its meters; lab A verifies removed meters; owner A, lab B, the
regulator and the auditor look on. A meter is an instrument whose serial is the meter
id of the feed and whose unit is ``\\percent`` (its error of indication).
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from sitrace.ledger import verify_receipt
from sitrace.ledger.receipt import Receipt
from sitrace.services import ledger as ledger_service
from sitrace.store import models as m

from .conftest import API, assert_problem

PERCENT = r"\percent"
WINDOW = "2025-03-31"
# area, meter, error_percent, u_percent, relative_error_percent, status, intervals_used
ROWS = [
    ("A01", "M-001", 3.1, 0.4, 2.9, "flagged", 2880),
    ("A01", "M-002", 0.1, 0.3, -0.1, "ok", 2880),
    ("A01", "M-003", None, None, None, "not_estimable", 40),
    ("A02", "M-004", -2.8, 0.5, -3.0, "flagged", 2880),
]
COLUMNS = (
    "area", "meter", "error_percent", "u_percent", "relative_error_percent", "status",
    "intervals_used",
)  # fmt: skip
AREAS = [
    {"area": "A01", "balance_anomaly": False, "anomaly_reason": ""},
    {"area": "A02", "balance_anomaly": True, "anomaly_reason": "fixed loss implausibly large"},
]


def _rows(rows=ROWS):
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def _post_estimates(client, world, user="owner_b", **body):
    body = {"window_end": WINDOW, "rows": _rows(), "areas": AREAS, **body}
    return client.post(f"{API}/meters/estimates", json=body, headers=world.auth(user))


def _register_meter(client, world, serial, user="owner_b"):
    body = {
        "name": "electricity meter",
        "serial": serial,
        "quantity": "error of indication",
        "unit": PERCENT,
        "mpe": 1.0,
        "accuracy_class": "1",
        "legal_control": True,
    }
    response = client.post(f"{API}/instruments", json=body, headers=world.auth(user))
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


def _alerts(client, world, user="owner_b", **params):
    response = client.get(f"{API}/meters/alerts", params=params, headers=world.auth(user))
    assert response.status_code == 200, response.text
    return response.json()


def _alert_of(client, world, meter):
    return next(a for a in _alerts(client, world)["data"] if a["meter"] == meter)


def _open_order(client, world, alert_id, lab="LABA", user="owner_b"):
    return client.post(
        f"{API}/meters/alerts/{alert_id}/work-orders",
        json={"laboratory": world.orgs[lab]},
        headers=world.auth(user),
    )


def _calibrate(client, world, item, value, u, *, certificate, user="lab_a", unit=PERCENT, **extra):
    """The laboratory's verification of the removed meter: its error in percent, standard u."""
    body = {
        "item": item,
        "certificate": certificate,
        "kind": "verification",
        "performed": "2025-04-10",
        "valid_until": "2031-04-10",
        "points": [{"value": value, "unit": unit, "uncertainty": u, "coverage_factor": 2}],
        **extra,
    }
    response = client.post(f"{API}/calibrations", json=body, headers=world.auth(user))
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


def _verify(client, world, order_id, calibration_id, user="lab_a", **extra):
    return client.post(
        f"{API}/meters/work-orders/{order_id}/verification",
        json={"calibration": calibration_id, **extra},
        headers=world.auth(user),
    )


def _ledger(datacentre):
    with datacentre.reading() as session:
        return ledger_service.verify(session, datacentre.verifier)


def _count(datacentre, model):
    with datacentre.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_estimates_become_one_alert_per_flagged_meter_and_per_anomalous_area(
    client, world, datacentre
):
    item = _register_meter(client, world, "M-001")
    response = _post_estimates(client, world, mpe_percent={"M-004": 2.0})
    assert response.status_code == 201, response.text
    body = response.json()
    assert verify_receipt(Receipt.from_dict(body["receipt"]), datacentre.verifier).ok
    created = {(a["kind"], a["meter"] or a["area"]): a for a in body["created"]}
    assert set(created) == {("meter", "M-001"), ("meter", "M-004"), ("area", "A02")}
    first = created[("meter", "M-001")]
    assert first["owner"] == world.orgs["OWNB"] and first["item"] == item
    assert (first["error_percent"], first["u_percent"], first["mpe_percent"]) == (3.1, 0.4, 1.0)
    assert first["status"] == "open" and first["window_end"] == WINDOW
    assert first["intervals_used"] == 2880 and "MPE ±1 %" in first["reason"]
    assert created[("meter", "M-004")]["item"] is None  # not registered (yet)
    assert created[("meter", "M-004")]["mpe_percent"] == 2.0
    area = created[("area", "A02")]
    assert area["meter"] is None and area["error_percent"] is None
    assert area["reason"] == "fixed loss implausibly large"
    assert body["updated"] == [] and body["unchanged"] == []
    assert _ledger(datacentre).ok


def test_a_meter_keeps_one_open_alert_updated_by_later_windows(client, world):
    _post_estimates(client, world)
    again = _post_estimates(client, world)  # the same window: nothing new
    assert again.status_code == 200, again.text
    assert again.json()["created"] == [] and again.json()["updated"] == []
    assert {u["meter"] for u in again.json()["unchanged"]} == {"M-001", "M-004", None}
    rows = _rows([("A01", "M-001", 3.4, 0.3, 3.2, "flagged", 2880)])
    later = _post_estimates(client, world, window_end="2025-04-30", rows=rows, areas=[])
    body = later.json()
    assert [a["meter"] for a in body["updated"]] == ["M-001"]
    updated = body["updated"][0]
    assert (updated["error_percent"], updated["window_end"], updated["version"]) == (
        3.4,
        "2025-04-30",
        2,
    )
    assert _alerts(client, world, kind="meter")["count"] == 2


def test_a_work_order_is_in_its_owners_audit_trail(client, world):
    _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    order = _open_order(client, world, _alert_of(client, world, "M-001")["id"]).json()["data"]
    query = {"record_type": "work_order", "record_id": order["id"]}
    mine = client.get(f"{API}/audit", params=query, headers=world.auth("owner_b")).json()
    assert [e["action"] for e in mine["data"]] == ["work_order.create"]
    other = client.get(f"{API}/audit", params=query, headers=world.auth("owner")).json()
    assert other["count"] == 0


def test_the_replace_when_inaccurate_loop_validates_the_estimator(client, world, datacentre):
    item_1 = _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    item_4 = _register_meter(client, world, "M-004")  # registered after the flag
    alert_1 = _alert_of(client, world, "M-001")["id"]
    alert_4 = _alert_of(client, world, "M-004")["id"]

    opened = _open_order(client, world, alert_1)
    assert opened.status_code == 201, opened.text
    order_1 = opened.json()["data"]
    assert order_1["laboratory"] == world.orgs["LABA"] and order_1["item"] == item_1
    assert order_1["status"] == "open"
    order_4 = _open_order(client, world, alert_4).json()["data"]
    assert order_4["item"] == item_4  # found by serial when the order was opened
    assert _alert_of(client, world, "M-001")["status"] == "work_order"

    # lab A sees its orders and their alerts, and records each removed meter's verification
    orders = client.get(f"{API}/meters/work-orders", headers=world.auth("lab_a")).json()
    assert orders["count"] == 2
    cal_1 = _calibrate(client, world, item_1, 2.9, 0.1, certificate="LABA-M-001")
    cal_4 = _calibrate(client, world, item_4, 1.2, 0.1, certificate="LABA-M-004")

    verified = _verify(client, world, order_1["id"], cal_1)
    assert verified.status_code == 200, verified.text
    alert = verified.json()["data"]
    assert alert["status"] == "verified"
    assert alert["work_orders"][0]["status"] == "verified"
    assert alert["work_orders"][0]["calibration"] == cal_1
    check = alert["validation"]
    assert (check["error_estimate"], check["u_estimate"]) == (3.1, 0.4)
    assert (check["error_lab"], check["u_lab"]) == (2.9, 0.1)
    assert check["difference"] == pytest.approx(3.1 - 2.9, abs=1e-12)
    assert check["normalized"] == pytest.approx((3.1 - 2.9) / math.sqrt(0.4**2 + 0.1**2))
    assert check["agrees"] is True and check["calibration"] == cal_1

    check_4 = _verify(client, world, order_4["id"], cal_4).json()["data"]["validation"]
    assert check_4["normalized"] == pytest.approx((-2.8 - 1.2) / math.sqrt(0.5**2 + 0.1**2))
    assert check_4["agrees"] is False

    for user in ("owner_b", "regulator", "auditor", "lab_a"):
        summary = client.get(f"{API}/meters/validation", headers=world.auth(user)).json()
        assert summary["count"] == 2 and summary["agreeing"] == 1, user
        assert summary["share_agreeing"] == 0.5
        assert summary["mean_difference_percent"] == pytest.approx((0.2 - 4.0) / 2)
        assert summary["mean_abs_difference_percent"] == pytest.approx((0.2 + 4.0) / 2)
    nobody = client.get(f"{API}/meters/validation", headers=world.auth("owner")).json()
    assert nobody["count"] == 0 and nobody["share_agreeing"] is None

    again = _verify(client, world, order_1["id"], cal_1)
    assert "only an open order is verified" in assert_problem(again, 409)["detail"]
    report = _ledger(datacentre)
    assert report.ok and report.unlogged_records == []


def test_other_owners_and_unassigned_labs_do_not_see_alerts_or_orders(client, world):
    item = _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    alert = _alert_of(client, world, "M-001")["id"]
    order = _open_order(client, world, alert).json()["data"]["id"]
    cal = _calibrate(client, world, item, 2.9, 0.1, certificate="LABA-M-001")

    assert _alerts(client, world, user="owner")["count"] == 0
    assert_problem(client.get(f"{API}/meters/alerts/{alert}", headers=world.auth("owner")), 404)
    assert_problem(_open_order(client, world, alert, user="owner"), 404)
    # lab B is not assigned: it sees neither the order nor its alert
    assert _alerts(client, world, user="lab_b")["count"] == 0
    lab_b_orders = client.get(f"{API}/meters/work-orders", headers=world.auth("lab_b")).json()
    assert lab_b_orders["count"] == 0
    assert_problem(client.get(f"{API}/meters/alerts/{alert}", headers=world.auth("lab_b")), 404)
    assert_problem(_verify(client, world, order, cal, user="lab_b"), 404)
    # lab A sees only the alert it was assigned
    assert [a["meter"] for a in _alerts(client, world, user="lab_a")["data"]] == ["M-001"]
    # the owner does not verify its own meters
    assert_problem(_verify(client, world, order, cal, user="owner_b"), 403)


def test_regulators_and_auditors_read_every_alert_and_write_nothing(client, world):
    _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    alert = _alert_of(client, world, "M-001")["id"]
    for user in ("regulator", "auditor"):
        assert _alerts(client, world, user=user)["count"] == 3
        assert _alerts(client, world, user=user, kind="area", area="A02")["count"] == 1
        detail = client.get(f"{API}/meters/alerts/{alert}", headers=world.auth(user))
        assert detail.status_code == 200 and detail.headers["ETag"] == '"1"'
        owner = world.orgs["OWNB"]
        assert_problem(_post_estimates(client, world, user=user, owner=owner), 403)
        assert_problem(_open_order(client, world, alert, user=user), 403)
        lot = {**LOT, "owner": owner, "sample_results": _sample(0)}
        response = client.post(f"{API}/meters/lots", json=lot, headers=world.auth(user))
        assert_problem(response, 403)


def test_an_admin_records_estimates_for_a_named_owner(client, world):
    response = _post_estimates(client, world, user="admin")
    assert "must name the owner" in assert_problem(response, 422)["detail"]
    response = _post_estimates(client, world, user="admin", owner=world.orgs["LABA"])
    assert "no instrument owner" in assert_problem(response, 404)["detail"]
    response = _post_estimates(client, world, user="admin", owner=world.orgs["OWNB"])
    assert response.status_code == 201, response.text
    assert_problem(_post_estimates(client, world, user="owner", owner=world.orgs["OWNB"]), 422)


def _replace(row, **changes):
    data = dict(zip(COLUMNS, row, strict=True))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("position", "changes", "words"),
    [
        (1, {"status": "fine"}, "estimates row 1 (meter 'M-002'): field 'status' must be one of"),
        (0, {"u_percent": -0.1}, "(meter 'M-001'): field 'u_percent' must be >= 0, got -0.1"),
        (3, {"error_percent": None}, "row 3 (meter 'M-004'): field 'error_percent' must be a"),
        (1, {"intervals_used": -5}, "field 'intervals_used' must be an integer >= 0, got -5"),
        (2, {"meter": "M-001"}, "meter 'M-001' appears twice (rows 0 and 2)"),
        (2, {"meter": " "}, "estimates row 2: field 'meter' is required"),
    ],
)
def test_a_bad_row_is_refused_by_name_and_nothing_is_stored(
    client, world, datacentre, position, changes, words
):
    size = _ledger(datacentre).size
    rows = _rows()
    rows[position] = _replace(ROWS[position], **changes)
    problem = assert_problem(_post_estimates(client, world, rows=rows), 422)
    assert words in problem["detail"]
    assert _count(datacentre, m.MeterAlert) == 0
    assert _ledger(datacentre).size == size


def test_a_non_finite_number_is_refused_by_name(client, world, datacentre):
    body = (
        '{"window_end": "2025-03-31", "rows": [{"area": "A01", "meter": "M-001", '
        '"error_percent": 3.1, "u_percent": NaN, "status": "flagged"}]}'
    )
    response = client.post(
        f"{API}/meters/estimates",
        content=body,
        headers={**world.auth("owner_b"), "Content-Type": "application/json"},
    )
    problem = assert_problem(response, 422)
    assert (
        "(meter 'M-001'): field 'u_percent' must be a finite number, got nan" in problem["detail"]
    )
    assert _count(datacentre, m.MeterAlert) == 0


def test_an_area_flag_takes_no_work_order_and_a_meter_must_be_registered(client, world):
    _post_estimates(client, world)
    area = _alerts(client, world, kind="area")["data"][0]["id"]
    problem = assert_problem(_open_order(client, world, area), 422)
    assert "points to theft or topology, not to a meter" in problem["detail"]
    unregistered = _alert_of(client, world, "M-001")["id"]
    problem = assert_problem(_open_order(client, world, unregistered), 422)
    assert "meter 'M-001' is not registered as an instrument" in problem["detail"]
    _register_meter(client, world, "M-001")
    problem = assert_problem(_open_order(client, world, unregistered, lab="OWNA"), 404)
    assert "no laboratory" in problem["detail"]
    assert _open_order(client, world, unregistered).status_code == 201
    assert (
        "only an open alert"
        in assert_problem(_open_order(client, world, unregistered), 409)["detail"]
    )


def test_a_verification_must_be_the_assigned_labs_percent_result_for_the_meter(
    client, world, datacentre
):
    item = _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    alert = _alert_of(client, world, "M-001")["id"]
    order = _open_order(client, world, alert).json()["data"]["id"]
    # another item: lab A's calibration of owner A's multimeter
    other_item = _verify(client, world, order, world.calibrations["dmm"])
    assert "is of item" in assert_problem(other_item, 422)["detail"]
    # another laboratory: lab B's result for the meter, entered by an admin
    lab_b = _calibrate(
        client, world, item, 2.9, 0.1, certificate="LABB-M-001", user="admin",
        laboratory=world.orgs["LABB"],
    )  # fmt: skip
    other_lab = _verify(client, world, order, lab_b)
    assert "performed by another laboratory" in assert_problem(other_lab, 422)["detail"]
    # no point in percent: the error given as a fraction (\one)
    fraction = _calibrate(client, world, item, 0.029, 0.001, certificate="LABA-1", unit=r"\one")
    no_percent = _verify(client, world, order, fraction)
    assert r"has no point in \percent" in assert_problem(no_percent, 422)["detail"]
    # two points in percent: the one to compare must be named
    two = _calibrate(
        client, world, item, 2.9, 0.1, certificate="LABA-2",
        points=[
            {"nominal": 5, "value": 2.9, "unit": PERCENT, "uncertainty": 0.1},
            {"nominal": 100, "value": 3.0, "unit": PERCENT, "uncertainty": 0.1},
        ],
    )  # fmt: skip
    ambiguous = _verify(client, world, order, two)
    assert "name the one to compare (point)" in assert_problem(ambiguous, 422)["detail"]
    detail = client.get(f"{API}/meters/alerts/{alert}", headers=world.auth("owner_b")).json()
    assert detail["status"] == "work_order" and detail["validation"] is None
    chosen = _verify(client, world, order, two, point=1)
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["data"]["validation"]["error_lab"] == 3.0
    assert _ledger(datacentre).ok


LOT = {"manufacturer": "Acme", "model": "E1", "year": 2019, "size": 2000, "aql": "1.0"}


def _sample(nonconforming: int, n: int = 125) -> dict[str, bool]:
    return {f"S-{k:04d}": k >= nonconforming for k in range(n)}


@pytest.mark.parametrize(
    ("nonconforming", "accepted", "status"),
    [
        (2, True, "in_service"),
        (3, True, "inconclusive"),  # accepted (Ac 3), but the 95 % rule is not shown
        (4, False, "withdrawn"),  # Re 4
    ],
)
def test_a_lot_of_2000_at_level_ii_aql_1_is_decided_on_125_meters(
    client, world, datacentre, nonconforming, accepted, status
):
    body = {**LOT, "level": "II", "sample_results": _sample(nonconforming)}
    response = client.post(f"{API}/meters/lots", json=body, headers=world.auth("owner_b"))
    assert response.status_code == 201, response.text
    lot = response.json()["data"]
    plan = lot["plan"]
    assert (plan["code_letter"], plan["sample_size"], plan["acceptance"], plan["rejection"]) == (
        "K",
        125,
        3,
        4,
    )
    assert lot["decision"]["n_nonconforming"] == nonconforming
    assert lot["decision"]["accepted"] is accepted
    assert lot["status"] == status
    assert lot["decision"]["conformity"]["n_checked"] == 125
    listed = client.get(f"{API}/meters/lots", headers=world.auth("regulator")).json()
    assert [x["id"] for x in listed["data"]] == [lot["id"]]
    assert client.get(f"{API}/meters/lots", headers=world.auth("owner")).json()["count"] == 0
    assert _ledger(datacentre).ok


def test_a_lot_sample_of_the_wrong_size_is_refused(client, world, datacentre):
    body = {**LOT, "sample_results": _sample(0, n=124)}
    response = client.post(f"{API}/meters/lots", json=body, headers=world.auth("owner_b"))
    assert (
        "the plan inspects 125 meters, got 124 results" in assert_problem(response, 422)["detail"]
    )
    body = {**LOT, "aql": "1.1", "sample_results": _sample(0)}
    response = client.post(f"{API}/meters/lots", json=body, headers=world.auth("owner_b"))
    assert "unknown AQL '1.1'" in assert_problem(response, 422)["detail"]
    assert _count(datacentre, m.MeterLot) == 0
    body = {**LOT, "sample_results": _sample(0), "level": "II"}
    response = client.post(f"{API}/meters/lots", json=body, headers=world.auth("lab_a"))
    assert_problem(response, 403)


def test_an_owner_dismisses_an_alert_or_cancels_an_order_with_a_logged_reason(
    client, world, datacentre
):
    _register_meter(client, world, "M-001")
    _post_estimates(client, world)
    alert_1 = _alert_of(client, world, "M-001")["id"]
    alert_4 = _alert_of(client, world, "M-004")["id"]
    order = _open_order(client, world, alert_1).json()["data"]

    cancel = client.post(
        f"{API}/meters/work-orders/{order['id']}/cancel",
        json={"reason": "meter replaced by the owner before removal"},
        headers=world.auth("owner_b"),
    )
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["data"]["status"] == "cancelled"
    assert _alert_of(client, world, "M-001")["status"] == "open"
    again = client.post(
        f"{API}/meters/work-orders/{order['id']}/cancel",
        json={"reason": "twice"},
        headers=world.auth("owner_b"),
    )
    assert "only an open order can be cancelled" in assert_problem(again, 409)["detail"]

    def dismiss(alert, user="owner_b", reason="topology corrected"):
        return client.post(
            f"{API}/meters/alerts/{alert}/dismiss",
            json={"reason": reason},
            headers=world.auth(user),
        )

    assert_problem(dismiss(alert_4, user="regulator"), 403)
    assert_problem(dismiss(alert_4, reason=""), 422)
    done = dismiss(alert_4)
    assert done.status_code == 200, done.text
    assert done.json()["data"]["status"] == "dismissed"
    assert "only an open alert" in assert_problem(dismiss(alert_4), 409)["detail"]
    with datacentre.reading() as session:
        entries = session.execute(select(m.LedgerEntry.action, m.LedgerEntry.entry)).all()
        logged = b" ".join(entry for _action, entry in entries)
    assert b"meter replaced by the owner" in logged and b"topology corrected" in logged
    assert _ledger(datacentre).ok
