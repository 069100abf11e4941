"""Comparisons in the data centre: register, submit, evaluate, scores and CMC flags.

The world (tests/api/conftest.py) has three voltage laboratories with CMCs
(expanded, in volt, 0 V to 1000 V): the NMI 1e-8, lab A 1e-6, lab B 1e-5.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sitrace.comparisons import (
    ParticipantResult,
    consensus_value,
    evaluate_participants,
    largest_consistent_subset,
    participants,
    procedure_a,
    sigma_pt_from_robust,
)
from sitrace.ledger import verify_receipt
from sitrace.ledger.receipt import Receipt
from sitrace.services import ledger as ledger_service
from sitrace.store import models as m

from .conftest import API, VOLT, assert_problem

KEY = {
    "code": "EURAMET.EM-K1.x",
    "title": "DC voltage 10 V, Zener standards",
    "kind": "key",
    "quantity": "voltage",
    "unit": VOLT,
    "nominal": 10.0,
    "method": "procedure-a",
}
# value, standard uncertainty: the NMI and lab A agree; lab B is 2.5 U(d) away
RESULTS = {
    "nmi": (10.0000001, 5e-8),
    "lab_a": (10.0000004, 4e-7),
    "lab_b": (10.00002, 4e-6),
}


def _create(client, world, body=None, user="nmi"):
    response = client.post(f"{API}/comparisons", json=body or KEY, headers=world.auth(user))
    assert response.status_code == 201, response.text
    return response.json()["data"]["id"]


def _submit(client, world, cid, user, value, u, unit=VOLT, **extra):
    body = {"value": value, "uncertainty": u, "unit": unit, **extra}
    return client.post(f"{API}/comparisons/{cid}/results", json=body, headers=world.auth(user))


def _run(client, world, body=None):
    cid = _create(client, world, body)
    for user, (value, u) in RESULTS.items():
        assert _submit(client, world, cid, user, value, u).status_code == 201
    return cid


def _evaluate(client, world, cid, user="nmi", **body):
    return client.post(f"{API}/comparisons/{cid}/evaluate", json=body, headers=world.auth(user))


def _ledger_ok(datacentre):
    with datacentre.reading() as session:
        return ledger_service.verify(session, datacentre.verifier).ok


def test_the_pilot_evaluates_by_procedure_a_and_every_result_gets_its_degree_of_equivalence(
    client, world, datacentre
):
    cid = _run(client, world)
    response = _evaluate(client, world, cid, evaluated_on="2025-01-15")
    assert response.status_code == 200, response.text
    body = response.json()
    assert verify_receipt(Receipt.from_dict(body["receipt"]), datacentre.verifier).ok
    detail = body["data"]
    expected = procedure_a(
        participants(["NMI", "LABA", "LABB"], *zip(*RESULTS.values(), strict=True))
    )
    outcome = detail["outcome"]
    assert detail["status"] == "evaluated" and detail["evaluated_on"] == "2025-01-15"
    assert outcome["reference_value"] == pytest.approx(expected.reference_value, rel=1e-15)
    assert outcome["reference_uncertainty"] == pytest.approx(expected.reference_uncertainty)
    assert outcome["chi2_observed"] == pytest.approx(expected.chi2_observed)
    assert outcome["consistent"] is False
    assert "Cox 2002, 5.1" in outcome["warnings"][0]
    scores = {r["code"]: r for r in detail["results"]}
    for lab in ("NMI", "LABA", "LABB"):
        doe = expected.doe(lab)
        assert scores[lab]["scores"]["d"] == pytest.approx(doe.d, abs=1e-15)
        assert scores[lab]["scores"]["U"] == pytest.approx(doe.U)
    assert [scores[lab]["evaluation"] for lab in ("NMI", "LABA", "LABB")] == [
        "equivalent",
        "equivalent",
        "not equivalent",
    ]
    assert _ledger_ok(datacentre)


def test_results_stay_confidential_until_the_comparison_is_evaluated(client, world):
    cid = _run(client, world)

    def codes(user):
        response = client.get(f"{API}/comparisons/{cid}", headers=world.auth(user))
        assert response.status_code == 200, response.text
        return sorted(r["code"] for r in response.json()["results"])

    assert codes("nmi") == ["LABA", "LABB", "NMI"]  # the pilot
    assert codes("lab_a") == ["LABA"]
    assert codes("auditor") == ["LABA", "LABB", "NMI"]
    regulator = client.get(f"{API}/comparisons/{cid}", headers=world.auth("regulator"))
    assert_problem(regulator, 404)
    assert _evaluate(client, world, cid).status_code == 200
    assert codes("lab_a") == ["LABA", "LABB", "NMI"]
    assert codes("regulator") == ["LABA", "LABB", "NMI"]


def test_owners_see_no_comparisons_and_other_labs_only_open_ones(client, world):
    cid = _run(client, world)
    listed = client.get(f"{API}/comparisons", headers=world.auth("owner"))
    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert_problem(client.get(f"{API}/comparisons/{cid}", headers=world.auth("owner")), 404)


def test_cmc_flags_name_why_a_result_does_not_support_the_cmc(client, world):
    cid = _run(client, world)
    _evaluate(client, world, cid)
    flags = client.get(f"{API}/comparisons/cmc-flags", headers=world.auth("admin")).json()
    by_lab = {f["laboratory"]: f["cmc"] for f in flags["data"]}
    assert set(by_lab) == {world.orgs["NMI"], world.orgs["LABB"]}
    nmi = by_lab[world.orgs["NMI"]]
    assert nmi["cmc"] == pytest.approx(1e-8) and nmi["demonstrated"] == pytest.approx(1e-7)
    assert "smaller than the expanded uncertainty" in nmi["reasons"][0]
    assert by_lab[world.orgs["LABB"]]["reasons"] == [
        "the result is not equivalent: |En| = 2.49 > 1"
    ]
    one = client.get(
        f"{API}/comparisons/cmc-flags",
        params={"laboratory": world.orgs["LABB"]},
        headers=world.auth("lab_b"),
    ).json()
    assert [f["laboratory"] for f in one["data"]] == [world.orgs["LABB"]]
    detail = client.get(f"{API}/comparisons/{cid}", headers=world.auth("lab_a")).json()
    lab_a = next(r for r in detail["results"] if r["code"] == "LABA")
    assert lab_a["cmc_supported"] is True and lab_a["cmc"]["reasons"] == []


def test_a_result_in_another_unit_is_converted_and_what_was_reported_is_kept(client, world):
    cid = _create(client, world)
    response = _submit(client, world, cid, "lab_b", 10000.02, 0.004, unit=r"\milli\volt")
    assert response.status_code == 201, response.text
    record = response.json()["data"]
    assert record["value"] == pytest.approx(10.00002, rel=1e-15)
    assert record["uncertainty"] == pytest.approx(4e-6, rel=1e-15)
    assert record["reported"] == {"value": 10000.02, "uncertainty": 0.004, "unit": r"\milli\volt"}


def test_the_pilot_may_reevaluate_by_the_largest_consistent_subset(client, world, datacentre):
    cid = _run(client, world)
    _evaluate(client, world, cid)
    response = _evaluate(client, world, cid, method="lcs")
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    expected = largest_consistent_subset(
        participants(["NMI", "LABA", "LABB"], *zip(*RESULTS.values(), strict=True))
    )
    assert detail["method"] == "lcs" and detail["version"] == 3
    assert detail["outcome"]["excluded"] == list(expected.excluded) == ["LABB"]
    assert detail["outcome"]["reference_value"] == pytest.approx(expected.reference_value)
    assert _ledger_ok(datacentre)


def test_a_proficiency_round_is_scored_against_the_algorithm_a_consensus(client, world):
    body = {
        "code": "PT-2025-V10",
        "title": "PT round: 10 V",
        "kind": "proficiency",
        "quantity": "voltage",
        "unit": VOLT,
        "nominal": 10.0,
        "method": "algorithm-a",
        "pilot": world.orgs["PLAT"],
    }
    cid = _create(client, world, body, user="admin")
    for user, (value, u) in RESULTS.items():
        assert _submit(client, world, cid, user, value, u).status_code == 201
    response = _evaluate(client, world, cid, user="admin")
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    values = [v for v, _ in RESULTS.values()]
    assigned = consensus_value(values)
    sigma = sigma_pt_from_robust(assigned.robust)
    expected = evaluate_participants(
        [
            ParticipantResult(lab, v, u, 2 * u)
            for lab, (v, u) in zip(["NMI", "LABA", "LABB"], RESULTS.values(), strict=True)
        ],
        assigned,
        sigma,
    )
    assert detail["outcome"]["assigned"]["value"] == pytest.approx(assigned.value)
    assert detail["outcome"]["sigma_pt"] == pytest.approx(sigma)
    for result in detail["results"]:
        score = next(s for s in expected.scores if s.participant == result["code"])
        assert result["scores"]["z"] == pytest.approx(score.z)
        assert result["evaluation"] == expected.evaluation(result["code"])


def test_a_laboratory_reports_once(client, world):
    cid = _create(client, world)
    assert _submit(client, world, cid, "lab_a", 10.0, 1e-6).status_code == 201
    problem = assert_problem(_submit(client, world, cid, "lab_a", 10.0, 1e-6), 409)
    assert "each laboratory reports once" in problem["detail"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("uncertainty", 0.0, "must be a finite number > 0, got 0.0"),
        ("uncertainty", -1e-6, "must be a finite number > 0, got -1e-06"),
        ("uncertainty", "NaN", "must be a finite number > 0, got nan"),
        ("unit", r"\metre", "does not convert"),
        ("unit", "volts", "unit"),
    ],
)
def test_a_bad_result_is_refused_by_name_and_nothing_is_stored(
    client, world, datacentre, field, value, words
):
    cid = _create(client, world)
    body = {"value": 10.0, "uncertainty": 1e-6, "unit": VOLT, field: value}
    response = client.post(
        f"{API}/comparisons/{cid}/results", json=body, headers=world.auth("lab_a")
    )
    problem = assert_problem(response, 422)
    assert words in str(problem)
    with datacentre.reading() as session:
        assert session.scalar(select(func.count()).select_from(m.ComparisonResult)) == 0


def test_a_result_without_a_unit_is_refused(client, world):
    cid = _create(client, world)
    response = client.post(
        f"{API}/comparisons/{cid}/results",
        json={"value": 10.0, "uncertainty": 1e-6},
        headers=world.auth("lab_a"),
    )
    assert "unit" in str(assert_problem(response, 422))


def test_one_result_cannot_be_evaluated_and_the_comparison_stays_open(client, world, datacentre):
    cid = _create(client, world)
    _submit(client, world, cid, "lab_a", 10.0, 1e-6)
    with datacentre.reading() as session:
        size = ledger_service.verify(session, datacentre.verifier).size
    problem = assert_problem(_evaluate(client, world, cid), 422)
    assert "needs at least 2 results, got 1" in problem["detail"]
    detail = client.get(f"{API}/comparisons/{cid}", headers=world.auth("nmi")).json()
    assert detail["status"] == "open" and detail["version"] == 1
    assert detail["results"][0]["evaluation"] is None
    with datacentre.reading() as session:
        assert ledger_service.verify(session, datacentre.verifier).size == size


def test_an_evaluated_comparison_takes_no_more_results(client, world):
    cid = _create(client, world)
    _submit(client, world, cid, "nmi", 10.0, 1e-7)
    _submit(client, world, cid, "lab_a", 10.0, 1e-6)
    assert _evaluate(client, world, cid).status_code == 200
    late = _submit(client, world, cid, "nmi", 10.0, 1e-5, laboratory=world.orgs["LABB"])
    assert "takes no more results" in assert_problem(late, 409)["detail"]
    # a laboratory outside an evaluated comparison does not see it at all
    assert_problem(_submit(client, world, cid, "lab_b", 10.0, 1e-5), 404)


def test_only_the_pilot_evaluates(client, world):
    cid = _run(client, world)
    assert_problem(_evaluate(client, world, cid, user="lab_a"), 403)


def test_excluding_a_laboratory_that_did_not_take_part_is_refused(client, world):
    cid = _run(client, world)
    problem = assert_problem(_evaluate(client, world, cid, exclude=[world.orgs["OWNA"]]), 422)
    assert "did not take part" in problem["detail"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"method": "algorithm-a"}, "a key comparison is evaluated by one of"),
        ({"kind": "proficiency", "method": "reference"}, "needs assigned_value"),
        ({"unit": "volts"}, "unit"),
    ],
)
def test_a_comparison_that_cannot_be_evaluated_as_registered_is_refused(
    client, world, change, words
):
    response = client.post(f"{API}/comparisons", json={**KEY, **change}, headers=world.auth("nmi"))
    assert words in str(assert_problem(response, 422))


def test_a_comparison_code_is_registered_once(client, world):
    _create(client, world)
    again = client.post(f"{API}/comparisons", json=KEY, headers=world.auth("lab_a"))
    assert_problem(again, 409)


def test_owners_and_regulators_do_not_register_comparisons(client, world):
    for user in ("owner", "regulator", "auditor"):
        response = client.post(f"{API}/comparisons", json=KEY, headers=world.auth(user))
        assert_problem(response, 403)


def test_an_evaluated_comparison_has_an_html_report_with_its_plots(client, world):
    cid = _run(client, world)
    not_yet = client.get(f"{API}/comparisons/{cid}/report", headers=world.auth("nmi"))
    assert "has not been evaluated" in assert_problem(not_yet, 409)["detail"]
    _evaluate(client, world, cid)
    report = client.get(f"{API}/comparisons/{cid}/report", headers=world.auth("lab_b"))
    assert report.status_code == 200, report.text
    assert report.headers["content-type"].startswith("text/html")
    page = report.text
    assert "EURAMET.EM-K1.x" in page and page.count("<svg") == 3
    assert all(code in page for code in ("NMI", "LABA", "LABB"))
    assert_problem(client.get(f"{API}/comparisons/{cid}/report", headers=world.auth("owner")), 404)
